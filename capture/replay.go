package capture

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/nlnwa/gowarc/v3"
	"golang.org/x/net/html"
)

// CSP is the policy every replayed response is served under: nothing but
// the capture's own images and stylesheets load, no script runs, no form
// posts, and the page is sandboxed.
const CSP = "default-src 'none'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; sandbox"

// Limits bound what a replay reads from a WACZ, so that an archive that
// expands to far more than its size (a zip bomb) is refused, not read.
type Limits struct {
	MaxEntry    int64 // uncompressed bytes of one ZIP entry
	MaxExpanded int64 // bytes of the WARC once its gzip is undone
	MaxRatio    int64 // expanded ÷ compressed, past which an entry or the WARC is a bomb
}

// DefaultLimits are the Limits of Replay.
var DefaultLimits = Limits{MaxEntry: 1 << 30, MaxExpanded: 256 << 20, MaxRatio: 200}

// captured is one response of a capture: its status, headers and body.
type captured struct {
	status int
	header http.Header
	body   []byte
}

// Archive is a WACZ read for replay: the responses it holds by URL and
// its main page.
type Archive struct {
	Main      string
	responses map[string]*captured
}

// Replay reads the WACZ in r (size bytes) and returns a handler serving it
// under prefix (e.g. "/captures/<sha256>/"): prefix itself is the main
// page, its HTML with the addresses of images and stylesheets pointed at
// the capture and its scripts removed; prefix + "raw?url=U" is the
// response captured for U, byte for byte. Every response carries CSP.
func Replay(r io.ReaderAt, size int64, prefix string) (http.Handler, error) {
	a, err := Open(r, size, DefaultLimits)
	if err != nil {
		return nil, err
	}
	return a.Handler(prefix), nil
}

// Open reads a WACZ within lim.
func Open(r io.ReaderAt, size int64, lim Limits) (*Archive, error) {
	z, err := zip.NewReader(r, size)
	if err != nil {
		return nil, fail("", ErrNotWACZ, err)
	}
	a := &Archive{responses: map[string]*captured{}}
	var warc, pages *zip.File
	for _, f := range z.File {
		if f.UncompressedSize64 > uint64(lim.MaxEntry) ||
			(f.UncompressedSize64 > 1<<20 && f.UncompressedSize64 > uint64(lim.MaxRatio)*max(f.CompressedSize64, 1)) {
			return nil, fail(fmt.Sprint(f.Name), ErrBomb, nil)
		}
		switch f.Name {
		case "archive/data.warc.gz":
			warc = f
		case "pages/pages.jsonl":
			pages = f
		}
	}
	if warc == nil {
		return nil, fail("", ErrNotWACZ, "no archive/data.warc.gz")
	}
	if pages != nil {
		b, err := readEntry(pages, lim)
		if err != nil {
			return nil, err
		}
		a.Main = mainPage(b)
	}
	if err := a.readWARC(warc, lim); err != nil {
		return nil, err
	}
	if a.Main == "" || a.responses[a.Main] == nil {
		return nil, fail("", ErrNotWACZ, "no main page")
	}
	return a, nil
}

// limited reads at most n bytes from r and fails with ErrBomb past them.
type limited struct {
	r    io.Reader
	n    int64
	name string
}

func (l *limited) Read(p []byte) (int, error) {
	if l.n <= 0 {
		return 0, fail(fmt.Sprint(l.name), ErrBomb, nil)
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	return n, err
}

func readEntry(f *zip.File, lim Limits) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, fail("", ErrNotWACZ, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(&limited{r: rc, n: lim.MaxEntry, name: f.Name})
	if err != nil {
		if errors.Is(err, ErrBomb) {
			return nil, err
		}
		return nil, fail(fmt.Sprint(f.Name), ErrNotWACZ, err)
	}
	return b, nil
}

func mainPage(jsonl []byte) string {
	for line := range strings.SplitSeq(string(jsonl), "\n") {
		var p struct{ URL string }
		if json.Unmarshal([]byte(line), &p) == nil && p.URL != "" {
			return p.URL
		}
	}
	return ""
}

// readWARC undoes the gzip of the WARC within MaxExpanded and MaxRatio and
// keeps each response by its target URL (the first of each).
func (a *Archive) readWARC(f *zip.File, lim Limits) error {
	rc, err := f.Open()
	if err != nil {
		return fail("", ErrNotWACZ, err)
	}
	defer rc.Close()
	gz, err := gzip.NewReader(&limited{r: rc, n: lim.MaxEntry, name: f.Name})
	if err != nil {
		return fail(fmt.Sprint(f.Name), ErrNotWACZ, err)
	}
	allowed := min(lim.MaxExpanded, max(int64(f.UncompressedSize64)*lim.MaxRatio, 1<<20))
	wf, err := gowarc.NewWarcFileReaderFromStream(&limited{r: gz, n: allowed, name: f.Name}, 0)
	if err != nil {
		return fail("", ErrNotWACZ, err)
	}
	defer wf.Close()
	for {
		rec, err := wf.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			if errors.Is(err, ErrBomb) {
				return err
			}
			return fail(fmt.Sprint(f.Name), ErrNotWACZ, err)
		}
		err = a.keep(rec.WarcRecord)
		rec.WarcRecord.Close()
		if err != nil {
			return err
		}
	}
}

