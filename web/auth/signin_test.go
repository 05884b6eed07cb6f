package auth

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/sqlite"
	"github.com/qantar-project/qantar/web/httpx"
)

// CheckSignIn over real accounts: the right password and a fresh code sign
// in once; the same code again (a replay), a wrong password, an unknown
// name, a missing code and a disabled account do not.
func TestCheckSignIn(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "auth.db"), sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	s := New(db, func() time.Time { return now }, nil, httpx.Transport{})
	const password = "a long enough password"
	ed, _, err := NewAccount(ctx, db, "synthetic-editor", qantar.RoleEditor, password)
	if err != nil {
		t.Fatal(err)
	}
	code, err := totp.GenerateCode(ed.TOTPSecret, now)
	if err != nil {
		t.Fatal(err)
	}
	check := func(name, password, code string) *qantar.User {
		t.Helper()
		u, err := s.CheckSignIn(ctx, name, password, code)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	for _, tc := range []struct{ what, name, password, code string }{
		{"wrong password", "synthetic-editor", "not the password at all", code},
		{"unknown name", "nobody", password, code},
		{"no code", "synthetic-editor", password, ""},
	} {
		if u := check(tc.name, tc.password, tc.code); u != nil {
			t.Errorf("%s: signed in as %s", tc.what, u.Name)
		}
	}
	if u := check("synthetic-editor", password, code); u == nil || u.ID != ed.ID {
		t.Fatalf("the right password and code: %v", u)
	}
	if u := check("synthetic-editor", password, code); u != nil {
		t.Fatal("the same code signed in twice")
	}
	viewer, _, err := NewAccount(ctx, db, "synthetic-viewer", qantar.RoleViewer, password)
	if err != nil {
		t.Fatal(err)
	}
	if u := check("synthetic-viewer", password, ""); u == nil {
		t.Fatal("a viewer needs no code")
	}
	viewer.DisabledAt = &now
	if err := db.UpdateUser(ctx, viewer); err != nil {
		t.Fatal(err)
	}
	if u := check("synthetic-viewer", password, ""); u != nil {
		t.Fatal("a disabled account signed in")
	}
}
