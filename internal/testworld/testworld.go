// Package testworld opens what tests in several packages build their
// synthetic worlds on: a fresh store of each engine (a SQLite file, and a
// PostgreSQL schema of its own on the server QANTAR_TEST_POSTGRES names),
// and evidence files encrypted to a fresh key. Everything it opens is
// closed, and every schema dropped, when the test ends.
package testworld

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"

	"filippo.io/age"
	"github.com/jackc/pgx/v5"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/blob"
	"github.com/qantar-project/qantar/evidence"
	"github.com/qantar-project/qantar/postgres"
	"github.com/qantar-project/qantar/sqlite"
)

// Options are what a test sets of the stores it opens.
type Options struct {
	Checker qantar.Checker // the records' rules (nil: none)
}

// Named is a store with its engine's name, "sqlite" or "postgres".
type Named[S any] struct {
	Name  string
	Store S
}

// Stores opens a new SQLite database and, when QANTAR_TEST_POSTGRES names a
// server, a new PostgreSQL schema, each as S (an interface both stores
// implement). Without the variable the test runs on SQLite only and says
// so, except under CI, where it fails.
func Stores[S any](t testing.TB, o Options) []Named[S] {
	t.Helper()
	out := []Named[S]{{"sqlite", as[S](t, SQLite(t, o))}}
	if !serverGiven(t) {
		t.Log("QANTAR_TEST_POSTGRES is not set: SQLite only")
		return out
	}
	return append(out, Named[S]{"postgres", as[S](t, Postgres(t, o))})
}

func as[S any](t testing.TB, st any) S {
	t.Helper()
	s, ok := st.(S)
	if !ok {
		t.Fatalf("%T does not implement %v", st, reflect.TypeFor[S]())
	}
	return s
}

// SQLite opens a new SQLite database in the test's directory (synchronous
// NORMAL: a test needs no durability against power loss).
func SQLite(t testing.TB, o Options) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "test.db"), sqlite.Options{Synchronous: "NORMAL", Checker: o.Checker})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// Postgres opens a store in a new schema on the server QANTAR_TEST_POSTGRES
// names, with its own log key; without the variable the test fails, so
// that the PostgreSQL half of a test is never skipped.
func Postgres(t testing.TB, o Options) *postgres.DB {
	t.Helper()
	dsn := PostgresURL(t)
	if dsn == "" {
		t.Fatal("QANTAR_TEST_POSTGRES is not set: the PostgreSQL half of this test needs a server (postgres://…)")
	}
	db, err := postgres.Open(context.Background(), dsn, postgres.Options{LogKeyPath: filepath.Join(t.TempDir(), "log.key"), Checker: o.Checker, MaxConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// PostgresURL returns a connection URL to a new schema of its own in the
// database QANTAR_TEST_POSTGRES names, dropped when the test ends, so that
// tests run in parallel on one database. Without the variable it returns
// "" (under CI the test fails).
func PostgresURL(t testing.TB) string {
	t.Helper()
	if !serverGiven(t) {
		return ""
	}
	base := os.Getenv("QANTAR_TEST_POSTGRES")
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("QANTAR_TEST_POSTGRES: %v", err)
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("connect to QANTAR_TEST_POSTGRES: %v", err)
	}
	defer conn.Close(ctx)
	b := make([]byte, 6)
	rand.Read(b)
	schema := "qt_" + hex.EncodeToString(b)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if c, err := pgx.Connect(ctx, base); err == nil {
			c.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE")
			c.Close(ctx)
		}
	})
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// serverGiven says whether QANTAR_TEST_POSTGRES names a server; under CI
// (.ci/run sets it) a missing one fails the test.
func serverGiven(t testing.TB) bool {
	t.Helper()
	if os.Getenv("QANTAR_TEST_POSTGRES") != "" {
		return true
	}
	if os.Getenv("CI") != "" {
		t.Fatal("QANTAR_TEST_POSTGRES is not set under CI: the PostgreSQL tests would not run")
	}
	return false
}

// Files is evidence files in blobs, encrypted to a fresh age identity when
// they must not leak, and decrypted with it.
func Files(t testing.TB, blobs blob.Store) *evidence.Files {
	t.Helper()
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	return &evidence.Files{Blobs: blobs, Recipients: []string{id.Recipient().String()}, Identities: []string{id.String()}}
}

// EnvInt is the number an environment variable gives a benchmark (its
// size), or def when it is unset; a value that is not a number of at least
// least fails the benchmark.
func EnvInt(tb testing.TB, name string, def, least int) int {
	tb.Helper()
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < least {
		tb.Fatalf("%s=%q: want a number, at least %d", name, s, least)
	}
	return n
}
