package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/storekit"
)

// Verify is storekit.Verify over one repeatable-read snapshot; writers on
// any server may go on meanwhile.
func (db *DB) Verify(ctx context.Context) (*qantar.VerifyReport, error) {
	tx, err := db.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	return storekit.Verify(ctx, reader{tx}, nodeStore{tx}, db.verifierKey)
}
