package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/qantar-project/qantar/storekit"
)

// reader is storekit.Reader over the pool or a transaction.
type reader struct{ q querier }

func (r reader) Query(ctx context.Context, query string, args ...any) (storekit.Cursor, error) {
	return r.q.Query(ctx, query, args...)
}

func (r reader) QueryRow(ctx context.Context, query string, args ...any) storekit.Row {
	return r.q.QueryRow(ctx, query, args...)
}

func (reader) NoRows(err error) bool { return errors.Is(err, pgx.ErrNoRows) }

// conn is storekit.SQL over the pool or a transaction.
type conn struct {
	reader
	write execQuerier
}

type execQuerier interface {
	querier
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

func newConn(q execQuerier) conn { return conn{reader{q}, q} }

func (c conn) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	tag, err := c.write.Exec(ctx, query, args...)
	return tag.RowsAffected(), err
}

func (conn) Unique(err error) bool { return isUnique(err, "") }
func (conn) Time(t time.Time) any  { return t.UTC() }
