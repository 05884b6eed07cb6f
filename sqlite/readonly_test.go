package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/sqlite"
)

// TestReadOnlySidecars: SQLite makes a WAL database's -wal and -shm files
// when a reader opens it and leaves them to the next writer; after a
// read-only open the -wal holds no frame and both are private. (What a
// read-only open must not change is storetest's ReadOnlyOpenWritesNothing.)
func TestReadOnlySidecars(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "q.db")
	db, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Create(ctx, editor, &qantar.Person{Names: []qantar.Name{{Value: "Person A"}}}); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	existed := map[string]bool{}
	for _, k := range []string{"-wal", "-shm"} {
		if _, err := os.Stat(path + k); err == nil {
			existed[k] = true
		}
	}
	ro, err := sqlite.Open(ctx, path, sqlite.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ro.Verify(ctx); err != nil {
		t.Fatal(err)
	}
	if err := ro.Close(); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"-wal", "-shm"} {
		fi, err := os.Stat(path + k)
		if os.IsNotExist(err) || existed[k] {
			continue
		} else if err != nil {
			t.Fatal(err)
		}
		if k == "-wal" && fi.Size() != 0 {
			t.Errorf("a -wal of %d bytes appeared", fi.Size())
		}
		if fi.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s has mode %v", k, fi.Mode().Perm())
		}
	}
}
