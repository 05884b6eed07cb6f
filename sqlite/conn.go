package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/qantar-project/qantar/storekit"
)

// reader is storekit.Reader over the read pool or a transaction.
type reader struct{ q querier }

func (r reader) Query(ctx context.Context, query string, args ...any) (storekit.Cursor, error) {
	rows, err := r.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return cursor{rows}, nil
}

func (r reader) QueryRow(ctx context.Context, query string, args ...any) storekit.Row {
	return r.q.QueryRowContext(ctx, query, args...)
}

func (reader) NoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// cursor is storekit.Cursor over database/sql's rows.
type cursor struct{ *sql.Rows }

func (c cursor) Close() { c.Rows.Close() }

// conn is storekit.SQL that reads from the read pool and writes on the
// write connection (or reads and writes in one transaction).
type conn struct {
	reader
	write execQuerier
}

type execQuerier interface {
	querier
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// txConn is storekit.SQL inside one transaction.
func txConn(tx *sql.Tx) conn { return conn{reader{tx}, tx} }

func (c conn) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	res, err := c.write.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// QueryRow runs a statement that writes (INSERT … RETURNING) on the write
// connection.
func (c conn) QueryRow(ctx context.Context, query string, args ...any) storekit.Row {
	if strings.HasPrefix(query, "INSERT") {
		return c.write.QueryRowContext(ctx, query, args...)
	}
	return c.reader.QueryRow(ctx, query, args...)
}

func (conn) Unique(err error) bool { return err != nil && strings.Contains(err.Error(), "UNIQUE") }
func (conn) Time(t time.Time) any  { return formatTime(t) }
