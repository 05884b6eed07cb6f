package capture

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"

	"github.com/nlnwa/gowarc/v3"
	"github.com/qantar-project/qantar"
)

var (
	pngBytes = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89" +
		"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")
	cssBytes = []byte("body { color: #123; background: url(bg.png) }\n")
	jsBytes  = []byte("document.title = 'ran';\n")
)

// site serves an HTML page, an image, a stylesheet and a script, each
// with a header a capture must keep.
func site() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("X-Evidence", "page")
		fmt.Fprint(w, `<!doctype html><html><head><title>Arrests on Republic Square</title>
<link rel="stylesheet" href="/style.css"><script src="/app.js"></script></head>
<body><h1>Report</h1><img src="img/photo.png" alt="photo" srcset="img/photo.png 2x"><p onclick="x()">Text</p></body></html>`)
	})
	serve := func(path, ct string, b []byte) {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", ct)
			w.Header().Set("X-Evidence", path)
			w.Write(b)
		})
	}
	serve("/img/photo.png", "image/png", pngBytes)
	serve("/style.css", "text/css", cssBytes)
	serve("/app.js", "text/javascript", jsBytes)
	return mux
}

func capture(t *testing.T, u string, opt Options) ([]byte, *Result) {
	t.Helper()
	var buf bytes.Buffer
	res, err := Page(context.Background(), u, &buf, opt)
	if err != nil {
		t.Fatalf("capture %s: %v", u, err)
	}
	sum := sha256.Sum256(buf.Bytes())
	if res.SHA256 != hex.EncodeToString(sum[:]) || res.Size != int64(buf.Len()) {
		t.Fatalf("result says %s %d, the WACZ is %x %d", res.SHA256, res.Size, sum, buf.Len())
	}
	return buf.Bytes(), res
}

// records reads every record of the WACZ's WARC: type, target, WARC
// headers, and the block as bytes.
type rec struct {
	typ     gowarc.RecordType
	target  string
	headers *gowarc.WarcFields
	block   string
}

func records(t *testing.T, wacz []byte) []rec {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(wacz), int64(len(wacz)))
	if err != nil {
		t.Fatal(err)
	}
	f, err := z.Open("archive/data.warc.gz")
	if err != nil {
		t.Fatal(err)
	}
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	wf, err := gowarc.NewWarcFileReaderFromStream(gz, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []rec
	for {
		r, err := wf.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := r.WarcRecord.Block().RawBytes()
		b, _ := io.ReadAll(raw)
		out = append(out, rec{r.WarcRecord.Type(), r.WarcRecord.WarcHeader().Get(gowarc.WarcTargetURI), r.WarcRecord.WarcHeader(), string(b)})
	}
}

func TestCaptureHoldsEveryResource(t *testing.T) {
	srv := httptest.NewServer(site())
	defer srv.Close()
	wacz, res := capture(t, srv.URL+"/", Options{AllowPrivate: true})
	if res.Title != "Arrests on Republic Square" {
		t.Errorf("title %q", res.Title)
	}
	rs := records(t, wacz)
	want := map[string][]byte{"/": nil, "/img/photo.png": pngBytes, "/style.css": cssBytes, "/app.js": jsBytes}
	for path, body := range want {
		var req, resp, meta bool
		for _, r := range rs {
			if r.target != srv.URL+path {
				continue
			}
			switch r.typ {
			case gowarc.Request:
				req = strings.HasPrefix(r.block, "GET "+path+" HTTP/1.1\r\n")
			case gowarc.Response:
				resp = strings.HasPrefix(r.block, "HTTP/1.1 200 OK\r\n") && strings.Contains(r.block, "X-Evidence: ") &&
					(body == nil || strings.HasSuffix(r.block, "\r\n\r\n"+string(body))) && r.headers.Get(gowarc.WarcIPAddress) == "127.0.0.1"
			case gowarc.Metadata:
				meta = strings.Contains(r.block, `"fetch_time"`) && strings.Contains(r.block, `"ip_address": "127.0.0.1"`)
			}
		}
		if !req || !resp || !meta {
			t.Errorf("%s: request %v, response with headers and body %v, metadata %v", path, req, resp, meta)
		}
	}
	checkDatapackage(t, wacz)
}

