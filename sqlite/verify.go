package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"fmt"
	"time"

	"github.com/qantar-project/qantar"
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
	rows, err := tx.QueryContext(ctx, `SELECT kind, id, version, op, actor, at, data, salt, leaf_index FROM versions
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
		data, salt    []byte
		leaf          sql.NullInt64
	}
	next := func() (*vrow, error) {
		if !rows.Next() {
			return nil, rows.Err()
		}
		var v vrow
		if err := rows.Scan(&v.kind, &v.id, &v.version, &v.op, &v.actor, &v.at, &v.data, &v.salt, &v.leaf); err != nil {
			return nil, err
		}
		return &v, nil
	}
	cur, err := next()
	if err != nil {
		return nil, err
	}
	root, err := tlog.ScanLeaves(ctx, leafReader{tx}, nodeStore{tx}, cp.Size, func(l tlog.Leaf, _ []byte) error {
		name := fmt.Sprintf("%s/%d version %d (leaf %d)", l.Kind, l.ID, l.Version, l.Index)
		for cur != nil && cur.leaf.Valid && uint64(cur.leaf.Int64) < l.Index {
			cur, err = next() // cannot happen with a unique index; be safe
			if err != nil {
				return err
			}
		}
		if cur == nil || !cur.leaf.Valid || uint64(cur.leaf.Int64) != l.Index {
			rep.Problem("%s: the stored version is missing", name)
			return nil
		}
		v := cur
		if cur, err = next(); err != nil {
			return err
		}
		switch {
		case string(l.Kind) != v.kind || l.ID != v.id || l.Version != v.version:
			rep.Problem("leaf %d is %s/%d version %d but the version stored at it is %s/%d version %d", l.Index, l.Kind, l.ID, l.Version, v.kind, v.id, v.version)
		case string(l.Op) != v.op || l.Actor != v.actor:
			rep.Problem("%s: its operation or actor was changed", name)
		case !l.Time.Equal(parseTime(v.at).Truncate(time.Microsecond)):
			rep.Problem("%s: its time was changed", name)
		case !l.Matches(v.data, v.salt):
			rep.Problem("%s: its stored content does not match the log", name)
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
	return rep, nil
}

// verifyRecords checks that each record's current row is its latest version.
func (db *DB) verifyRecords(ctx context.Context, tx *sql.Tx, rep *qantar.VerifyReport) error {
	rows, err := tx.QueryContext(ctx, `SELECT r.kind, r.id, r.version, r.deleted_at IS NOT NULL, r.data, v.data, v.op,
		(SELECT max(version) FROM versions m WHERE m.kind = r.kind AND m.id = r.id)
		FROM records r LEFT JOIN versions v ON v.kind = r.kind AND v.id = r.id AND v.version = r.version`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var kind string
		var id int64
		var version int
		var deleted bool
		var data []byte
		var vdata []byte
		var op sql.NullString
		var maxv sql.NullInt64
		if err := rows.Scan(&kind, &id, &version, &deleted, &data, &vdata, &op, &maxv); err != nil {
			return err
		}
		rep.Records++
		name := fmt.Sprintf("%s/%d", kind, id)
		if vdata == nil {
			rep.Problem("%s: its current version %d has no stored version", name, version)
			continue
		}
		if maxv.Int64 != int64(version) {
			rep.Problem("%s: the record is at version %d but version %d exists", name, version, maxv.Int64)
		}
		if deleted != (op.String == string(qantar.OpDelete)) {
			rep.Problem("%s: its deletion state does not match its history", name)
		}
		rec, err := decodeStored(qantar.Kind(kind), string(data))
		if err != nil {
			rep.Problem("%s: its stored content does not decode: %v", name, err)
			continue
		}
		canon, err := qantar.Canonical(rec)
		if err != nil || !bytes.Equal(canon, vdata) {
			rep.Problem("%s: its current content differs from its logged version %d", name, version)
		}
	}
	return rows.Err()
}
