package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/qantar-project/qantar/storekit"
)

// RepairCheckpoint signs a new checkpoint of the log as its leaves stand,
// when the stored one is missing or does not verify with the log key, and
// records why in the audit log, under the log lock. It rewrites no leaf,
// node or version: it refuses when the leaves, the stored size and the
// tree disagree. It returns the new signed checkpoint, or nil when the
// stored one verifies and there is nothing to repair.
func (db *DB) RepairCheckpoint(ctx context.Context, why string) ([]byte, error) {
	if err := storekit.CheckRepair(why, db.readOnly); err != nil {
		return nil, err
	}
	var signed []byte
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) (err error) {
		signed, err = storekit.Repair(ctx, storekit.TxLog{SQL: newConn(tx), Nodes: nodeStore{tx}, Lock: " FOR UPDATE", Now: db.now()}, storekit.Signer{Key: db.signer, Origin: db.origin}, db.verifierKey, why)
		return err
	})
	return signed, err
}

// MarkRebuild sets the kept projections, record_fields, the search index
// and search_terms to be made again from the records at the next Open
// (storekit.TxLog.MarkRebuild), recording why in the audit log.
func (db *DB) MarkRebuild(ctx context.Context, why string) error {
	if err := storekit.CheckRepair(why, db.readOnly); err != nil {
		return err
	}
	return pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		return storekit.TxLog{SQL: newConn(tx), Now: db.now()}.MarkRebuild(ctx, why)
	})
}
