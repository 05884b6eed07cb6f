package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"fmt"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/storekit"
	"github.com/qantar-project/qantar/tlog"
)

// Verify recomputes every leaf from the stored versions, rebuilds the tree,
// checks the latest checkpoint's signature and root, and checks that every
// record's current content is its latest logged version. It reads one
// consistent snapshot; writers may go on meanwhile.
func (db *DB) Verify(ctx context.Context) (*qantar.VerifyReport, error) {
	rep := &qantar.VerifyReport{}
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()

	var signed []byte
	var stateSize int64
	if err := tx.QueryRowContext(ctx, `SELECT size, checkpoint FROM tlog_state WHERE id = 1`).Scan(&stateSize, &signed); err != nil {
		return nil, fmt.Errorf("log state: %w", err)
	}
	cp, err := tlog.OpenCheckpoint(signed, db.verifierKey)
	if err != nil {
		rep.Problem("the latest checkpoint does not verify with the log key: %v", err)
		return rep, nil
	}
	if int64(cp.Size) != stateSize {
		rep.Problem("the latest checkpoint is of size %d but the log holds %d leaves", cp.Size, stateSize)
	}
	rep.Leaves = cp.Size

	// Walk the versions in leaf order beside the leaves.
	rows, err := tx.QueryContext(ctx, `SELECT kind, id, version, op, actor, at, reason, data, salt, leaf_index FROM versions
		ORDER BY leaf_index IS NULL, leaf_index`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	type vrow struct {
		kind          string
		id            int64
		version       int
		op, actor, at string
		reason        sql.NullString
		data, salt    []byte
		leaf          sql.NullInt64
	}
	next := func() (*vrow, error) {
		if !rows.Next() {
			return nil, rows.Err()
		}
		var v vrow
		if err := rows.Scan(&v.kind, &v.id, &v.version, &v.op, &v.actor, &v.at, &v.reason, &v.data, &v.salt, &v.leaf); err != nil {
			return nil, err
		}
		return &v, nil
	}
	cur, err := next()
	if err != nil {
		return nil, err
	}
	root, err := tlog.ScanLeaves(ctx, storekit.Reads{R: reader{tx}}, nodeStore{tx}, cp.Size, func(l tlog.Leaf, _ []byte) error {
		for cur != nil && cur.leaf.Valid && uint64(cur.leaf.Int64) < l.Index {
			cur, err = next() // cannot happen with a unique index; be safe
			if err != nil {
				return err
			}
		}
		if cur == nil || !cur.leaf.Valid || uint64(cur.leaf.Int64) != l.Index {
			rep.Problem("%s", tlog.CheckVersion(l, nil))
			return nil
		}
		v := cur
		if cur, err = next(); err != nil {
			return err
		}
		if p := tlog.CheckVersion(l, &tlog.StoredVersion{Kind: qantar.Kind(v.kind), ID: v.id, Version: v.version,
			Op: qantar.Op(v.op), Actor: v.actor, At: parseTime(v.at), Data: v.data, Reason: v.reason.String, Salt: v.salt}); p != "" {
			rep.Problem("%s", p)
		}
		return nil
	})
	if err != nil {
		rep.Problem("the log itself is damaged: %v", err)
		return rep, nil
	}
	for ; cur != nil; cur, err = next() {
		if cur.leaf.Valid {
			rep.Problem("%s/%d version %d: points at leaf %d, beyond the checkpoint's %d leaves", cur.kind, cur.id, cur.version, cur.leaf.Int64, cp.Size)
		} else {
			rep.Problem("%s/%d version %d: has no log leaf", cur.kind, cur.id, cur.version)
		}
	}
	if err != nil {
		return nil, err
	}
	rep.Root = root
	if !bytes.Equal(root, cp.Hash) {
		rep.Problem("the root recomputed from the leaves, %s, is not the checkpoint's %s",
			base64.StdEncoding.EncodeToString(root), base64.StdEncoding.EncodeToString(cp.Hash))
	}
	if err := db.verifyRecords(ctx, tx, rep); err != nil {
		return nil, err
	}
	if err := verifyProjections(ctx, tx, rep); err != nil {
		return nil, err
	}
	return rep, nil
}

// verifyRecords checks that each record's current row is its latest
// version, and that its protection column is what its content says.
func (db *DB) verifyRecords(ctx context.Context, tx *sql.Tx, rep *qantar.VerifyReport) error {
	rows, err := tx.QueryContext(ctx, `SELECT r.kind, r.id, r.version, r.deleted_at IS NOT NULL, r.protection, r.data, v.data, v.op,
		(SELECT max(version) FROM versions m WHERE m.kind = r.kind AND m.id = r.id)
		FROM records r LEFT JOIN versions v ON v.kind = r.kind AND v.id = r.id AND v.version = r.version`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var r tlog.CurrentRecord
		var op sql.NullString
		var maxv sql.NullInt64
		var prot sql.NullString
		if err := rows.Scan(&r.Kind, &r.ID, &r.Version, &r.Deleted, &prot, &r.Data, &r.Logged, &op, &maxv); err != nil {
			return err
		}
		r.LoggedOp, r.MaxVersion, r.Protection = qantar.Op(op.String), int(maxv.Int64), prot.String
		rep.Records++
		for _, p := range tlog.CheckCurrent(r) {
			rep.Problem("%s", p)
		}
	}
	return rows.Err()
}
