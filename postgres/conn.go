package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/qantar-project/qantar/storekit"
)

// conn is storekit.SQL over the pool (or a transaction).
type conn struct{ q execQuerier }

type execQuerier interface {
	querier
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

func (c conn) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	tag, err := c.q.Exec(ctx, query, args...)
	return tag.RowsAffected(), err
}

func (c conn) Query(ctx context.Context, query string, args ...any) (storekit.Cursor, error) {
	return c.q.Query(ctx, query, args...)
}

func (c conn) QueryRow(ctx context.Context, query string, args ...any) storekit.Row {
	return c.q.QueryRow(ctx, query, args...)
}

func (conn) NoRows(err error) bool { return errors.Is(err, pgx.ErrNoRows) }
func (conn) Unique(err error) bool { return isUnique(err, "") }
func (conn) Time(t time.Time) any  { return t.UTC() }
