package capture

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"os"
	"strings"
	"time"

	"golang.org/x/net/html"
)

// Resource is one response recorded in a capture.
type Resource struct {
	URL       string
	Status    int
	MediaType string
	Size      int64  // of the body
	SHA256    string // of the body
	IP        string // the address dialled
	Location  string // where a redirect pointed
	Err       error  // a resource of the page that could not be captured
}

// Result says what a capture holds.
type Result struct {
	URL       string // as asked
	FinalURL  string // after redirects
	Title     string
	Time      time.Time // when the page was fetched
	Resources []Resource
	SHA256    string // of the WACZ written
	Size      int64  // of the WACZ written
}

// Page captures the page at rawURL with its resources and writes them to
// out as a WACZ file. The page itself must be captured whole (any error
// fails the capture, and nothing of it is worth keeping); a resource that
// fails is recorded in Result.Resources with its error, and the rest goes on.
func Page(ctx context.Context, rawURL string, out io.Writer, opt Options) (*Result, error) {
	opt = opt.withDefaults()
	u, err := checkURL(rawURL)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, opt.Timeout)
	defer cancel()
	tmp, err := os.CreateTemp("", "qantar-capture-*.warc.gz")
	if err != nil {
		return nil, err
	}
	defer func() { tmp.Close(); os.Remove(tmp.Name()) }()
	c := &capturer{opt: opt, client: opt.client(), w: newWarcWriter(tmp)}
	defer c.client.CloseIdleConnections()
	if err := c.w.info(); err != nil {
		return nil, err
	}
	res := &Result{URL: rawURL, Time: time.Now().UTC()}
	final, body, err := c.get(ctx, u, res)
	if err != nil {
		return nil, err
	}
	res.FinalURL = final.String()
	links, title := resourcesOf(final, body)
	res.Title = title
	for _, l := range links {
		var r Result
		if _, _, err := c.get(ctx, l, &r); err != nil {
			if ctx.Err() != nil {
				return nil, fetchError(l.String(), ctx.Err())
			}
			r.Resources = append(r.Resources, Resource{URL: l.String(), Err: err})
		}
		res.Resources = append(res.Resources, r.Resources...)
	}
	if err := c.w.flush(); err != nil {
		return nil, err
	}
	page := pageEntry{URL: res.FinalURL, Title: title, TS: res.Time}
	if err := writeWACZ(out, tmp, c.w.index, page, res); err != nil {
		return nil, err
	}
	return res, nil
}

type capturer struct {
	opt    Options
	client *http.Client
	w      *warcWriter
	total  int64
}

// get fetches u, following and recording up to MaxRedirects redirects,
// and returns the final address and its body.
func (c *capturer) get(ctx context.Context, u *url.URL, res *Result) (*url.URL, []byte, error) {
	for hop := 0; ; hop++ {
		r, body, err := c.fetch(ctx, u)
		if err != nil {
			return nil, nil, err
		}
		res.Resources = append(res.Resources, r)
		if r.Location == "" {
			return u, body, nil
		}
		if hop >= c.opt.MaxRedirects {
			return nil, nil, fail(fmt.Sprint(u), ErrTooManyRedirects, nil)
		}
		next, err := u.Parse(r.Location)
		if err != nil {
			return nil, nil, fail(fmt.Sprintf("%q", r.Location), ErrScheme, nil)
		}
		if u, err = checkURL(next.String()); err != nil {
			return nil, nil, err
		}
	}
}

// fetch makes one request, records it with its response and metadata, and
// returns the response's body.
func (c *capturer) fetch(ctx context.Context, u *url.URL) (Resource, []byte, error) {
	var ip string
	trace := &httptrace.ClientTrace{GotConn: func(i httptrace.GotConnInfo) {
		if host, _, err := net.SplitHostPort(i.Conn.RemoteAddr().String()); err == nil {
			ip = host
		}
	}}
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace), http.MethodGet, u.String(), nil)
	if err != nil {
		return Resource{}, nil, fail(fmt.Sprint(u), ErrScheme, nil)
	}
	req.Header.Set("User-Agent", c.opt.UserAgent)
	req.Header.Set("Accept", "*/*")
	req.Header.Set("Accept-Encoding", "identity")
	resp, err := c.client.Do(req)
	if err != nil {
		return Resource{}, nil, fetchError(u.String(), err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, c.opt.MaxResponse+1))
	if err != nil {
		return Resource{}, nil, fetchError(u.String(), err)
	}
	if int64(len(body)) > c.opt.MaxResponse {
		return Resource{}, nil, fail(fmt.Sprint(u), ErrTooLarge, fmt.Sprintf("%d bytes", c.opt.MaxResponse))
	}
	if c.total += int64(len(body)); c.total > c.opt.MaxTotal {
		return Resource{}, nil, fail(fmt.Sprint(u), ErrTooLarge, fmt.Sprintf("%d bytes in all", c.opt.MaxTotal))
	}
	sum := sha256.Sum256(body)
	r := Resource{URL: u.String(), Status: resp.StatusCode, MediaType: resp.Header.Get("Content-Type"),
		Size: int64(len(body)), SHA256: hex.EncodeToString(sum[:]), IP: ip}
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		r.Location = resp.Header.Get("Location")
	}
	if err := c.w.exchange(req, resp, body, ip, time.Now().UTC()); err != nil {
		return Resource{}, nil, err
	}
	return r, body, nil
}

// chainPEM is the certificate chain the server presented, as PEM.
func chainPEM(resp *http.Response) string {
	if resp.TLS == nil {
		return ""
	}
	var b bytes.Buffer
	for _, cert := range resp.TLS.PeerCertificates {
		pem.Encode(&b, &pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})
	}
	return b.String()
}

// resourcesOf lists what an HTML page loads (img src, link rel=stylesheet
// or icon href, script src), resolved against its address, each once, and
// the page's title.
func resourcesOf(base *url.URL, body []byte) ([]*url.URL, string) {
	seen := map[string]bool{base.String(): true}
	var out []*url.URL
	var title string
	add := func(ref string) {
		ref = strings.TrimSpace(ref)
		if ref == "" || strings.HasPrefix(ref, "data:") {
			return
		}
		u, err := base.Parse(ref)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
			return
		}
		u.Fragment = ""
		if !seen[u.String()] {
			seen[u.String()] = true
			out = append(out, u)
		}
	}
	z := html.NewTokenizer(bytes.NewReader(body))
	inTitle := false
	for {
		switch z.Next() {
		case html.ErrorToken:
			return out, strings.TrimSpace(title)
		case html.TextToken:
			if inTitle && title == "" {
				title = string(z.Text())
			}
		case html.EndTagToken:
			inTitle = false
		case html.StartTagToken, html.SelfClosingTagToken:
			t := z.Token()
			inTitle = t.Data == "title"
			switch t.Data {
			case "img", "script":
				add(attr(t, "src"))
			case "link":
				if rel := strings.ToLower(attr(t, "rel")); strings.Contains(rel, "stylesheet") || strings.Contains(rel, "icon") {
					add(attr(t, "href"))
				}
			}
		}
	}
}

func attr(t html.Token, name string) string {
	for _, a := range t.Attr {
		if a.Key == name {
			return a.Val
		}
	}
	return ""
}

// isHTML says whether a Content-Type names an HTML document.
func isHTML(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mt == "text/html" || mt == "application/xhtml+xml")
}