// checkDatapackage holds the WACZ's datapackage.json to the sizes and
// SHA-256 of its files, and the digest file to the datapackage.
func checkDatapackage(t *testing.T, wacz []byte) {
	t.Helper()
	z, _ := zip.NewReader(bytes.NewReader(wacz), int64(len(wacz)))
	read := func(name string) []byte {
		f, err := z.Open(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		b, _ := io.ReadAll(f)
		return b
	}
	dpb := read("datapackage.json")
	var dp struct {
		Version   string `json:"wacz_version"`
		Resources []resource
	}
	if err := json.Unmarshal(dpb, &dp); err != nil || dp.Version != "1.1.1" || len(dp.Resources) != 3 {
		t.Fatalf("datapackage %s: %v", dpb, err)
	}
	for _, r := range dp.Resources {
		b := read(r.Path)
		if sha256Digest(b) != r.Hash || int64(len(b)) != r.Bytes {
			t.Errorf("%s: datapackage says %s %d, the file is %s %d", r.Path, r.Hash, r.Bytes, sha256Digest(b), len(b))
		}
	}
	var dg struct{ Path, Hash string }
	if err := json.Unmarshal(read("datapackage-digest.json"), &dg); err != nil || dg.Hash != sha256Digest(dpb) {
		t.Errorf("datapackage-digest %+v: %v", dg, err)
	}
	if !strings.Contains(string(read("pages/pages.jsonl")), `"format":"json-pages-1.0"`) {
		t.Error("pages.jsonl lacks its header")
	}
}

func TestCaptureTLSChain(t *testing.T) {
	srv := httptest.NewTLSServer(site())
	defer srv.Close()
	pool := srv.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs
	wacz, _ := capture(t, srv.URL+"/", Options{AllowPrivate: true, RootCAs: pool})
	want := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}))
	n := 0
	for _, r := range records(t, wacz) {
		if r.typ != gowarc.Metadata {
			continue
		}
		var m map[string]string
		if err := json.Unmarshal([]byte(r.block), &m); err != nil {
			t.Fatal(err)
		}
		if m["tls_certificate_chain_pem"] != want {
			t.Errorf("%s: chain %q, want the server's certificate", r.target, m["tls_certificate_chain_pem"])
		}
		n++
	}
	if n != 4 {
		t.Errorf("%d metadata records, want 4", n)
	}
}

func TestReplayServesCaptureAsItWas(t *testing.T) {
	srv := httptest.NewServer(site())
	defer srv.Close()
	wacz, _ := capture(t, srv.URL+"/", Options{AllowPrivate: true})
	const prefix = "/captures/abc/"
	h, err := Replay(bytes.NewReader(wacz), int64(len(wacz)), prefix)
	if err != nil {
		t.Fatal(err)
	}
	get := func(path string) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
		if w.Code != 200 {
			t.Fatalf("%s: %d", path, w.Code)
		}
		if w.Header().Get("Content-Security-Policy") != CSP {
			t.Errorf("%s: CSP %q", path, w.Header().Get("Content-Security-Policy"))
		}
		return w
	}
	raw := func(u string) string { return prefix + "raw?url=" + url.QueryEscape(u) }
	for path, body := range map[string][]byte{"/img/photo.png": pngBytes, "/style.css": cssBytes} {
		if w := get(raw(srv.URL + path)); !bytes.Equal(w.Body.Bytes(), body) {
			t.Errorf("%s replayed as %q, captured %q", path, w.Body.Bytes(), body)
		}
	}
	orig, _ := http.Get(srv.URL + "/")
	ob, _ := io.ReadAll(orig.Body)
	orig.Body.Close()
	if w := get(raw(srv.URL + "/")); !bytes.Equal(w.Body.Bytes(), ob) {
		t.Error("the raw page differs from what the server sent")
	}
	page := get(prefix).Body.String()
	for _, want := range []string{`src="` + strings.ReplaceAll(raw(srv.URL+"/img/photo.png"), "&", "&amp;") + `"`, "Report"} {
		if !strings.Contains(page, want) {
			t.Errorf("viewer page lacks %s:\n%s", want, page)
		}
	}
	for _, never := range []string{"<script", "onclick", "srcset", srv.URL + "/img"} {
		if strings.Contains(page, never) {
			t.Errorf("viewer page holds %s:\n%s", never, page)
		}
	}
}

