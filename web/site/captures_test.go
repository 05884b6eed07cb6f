package site_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/blob"
	"github.com/qantar-project/qantar/capture"
	"github.com/qantar-project/qantar/evidence"
)

// A web capture of a local page, added as a public file of a source,
// replays at /captures/{sha256}/ under a CSP that runs no script, its image
// byte for byte; a restricted capture is not replayed to an anonymous reader.
func TestCaptureReplayed(t *testing.T) {
	fx := newFilesFixture(t)
	img := pngBytes(t, "captured")
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/a.png" {
			w.Header().Set("Content-Type", "image/png")
			w.Write(img)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<html><head><title>Synthetic page</title></head><body><p>Synthetic capture text</p><img src="/a.png"><script>alert(1)</script></body></html>`))
	}))
	defer site.Close()
	var wacz bytes.Buffer
	if _, err := capture.Page(context.Background(), site.URL+"/", &wacz, capture.Options{AllowPrivate: true}); err != nil {
		t.Fatal(err)
	}
	files := &evidence.Files{Blobs: blob.Local(fx.dir), Recipients: fx.recipients, MaxSize: fx.maxSize}
	add := func(level string, data []byte) *qantar.File {
		f, err := files.Add(context.Background(), fx.db, qantar.System, evidence.Upload{SourceID: fx.source, Name: "page.wacz", Protection: level}, bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	pub := add(qantar.Public, wacz.Bytes())
	status, body, h := fx.fetch(t, "", "/captures/"+pub.SHA256+"/")
	if status != http.StatusOK || !bytes.Contains(body, []byte("Synthetic capture text")) || bytes.Contains(body, []byte("alert(1)")) {
		t.Fatalf("replay: %d %s", status, body)
	}
	if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "sandbox") {
		t.Errorf("replay CSP %q", csp)
	}
	if _, page, _ := fx.fetch(t, "", "/sources/"+itoa(fx.source)); !bytes.Contains(page, []byte(`href="/captures/`+pub.SHA256+`/"`)) {
		t.Error("the source page does not offer to replay its capture")
	}
	status, raw, _ := fx.fetch(t, "", "/captures/"+pub.SHA256+"/raw?url="+url.QueryEscape(site.URL+"/a.png"))
	if status != http.StatusOK || !bytes.Equal(raw, img) {
		t.Errorf("the captured image: %d, %d bytes, want the %d bytes served", status, len(raw), len(img))
	}
	// A restricted copy (other bytes: the same capture with a byte appended
	// to the zip's comment-free end is another file) is not replayed anonymously.
	hidden := add(qantar.Restricted, append(append([]byte{}, wacz.Bytes()...), 0))
	if status, _, _ := fx.fetch(t, "", "/captures/"+hidden.SHA256+"/"); status != http.StatusNotFound {
		t.Errorf("a restricted capture replayed to an anonymous reader: %d", status)
	}
	if status, _, _ := fx.fetch(t, "", "/captures/"+strings.Repeat("0", 64)+"/"); status != http.StatusNotFound {
		t.Errorf("an unknown capture: %d", status)
	}
}
