// Package htmltest asserts on HTML pages by CSS selector rather than by
// substring: a page test names the element it means ("the error page's
// heading", "the link to this person") and reads its text or attributes,
// so that a word elsewhere on the page cannot make it pass. Selectors are a
// small subset of CSS: type, #id, .class, [attr], [attr=v], [attr^=v],
// [attr*=v] in compounds, joined by descendant (space) and child (>)
// combinators, and lists of them (a, b).
package htmltest

import (
	"fmt"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// Parse parses a page; the test stops if it is not HTML.
func Parse(t testing.TB, body string) *html.Node {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatalf("not HTML: %v", err)
	}
	return doc
}

// Find returns the elements under n that match selector, in document
// order; a selector it cannot read is an error.
func Find(n *html.Node, selector string) ([]*html.Node, error) {
	sels, err := parseList(selector)
	if err != nil {
		return nil, err
	}
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(c *html.Node) {
		if c.Type == html.ElementNode {
			for _, s := range sels {
				if s.match(c) {
					out = append(out, c)
					break
				}
			}
		}
		for k := c.FirstChild; k != nil; k = k.NextSibling {
			walk(k)
		}
	}
	walk(n)
	return out, nil
}

// All is Find for a test: a bad selector stops it.
func All(t testing.TB, n *html.Node, selector string) []*html.Node {
	t.Helper()
	found, err := Find(n, selector)
	if err != nil {
		t.Fatal(err)
	}
	return found
}

// One returns the one element that matches selector; the test stops when
// there is none or more than one.
func One(t testing.TB, n *html.Node, selector string) *html.Node {
	t.Helper()
	found := All(t, n, selector)
	if len(found) != 1 {
		t.Fatalf("%d elements match %q, want 1", len(found), selector)
	}
	return found[0]
}

// None fails the test for each element that matches selector.
func None(t testing.TB, n *html.Node, selector string) {
	t.Helper()
	for _, e := range All(t, n, selector) {
		t.Errorf("%q matches <%s> %q, want none", selector, e.Data, Text(e))
	}
}

// Texts returns the text of each element that matches selector.
func Texts(t testing.TB, n *html.Node, selector string) []string {
	t.Helper()
	var out []string
	for _, e := range All(t, n, selector) {
		out = append(out, Text(e))
	}
	return out
}

// Text is the text inside n, its runs of white space made one space.
func Text(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(c *html.Node) {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
		for k := c.FirstChild; k != nil; k = k.NextSibling {
			walk(k)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

// Attr is the value of n's attribute name, "" when it has none.
func Attr(n *html.Node, name string) string {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val
		}
	}
	return ""
}

// selector is a chain of compounds, the last one the element matched;
// child[i] says whether compound i+1 is a child of compound i (else a
// descendant).
type selector struct {
	parts []compound
	child []bool
}

type compound struct {
	tag     string // "" or "*": any
	id      string
	classes []string
	attrs   []attrTest
}

type attrTest struct {
	name, op, val string // op "": present; "=", "^=", "*="
}

func parseList(s string) ([]selector, error) {
	var out []selector
	for _, one := range strings.Split(s, ",") {
		sel, err := parseSelector(strings.TrimSpace(one))
		if err != nil {
			return nil, fmt.Errorf("selector %q: %w", s, err)
		}
		out = append(out, sel)
	}
	return out, nil
}

func parseSelector(s string) (selector, error) {
	var sel selector
	fields := strings.Fields(strings.ReplaceAll(s, ">", " > "))
	if len(fields) == 0 {
		return sel, fmt.Errorf("empty")
	}
	child := false
	for _, f := range fields {
		if f == ">" {
			if child || len(sel.parts) == 0 {
				return sel, fmt.Errorf("misplaced >")
			}
			child = true
			continue
		}
		c, err := parseCompound(f)
		if err != nil {
			return sel, err
		}
		if len(sel.parts) > 0 {
			sel.child = append(sel.child, child)
		}
		sel.parts = append(sel.parts, c)
		child = false
	}
	if child {
		return sel, fmt.Errorf("ends with >")
	}
	return sel, nil
}

// parseCompound reads tag#id.class[attr=v] (no spaces inside brackets).
func parseCompound(s string) (compound, error) {
	var c compound
	i := strings.IndexAny(s, "#.[")
	if i < 0 {
		i = len(s)
	}
	c.tag, s = s[:i], s[i:]
	for s != "" {
		switch s[0] {
		case '#', '.':
			j := strings.IndexAny(s[1:], "#.[")
			if j < 0 {
				j = len(s) - 1
			}
			name := s[1 : j+1]
			if name == "" {
				return c, fmt.Errorf("empty name after %q", s[0])
			}
			if s[0] == '#' {
				c.id = name
			} else {
				c.classes = append(c.classes, name)
			}
			s = s[j+1:]
		case '[':
			j := strings.IndexByte(s, ']')
			if j < 0 {
				return c, fmt.Errorf("unclosed [")
			}
			c.attrs = append(c.attrs, parseAttr(s[1:j]))
			s = s[j+1:]
		default:
			return c, fmt.Errorf("unexpected %q", s)
		}
	}
	return c, nil
}

func parseAttr(s string) attrTest {
	for _, op := range []string{"^=", "*=", "="} {
		if name, val, ok := strings.Cut(s, op); ok {
			return attrTest{name: name, op: op, val: strings.Trim(val, `"'`)}
		}
	}
	return attrTest{name: s}
}

func (c compound) match(n *html.Node) bool {
	if n.Type != html.ElementNode || (c.tag != "" && c.tag != "*" && c.tag != n.Data) {
		return false
	}
	if c.id != "" && Attr(n, "id") != c.id {
		return false
	}
	classes := strings.Fields(Attr(n, "class"))
	for _, want := range c.classes {
		if !contains(classes, want) {
			return false
		}
	}
	for _, a := range c.attrs {
		if !a.match(n) {
			return false
		}
	}
	return true
}

func (a attrTest) match(n *html.Node) bool {
	for _, at := range n.Attr {
		if at.Key != a.name {
			continue
		}
		switch a.op {
		case "=":
			return at.Val == a.val
		case "^=":
			return strings.HasPrefix(at.Val, a.val)
		case "*=":
			return strings.Contains(at.Val, a.val)
		}
		return true
	}
	return false
}

// match reports whether n matches the last compound and its ancestors the
// ones before it, as the combinators say.
func (s selector) match(n *html.Node) bool {
	return s.matchAt(n, len(s.parts)-1)
}

func (s selector) matchAt(n *html.Node, i int) bool {
	if !s.parts[i].match(n) {
		return false
	}
	if i == 0 {
		return true
	}
	if s.child[i-1] {
		return n.Parent != nil && s.matchAt(n.Parent, i-1)
	}
	for p := n.Parent; p != nil; p = p.Parent {
		if s.matchAt(p, i-1) {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
