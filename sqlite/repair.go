package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/storekit"
	"github.com/qantar-project/qantar/tlog"
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
	signed, err := storekit.Repair(ctx, repairLog{db, tx}, storekit.Signer{Key: db.signer, Origin: db.origin}, db.verifierKey, why)
	if err != nil || signed == nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return signed, nil
}

// repairLog is the log in a write transaction, for storekit.Repair.
type repairLog struct {
	db *DB
	tx *sql.Tx
}

func (r repairLog) Tree() (tlog.LeafReader, tlog.NodeReader) {
	return leafReader{r.tx}, nodeStore{r.tx}
}

func (r repairLog) State(ctx context.Context) (size int64, cp []byte, err error) {
	err = r.tx.QueryRowContext(ctx, `SELECT size, checkpoint FROM tlog_state WHERE id = 1`).Scan(&size, &cp)
	return size, cp, err
}

func (r repairLog) Leaves(ctx context.Context) (n int64, err error) {
	err = r.tx.QueryRowContext(ctx, `SELECT count(*) FROM tlog_leaves`).Scan(&n)
	return n, err
}

func (r repairLog) Save(ctx context.Context, root, cp []byte, detail string) error {
	if _, err := r.tx.ExecContext(ctx, `UPDATE tlog_state SET root = ?, checkpoint = ? WHERE id = 1`, root, cp); err != nil {
		return fmt.Errorf("log state: %w", err)
	}
	if _, err := r.tx.ExecContext(ctx, `INSERT INTO audit (at, actor, action, detail) VALUES (?, ?, ?, ?)`,
		formatTime(r.db.now()), qantar.System.ID, qantar.AuditRepair, detail); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}
