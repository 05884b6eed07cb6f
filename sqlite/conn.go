package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/qantar-project/qantar/storekit"
)

// conn is storekit.SQL over the write connection and the read pool (or
// one transaction for both).
type conn struct{ write, read execQuerier }

type execQuerier interface {
	querier
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func (c conn) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	res, err := c.write.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func (c conn) Query(ctx context.Context, query string, args ...any) (storekit.Cursor, error) {
	rows, err := c.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return cursor{rows}, nil
}

// QueryRow reads on the write connection when the statement writes
// (INSERT … RETURNING).
func (c conn) QueryRow(ctx context.Context, query string, args ...any) storekit.Row {
	if strings.HasPrefix(query, "INSERT") {
		return c.write.QueryRowContext(ctx, query, args...)
	}
	return c.read.QueryRowContext(ctx, query, args...)
}

func (conn) NoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
func (conn) Unique(err error) bool { return err != nil && strings.Contains(err.Error(), "UNIQUE") }
func (conn) Time(t time.Time) any  { return formatTime(t) }

// cursor is storekit.Cursor over database/sql's rows.
type cursor struct{ *sql.Rows }

func (c cursor) Close() { c.Rows.Close() }