func TestPrivateRefusedWithoutAllow(t *testing.T) {
	srv := httptest.NewServer(site())
	defer srv.Close()
	port := srv.URL[strings.LastIndex(srv.URL, ":")+1:]
	for _, u := range []string{srv.URL + "/", "http://localhost:" + port + "/"} {
		_, err := Page(context.Background(), u, io.Discard, Options{})
		if !errors.Is(err, ErrNotPublic) {
			t.Errorf("%s: %v, want ErrNotPublic", u, err)
		}
	}
	for _, u := range []string{"file:///etc/passwd", "ftp://example.org/", "gopher://x/"} {
		if _, err := Page(context.Background(), u, io.Discard, Options{}); !errors.Is(err, ErrScheme) {
			t.Errorf("%s: %v, want ErrScheme", u, err)
		}
	}
}

func TestPublic(t *testing.T) {
	for _, a := range []string{"127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1",
		"224.0.0.1", "0.0.0.0", "::", "::1", "fd00::1", "fe80::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "2002:a00:1::", "255.255.255.255"} {
		if Public(netip.MustParseAddr(a)) {
			t.Errorf("%s is taken as public", a)
		}
	}
	for _, a := range []string{"8.8.8.8", "93.184.216.34", "2a00:1450:4001:80b::200e", "::ffff:8.8.8.8"} {
		if !Public(netip.MustParseAddr(a)) {
			t.Errorf("%s is taken as not public", a)
		}
	}
}

func TestRedirectLoopRefused(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/again", http.StatusFound)
	}))
	defer srv.Close()
	_, err := Page(context.Background(), srv.URL+"/", io.Discard, Options{AllowPrivate: true})
	if !errors.Is(err, ErrTooManyRedirects) {
		t.Fatalf("%v, want ErrTooManyRedirects", err)
	}
}

// TestRedirectToPrivateRefused: a "public" server (the only address the
// test's rule allows) redirects to another on 127.0.0.1; the dial to it is
// refused, and so is the capture.
func TestRedirectToPrivateRefused(t *testing.T) {
	inner := httptest.NewServer(site())
	defer inner.Close()
	outer := httptest.NewServer(http.RedirectHandler(inner.URL+"/", http.StatusFound))
	defer outer.Close()
	allowed := netip.MustParseAddrPort(strings.TrimPrefix(outer.URL, "http://"))
	opt := Options{allow: func(ap netip.AddrPort) bool { return ap == allowed }}
	_, err := Page(context.Background(), outer.URL+"/", io.Discard, opt)
	if !errors.Is(err, ErrNotPublic) {
		t.Fatalf("%v, want ErrNotPublic", err)
	}
	// The same rule lets the outer page be captured when it does not redirect.
	direct := httptest.NewServer(site())
	defer direct.Close()
	allowed = netip.MustParseAddrPort(strings.TrimPrefix(direct.URL, "http://"))
	if _, err := Page(context.Background(), direct.URL+"/", io.Discard, opt); err != nil {
		t.Fatalf("allowed address: %v", err)
	}
}

func TestSizeLimit(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write(bytes.Repeat([]byte("a"), 4096))
	}))
	defer srv.Close()
	_, err := Page(context.Background(), srv.URL+"/", io.Discard, Options{AllowPrivate: true, MaxResponse: 1000})
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("%v, want ErrTooLarge", err)
	}
}

func zipWith(t *testing.T, name string, method uint16, body []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	w, err := z.CreateHeader(&zip.FileHeader{Name: name, Method: method})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(body)
	z.Close()
	return buf.Bytes()
}

