package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/tlog"
)

// RepairCheckpoint signs a new checkpoint of the log as its leaves stand,
// when the stored one is missing or does not verify with the log key, and
// records why in the audit log, under the log lock. It rewrites no leaf,
// node or version: it refuses when the leaves, the stored size and the
// tree disagree. It returns the new signed checkpoint, or nil when the
// stored one verifies and there is nothing to repair.
func (db *DB) RepairCheckpoint(ctx context.Context, why string) ([]byte, error) {
	if err := qantar.CheckRepairReason(why); err != nil {
		return nil, err
	}
	if db.readOnly {
		return nil, qantar.Errorf(qantar.EINVALID, "the database is open read-only")
	}
	var signed []byte
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		var size, leaves int64
		var old []byte
		if err := tx.QueryRow(ctx, `SELECT size, checkpoint FROM tlog_state WHERE id = 1 FOR UPDATE`).Scan(&size, &old); err != nil {
			return fmt.Errorf("log state: %w", err)
		}
		if old != nil {
			if _, err := tlog.OpenCheckpoint(old, db.verifierKey); err == nil {
				return nil
			}
		}
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM tlog_leaves`).Scan(&leaves); err != nil {
			return fmt.Errorf("log leaves: %w", err)
		}
		if size != leaves {
			return qantar.Errorf(qantar.EINVALID, "the log's size is %d but it holds %d leaves: repair only re-signs the leaves as they stand, and will not guess which is right", size, leaves)
		}
		root, err := tlog.ScanLeaves(ctx, leafReader{tx}, nodeStore{tx}, uint64(size), nil)
		if err != nil {
			return qantar.Errorf(qantar.EINVALID, "the log itself is damaged, and repair will not sign it: %v", err)
		}
		cp, err := tlog.SignCheckpoint(db.signer, tlog.Checkpoint{Origin: db.origin, Size: uint64(size), Hash: root})
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE tlog_state SET root = $1, checkpoint = $2 WHERE id = 1`, root, cp); err != nil {
			return fmt.Errorf("log state: %w", err)
		}
		state := "invalid"
		if old == nil {
			state = "missing"
		}
		if _, err := tx.Exec(ctx, `INSERT INTO audit (at, actor, action, detail) VALUES ($1, $2, $3, $4)`, db.now().UTC(), qantar.System.ID, qantar.AuditRepair,
			fmt.Sprintf("re-signed the checkpoint of %d leaves (the stored one was %s): %s", size, state, why)); err != nil {
			return fmt.Errorf("audit: %w", err)
		}
		signed = cp
		return nil
	})
	return signed, err
}
