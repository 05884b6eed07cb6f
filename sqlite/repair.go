package sqlite

import (
	"context"
	"fmt"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/tlog"
)

// RepairCheckpoint signs a new checkpoint of the log as its leaves stand,
// when the stored one is missing or does not verify with the log key, and
// records why in the audit log. It rewrites no leaf, node or version: it
// refuses when the leaves, the stored size and the tree disagree. It
// returns the new signed checkpoint, or nil when the stored one verifies
// and there is nothing to repair.
func (db *DB) RepairCheckpoint(ctx context.Context, why string) ([]byte, error) {
	if err := qantar.CheckRepairReason(why); err != nil {
		return nil, err
	}
	if db.readOnly {
		return nil, qantar.Errorf(qantar.EINVALID, "the database is open read-only")
	}
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	var size, leaves int64
	var old []byte
	if err := tx.QueryRowContext(ctx, `SELECT size, checkpoint, (SELECT count(*) FROM tlog_leaves) FROM tlog_state WHERE id = 1`).Scan(&size, &old, &leaves); err != nil {
		return nil, fmt.Errorf("log state: %w", err)
	}
	if old != nil {
		if _, err := tlog.OpenCheckpoint(old, db.verifierKey); err == nil {
			return nil, nil
		}
	}
	if size != leaves {
		return nil, qantar.Errorf(qantar.EINVALID, "the log's size is %d but it holds %d leaves: repair only re-signs the leaves as they stand, and will not guess which is right", size, leaves)
	}
	root, err := tlog.ScanLeaves(ctx, leafReader{tx}, nodeStore{tx}, uint64(size), nil)
	if err != nil {
		return nil, qantar.Errorf(qantar.EINVALID, "the log itself is damaged, and repair will not sign it: %v", err)
	}
	signed, err := tlog.SignCheckpoint(db.signer, tlog.Checkpoint{Origin: db.origin, Size: uint64(size), Hash: root})
	if err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE tlog_state SET root = ?, checkpoint = ? WHERE id = 1`, root, signed); err != nil {
		return nil, fmt.Errorf("log state: %w", err)
	}
	detail := fmt.Sprintf("re-signed the checkpoint of %d leaves (the stored one was %s): %s", size, map[bool]string{true: "missing", false: "invalid"}[old == nil], why)
	if _, err := tx.ExecContext(ctx, `INSERT INTO audit (at, actor, action, detail) VALUES (?, ?, ?, ?)`,
		formatTime(db.now()), qantar.System.ID, qantar.AuditRepair, detail); err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return signed, nil
}
