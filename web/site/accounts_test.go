package site_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/sqlite"
	"github.com/qantar-project/qantar/web"
)

// newAccountsFixture is a server on an empty database, for tests of
// accounts that need no records; set changes its configuration.
func newAccountsFixture(t *testing.T, set func(*web.Config)) *fixture {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "accounts.db"), sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	cfg := web.Config{Store: db, Tokens: db, Log: db, Logger: slog.New(slog.NewTextHandler(testLog{t}, nil))}
	if set != nil {
		set(&cfg)
	}
	fx := &fixture{db: db, ids: map[string]int64{}, now: time.Now(), site: web.New(cfg)}
	fx.srv = httptest.NewServer(fx.site.Handler())
	t.Cleanup(fx.srv.Close)
	return fx
}

// signInAll posts the same sign-in form n times at once and counts the
// answers by status.
func (fx *fixture) signInAll(t *testing.T, n int, form url.Values) map[int]int {
	t.Helper()
	var mu sync.Mutex
	got := map[int]int{}
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			status, _, _ := fx.post(t, client(), "/login", form)
			mu.Lock()
			got[status]++
			mu.Unlock()
		})
	}
	wg.Wait()
	return got
}

// TestTOTPCodeSignsInOnce: ten sign-ins with one code at the same moment
// open one session.
func TestTOTPCodeSignsInOnce(t *testing.T) {
	fx := newAccountsFixture(t, nil)
	secret := fx.account(t, "editor-race", qantar.RoleEditor)
	code, _ := totp.GenerateCode(secret, time.Now())
	got := fx.signInAll(t, 10, url.Values{"name": {"editor-race"}, "password": {testPassword}, "code": {code}})
	if got[http.StatusSeeOther] != 1 {
		t.Fatalf("answers by status %v: want exactly one sign-in (303)", got)
	}
}

// TestThrottleReservesBeforeHash: of 40 concurrent wrong tries on one
// account, no more than the account's limit reach the password check (each
// that does is audited as a failed sign-in); the rest are refused at once.
func TestThrottleReservesBeforeHash(t *testing.T) {
	fx := newAccountsFixture(t, nil)
	fx.account(t, "target", qantar.RoleViewer)
	got := fx.signInAll(t, 40, url.Values{"name": {"target"}, "password": {"wrong password!"}})
	entries, _, err := fx.db.ListAudit(context.Background(), 100, 0)
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, e := range entries {
		if e.Action == qantar.AuditSignInFailed {
			checked++
		}
	}
	if checked > 5 || got[http.StatusUnauthorized] > 5 || got[http.StatusTooManyRequests] < 35 {
		t.Fatalf("%d tries checked (answers by status %v); want at most 5, the rest 429", checked, got)
	}
}

// TestSignInNextStaysOnSite: after signing in, a next that a browser would
// read as another site sends the reader home instead.
func TestSignInNextStaysOnSite(t *testing.T) {
	fx := newAccountsFixture(t, nil)
	fx.account(t, "viewer-next", qantar.RoleViewer)
	for _, next := range []string{"/\t/evil.example", "/%09/evil.example", "/\\evil.example", "//evil.example"} {
		status, _, resp := fx.post(t, client(), "/login", url.Values{"name": {"viewer-next"}, "password": {testPassword}, "next": {next}})
		if loc := resp.Header.Get("Location"); status != http.StatusSeeOther || loc != "/" {
			t.Errorf("next %q: status %d, Location %q; want 303 to /", next, status, loc)
		}
	}
}

// sessionCookieOf returns the session cookie an answer sets, or nil.
func sessionCookieOf(resp *http.Response) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == "qantar_session" {
			return c
		}
	}
	return nil
}

// TestSecureCookie: the session cookie is Secure when the site's origin is
// https, or when a trusted proxy says the reader came over https; a proxy's
// word is ignored unless it is trusted.
func TestSecureCookie(t *testing.T) {
	for _, tc := range []struct {
		name   string
		cfg    web.Config
		header []string
		want   bool
	}{
		{"HTTPSOrigin", web.Config{Origin: "https://qantar.example.org"}, nil, true},
		{"HTTPOrigin", web.Config{Origin: "http://127.0.0.1:8080"}, nil, false},
		{"TrustedProxy", web.Config{TrustProxy: true}, []string{"X-Forwarded-Proto", "https"}, true},
		{"TrustedProxyPlainHTTP", web.Config{TrustProxy: true}, []string{"X-Forwarded-Proto", "http"}, false},
		{"UntrustedProxy", web.Config{}, []string{"X-Forwarded-Proto", "https"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fx := newAccountsFixture(t, func(c *web.Config) { c.Origin, c.TrustProxy = tc.cfg.Origin, tc.cfg.TrustProxy })
			fx.account(t, "viewer-secure", qantar.RoleViewer)
			status, _, resp := fx.post(t, client(), "/login", url.Values{"name": {"viewer-secure"}, "password": {testPassword}}, tc.header...)
			c := sessionCookieOf(resp)
			if status != http.StatusSeeOther || c == nil {
				t.Fatalf("sign-in: status %d, cookie %v", status, c)
			}
			if c.Secure != tc.want {
				t.Errorf("session cookie Secure = %v, want %v", c.Secure, tc.want)
			}
		})
	}
}

// TestNoStoreWhenAuthenticated: every answer to a request with a session
// cookie or a token is uncacheable (pages, API, log), also where the handler
// would let it be cached; an anonymous one keeps its own caching.
func TestNoStoreWhenAuthenticated(t *testing.T) {
	fx := newAccountsFixture(t, nil)
	fx.account(t, "viewer-cache", qantar.RoleViewer)
	_, token, err := fx.db.CreateToken(context.Background(), "cache", qantar.RoleViewer)
	if err != nil {
		t.Fatal(err)
	}
	_, _, resp := fx.post(t, client(), "/login", url.Values{"name": {"viewer-cache"}, "password": {testPassword}})
	c := sessionCookieOf(resp)
	if c == nil {
		t.Fatal("no session cookie")
	}
	if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("the sign-in answer that sets the cookie has Cache-Control %q", cc)
	}
	for _, path := range []string{"/api/v1/persons", "/api/v1/persons/999", "/log/checkpoint", "/", "/persons"} {
		for _, h := range [][]string{{"Cookie", "qantar_session=" + c.Value}, {"Authorization", "Bearer " + token}} {
			if _, _, hdr := fx.get(t, nil, path, h...); hdr.Get("Cache-Control") != "no-store" {
				t.Errorf("%s with %s: Cache-Control %q, want no-store", path, h[0], hdr.Get("Cache-Control"))
			}
		}
	}
	if _, _, hdr := fx.get(t, nil, "/log/checkpoint"); hdr.Get("Cache-Control") == "no-store" {
		t.Errorf("an anonymous answer is no-store too: the test cannot tell")
	}
}
