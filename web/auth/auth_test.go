package auth

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/sqlite"
	"github.com/qantar-project/qantar/web/httpx"
)

func TestPasswordHash(t *testing.T) {
	h, err := HashPassword("a long enough password")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %q is not an argon2id PHC string", h)
	}
	tests := []struct {
		name, hash, password string
		want                 bool
	}{
		{"Right", h, "a long enough password", true},
		{"ErrWrong", h, "a long enough passworD", false},
		{"ErrTruncated", h[:len(h)-4], "a long enough password", false},
		{"ErrNotArgon", "$2a$10$abcdefghijklmnopqrstuv", "a long enough password", false},
		{"ErrHugeMemory", "$argon2id$v=19$m=99999999,t=2,p=1$c2FsdA$aGFzaA", "x", false},
		{"ErrEmpty", "", "", false},
	}
	for _, tc := range tests {
		if got := CheckPassword(tc.hash, tc.password); got != tc.want {
			t.Errorf("%s: CheckPassword = %v", tc.name, got)
		}
	}
	if _, err := HashPassword("short"); err == nil {
		t.Errorf("a short password was accepted")
	}
}

// TestAPISession checks the hook that lets the JSON API accept a signed-in
// session: the session's actor for a same-origin request, a refusal for a
// cross-origin write, nothing without a cookie.
func TestAPISession(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "s.db"), sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s := New(db, nil, nil, httpx.Transport{})
	u, _, err := NewAccount(ctx, db, "api-editor", qantar.RoleEditor, "a long enough password")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if err := db.CreateSession(ctx, qantar.Session{Hash: hashSecret("secret-cookie"), UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, method, cookie, site string
		ok                         bool
		code                       string
	}{
		{"SameOriginWrite", "POST", "secret-cookie", "same-origin", true, ""},
		{"Read", "GET", "secret-cookie", "cross-site", true, ""},
		{"ErrCrossOriginWrite", "POST", "secret-cookie", "cross-site", false, qantar.EFORBIDDEN},
		{"NoCookie", "POST", "", "same-origin", false, ""},
		{"UnknownCookie", "GET", "nope", "same-origin", false, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(tc.method, "/api/v1/persons", nil)
			if tc.cookie != "" {
				r.AddCookie(&http.Cookie{Name: SessionCookie, Value: tc.cookie})
			}
			r.Header.Set("Sec-Fetch-Site", tc.site)
			a, ok, err := s.APISession(r, db)
			if ok != tc.ok || qantar.ErrorCode(err) != tc.code {
				t.Fatalf("ok %v err %v, want %v %q", ok, err, tc.ok, tc.code)
			}
			if ok && a.ID != u.Actor().ID {
				t.Errorf("actor %+v", a)
			}
		})
	}
}

// FuzzCheckPassword feeds arbitrary PHC strings: a corrupt hash in the
// database must make sign-in fail, never panic or allocate without bound.
func FuzzCheckPassword(f *testing.F) {
	f.Add("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo", "password")
	f.Add("$argon2id$v=19$m=0,t=0,p=0$$", "")
	f.Add("$$$$$", "x")
	f.Fuzz(func(t *testing.T, phc, password string) {
		CheckPassword(phc, password)
	})
}
