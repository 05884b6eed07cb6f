package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// server runs `qantar serve` in-process on port 0 and returns its base URL
// and a function that stops it and waits for it to finish.
func server(t *testing.T, db string, extra ...string) (string, func()) {
	t.Helper()
	return serverWith(t, serveConfig{DB: db, Synchronous: "NORMAL", Empty: contains(extra, "--empty")})
}

// serverWith is server with a configuration of the test's own; its address
// is always 127.0.0.1:0.
func serverWith(t *testing.T, cfg serveConfig) (string, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan string, 1)
	var out safeBuffer
	m := &Main{Stdout: &out, Stderr: &out}
	done := make(chan error, 1)
	go func() {
		cfg.Addr, cfg.ready = "127.0.0.1:0", func(a string) { addrc <- a }
		done <- m.serve(ctx, cfg)
	}()
	select {
	case a := <-addrc:
		return "http://" + a, func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("serve: %v\n%s", err, out.String())
			}
		}
	case err := <-done:
		t.Fatalf("serve exited: %v\n%s", err, out.String())
	case <-time.After(30 * time.Second):
		t.Fatalf("serve did not start\n%s", out.String())
	}
	return "", nil
}

type safeBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *safeBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *safeBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// run runs a subcommand in-process and returns its exit code and output.
func run(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := (&Main{Stdout: &out, Stderr: &errb}).Run(context.Background(), args)
	return code, out.String(), errb.String()
}

type client struct {
	t     *testing.T
	base  string
	token string
}