func (a *Archive) keep(rec gowarc.WarcRecord) error {
	if rec.Type() != gowarc.Response {
		return nil
	}
	target := rec.WarcHeader().Get(gowarc.WarcTargetURI)
	block, ok := rec.Block().(gowarc.HttpResponseBlock)
	if !ok || a.responses[target] != nil {
		return nil
	}
	p, err := block.PayloadBytes()
	if err != nil {
		return fail("", ErrNotWACZ, err)
	}
	body, err := io.ReadAll(p)
	if err != nil {
		if errors.Is(err, ErrBomb) {
			return err
		}
		return fail("", ErrNotWACZ, err)
	}
	h := http.Header{}
	if hh := block.HttpHeader(); hh != nil {
		h = hh.Clone()
	}
	a.responses[target] = &captured{status: block.HttpStatusCode(), header: h, body: body}
	return nil
}

// Body returns the captured body of u and whether the capture holds it.
func (a *Archive) Body(u string) ([]byte, bool) {
	c := a.responses[u]
	if c == nil {
		return nil, false
	}
	return c.body, true
}

// Handler serves the archive under prefix (see Replay).
func (a *Archive) Handler(prefix string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", CSP)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		rest, ok := strings.CutPrefix(r.URL.Path, prefix)
		switch {
		case !ok:
			http.NotFound(w, r)
		case rest == "":
			a.serveMain(w, prefix)
		case rest == "raw":
			a.serveRaw(w, r, r.URL.Query().Get("url"))
		default:
			http.NotFound(w, r)
		}
	})
}

func (a *Archive) serveRaw(w http.ResponseWriter, r *http.Request, u string) {
	c := a.responses[u]
	if c == nil {
		http.NotFound(w, r)
		return
	}
	ct := c.header.Get("Content-Type")
	if ct == "" {
		ct = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Length", fmt.Sprint(len(c.body)))
	if c.status >= 300 && c.status < 400 {
		w.WriteHeader(http.StatusOK) // the redirect is shown, not followed
	}
	w.Write(c.body)
}

func (a *Archive) serveMain(w http.ResponseWriter, prefix string) {
	c := a.responses[a.Main]
	if !isHTML(c.header.Get("Content-Type")) {
		w.Header().Set("Content-Type", c.header.Get("Content-Type"))
		w.Write(c.body)
		return
	}
	base, _ := url.Parse(a.Main)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(rewrite(c.body, base, func(u string) string { return prefix + "raw?url=" + url.QueryEscape(u) }, a.responses))
}

// rewrite re-emits an HTML page with the images and stylesheets it loads
// pointed at the capture (those it holds), srcset dropped, and scripts removed.
func rewrite(body []byte, base *url.URL, local func(string) string, have map[string]*captured) []byte {
	var out bytes.Buffer
	bw := bufio.NewWriter(&out)
	z := html.NewTokenizer(bytes.NewReader(body))
	inScript := false
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			bw.Flush()
			return out.Bytes()
		}
		t := z.Token()
		if t.Data == "script" {
			inScript = tt == html.StartTagToken
			continue
		}
		if inScript {
			continue
		}
		if tt == html.StartTagToken || tt == html.SelfClosingTagToken {
			t.Attr = rewriteAttrs(t, base, local, have)
		}
		bw.WriteString(t.String())
	}
}

func rewriteAttrs(t html.Token, base *url.URL, local func(string) string, have map[string]*captured) []html.Attribute {
	attrs := t.Attr[:0:0]
	for _, at := range t.Attr {
		if at.Key == "srcset" || strings.HasPrefix(at.Key, "on") {
			continue
		}
		if (t.Data == "img" && at.Key == "src") || (t.Data == "link" && at.Key == "href") {
			if u, err := base.Parse(strings.TrimSpace(at.Val)); err == nil {
				u.Fragment = ""
				if have[u.String()] != nil {
					at.Val = local(u.String())
				}
			}
		}
		attrs = append(attrs, at)
	}
	return attrs
}
