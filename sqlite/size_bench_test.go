package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/qantar-project/qantar/sqlite"
	"github.com/qantar-project/qantar/storetest"
)

// BenchmarkBytesPerRow is storetest.BytesPerRow on SQLite (synchronous
// FULL, its default): each table and index as dbstat counts its pages,
// after the store is closed and its WAL checkpointed.
func BenchmarkBytesPerRow(b *testing.B) {
	storetest.BytesPerRow(b, func(b *testing.B) storetest.Sized {
		path := filepath.Join(b.TempDir(), "q.db")
		db, err := sqlite.Open(context.Background(), path, sqlite.Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { db.Close() })
		return storetest.Sized{Store: db, Sizes: func() ([]storetest.Size, []string) {
			if err := db.Close(); err != nil {
				b.Fatal(err)
			}
			return sqliteSizes(b, path)
		}}
	})
}

// sqliteSizes reads the pages of each table and index of the database at
// path, and notes the JSON bytes of each kind's records and projections.
func sqliteSizes(b *testing.B, path string) ([]storetest.Size, []string) {
	raw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		b.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		b.Fatal(err)
	}
	var parts []storetest.Size
	scanRows(b, raw, `SELECT name, sum(pgsize) FROM dbstat GROUP BY name`, func(rows *sql.Rows) error {
		var s storetest.Size
		err := rows.Scan(&s.Name, &s.Bytes)
		parts = append(parts, s)
		return err
	})
	var notes []string
	scanRows(b, raw, `SELECT kind, count(*), sum(length(CAST(data AS BLOB))), sum(coalesce(length(CAST(pub_data AS BLOB)), 0)),
		sum(coalesce(length(CAST(viewer_data AS BLOB)), 0)) FROM records GROUP BY kind`, func(rows *sql.Rows) error {
		var k string
		var c, d, p, v int64
		err := rows.Scan(&k, &c, &d, &p, &v)
		notes = append(notes, fmt.Sprintf("%s %d records, JSON bytes each: data %d, pub_data %d, viewer_data %d", k, c, d/max(c, 1), p/max(c, 1), v/max(c, 1)))
		return err
	})
	return parts, notes
}

// scanRows runs query and calls row on each of its rows.
func scanRows(b *testing.B, db *sql.DB, query string, row func(*sql.Rows) error) {
	rows, err := db.Query(query)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := row(rows); err != nil {
			b.Fatal(err)
		}
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
}
