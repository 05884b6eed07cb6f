package tsa

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/qantar-project/qantar/tsa/tsatest"
)

func digest(s string) []byte {
	d := sha256.Sum256([]byte(s))
	return d[:]
}

func TestStampAndVerify(t *testing.T) {
	srv := tsatest.Start(t)
	roots, err := Roots(srv.Chain)
	if err != nil {
		t.Fatal(err)
	}
	a := Authority{Name: "local", URL: srv.URL}
	down := Authority{Name: "down", URL: tsatest.Down(t)}
	d1, d2 := digest("video of 5 January"), digest("court ruling scan")
	before := time.Now().Add(-time.Minute)
	res := Stamp(context.Background(), [][]byte{d1, d2}, []Authority{a, down})
	if len(res) != 4 {
		t.Fatalf("%d results, want 4", len(res))
	}
	for _, r := range res {
		if r.Authority == "down" {
			if !errors.Is(r.Err, ErrUnavailable) || r.Token != nil {
				t.Errorf("down authority: %v, token %d bytes; want ErrUnavailable and no token", r.Err, len(r.Token))
			}
			continue
		}
		if r.Err != nil {
			t.Fatalf("%s: %v", r.Authority, r.Err)
		}
		at, err := Verify(r.Token, r.Digest, roots)
		if err != nil {
			t.Fatalf("verify: %v", err)
		}
		if self, err := VerifyStructure(r.Token, r.Digest); err != nil || !self.Equal(at) {
			t.Fatalf("verify without roots: %v at %v, want %v", err, self, at)
		}
		if !at.Equal(r.Time) || at.Before(before) || at.After(time.Now().Add(time.Minute)) {
			t.Errorf("token time %v, request said %v", at, r.Time)
		}
	}
	tok := res[0].Token
	if _, err := Verify(tok, d2, roots); !errors.Is(err, ErrWrongDigest) {
		t.Errorf("other digest: %v, want ErrWrongDigest", err)
	}
	bad := append([]byte(nil), tok...)
	bad[len(bad)-10] ^= 1 // in the signature
	if _, err := Verify(bad, d1, roots); !errors.Is(err, ErrInvalidToken) {
		t.Errorf("changed token: %v, want ErrInvalidToken", err)
	}
	if _, err := VerifyStructure(bad, d1); !errors.Is(err, ErrInvalidToken) {
		t.Errorf("changed token, no roots: %v, want ErrInvalidToken", err)
	}
	if _, err := VerifyStructure(tok, d2); !errors.Is(err, ErrWrongDigest) {
		t.Errorf("other digest, no roots: %v, want ErrWrongDigest", err)
	}
	other := httptest.NewTLSServer(http.NotFoundHandler())
	defer other.Close()
	strangers := x509.NewCertPool()
	strangers.AddCert(other.Certificate())
	if _, err := Verify(tok, d1, strangers); !errors.Is(err, ErrInvalidToken) {
		t.Errorf("untrusted roots: %v, want ErrInvalidToken", err)
	}
	if _, err := Verify([]byte("garbage"), d1, roots); !errors.Is(err, ErrInvalidToken) {
		t.Errorf("garbage token: %v, want ErrInvalidToken", err)
	}
	if _, err := VerifyStructure([]byte("garbage"), d1); !errors.Is(err, ErrInvalidToken) {
		t.Errorf("garbage token, no roots: %v, want ErrInvalidToken", err)
	}
}

// An authority that does not answer is asked once per batch, not once per
// digest: the rest of its digests get the same error at once.
func TestStampDownAuthorityAskedOnce(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		http.Error(w, "overloaded", http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	ds := [][]byte{digest("a"), digest("b"), digest("c")}
	res := Stamp(context.Background(), ds, []Authority{{Name: "busy", URL: srv.URL}})
	if len(res) != 3 || calls.Load() != 1 {
		t.Fatalf("%d results, %d requests; want 3 results, 1 request", len(res), calls.Load())
	}
	for i, r := range res {
		if !errors.Is(r.Err, ErrUnavailable) || r.Token != nil || string(r.Digest) != string(ds[i]) {
			t.Errorf("result %d: %v, token %d bytes", i, r.Err, len(r.Token))
		}
	}
}

func TestAuthorityAnswersGarbage(t *testing.T) {
	for name, h := range map[string]http.HandlerFunc{
		"garbage": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/timestamp-reply")
			w.Write([]byte("\x30\x03\x02\x01\x00 not DER at all"))
		},
		"html": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte("<html>maintenance</html>"))
		},
	} {
		srv := httptest.NewServer(h)
		_, _, err := Request(context.Background(), Authority{Name: name, URL: srv.URL}, digest("x"))
		if !errors.Is(err, ErrBadResponse) {
			t.Errorf("%s: %v, want ErrBadResponse", name, err)
		}
		srv.Close()
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "overloaded", http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	if _, _, err := Request(context.Background(), Authority{Name: "503", URL: srv.URL}, digest("x")); !errors.Is(err, ErrUnavailable) {
		t.Errorf("503: %v, want ErrUnavailable", err)
	}
	if _, _, err := Request(context.Background(), Authority{URL: srv.URL}, []byte("short")); !errors.Is(err, ErrBadDigest) {
		t.Errorf("short digest: %v, want ErrBadDigest", err)
	}
}
