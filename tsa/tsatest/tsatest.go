// Package tsatest runs a real RFC 3161 time-stamping authority for tests:
// github.com/sigstore/timestamp-authority's server (a tool in go.mod,
// Apache-2.0) with its in-memory signer, on a free port of the loopback.
// A failure to build or start it fails the test: checking against a real
// authority is part of the suite, never skipped.
package tsatest

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Server is a running authority.
type Server struct {
	Base  string // http://127.0.0.1:PORT
	URL   string // where timestamp queries are POSTed
	Chain []byte // its certificate chain, PEM, leaf first
	cmd   *exec.Cmd
}

// Start builds and starts an authority, stopped when the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	bin, err := binary()
	if err != nil {
		t.Fatal(err)
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
	lf, err := os.Create(logf)
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = lf, lf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &Server{Base: fmt.Sprintf("http://127.0.0.1:%d", port), cmd: cmd}
	s.URL = s.Base + "/api/v1/timestamp"
	t.Cleanup(func() { s.Stop(); lf.Close() })
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(s.Base + "/api/v1/timestamp/certchain")
		if err == nil {
			chain, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				s.Chain = chain
				return s
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("timestamp-server did not start: %v (log in %s)", err, logf)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

var (
	once   sync.Once
	bin    string
	binErr error
)

// binary is the server's executable, built once (`go tool -n`: kept in the
// build cache, not rebuilt while its sources do not change).
func binary() (string, error) {
	once.Do(func() {
		out, err := exec.Command("go", "tool", "-n", "timestamp-server").Output()
		if err != nil {
			var stderr []byte
			if ee, ok := err.(*exec.ExitError); ok {
				stderr = ee.Stderr
			}
			binErr = fmt.Errorf("cannot build timestamp-server (github.com/sigstore/timestamp-authority/v2, a tool in go.mod): %v\n%s", err, stderr)
			return
		}
		bin = strings.TrimSpace(string(out))
	})
	return bin, binErr
}

// Stop stops the authority (its address then refuses connections).
func (s *Server) Stop() {
	if s.cmd != nil && s.cmd.Process != nil {
		s.cmd.Process.Kill()
		s.cmd.Wait()
		s.cmd = nil
	}
}

// RootsFile writes the authority's chain to dir/name and returns its path
// (what --tsa-roots reads).
func (s *Server) RootsFile(t testing.TB, dir, name string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, s.Chain, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// Down is the address of an authority that does not answer: a port of the
// loopback nothing listens on.
func Down(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr + "/api/v1/timestamp"
}