func (c client) do(method, path, body string) (int, map[string]any) {
	c.t.Helper()
	code, v, err := c.tryDo(method, path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	return code, v
}

func (c client) tryDo(method, path, body string) (int, map[string]any, error) {
	req, _ := http.NewRequest(method, c.base+path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, err
	}
	var v map[string]any
	_ = json.Unmarshal(b, &v)
	return resp.StatusCode, v, nil
}

// counts returns the number of records of each kind, as the API lists them.
func (c client) counts() string {
	var parts []string
	for _, k := range []string{"sources", "events", "places", "persons", "acts", "figures", "cases", "complaints", "citations"} {
		_, v := c.do("GET", "/api/v1/"+k+"?limit=1", "")
		parts = append(parts, fmt.Sprintf("%s=%v", k, v["total"]))
	}
	return strings.Join(parts, " ")
}

func TestServeEndToEnd(t *testing.T) {
	db := filepath.Join(t.TempDir(), "e2e.db")
	base, stop := server(t, db)
	anon := client{t: t, base: base}

	if code, _ := anon.do("GET", "/healthz", ""); code != 200 {
		t.Fatalf("healthz %d", code)
	}
	// The bundled data: events, places, sources, and the official 238 with its source.
	for _, k := range []string{"events", "places", "sources", "figures", "units"} {
		if _, v := anon.do("GET", "/api/v1/"+k, ""); v["total"].(float64) < 1 {
			t.Fatalf("no bundled %s", k)
		}
	}
	_, v := anon.do("GET", "/api/v1/figures?measure=deaths&value=238&official=true", "")
	items := v["items"].([]any)
	if len(items) == 0 {
		t.Fatal("no official figure of 238 deaths")
	}
	srcID := items[0].(map[string]any)["source_id"].(float64)
	if _, src := anon.do("GET", fmt.Sprintf("/api/v1/sources/%d", int(srcID)), ""); !strings.HasPrefix(fmt.Sprint(src["url"]), "https://") {
		t.Fatalf("the 238's source has no URL: %v", src)
	}

	code, tokOut, errOut := run("token", "create", "--db", db, "--role", "editor", "--name", "e2e")
	if code != 0 {
		t.Fatalf("token create: %d %s", code, errOut)
	}
	ed := client{t: t, base: base, token: strings.TrimSpace(tokOut)}

	// Unauthenticated write: 401, nothing changes.
	before := anon.counts()
	if code, v := anon.do("POST", "/api/v1/persons", `{"names":[{"value":"Аноним"}]}`); code != 401 || field(v) != "Authorization" {
		t.Fatalf("anonymous write: %d %v", code, v)
	}
	if after := anon.counts(); after != before {
		t.Fatalf("an unauthenticated write changed the store:\n%s\n%s", before, after)
	}
	code, p := ed.do("POST", "/api/v1/persons", `{"names":[{"value":"Тоқаев","lang":"kk","script":"Cyrl"}]}`)
	if code != 201 || p["version"].(float64) != 1 {
		t.Fatalf("create: %d %v", code, p)
	}
	id := int(p["id"].(float64))
	if code, got := anon.do("GET", fmt.Sprintf("/api/v1/persons/%d", id), ""); code != 200 || got["version"].(float64) != 1 {
		t.Fatalf("get: %d %v", code, got)
	}
	if code, _ := ed.do("PUT", fmt.Sprintf("/api/v1/persons/%d", id), `{"version":1,"names":[{"value":"Токаев","lang":"ru"}]}`); code != 200 {
		t.Fatalf("update: %d", code)
	}
	if code, v := ed.do("PUT", fmt.Sprintf("/api/v1/persons/%d", id), `{"version":1,"names":[{"value":"Tokayev"}]}`); code != 409 || field(v) != "version" {
		t.Fatalf("stale update: %d %v", code, v)
	}

	// Every bad input is a 4xx naming the field, and changes nothing.
	before = anon.counts()
	bad := []struct {
		method, path, body string
		status             int
		field              string
	}{
		{"POST", "/api/v1/persons", `{"names":[{"value":"x"}]`, 400, "body"},
		{"POST", "/api/v1/persons", `{"names":[{"value":"x"}],"nickname":"y"}`, 400, "nickname"},
		{"POST", "/api/v1/persons", `{"names":"x"}`, 400, "names"},
		{"POST", "/api/v1/persons", `{"sex":"male"}`, 400, "names"},
		{"POST", "/api/v1/persons", `{"names":[{"value":"` + strings.Repeat("я", 600) + `"}]}`, 400, "names[0].value"},
		{"POST", "/api/v1/persons", `{"names":[{"value":"x"}],"birth_date":"1990-02-31"}`, 400, "birth_date"},
		{"POST", "/api/v1/acts", `{"victim_id":99999,"type":"torture"}`, 400, "victim_id"},
		{"POST", "/api/v1/persons", `{"names":[{"value":"` + strings.Repeat("a", 1<<20) + `"}]}`, 413, "body"},
		{"POST", "/api/v1/people", `{"names":[{"value":"x"}]}`, 404, "kind"},
		{"PUT", fmt.Sprintf("/api/v1/persons/%d", id), `{"version":1,"names":[{"value":"x"}]}`, 409, "version"},
		{"DELETE", fmt.Sprintf("/api/v1/persons/%d", id), `{"version":2}`, 400, "reason"},
	}
	for _, b := range bad {
		code, v := ed.do(b.method, b.path, b.body)
		if code != b.status || field(v) != b.field {
			t.Errorf("%s %s %.60s: got %d field %q, want %d field %q", b.method, b.path, b.body, code, field(v), b.status, b.field)
		}
	}
	if after := anon.counts(); after != before {
		t.Fatalf("bad input changed the store:\n%s\n%s", before, after)
	}

	// A restart keeps everything.
	stop()
	base, stop = server(t, db)
	defer stop()
	anon.base = base
	if after := anon.counts(); after != before {
		t.Fatalf("restart lost records:\n%s\n%s", before, after)
	}
	if _, got := anon.do("GET", fmt.Sprintf("/api/v1/persons/%d", id), ""); got["version"].(float64) != 2 {
		t.Fatalf("after restart: %v", got)
	}
	if code, out, _ := run("verify", "--db", db); code != 0 || !strings.HasPrefix(out, "ok: ") {
		t.Fatalf("verify after restart: %d %s", code, out)
	}
}

func field(v map[string]any) string {
	e, _ := v["error"].(map[string]any)
	f, _ := e["field"].(string)
	return f
}

func TestUsageAndHelp(t *testing.T) {
	if code, _, _ := run(); code != 2 {
		t.Errorf("no command: exit %d", code)
	}
	if code, _, _ := run("nonsense"); code != 2 {
		t.Errorf("unknown command: exit %d", code)
	}
	for name := range commands {
		if code, out, _ := run(name, "--help"); code != 0 || !strings.Contains(out, "Usage") {
			t.Errorf("%s --help: exit %d, output %q", name, code, out)
		}
	}
	if code, _, _ := run("serve", "--bogus"); code != 2 {
		t.Errorf("bad flag: exit %d", code)
	}
	if code, _, _ := run("verify", "--db", filepath.Join(t.TempDir(), "missing.db")); code != 1 {
		t.Errorf("verify of a missing database: exit %d", code)
	}
}
