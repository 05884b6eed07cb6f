package postgres

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/storekit"
	"github.com/qantar-project/qantar/tlog"
)

// Verify recomputes every leaf from the stored versions, rebuilds the tree,
// checks the latest checkpoint's signature and root, and checks that every
// record's current content is its latest logged version, as the SQLite
// store's Verify does. It reads one repeatable-read snapshot; writers on
// any server may go on meanwhile.
func (db *DB) Verify(ctx context.Context) (*qantar.VerifyReport, error) {
	rep := &qantar.VerifyReport{}
	tx, err := db.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))

	var signed []byte
	var stateSize int64
	if err := tx.QueryRow(ctx, `SELECT size, checkpoint FROM tlog_state WHERE id = 1`).Scan(&stateSize, &signed); err != nil {
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

	// One connection runs one query at a time, so the versions are read
	// in chunks of leaf indexes beside the leaves, not in one open cursor.
	vs := versionChunks{tx: tx}
	root, err := tlog.ScanLeaves(ctx, storekit.Reads{R: reader{tx}}, nodeStore{tx}, cp.Size, func(l tlog.Leaf, _ []byte) error {
		v, err := vs.at(ctx, l.Index, cp.Size)
		if err != nil {
			return err
		}
		var sv *tlog.StoredVersion
		if v != nil {
			sv = &tlog.StoredVersion{Kind: qantar.Kind(v.kind), ID: v.id, Version: v.version, Op: qantar.Op(v.op),
				Actor: v.actor, At: v.at, Data: v.data, Reason: v.reason, Salt: v.salt}
		}
		if p := tlog.CheckVersion(l, sv); p != "" {
			rep.Problem("%s", p)
		}
		return nil
	})
	if err != nil {
		rep.Problem("the log itself is damaged: %v", err)
		return rep, nil
	}
	// Versions beyond the checkpoint, or with no leaf at all.
	rows, err := tx.Query(ctx, `SELECT kind, id, version, leaf_index FROM versions
		WHERE leaf_index IS NULL OR leaf_index >= $1 OR leaf_index < 0 ORDER BY leaf_index IS NULL, leaf_index`, int64(cp.Size))
	if err != nil {
		return nil, err
	}
	type stray struct {
		kind    string
		id      int64
		version int
		leaf    *int64
	}
	strays, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (stray, error) {
		var s stray
		err := r.Scan(&s.kind, &s.id, &s.version, &s.leaf)
		return s, err
	})
	if err != nil {
		return nil, err
	}
	for _, s := range strays {
		if s.leaf != nil {
			rep.Problem("%s/%d version %d: points at leaf %d, beyond the checkpoint's %d leaves", s.kind, s.id, s.version, *s.leaf, cp.Size)
		} else {
			rep.Problem("%s/%d version %d: has no log leaf", s.kind, s.id, s.version)
		}
	}
	rep.Root = root
	if !bytes.Equal(root, cp.Hash) {
		rep.Problem("the root recomputed from the leaves, %s, is not the checkpoint's %s",
			base64.StdEncoding.EncodeToString(root), base64.StdEncoding.EncodeToString(cp.Hash))
	}
	if err := verifyRecords(ctx, tx, rep); err != nil {
		return nil, err
	}
	if err := verifyProjections(ctx, tx, rep); err != nil {
		return nil, err
	}
	return rep, nil
}

// storedVersion is one row of versions as Verify reads it.
type storedVersion struct {
	kind       string
	id         int64
	version    int
	op, actor  string
	reason     string
	at         time.Time
	data, salt []byte
}

// versionChunks reads versions by ranges of leaf index, a tile's worth at
// a time, for a scan of the leaves in order.
type versionChunks struct {
	tx         pgx.Tx
	begin, end uint64
	byLeaf     map[uint64]*storedVersion
}

const chunk = 4 * tlog.TileWidth

func (c *versionChunks) at(ctx context.Context, idx, size uint64) (*storedVersion, error) {
	if c.byLeaf == nil || idx < c.begin || idx >= c.end {
		c.begin, c.end = idx, min(idx+chunk, size)
		rows, err := c.tx.Query(ctx, `SELECT kind, id, version, op, actor, at, coalesce(reason, ''), data, salt, leaf_index FROM versions
			WHERE leaf_index >= $1 AND leaf_index < $2`, int64(c.begin), int64(c.end))
		if err != nil {
			return nil, err
		}
		c.byLeaf = make(map[uint64]*storedVersion, c.end-c.begin)
		for rows.Next() {
			var v storedVersion
			var data string
			var leaf int64
			if err := rows.Scan(&v.kind, &v.id, &v.version, &v.op, &v.actor, &v.at, &v.reason, &data, &v.salt, &leaf); err != nil {
				rows.Close()
				return nil, err
			}
			v.data = []byte(data)
			c.byLeaf[uint64(leaf)] = &v
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return c.byLeaf[idx], nil
}

// verifyRecords checks that each record's current row is its latest
// version, and that its protection column is what its content says.
func verifyRecords(ctx context.Context, tx pgx.Tx, rep *qantar.VerifyReport) error {
	rows, err := tx.Query(ctx, `SELECT r.kind, r.id, r.version, r.deleted_at IS NOT NULL, coalesce(r.protection, ''), r.data, v.data, v.op,
		(SELECT max(version) FROM versions m WHERE m.kind = r.kind AND m.id = r.id)
		FROM records r LEFT JOIN versions v ON v.kind = r.kind AND v.id = r.id AND v.version = r.version`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var r tlog.CurrentRecord
		var kind, data string
		var vdata, op *string
		var maxv *int64
		if err := rows.Scan(&kind, &r.ID, &r.Version, &r.Deleted, &r.Protection, &data, &vdata, &op, &maxv); err != nil {
			return err
		}
		r.Kind, r.Data = qantar.Kind(kind), []byte(data)
		if vdata != nil {
			r.Logged = []byte(*vdata)
		}
		if op != nil {
			r.LoggedOp = qantar.Op(*op)
		}
		if maxv != nil {
			r.MaxVersion = int(*maxv)
		}
		rep.Records++
		for _, p := range tlog.CheckCurrent(r) {
			rep.Problem("%s", p)
		}
	}
	return rows.Err()
}
