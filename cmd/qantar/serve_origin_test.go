package main

import (
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
)

// TestServeOrigin: --origin must be an http(s) origin (else a usage error),
// and an https one makes the server's cookies Secure; --trust-proxy makes it
// honour X-Forwarded-Proto.
func TestServeOrigin(t *testing.T) {
	for _, bad := range []string{"qantar.example.org", "ftp://qantar.example.org", "https://qantar.example.org/path", "https://"} {
		if code, _, stderr := run("serve", "--origin", bad); code != 2 {
			t.Errorf("--origin %s: exit %d, want 2 (%s)", bad, code, stderr)
		}
	}
	m := &Main{}
	for _, tc := range []struct {
		args   []string
		header string
		want   bool
	}{
		{[]string{"--origin", "https://qantar.example.org"}, "", true},
		{[]string{"--trust-proxy"}, "https", true},
		{nil, "https", false},
	} {
		cfg, err := m.serveFlags(append(tc.args, "--empty", "--synchronous", "NORMAL", "--db", filepath.Join(t.TempDir(), "o.db")))
		if err != nil {
			t.Fatal(err)
		}
		base, stop := serverWith(t, cfg)
		req, _ := http.NewRequest("POST", base+"/lang", strings.NewReader(url.Values{"lang": {"ru"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if tc.header != "" {
			req.Header.Set("X-Forwarded-Proto", tc.header)
		}
		resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		cookies := resp.Cookies()
		if len(cookies) != 1 || cookies[0].Secure != tc.want {
			t.Errorf("serve %v, X-Forwarded-Proto %q: cookies %v, want one with Secure=%v", tc.args, tc.header, cookies, tc.want)
		}
		stop()
	}
}
