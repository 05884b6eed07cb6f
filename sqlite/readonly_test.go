package sqlite_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/sqlite"
)

// fileSums hashes the database and whichever of its sidecars exist.
func fileSums(t *testing.T, path string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, suffix := range []string{"", "-wal", "-shm", ".logkey"} {
		b, err := os.ReadFile(path + suffix)
		if os.IsNotExist(err) {
			continue
		} else if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		out[suffix] = hex.EncodeToString(sum[:])
	}
	return out
}

// writtenDB writes a few records and closes the database.
func writtenDB(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "q.db")
	db, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		p := &qantar.Person{Names: []qantar.Name{{Value: "Person " + string(rune('A'+i))}}}
		if err := db.Create(ctx, editor, p); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func rawExec(t *testing.T, path, query string) {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(query); err != nil {
		t.Fatal(err)
	}
}

func TestReadOnlyOpenWritesNothing(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		tamper string
		ok     bool
	}{
		{"intact", "", true},
		{"checkpoint removed", "UPDATE tlog_state SET checkpoint = NULL", false},
		{"rules changed", "UPDATE records SET pub_data = NULL", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writtenDB(t)
			if tc.tamper != "" {
				rawExec(t, path, tc.tamper)
			}
			before := fileSums(t, path)
			db, err := sqlite.Open(ctx, path, sqlite.Options{ReadOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			rep, err := db.Verify(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if rep.OK() != tc.ok {
				t.Errorf("verify ok = %v, want %v: %v", rep.OK(), tc.ok, rep.Problems)
			}
			if err := db.Create(ctx, editor, &qantar.Person{Names: []qantar.Name{{Value: "X"}}}); err == nil {
				t.Error("a write through a read-only DB succeeded")
			}
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
			after := fileSums(t, path)
			if before[""] != after[""] {
				t.Errorf("the database file changed: %s → %s", before[""], after[""])
			}
			for k, v := range before {
				if after[k] != v {
					t.Errorf("file %q changed", k)
				}
			}
			// SQLite makes a WAL database's -wal and -shm files when a
			// reader opens it and leaves them to the next writer; the -wal
			// must hold no frame, and both must be private.
			for k := range after {
				if _, ok := before[k]; ok {
					continue
				}
				fi, err := os.Stat(path + k)
				if err != nil {
					t.Fatal(err)
				}
				if k == "-wal" && fi.Size() != 0 {
					t.Errorf("a -wal of %d bytes appeared", fi.Size())
				}
				if fi.Mode().Perm()&0o077 != 0 {
					t.Errorf("%s has mode %v", k, fi.Mode().Perm())
				}
			}
		})
	}
}

func TestReadOnlyRefusesOlderSchema(t *testing.T) {
	path := writtenDB(t)
	rawExec(t, path, "DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM schema_migrations)")
	before := fileSums(t, path)
	_, err := sqlite.Open(context.Background(), path, sqlite.Options{ReadOnly: true})
	if err == nil || !strings.Contains(err.Error(), "older than this binary") {
		t.Fatalf("err = %v, want a refusal of an older schema", err)
	}
	if after := fileSums(t, path); after[""] != before[""] {
		t.Error("the refused database changed")
	}
}

func TestReadOnlyNeedsKey(t *testing.T) {
	path := writtenDB(t)
	if err := os.Remove(path + ".logkey"); err != nil {
		t.Fatal(err)
	}
	_, err := sqlite.Open(context.Background(), path, sqlite.Options{ReadOnly: true})
	if err == nil || !strings.Contains(err.Error(), "no log key") {
		t.Fatalf("err = %v", err)
	}
	if _, err := os.Stat(path + ".logkey"); !os.IsNotExist(err) {
		t.Error("a read-only open created a key")
	}
}

// A log keeps the origin of its first checkpoint: reopening without one
// keeps it, and another one is refused.
func TestLogKeepsItsOrigin(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "o.db")
	db, err := sqlite.Open(ctx, path, sqlite.Options{LogOrigin: "a.example.org/log"})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if k := db.LogKey(); !strings.HasPrefix(k, "a.example.org/log+") {
		t.Errorf("key %q", k)
	}
	db.Close()
	if _, err := sqlite.Open(ctx, path, sqlite.Options{LogOrigin: "b.example.org/log"}); err == nil || !strings.Contains(err.Error(), "keeps its name") {
		t.Fatalf("err = %v", err)
	}
}
