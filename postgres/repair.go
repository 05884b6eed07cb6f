package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/storekit"
	"github.com/qantar-project/qantar/tlog"
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
		signed, err = storekit.Repair(ctx, repairLog{db, tx}, storekit.Signer{Key: db.signer, Origin: db.origin}, db.verifierKey, why)
		return err
	})
	return signed, err
}

// repairLog is the log in a write transaction, for storekit.Repair; its
// state is read under the log lock.
type repairLog struct {
	db *DB
	tx pgx.Tx
}

func (r repairLog) Tree() (tlog.LeafReader, tlog.NodeReader) {
	return leafReader{r.tx}, nodeStore{r.tx}
}

func (r repairLog) State(ctx context.Context) (size int64, cp []byte, err error) {
	err = r.tx.QueryRow(ctx, `SELECT size, checkpoint FROM tlog_state WHERE id = 1 FOR UPDATE`).Scan(&size, &cp)
	return size, cp, err
}

func (r repairLog) Leaves(ctx context.Context) (n int64, err error) {
	err = r.tx.QueryRow(ctx, `SELECT count(*) FROM tlog_leaves`).Scan(&n)
	return n, err
}

func (r repairLog) Save(ctx context.Context, root, cp []byte, detail string) error {
	if _, err := r.tx.Exec(ctx, `UPDATE tlog_state SET root = $1, checkpoint = $2 WHERE id = 1`, root, cp); err != nil {
		return fmt.Errorf("log state: %w", err)
	}
	if _, err := r.tx.Exec(ctx, `INSERT INTO audit (at, actor, action, detail) VALUES ($1, $2, $3, $4)`,
		r.db.now().UTC(), qantar.System.ID, qantar.AuditRepair, detail); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}
