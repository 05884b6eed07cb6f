package sqlite

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/qantar-project/qantar"
)

// readyReservePages is how many pages below its quota (Options.MaxPages) the
// database must be for Ready to say writes work.
const readyReservePages = 8

// readyMinFree is how many bytes the database's file system must have free
// for Ready to say writes work: a write's WAL frames and a checkpoint.
const readyMinFree = 4 << 20

// Ready reports whether writes work now, by trying one that changes
// nothing: it takes the write lock (BEGIN IMMEDIATE), updates the log state
// to what it is, and rolls back. A rolled-back write touches no disk, so it
// also checks the room left: under the quota (Options.MaxPages) and on the
// file system. Its errors carry the storage codes (ESTORAGEFULL,
// EUNAVAILABLE).
func (db *DB) Ready(ctx context.Context) error {
	if db.readOnly {
		return qantar.Errorf(qantar.EUNAVAILABLE, "the database is open read-only")
	}
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("ready: begin: %w", err)
	}
	defer tx.Rollback()
	var pages, free, maxPages, pageSize int64
	for _, p := range []struct {
		q string
		v *int64
	}{{"PRAGMA page_count", &pages}, {"PRAGMA freelist_count", &free}, {"PRAGMA max_page_count", &maxPages}, {"PRAGMA page_size", &pageSize}} {
		if err := tx.QueryRowContext(ctx, p.q).Scan(p.v); err != nil {
			return fmt.Errorf("ready: %s: %w", p.q, err)
		}
	}
	if maxPages-(pages-free) < readyReservePages {
		return qantar.Errorf(qantar.ESTORAGEFULL, "the database has reached its size limit of %d pages", maxPages)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE tlog_state SET size = size WHERE id = 1`); err != nil {
		return fmt.Errorf("ready: write: %w", err)
	}
	if avail, ok := freeBytes(filepath.Dir(db.path)); ok && avail < readyMinFree {
		return qantar.Errorf(qantar.ESTORAGEFULL, "the database's file system has %d bytes free", avail)
	}
	return nil
}

// SetMaxPages sets the database's quota in pages (SQLite's max_page_count)
// on the write connection, and returns the quota in force: SQLite never sets
// it below the pages in use. Options.MaxPages sets it at open; tests use
// this to fill a database and to give it room again.
func (db *DB) SetMaxPages(ctx context.Context, n int64) (int64, error) {
	var got int64
	if err := db.write.QueryRowContext(ctx, fmt.Sprintf("PRAGMA max_page_count = %d", n)).Scan(&got); err != nil {
		return 0, err
	}
	return got, nil
}

// PageCount returns the pages the database file holds.
func (db *DB) PageCount(ctx context.Context) (int64, error) {
	var n int64
	err := db.read.QueryRowContext(ctx, "PRAGMA page_count").Scan(&n)
	return n, err
}

// PoolStat is the read pool's use, for /metrics.
func (db *DB) PoolStat() (inUse, idle, max int32) {
	st := db.read.Stats()
	return int32(st.InUse), int32(st.Idle), int32(st.MaxOpenConnections)
}
