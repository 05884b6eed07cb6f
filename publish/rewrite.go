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
	self := m.path(pg.lang, pg.file)
	z := html.NewTokenizer(bytes.NewReader(body))
	var out bytes.Buffer
	out.Grow(len(body) + 512)
	var raw []byte
	skip := ""      // the element whose end tag ends what is left out
	langs := false  // in the language switch
	var code string // the language of the button being read
	type langLink struct{ code, name string }
	var links []langLink
	inH1 := false
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			if errors.Is(z.Err(), io.EOF) {
				break
			}
			return nil, z.Err()
		}
		raw = append(raw[:0], z.Raw()...)
		switch tt {
		case html.StartTagToken, html.SelfClosingTagToken:
			if !linkTags[tagName(raw)] {
				// No link, nothing to change: most of a page's tags.
				if skip == "" {
					out.Write(raw)
				}
				continue
			}
			tok := z.Token()
			if skip != "" {
				if langs && tok.Data == "button" && attrOf(tok, "name") == "lang" && contains(m.langs, attrOf(tok, "value")) {
					code = attrOf(tok, "value")
					links = append(links, langLink{code: code})
				}
				continue
			}
			switch tok.Data {
			case "form":
				skip, langs = "form", hasClassTok(tok, "langs")
				continue
			case "main":
				if o.main != nil {
					out.Write(raw)
					skip = "main"
					continue
				}
			case "title":
				if o.title != "" {
					out.Write(raw)
					skip = "title"
					continue
				}
			case "h1":
				inH1 = o.h1 != nil && *o.h1 == ""
			}
			changed := false
			for i, a := range tok.Attr {
				switch a.Key {
				case "href", "src", "action", "formaction":
					if v := m.link(self, pg, a.Val, found); v != a.Val {
						tok.Attr[i].Val, changed = v, true
					}
				}
			}
			if changed {
				out.WriteString(tok.String())
			} else {
				out.Write(raw)
			}
			continue
		case html.EndTagToken:
			name, _ := z.TagName()
			tag := string(name)
			if skip != "" {
				if tag == "button" {
					code = ""
				}
				if tag != skip {
					continue
				}
				switch skip {
				case "form":
					if langs {
						out.WriteString(`<nav class="langs">`)
						for i, l := range links {
							if i > 0 {
								out.WriteByte(' ')
							}
							cur := ""
							if l.code == pg.lang {
								cur = ` class="current" aria-current="true"`
							}
							fmt.Fprintf(&out, `<a href="%s" hreflang="%s" lang="%s"%s>%s</a>`, html.EscapeString(relPath(self, m.path(l.code, pg.file))),
								l.code, l.code, cur, html.EscapeString(strings.TrimSpace(l.name)))
						}
						out.WriteString(`</nav>`)
					}
					skip, langs, links = "", false, nil
					continue
				case "main":
					out.Write(o.main)
				case "title":
					out.WriteString(html.EscapeString(o.title))
				}
				skip = ""
				out.Write(raw)
				continue
			}
			switch tag {
			case "head":
				fmt.Fprintf(&out, `<link rel="stylesheet" href="%s">`+"\n", html.EscapeString(relPath(self, mirrorCSS)))
			case "footer":
				footer := msg(pg.lang, "Read-only mirror, published %s; log checkpoint: %d entries.", m.published, m.size)
				fmt.Fprintf(&out, `<p class="mirror">%s <a href="%s">%s</a></p>`+"\n", html.EscapeString(footer),
					html.EscapeString(relPath(self, m.path(pg.lang, MirrorPage))), html.EscapeString(msg(pg.lang, "About this mirror and how to check it")))
			case "h1":
				inH1 = false
			}
		case html.TextToken:
			if skip != "" {
				if langs && len(links) > 0 && code != "" {
					links[len(links)-1].name += string(z.Text())
				}
				continue
			}
			if inH1 {
				*o.h1 += string(html.UnescapeString(string(raw)))
			}
		default:
			if skip != "" {
				continue
			}
		}
		out.Write(raw)
	}
	if skip != "" {
		return nil, fmt.Errorf("<%s> is not closed", skip)
	}
	return out.Bytes(), nil
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
