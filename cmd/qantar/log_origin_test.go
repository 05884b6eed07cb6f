package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/qantar-project/qantar/tlog"
)

// TestLogOrigin: a new database served with --origin names its log after
// the site; version --log shows the name and the key; the log keeps its
// name (another --log-origin is refused, a new --origin changes nothing).
func TestLogOrigin(t *testing.T) {
	db := filepath.Join(t.TempDir(), "q.db")
	serveBriefly(t, "--db", db, "--empty", "--origin", "https://qantar.example.org")
	code, out, errOut := runQantar(t, "version", "--log", "--db", db)
	if code != 0 || !strings.Contains(out, "log:        qantar.example.org/log\n") || !strings.Contains(out, "key:        qantar.example.org/log+") {
		t.Fatalf("version --log: exit %d\n%s%s", code, out, errOut)
	}
	serveBriefly(t, "--db", db, "--empty", "--origin", "https://other.example.net")
	if _, out, _ := runQantar(t, "version", "--log", "--db", db); !strings.Contains(out, "qantar.example.org/log") {
		t.Errorf("a later --origin renamed the log:\n%s", out)
	}
	code, _, errOut = runQantar(t, "serve", "--db", db, "--empty", "--addr", "127.0.0.1:0", "--log-origin", "other.example.net/log")
	if code != 1 || !strings.Contains(errOut, "keeps its name for life") {
		t.Errorf("another --log-origin: exit %d\n%s", code, errOut)
	}
	if got := tlog.OriginOfSite("https://qantar.example.org/base/"); got != "qantar.example.org/log" {
		t.Errorf("OriginOfSite: %q", got)
	}
}

// serveBriefly starts qantar serve with args on a free port, waits until it
// listens, and stops it.
func serveBriefly(t *testing.T, args ...string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	m := &Main{Stdout: &strings.Builder{}, Stderr: &strings.Builder{}}
	cfg, err := m.serveFlags(append(args, "--addr", "127.0.0.1:0"))
	if err != nil {
		t.Fatal(err)
	}
	ready := make(chan string, 1)
	cfg.ready = func(addr string) { ready <- addr }
	done := make(chan error, 1)
	go func() { done <- m.serve(ctx, cfg) }()
	select {
	case <-ready:
	case err := <-done:
		t.Fatalf("serve: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not start")
	}
	cancel()
	<-done
}
