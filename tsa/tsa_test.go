package tsa

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// timestampServer builds github.com/sigstore/timestamp-authority's server
// (a tool in go.mod, v2.1.3, Apache-2.0) and runs it on a free port with
// its in-memory signer; it returns its base URL and its certificate chain.
// A failure to build or start fails the test: the check against a real
// authority is part of the suite, never skipped.
func timestampServer(t *testing.T) (string, []byte) {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "timestamp-server")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/sigstore/timestamp-authority/v2/cmd/timestamp-server").CombinedOutput()
	if err != nil {
		t.Fatalf("cannot build timestamp-server (github.com/sigstore/timestamp-authority/v2 v2.1.3, a tool in go.mod): %v\n%s", err, out)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	cmd := exec.Command(bin, "serve", "--host", "127.0.0.1", "--port", strconv.Itoa(port),
		"--disable-ntp-monitoring", "--timestamp-signer", "memory", "--include-chain-in-response")
	logf := filepath.Join(t.TempDir(), "tsa.log")
	if cmd.Stdout, err = createFile(logf); err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(base + "/api/v1/timestamp/certchain")
		if err == nil {
			chain, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return base, chain
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("timestamp-server did not start: %v (log in %s)", err, logf)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func digest(s string) []byte {
	d := sha256.Sum256([]byte(s))
	return d[:]
}

func TestStampAndVerify(t *testing.T) {
	base, chain := timestampServer(t)
	roots, err := Roots(chain)
	if err != nil {
		t.Fatal(err)
	}
	a := Authority{Name: "local", URL: base + "/api/v1/timestamp"}
	down := Authority{Name: "down", URL: "http://127.0.0.1:1/api/v1/timestamp"}
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

func createFile(path string) (*os.File, error) { return os.Create(path) }
