package sqlite

import (
	"context"
	"fmt"

	"github.com/qantar-project/qantar/storekit"
)

// RepairCheckpoint signs a new checkpoint of the log as its leaves stand,
// when the stored one is missing or does not verify with the log key, and
// records why in the audit log. It rewrites no leaf, node or version: it
// refuses when the leaves, the stored size and the tree disagree. It
// returns the new signed checkpoint, or nil when the stored one verifies
// and there is nothing to repair.
func (db *DB) RepairCheckpoint(ctx context.Context, why string) ([]byte, error) {
	if err := storekit.CheckRepair(why, db.readOnly); err != nil {
		return nil, err
	}
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	signed, err := storekit.Repair(ctx, storekit.TxLog{SQL: txConn(tx), Nodes: nodeStore{tx}, Now: db.now()}, storekit.Signer{Key: db.signer, Origin: db.origin}, db.verifierKey, why)
	if err != nil || signed == nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return signed, nil
}

// MarkRebuild sets the kept projections, record_fields, the search index
// and search_terms to be made again from the records at the next Open
// (storekit.TxLog.MarkRebuild), recording why in the audit log.
func (db *DB) MarkRebuild(ctx context.Context, why string) error {
	if err := storekit.CheckRepair(why, db.readOnly); err != nil {
		return err
	}
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	if err := (storekit.TxLog{SQL: txConn(tx), Now: db.now()}).MarkRebuild(ctx, why); err != nil {
		return err
	}
	return tx.Commit()
}
