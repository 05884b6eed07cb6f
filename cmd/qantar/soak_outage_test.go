package main

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// tcpProxy forwards connections from its address to a target until it is
// cut: then it closes every connection it carries and refuses new ones
// (as a PostgreSQL server that went away), until it is restored on the
// same address.
type tcpProxy struct {
	target string
	addr   string
	mu     sync.Mutex
	ln     net.Listener
	conns  []net.Conn
}

func newTCPProxy(t *testing.T, target string) *tcpProxy {
	t.Helper()
	p := &tcpProxy{target: target}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p.addr = ln.Addr().String()
	p.serve(ln)
	t.Cleanup(p.cut)
	return p
}

func (p *tcpProxy) serve(ln net.Listener) {
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, up)
			p.mu.Unlock()
			go func() { io.Copy(up, c); up.Close() }()
			go func() { io.Copy(c, up); c.Close() }()
		}
	}()
}

// cut closes the listener and every connection.
func (p *tcpProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// restore listens again on the same address.
func (p *tcpProxy) restore(t *testing.T) {
	t.Helper()
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		t.Fatal(err)
	}
	p.serve(ln)
}

// A server on PostgreSQL whose database goes away while writes go on:
// writes and /readyz answer 503 database_unavailable with Retry-After (no
// bare 500), /healthz stays 200, and when the database is back the same
// server writes again by itself; every acknowledged write is in the log,
// which verifies, and nothing refused is.
func TestSoakPostgresOutageAnswers503AndRecovers(t *testing.T) {
	direct := pgTestURL(t)
	t.Setenv("QANTAR_LOG_KEY", filepath.Join(t.TempDir(), "log.key"))
	code, out, errOut := runQantar(t, "token", "create", "--db", direct, "--role", "editor", "--name", "outage")
	if code != exitOK {
		t.Fatalf("token: %d %s", code, errOut)
	}
	token := strings.Fields(out)[0]
	u, err := url.Parse(direct)
	if err != nil {
		t.Fatal(err)
	}
	proxy := newTCPProxy(t, u.Host)
	u.Host = proxy.addr
	q := u.Query()
	q.Set("connect_timeout", "2")
	u.RawQuery = q.Encode()
	base, stop := serverWith(t, serveConfig{DB: u.String(), Synchronous: "NORMAL", Empty: true})
	acked, refused := 0, 0
	write := func() (int, string, http.Header) {
		t.Helper()
		req, _ := http.NewRequest("POST", base+"/api/v1/persons", strings.NewReader(`{"names":[{"value":"Synthetic Outage Person"}]}`))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		switch resp.StatusCode {
		case 201:
			acked++
		default:
			refused++
		}
		return resp.StatusCode, string(b), resp.Header
	}
	for range 5 {
		if code, body, _ := write(); code != 201 {
			t.Fatalf("before the outage: %d %s", code, body)
		}
	}
	proxy.cut()
	for i := range 3 {
		code, body, h := write()
		if code != 503 || errorCode(body) != "database_unavailable" || h.Get("Retry-After") == "" {
			t.Fatalf("write %d during the outage: %d %s (Retry-After %q)", i, code, body, h.Get("Retry-After"))
		}
	}
	checkHealth(t, base, "/readyz", 503, "database_unavailable")
	checkHealth(t, base, "/healthz", 200, "")
	proxy.restore(t)
	deadline := time.Now().Add(30 * time.Second)
	for {
		code, body, _ := write()
		if code == 201 {
			break
		}
		if time.Now().After(deadline) || code != 503 {
			t.Fatalf("after the database came back: %d %s", code, body)
		}
		time.Sleep(200 * time.Millisecond)
	}
	checkHealth(t, base, "/readyz", 200, "")
	stop()
	code, out, errOut = runQantar(t, "verify", "--db", direct)
	if code != exitOK || !strings.Contains(out, "ok: "+itoa(acked)+" leaves") {
		t.Fatalf("verify (want the %d acknowledged writes, %d refused): exit %d %s%s", acked, refused, code, out, errOut)
	}
}

// errorCode is the code of an API error body.
func errorCode(body string) string {
	var v struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	json.Unmarshal([]byte(body), &v)
	return v.Error.Code
}

// checkHealth asks a health path and checks its status and JSON code.
func checkHealth(t *testing.T, base, path string, status int, code string) {
	t.Helper()
	resp, err := http.Get(base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var v struct {
		Code string `json:"code"`
	}
	b, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(b, &v); err != nil || resp.StatusCode != status || v.Code != code ||
		(status == 503 && resp.Header.Get("Retry-After") == "") {
		t.Fatalf("%s: %d %s, want %d %q with a JSON body", path, resp.StatusCode, b, status, code)
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
