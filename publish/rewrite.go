package publish

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/url"
	"strings"

	"golang.org/x/net/html"
)

// page is one HTML page being written: its language and its file.
type page struct {
	lang string
	file string   // relative to the language's root
	base *url.URL // the site URL it was rendered from
}

// path is a file of a language relative to the mirror's root.
func (m *mirror) path(lang, file string) string { return m.prefix(lang) + file }

// rewriteOpts are changes to a page beyond its links.
type rewriteOpts struct {
	main  []byte // replaces what <main> holds
	title string // replaces the <title>
	h1    *string
}

// rewrite turns a page the site rendered into the mirror's page: every
// internal link points at a file of the mirror, relative to this one; the
// forms (search, filters) are taken out; the language switch, a form that
// posts, becomes a link per language to this same page in it; and the
// footer says that this is a mirror and links to the mirror's page. found
// is told of every page and file the links need.
//
// It works token by token (x/net/html's tokenizer) and copies every other
// token as the site wrote it, so that the page stays the site's page.
func (m *mirror) rewrite(body []byte, pg page, found func(target), o rewriteOpts) ([]byte, error) {
	r := &rewriter{m: m, pg: pg, self: m.path(pg.lang, pg.file), found: found, o: o}
	r.out.Grow(len(body) + 512)
	z := html.NewTokenizer(bytes.NewReader(body))
	var raw []byte
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			if errors.Is(z.Err(), io.EOF) {
				break
			}
			return nil, z.Err()
		}
		raw = append(raw[:0], z.Raw()...)
		keep := false
		switch tt {
		case html.StartTagToken, html.SelfClosingTagToken:
			r.startTag(z, raw)
		case html.EndTagToken:
			keep = r.endTag(z, raw)
		case html.TextToken:
			keep = r.text(z, raw)
		default:
			keep = r.skip == ""
		}
		if keep {
			r.out.Write(raw)
		}
	}
	if r.skip != "" {
		return nil, fmt.Errorf("<%s> is not closed", r.skip)
	}
	return r.out.Bytes(), nil
}

// rewriter is one page being rewritten, token by token.
type rewriter struct {
	m     *mirror
	pg    page
	self  string // the page's file in the mirror
	found func(target)
	o     rewriteOpts
	out   bytes.Buffer
	skip  string     // the element whose end tag ends what is left out
	langs bool       // in the language switch
	code  string     // the language of the button being read
	links []langLink // the language switch's languages, read so far
	inH1  bool
}

// langLink is a language of the switch: its code and its name.
type langLink struct{ code, name string }

// startTag writes a start tag: as it is, with its links rewritten, or not
// at all when it is left out.
func (r *rewriter) startTag(z *html.Tokenizer, raw []byte) {
	if !linkTags[tagName(raw)] {
		// No link, nothing to change: most of a page's tags.
		if r.skip == "" {
			r.out.Write(raw)
		}
		return
	}
	tok := z.Token()
	if r.skip != "" {
		if r.langs && tok.Data == "button" && attrOf(tok, "name") == "lang" && contains(r.m.langs, attrOf(tok, "value")) {
			r.code = attrOf(tok, "value")
			r.links = append(r.links, langLink{code: r.code})
		}
		return
	}
	switch tok.Data {
	case "form":
		r.skip, r.langs = "form", hasClassTok(tok, "langs")
		return
	case "main", "title":
		if (tok.Data == "main" && r.o.main != nil) || (tok.Data == "title" && r.o.title != "") {
			r.out.Write(raw)
			r.skip = tok.Data
			return
		}
	case "h1":
		r.inH1 = r.o.h1 != nil && *r.o.h1 == ""
	}
	changed := false
	for i, a := range tok.Attr {
		switch a.Key {
		case "href", "src", "action", "formaction":
			if v := r.m.link(r.self, r.pg, a.Val, r.found); v != a.Val {
				tok.Attr[i].Val, changed = v, true
			}
		}
	}
	if changed {
		r.out.WriteString(tok.String())
	} else {
		r.out.Write(raw)
	}
}

// endTag writes what an end tag ends or adds (the language links, the
// mirror's style and footer line); keep says to write the tag itself.
func (r *rewriter) endTag(z *html.Tokenizer, raw []byte) (keep bool) {
	name, _ := z.TagName()
	tag := string(name)
	if r.skip != "" {
		r.endSkipped(tag, raw)
		return false
	}
	switch tag {
	case "head":
		fmt.Fprintf(&r.out, `<link rel="stylesheet" href="%s">`+"\n", html.EscapeString(relPath(r.self, mirrorCSS)))
	case "footer":
		footer := msg(r.pg.lang, "Read-only mirror, published %s; log checkpoint: %d entries.", r.m.published, r.m.size)
		fmt.Fprintf(&r.out, `<p class="mirror">%s <a href="%s">%s</a></p>`+"\n", html.EscapeString(footer),
			html.EscapeString(relPath(r.self, r.m.path(r.pg.lang, MirrorPage))), html.EscapeString(msg(r.pg.lang, "About this mirror and how to check it")))
	case "h1":
		r.inH1 = false
	}
	return true
}

