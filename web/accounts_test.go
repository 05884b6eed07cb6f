package web_test

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
