//go:build unix

package sqlite_test

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/sqlite"
)

// TestFilesPrivate: the database, its WAL and its shared-memory file are
// created readable by their owner only, even under a umask of 0; opening an
// existing database that others may read logs a warning.
func TestFilesPrivate(t *testing.T) {
	defer syscall.Umask(syscall.Umask(0))
	path := filepath.Join(t.TempDir(), "private.db")
	var logged bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logged, nil))
	db, err := sqlite.Open(context.Background(), path, sqlite.Options{Synchronous: "NORMAL", Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Create(context.Background(), qantar.System, &qantar.Source{Title: qantar.Text{"en": "x"}, SourceKind: "report"}); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		if m := fi.Mode().Perm(); m != 0o600 {
			t.Errorf("%s has mode %v, want 0600", filepath.Base(f), m)
		}
	}
	db.Close()
	if logged.Len() != 0 {
		t.Errorf("a new database warned: %s", logged.String())
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	db, err = sqlite.Open(context.Background(), path, sqlite.Options{Synchronous: "NORMAL", Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if !strings.Contains(logged.String(), "level=WARN") || !strings.Contains(logged.String(), "chmod 600") {
		t.Errorf("no warning about a database others may read: %q", logged.String())
	}
}
