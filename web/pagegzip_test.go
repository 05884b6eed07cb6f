package web_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
)

// A kept anonymous page is given gzip-compressed to a browser that accepts
// it, the same bytes once decompressed, with Vary: Accept-Encoding; a reader
// that refuses gzip (q=0) or does not ask gets it plain; a signed-in
// reader's answer is never compressed (it is not kept: no secret page is
// compressed beside what an attacker could inject).
func TestPagesGzip(t *testing.T) {
	f := newPagesFixture(t)
	f.person(t, "Synthetic Gzip Person", qantar.Public)
	for _, path := range []string{"/", "/stats", "/persons", "/api/v1/stats"} {
		plain := f.get(path)
		if plain.Code != 200 || plain.Header().Get("Content-Encoding") != "" {
			t.Fatalf("%s without Accept-Encoding: %d %q", path, plain.Code, plain.Header().Get("Content-Encoding"))
		}
		z := f.get(path, "Accept-Encoding", "br, gzip;q=0.8")
		if z.Header().Get("Content-Encoding") != "gzip" || !strings.Contains(z.Header().Get("Vary"), "Accept-Encoding") {
			t.Fatalf("%s with gzip accepted: Content-Encoding %q Vary %q", path, z.Header().Get("Content-Encoding"), z.Header().Get("Vary"))
		}
		zr, err := gzip.NewReader(bytes.NewReader(z.Body.Bytes()))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		got, err := io.ReadAll(zr)
		if err != nil || !bytes.Equal(got, plain.Body.Bytes()) {
			t.Fatalf("%s: the decompressed answer differs from the plain one (%v)", path, err)
		}
		if z.Body.Len() >= plain.Body.Len() || z.Header().Get("ETag") != plain.Header().Get("ETag") {
			t.Fatalf("%s: %d compressed bytes for %d, ETag %q against %q", path, z.Body.Len(), plain.Body.Len(), z.Header().Get("ETag"), plain.Header().Get("ETag"))
		}
		if r := f.get(path, "Accept-Encoding", "gzip;q=0, identity"); r.Header().Get("Content-Encoding") != "" {
			t.Fatalf("%s: gzip refused with q=0 was sent anyway", path)
		}
		if v := f.get(path, "Authorization", "Bearer "+f.viewer, "Accept-Encoding", "gzip"); v.Header().Get("Content-Encoding") != "" {
			t.Fatalf("%s: a viewer's answer was compressed", path)
		}
	}
}
