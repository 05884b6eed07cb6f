package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/qantar-project/qantar/sqlite"
	"github.com/qantar-project/qantar/storetest"
)

func open(t *testing.T) storetest.Store {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "test.db"), sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestConformance(t *testing.T) { storetest.Run(t, open) }