func TestZipBombRefused(t *testing.T) {
	zeros := make([]byte, 16<<20)
	// A ZIP entry that expands 1000 times.
	bomb := zipWith(t, "archive/data.warc.gz", zip.Deflate, zeros)
	if _, err := Replay(bytes.NewReader(bomb), int64(len(bomb)), "/"); !errors.Is(err, ErrBomb) {
		t.Errorf("zip entry bomb: %v, want ErrBomb", err)
	}
	// A stored WARC whose gzip expands 1000 times.
	var gz bytes.Buffer
	g, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	g.Write(zeros)
	g.Close()
	bomb = zipWith(t, "archive/data.warc.gz", zip.Store, gz.Bytes())
	if _, err := Replay(bytes.NewReader(bomb), int64(len(bomb)), "/"); !errors.Is(err, ErrBomb) {
		t.Errorf("gzip bomb: %v, want ErrBomb", err)
	}
	// An entry over the size limit, whatever its ratio.
	small := zipWith(t, "archive/data.warc.gz", zip.Store, make([]byte, 4096))
	if _, err := Open(bytes.NewReader(small), int64(len(small)), Limits{MaxEntry: 1000, MaxExpanded: 1 << 20, MaxRatio: 200}); !errors.Is(err, ErrBomb) {
		t.Errorf("entry over the limit: %v, want ErrBomb", err)
	}
	if _, err := Replay(strings.NewReader("not a zip"), 9, "/"); !errors.Is(err, ErrNotWACZ) {
		t.Errorf("garbage: %v, want ErrNotWACZ", err)
	}
}

// TestErrorSaysItsSubject: a refusal is a *qantar.Error with its named
// error's code, whose catalogue key names the address and the named error.
func TestErrorSaysItsSubject(t *testing.T) {
	_, err := Page(context.Background(), "http://127.0.0.1:9/", io.Discard, Options{})
	var e *qantar.Error
	if !errors.As(err, &e) || e.Code != qantar.EINVALID || e.Format != "%s: %s" || len(e.Args) != 2 ||
		e.Args[0] != "http://127.0.0.1:9/" || e.Args[1] != ErrNotPublic || !errors.Is(err, ErrNotPublic) {
		t.Fatalf("%#v", e)
	}
}

// TestIndexPointsAtResponses: each line of indexes/index.cdx gives the
// offset and length of a gzip member of data.warc.gz that holds the
// response record for its URL, as replay tools read it.
func TestIndexPointsAtResponses(t *testing.T) {
	srv := httptest.NewServer(site())
	defer srv.Close()
	wacz, _ := capture(t, srv.URL+"/", Options{AllowPrivate: true})
	z, _ := zip.NewReader(bytes.NewReader(wacz), int64(len(wacz)))
	read := func(name string) []byte {
		f, err := z.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(f)
		return b
	}
	warc, lines := read("archive/data.warc.gz"), strings.Split(strings.TrimSpace(string(read("indexes/index.cdx"))), "\n")
	if len(lines) != 4 {
		t.Fatalf("%d index lines, want 4:\n%s", len(lines), strings.Join(lines, "\n"))
	}
	for _, line := range lines {
		parts := strings.SplitN(line, " ", 3)
		var e struct{ URL, Offset, Length string }
		if len(parts) != 3 || json.Unmarshal([]byte(parts[2]), &e) != nil {
			t.Fatalf("index line %q", line)
		}
		var off, n int
		fmt.Sscan(e.Offset, &off)
		fmt.Sscan(e.Length, &n)
		gz, err := gzip.NewReader(bytes.NewReader(warc[off : off+n]))
		if err != nil {
			t.Fatalf("%s: %v", e.URL, err)
		}
		gz.Multistream(false)
		rec, _ := io.ReadAll(gz)
		if !strings.Contains(string(rec), "WARC-Type: response\r\n") || !strings.Contains(string(rec), "WARC-Target-URI: "+e.URL+"\r\n") {
			t.Errorf("%s: the index points at\n%.300s", e.URL, rec)
		}
		if !strings.HasPrefix(parts[0], "127.0.0.1:") {
			t.Errorf("surt %q", parts[0])
		}
	}
}

func TestSURT(t *testing.T) {
	for in, want := range map[string]string{
		"https://www.Example.org/News/A?b=C": "org,example)/news/a?b=c",
		"http://tengrinews.kz:8080/":         "kz,tengrinews:8080)/",
		"https://10.0.0.1/x":                 "10.0.0.1)/x",
	} {
		if got := surt(in); got != want {
			t.Errorf("surt(%s) = %s, want %s", in, got, want)
		}
	}
}
