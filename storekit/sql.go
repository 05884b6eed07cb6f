package storekit

import (
	"context"
	"fmt"
	"time"
)

// SQL is a store's connection (or transaction) as the statements shared by
// both stores use it. The statements are written with $1, $2 … placeholders,
// which SQLite (modernc.org/sqlite) and PostgreSQL both read, and in the SQL
// both engines speak; what the engines do differently (a driver's errors, how
// a time is stored) is asked of the store here, and nothing else: locking,
// group commit, search and bulk writes stay each store's own.
type SQL interface {
	Reader
	// Exec runs a statement and returns how many rows it changed.
	Exec(ctx context.Context, query string, args ...any) (int64, error)
	// Unique reports whether err is a unique constraint's refusal.
	Unique(err error) bool
	// Time is t as the store writes it into a time column.
	Time(t time.Time) any
}

// Reader is the reading half of SQL: a read transaction, or a pool.
type Reader interface {
	// Query runs a query; the caller closes its rows.
	Query(ctx context.Context, query string, args ...any) (Cursor, error)
	// QueryRow runs a query of at most one row.
	QueryRow(ctx context.Context, query string, args ...any) Row
	// NoRows reports whether err says that QueryRow found no row.
	NoRows(err error) bool
}

// Row is one row of a query (database/sql's *Row, pgx's Row).
type Row interface {
	Scan(dest ...any) error
}

// Cursor is the open rows of a query.
type Cursor interface {
	Rows
	Close()
}

// Time scans a stored time column as either store gives it: SQLite's text
// (RFC 3339, as its store writes it) or PostgreSQL's timestamptz. NULL
// leaves it not Valid. The time is in UTC.
type Time struct {
	T     time.Time
	Valid bool
}

// Scan is sql.Scanner's (pgx scans into a sql.Scanner too).
func (t *Time) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*t = Time{}
		return nil
	case time.Time:
		*t = Time{T: x.UTC(), Valid: true}
		return nil
	case string:
		return t.parse(x)
	case []byte:
		return t.parse(string(x))
	}
	return fmt.Errorf("a stored time cannot be a %T", v)
}

func (t *Time) parse(s string) error {
	p, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return fmt.Errorf("stored time %q: %w", s, err)
	}
	*t = Time{T: p.UTC(), Valid: true}
	return nil
}

// Ptr is the time, nil when NULL.
func (t Time) Ptr() *time.Time {
	if !t.Valid {
		return nil
	}
	return &t.T
}

// NullTime is t as s writes it, NULL for nil.
func NullTime(s SQL, t *time.Time) any {
	if t == nil {
		return nil
	}
	return s.Time(*t)
}

// Each calls fn after scanning each row of rows into dest, and closes them.
func Each(rows Cursor, dest []any, fn func() error) error {
	defer rows.Close()
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		if err := fn(); err != nil {
			return err
		}
	}
	return rows.Err()
}
