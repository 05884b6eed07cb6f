package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/internal/testworld"
	"github.com/qantar-project/qantar/postgres"
	"github.com/qantar-project/qantar/seed"
	"github.com/qantar-project/qantar/sqlite"
)

// pgTestURL returns a URL to a new schema of its own in the database named
// by QANTAR_TEST_POSTGRES, dropped at the end (testworld.PostgresURL); the
// test is skipped without the variable, and fails under CI.
func pgTestURL(t *testing.T) string {
	t.Helper()
	u := testworld.PostgresURL(t)
	if u == "" {
		t.Skip("QANTAR_TEST_POSTGRES is not set")
	}
	return u
}

var copyEditor = qantar.Actor{ID: "token:1", Role: qantar.RoleEditor}

// sourceDB makes a SQLite database with the bundled data, an update, a
// confidential person, a deletion, a token and a user; it returns its path
// and the token's secret.
func sourceDB(t *testing.T) (string, string) {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "src.db")
	db, err := sqlite.Open(ctx, path, sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	f, _ := seed.Bundled()
	if _, err := seed.Load(ctx, db, f); err != nil {
		t.Fatal(err)
	}
	p := &qantar.Person{Protection: qantar.Public, Names: []qantar.Name{{Value: "Синтетический Первый"}}}
	must(t, db.Create(ctx, copyEditor, p))
	p.Names[0].Value = "Синтетический Второй"
	must(t, db.Update(ctx, copyEditor, p))
	must(t, db.Create(ctx, copyEditor, &qantar.Person{Names: []qantar.Name{{Value: "Тайный"}}, Protection: qantar.Confidential}))
	d := &qantar.Person{Names: []qantar.Name{{Value: "Удалённый"}}}
	must(t, db.Create(ctx, copyEditor, d))
	must(t, db.Delete(ctx, copyEditor, qantar.KindPerson, d.ID, 1, "entered twice"))
	_, secret, err := db.CreateToken(ctx, "copy test", qantar.RoleEditor)
	must(t, err)
	must(t, db.CreateUser(ctx, &qantar.User{Name: "aigerim", Role: qantar.RoleViewer, PasswordHash: "$argon2id$x"}))
	must(t, db.AppendAudit(ctx, qantar.AuditEntry{Actor: "user:1", Action: qantar.AuditSignIn}))
	return path, secret
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// dump is everything a reader of a store sees: every record of every kind
// with deleted ones, and every history.
func dump(t *testing.T, s qantar.Store) string {
	t.Helper()
	ctx := context.Background()
	var all []any
	for _, k := range qantar.Kinds {
		recs, _, err := s.List(ctx, k, qantar.Filter{Reader: qantar.System, WithDeleted: true})
		must(t, err)
		all = append(all, recs)
		for _, r := range recs {
			h, err := s.History(ctx, k, r.GetMeta().ID)
			must(t, err)
			all = append(all, h)
		}
	}
	b, _ := json.Marshal(all)
	return string(b)
}

func rootOf(t *testing.T, out string) string {
	t.Helper()
	i := strings.Index(out, "root ")
	if i < 0 {
		t.Fatalf("no root in %q", out)
	}
	return strings.Fields(out[i+5:])[0]
}

// TestCopyRoundTrip copies SQLite → PostgreSQL → SQLite: each copy verifies
// with the source's root, holds the same records and histories, keeps
// tokens and users working, and goes on numbering after the copied ids.
func TestCopyRoundTrip(t *testing.T) {
	ctx := context.Background()
	src, secret := sourceDB(t)
	pg := pgTestURL(t)
	key := src + ".logkey"
	t.Setenv("QANTAR_LOG_KEY", key)

	code, out, errOut := run("copy", "--from", src, "--to", pg, "--log-key", key)
	if code != 0 {
		t.Fatalf("copy to PostgreSQL: exit %d: %s %s", code, out, errOut)
	}
	root := rootOf(t, out)
	code, vout, _ := run("verify", "--db", pg)
	if code != 0 || rootOf(t, vout) != root {
		t.Fatalf("verify of the PostgreSQL copy: exit %d: %s (want root %s)", code, vout, root)
	}

	back := filepath.Join(t.TempDir(), "back.db")
	code, out, errOut = run("copy", "--from", pg, "--to", back)
	if code != 0 {
		t.Fatalf("copy back to SQLite: exit %d: %s %s", code, out, errOut)
	}
	if rootOf(t, out) != root {
		t.Fatalf("copy back has root %s, want %s", rootOf(t, out), root)
	}
	if _, err := os.Stat(back + ".logkey"); err != nil {
		t.Fatalf("the source's key was not placed beside the SQLite copy: %v", err)
	}
	if code, vout, _ := run("verify", "--db", back); code != 0 || rootOf(t, vout) != root {
		t.Fatalf("verify of the SQLite copy: %s", vout)
	}

	s1, err := sqlite.Open(ctx, src, sqlite.Options{})
	must(t, err)
	defer s1.Close()
	s2, err := postgres.Open(ctx, pg, postgres.Options{LogKeyPath: key})
	must(t, err)
	defer s2.Close()
	s3, err := sqlite.Open(ctx, back, sqlite.Options{})
	must(t, err)
	defer s3.Close()
	want := dump(t, s1)
	if got := dump(t, s2); got != want {
		t.Fatal("the PostgreSQL copy differs from the source")
	}
	if got := dump(t, s3); got != want {
		t.Fatal("the SQLite copy of the copy differs from the source")
	}
	for name, s := range map[string]interface {
		qantar.Store
		qantar.TokenService
		qantar.UserService
		qantar.Searcher
	}{"postgres": s2, "sqlite": s3} {
		if a, err := s.Authenticate(ctx, secret); err != nil || a.Role != qantar.RoleEditor {
			t.Errorf("%s: the copied token does not authenticate: %v", name, err)
		}
		if u, err := s.UserByName(ctx, "aigerim"); err != nil || u.Role != qantar.RoleViewer {
			t.Errorf("%s: the copied user: %v", name, err)
		}
		if audit, n, err := s.ListAudit(ctx, 10, 0); err != nil || n != 1 || audit[0].Action != qantar.AuditSignIn {
			t.Errorf("%s: the copied audit log: %v %v", name, audit, err)
		}
		if res, err := s.Search(ctx, qantar.SearchQuery{Q: "Синтетический"}); err != nil || len(res) != 1 {
			t.Errorf("%s: search in the copy: %v %v", name, res, err)
		}
		n, _ := s.Count(ctx)
		_, total, _ := s.List(ctx, qantar.KindPerson, qantar.Filter{WithDeleted: true, Limit: 1})
		p := &qantar.Person{Names: []qantar.Name{{Value: "После копии"}}}
		if err := s.Create(ctx, copyEditor, p); err != nil || p.ID != int64(total)+1 {
			t.Errorf("%s: a create after the copy got id %d (%v), want %d (live persons %d)", name, p.ID, err, total+1, n[qantar.KindPerson])
		}
		if _, _, err := s.CreateToken(ctx, "after", qantar.RoleViewer); err != nil {
			t.Errorf("%s: a token after the copy: %v", name, err)
		}
	}
}

// TestCopyRefuses: a copy into a database that holds anything, or whose key
// is not the source's, changes nothing and says why.
func TestCopyRefuses(t *testing.T) {
	src, _ := sourceDB(t)
	other, _ := sourceDB(t)
	t.Run("NonEmptyTarget", func(t *testing.T) {
		// other has its own key; give it the source's to reach the check.
		must(t, os.Remove(other+".logkey"))
		must(t, copyKeyFile(src+".logkey", other+".logkey"))
		before, _ := os.ReadFile(other)
		code, out, errOut := run("copy", "--from", src, "--to", other)
		if code != 1 || !strings.Contains(errOut, "not empty") {
			t.Fatalf("exit %d: %s %s", code, out, errOut)
		}
		if after, _ := os.ReadFile(other); string(after) != string(before) {
			t.Fatal("the refused copy changed the target")
		}
	})
	t.Run("OtherKey", func(t *testing.T) {
		dst := filepath.Join(t.TempDir(), "dst.db")
		code, _, _ := run("migrate", "--db", dst) // a new database with a key of its own
		if code != 0 {
			t.Fatal("migrate failed")
		}
		code, out, errOut := run("copy", "--from", src, "--to", dst)
		if code != 1 || !strings.Contains(errOut, "key") {
			t.Fatalf("exit %d: %s %s", code, out, errOut)
		}
	})
	t.Run("MissingSource", func(t *testing.T) {
		dst := filepath.Join(t.TempDir(), "dst.db")
		code, _, errOut := run("copy", "--from", filepath.Join(t.TempDir(), "nope.db"), "--to", dst)
		if code != 1 || !strings.Contains(errOut, "no database") {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		if _, err := os.Stat(dst); err == nil {
			t.Fatal("a failed copy left a target behind")
		}
	})
	t.Run("PostgresWithoutKey", func(t *testing.T) {
		t.Setenv("QANTAR_LOG_KEY", "")
		code, _, errOut := run("copy", "--from", src, "--to", "postgres://127.0.0.1:1/none")
		if code != 2 || !strings.Contains(errOut, "--log-key") {
			t.Fatalf("exit %d: %s", code, errOut)
		}
	})
	t.Run("Usage", func(t *testing.T) {
		if code, _, _ := run("copy", "--from", src); code != 2 {
			t.Fatalf("copy without --to: exit %d", code)
		}
		if code, _, _ := run("copy", "--from", src, "--to", src); code != 2 {
			t.Fatalf("copy onto itself: exit %d", code)
		}
	})
}
