package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/qantar-project/qantar"
)

// GetPrepared returns the JSON of a live record as reader's class sees it,
// as the row keeps it (qantar.PreparedReader): one read by primary key.
func (db *DB) GetPrepared(ctx context.Context, kind qantar.Kind, id int64, reader qantar.Actor) (qantar.Prepared, error) {
	col := "data"
	if c := qantar.PreparedColumn(reader); c != "" {
		col = "coalesce(" + c + ", data)"
	}
	var p qantar.Prepared
	err := db.pool.QueryRow(ctx, `SELECT `+col+`, version, protection FROM records
		WHERE kind = $1 AND id = $2 AND deleted_at IS NULL`, string(kind), id).Scan(&p.Data, &p.Version, &p.Protection)
	if errors.Is(err, pgx.ErrNoRows) {
		return p, qantar.Errorf(qantar.ENOTFOUND, "%s/%d does not exist", kind, id)
	} else if err != nil {
		return p, fmt.Errorf("get %s/%d: %w", kind, id, err)
	}
	return p, nil
}
