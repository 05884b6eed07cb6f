package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestServeLogFlags: --log-level and --log-format configure the one
// handler that the server, the store and the access log write to; a bad
// value is a usage error.
func TestServeLogFlags(t *testing.T) {
	m := &Main{}
	cfg, err := m.serveFlags([]string{"--log-level", "DEBUG", "--log-format", "json"})
	if err != nil || cfg.Log != (logConfig{Level: slog.LevelDebug, Format: "json"}) {
		t.Fatalf("serveFlags: %+v, %v", cfg.Log, err)
	}
	for _, args := range [][]string{{"--log-level", "loud"}, {"--log-format", "xml"}} {
		code, _, errOut := run(append([]string{"serve"}, args...)...)
		if code != exitUsage || !strings.Contains(errOut, args[0]) {
			t.Errorf("serve %v: exit %d, %q", args, code, errOut)
		}
	}

	// JSON at debug: every line is an object, the access log among them.
	logs := serveLogging(t, logConfig{Level: slog.LevelDebug, Format: "json"})
	lines := strings.Split(strings.TrimSpace(logs), "\n")
	sawRequest := false
	for _, l := range lines {
		var v map[string]any
		if err := json.Unmarshal([]byte(l), &v); err != nil {
			t.Fatalf("log line %q is not JSON: %v", l, err)
		}
		if v["msg"] == "request" && v["level"] == "INFO" && v["route"] == "GET /api/v1/{kind}" {
			sawRequest = true
		}
	}
	if !sawRequest {
		t.Errorf("no access log line for the request:\n%s", logs)
	}

	// Text at warn: the info lines (serving, the access log) are left out.
	if logs := serveLogging(t, logConfig{Level: slog.LevelWarn}); strings.Contains(logs, "level=INFO") {
		t.Errorf("info lines at --log-level warn:\n%s", logs)
	}
}

// serveLogging serves an empty database with lc, makes one request and
// returns what was logged.
func serveLogging(t *testing.T, lc logConfig) string {
	t.Helper()
	var out safeBuffer
	m := &Main{Stdout: &out, Stderr: &out}
	ctx, cancel := context.WithCancel(context.Background())
	addrc, done := make(chan string, 1), make(chan error, 1)
	cfg := serveConfig{DB: filepath.Join(t.TempDir(), "q.db"), Synchronous: "NORMAL", Empty: true, Log: lc,
		Addr: "127.0.0.1:0", ready: func(a string) { addrc <- a }}
	go func() { done <- m.serve(ctx, cfg) }()
	select {
	case a := <-addrc:
		resp, err := http.Get("http://" + a + "/api/v1/persons")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	case err := <-done:
		t.Fatalf("serve exited: %v\n%s", err, out.String())
	case <-time.After(30 * time.Second):
		t.Fatalf("serve did not start\n%s", out.String())
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve: %v", err)
	}
	return out.String()
}