// endSkipped reads an end tag inside what is left out: the end of the
// language switch writes its links, the end of a replaced <main> or
// <title> writes what replaces it.
func (r *rewriter) endSkipped(tag string, raw []byte) {
	if tag == "button" {
		r.code = ""
	}
	if tag != r.skip {
		return
	}
	switch r.skip {
	case "form":
		if r.langs {
			r.writeLangs()
		}
		r.skip, r.langs, r.links = "", false, nil
		return
	case "main":
		r.out.Write(r.o.main)
	case "title":
		r.out.WriteString(html.EscapeString(r.o.title))
	}
	r.skip = ""
	r.out.Write(raw)
}

// writeLangs writes the language switch as a link per language to this
// same page in it.
func (r *rewriter) writeLangs() {
	r.out.WriteString(`<nav class="langs">`)
	for i, l := range r.links {
		if i > 0 {
			r.out.WriteByte(' ')
		}
		cur := ""
		if l.code == r.pg.lang {
			cur = ` class="current" aria-current="true"`
		}
		fmt.Fprintf(&r.out, `<a href="%s" hreflang="%s" lang="%s"%s>%s</a>`, html.EscapeString(relPath(r.self, r.m.path(l.code, r.pg.file))),
			l.code, l.code, cur, html.EscapeString(strings.TrimSpace(l.name)))
	}
	r.out.WriteString(`</nav>`)
}

// text writes a text token unless it is left out; inside the language
// switch it is a language's name.
func (r *rewriter) text(z *html.Tokenizer, raw []byte) (keep bool) {
	if r.skip != "" {
		if r.langs && len(r.links) > 0 && r.code != "" {
			r.links[len(r.links)-1].name += string(z.Text())
		}
		return false
	}
	if r.inH1 {
		*r.o.h1 += string(html.UnescapeString(string(raw)))
	}
	return true
}

// linkTags are the tags rewrite looks into: those that may carry a link
// (href, src, action, formaction), and those it changes.
var linkTags = map[string]bool{
	"a": true, "area": true, "link": true, "img": true, "script": true, "iframe": true, "source": true, "track": true,
	"video": true, "audio": true, "embed": true, "input": true, "button": true, "use": true, "image": true,
	"form": true, "main": true, "title": true, "h1": true,
}

// tagName is the lower-case name of the tag a start tag's raw text opens.
func tagName(raw []byte) string {
	i := 1
	for i < len(raw) && raw[i] != ' ' && raw[i] != '>' && raw[i] != '/' && raw[i] != '\t' && raw[i] != '\n' && raw[i] != '\r' && raw[i] != '\f' {
		i++
	}
	return strings.ToLower(string(raw[1:i]))
}

// link maps one URL of a page. A path from the site's root maps the same
// from any page, so it is mapped (and its target queued) once.
func (m *mirror) link(self string, pg page, ref string, found func(target)) string {
	var t target
	rooted := strings.HasPrefix(ref, "/") && !strings.HasPrefix(ref, "//")
	if v, ok := m.links.Load(ref); rooted && ok {
		t = v.(target)
	} else {
		t = mapURL(pg.base, ref)
		if rooted {
			m.links.Store(ref, t)
		}
		if found != nil {
			found(t)
		}
	}
	var to string
	switch t.kind {
	case tLeave:
		return ref
	case tPage:
		to = m.path(pg.lang, t.file)
	case tShared:
		to = t.file
	case tReadOnly:
		to, t.frag = m.path(pg.lang, MirrorPage), ""
	}
	rel := relPath(self, to)
	if t.frag != "" {
		rel += "#" + t.frag
	}
	return rel
}

func attrOf(t html.Token, key string) string {
	for _, a := range t.Attr {
		if a.Key == key && a.Namespace == "" {
			return a.Val
		}
	}
	return ""
}

func hasClassTok(t html.Token, class string) bool {
	for _, c := range strings.Fields(attrOf(t, "class")) {
		if c == class {
			return true
		}
	}
	return false
}

// redirectStub is the page for a URL the site answers with a redirect: a
// link (and a refresh, for browsers that follow it) to where it goes.
func (m *mirror) redirectStub(pg page, location string, found func(target)) []byte {
	to := m.link(m.path(pg.lang, pg.file), pg, location, found)
	var b bytes.Buffer
	_ = redirectPage.Execute(&b, struct{ L, To string }{pg.lang, to})
	return b.Bytes()
}

var redirectPage = template.Must(template.New("").Parse(`<!doctype html><html lang="{{.L}}"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0; url={{.To}}"><title>Qantar</title></head><body><p><a href="{{.To}}">{{.To}}</a></p></body></html>`))
