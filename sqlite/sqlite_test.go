package sqlite_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/sqlite"
	"github.com/qantar-project/qantar/storetest"
)

var editor = qantar.Actor{ID: "token:1", Role: qantar.RoleEditor}

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

// engine is SQLite for storetest.RunEngine: a file in the test's directory,
// its key beside it, changed behind the store's back through a connection
// of its own.
var engine = storetest.Engine{
	New: func(t *testing.T) storetest.Place {
		path := filepath.Join(t.TempDir(), "q.db")
		return storetest.Place{Addr: path, Key: path + ".logkey"}
	},
	Open: func(ctx context.Context, p storetest.Place, o storetest.Options) (storetest.EngineStore, error) {
		db, err := sqlite.Open(ctx, p.Addr, sqlite.Options{Synchronous: "NORMAL", Now: o.Now, ReadOnly: o.ReadOnly, Repair: o.Repair, LogOrigin: o.LogOrigin})
		if err != nil {
			return nil, err
		}
		return db, nil
	},
	Exec:  rawExec,
	State: fileState,
	Tamperings: []storetest.Tampering{
		{Name: "EditFigure", SQL: `UPDATE versions SET data = replace(data, '"value":238', '"value":23') WHERE kind = 'figures' AND instr(CAST(data AS TEXT), '"value":238') > 0`, Want: "figures/"},
		{Name: "EditNode", SQL: `UPDATE tlog_nodes SET hash = zeroblob(32) WHERE level = 0 AND idx = 5`, Want: "log"},
		{Name: "ChangeTime", SQL: `UPDATE versions SET at = '2001-01-01T00:00:00.000000Z' WHERE kind = 'persons' AND id = 1 AND version = 2`, Want: "persons/1 version 2"},
		{Name: "ForgeCheckpoint", SQL: `UPDATE tlog_state SET checkpoint = CAST(replace(CAST(checkpoint AS TEXT), 'qantar', 'qantor') AS BLOB)`, Want: "checkpoint"},
	},
}

func TestEngine(t *testing.T) { storetest.RunEngine(t, engine) }

// rawExec runs query on the database at p through a connection of its own.
func rawExec(t *testing.T, p storetest.Place, query string) int64 {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+p.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	// Rows changed through the versions view's triggers count too (SQLite's
	// changes() leaves them out, total_changes() does not).
	c, err := raw.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var before, after int64
	if err := c.QueryRowContext(context.Background(), `SELECT total_changes()`).Scan(&before); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ExecContext(context.Background(), query); err != nil {
		t.Fatal(err)
	}
	if err := c.QueryRowContext(context.Background(), `SELECT total_changes()`).Scan(&after); err != nil {
		t.Fatal(err)
	}
	return after - before
}

// fileState hashes the database, its key and its -wal: a reader may leave
// an empty -wal and a -shm behind (TestReadOnlySidecars), but no frame.
func fileState(t *testing.T, p storetest.Place) string {
	t.Helper()
	var out string
	for _, f := range []string{p.Addr, p.Key, p.Addr + "-wal"} {
		b, err := os.ReadFile(f)
		if os.IsNotExist(err) {
			b = nil
		} else if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		out += filepath.Base(f) + ":" + hex.EncodeToString(sum[:8]) + " "
	}
	return out
}
