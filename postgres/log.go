package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/tlog"
)

// flushLog gives the transaction's versions their leaves and writes the
// tree nodes and the new signed checkpoint, in the transaction, so that
// records, versions, leaves, tree and checkpoint commit together or not at
// all. It locks the log state row first and holds it to commit: that lock,
// taken as late as possible, is what makes every server append after the
// last committed leaf, with no gap, fork or duplicate.
func (tx *Tx) flushLog(ctx context.Context) error {
	if len(tx.pending) == 0 {
		return nil
	}
	var start int64
	if err := tx.tx.QueryRow(ctx, `SELECT size FROM tlog_state WHERE id = 1 FOR UPDATE`).Scan(&start); err != nil {
		return fmt.Errorf("log size: %w", err)
	}
	n := len(tx.pending)
	idxs := make([]int64, n)
	encs := make([][]byte, n)
	hashes := make([][]byte, n)
	var (
		kinds, ops, actors, datas []string
		ids                       []int64
		versions                  []int32
		reasons                   []*string
		salts                     [][]byte
	)
	for i, v := range tx.pending {
		idx := start + int64(i)
		leaf := tlog.Leaf{Index: uint64(idx), Time: tx.now, Actor: v.actor, Kind: v.kind, ID: v.id, Version: v.version, Op: v.op,
			Salted: v.salt != nil, Commitment: tlog.Commit(v.canonical, v.salt)}
		enc, err := leaf.Encode()
		if err != nil {
			return err
		}
		idxs[i], encs[i], hashes[i] = idx, enc, tlog.LeafHash(enc)
		var reason *string
		if v.reason != "" {
			reason = &v.reason
		}
		kinds, ids, versions, ops = append(kinds, string(v.kind)), append(ids, v.id), append(versions, int32(v.version)), append(ops, string(v.op))
		actors, reasons, datas, salts = append(actors, v.actor), append(reasons, reason), append(datas, string(v.canonical)), append(salts, v.salt)
	}
	if _, err := tx.tx.Exec(ctx, `INSERT INTO tlog_leaves (idx, leaf) SELECT * FROM unnest($1::bigint[], $2::bytea[])`, idxs, encs); err != nil {
		return fmt.Errorf("leaves %d..%d: %w", start, start+int64(n)-1, err)
	}
	if _, err := tx.tx.Exec(ctx, `INSERT INTO versions (kind, id, version, op, actor, at, reason, data, salt, leaf_index)
		SELECT k, i, v, o, a, $7, r, d, s, l FROM unnest($1::text[], $2::bigint[], $3::int[], $4::text[], $5::text[], $6::text[], $8::text[], $9::bytea[], $10::bigint[])
		AS t(k, i, v, o, a, r, d, s, l)`, kinds, ids, versions, ops, actors, reasons, tx.now, datas, salts, idxs); err != nil {
		return fmt.Errorf("versions: %w", err)
	}
	size, root, err := tlog.Append(ctx, nodeStore{tx.tx}, uint64(start), hashes)
	if err != nil {
		return fmt.Errorf("log append: %w", err)
	}
	cp, err := tlog.SignCheckpoint(tx.db.signer, tlog.Checkpoint{Origin: tx.db.origin, Size: size, Hash: root})
	if err != nil {
		return fmt.Errorf("sign checkpoint: %w", err)
	}
	if _, err := tx.tx.Exec(ctx, `UPDATE tlog_state SET size = $1, root = $2, checkpoint = $3 WHERE id = 1`, int64(size), root, cp); err != nil {
		return fmt.Errorf("log state: %w", err)
	}
	tx.pending = nil
	return nil
}

// nodeStore is tlog.NodeStore over the tlog_nodes table of a transaction:
// one query for a batch of nodes, one insert for all the nodes an append
// completes.
type nodeStore struct{ q pgx.Tx }

func (ns nodeStore) GetNodes(ctx context.Context, ids []tlog.NodeID) ([][]byte, error) {
	levels, idxs := make([]int32, len(ids)), make([]int64, len(ids))
	for i, id := range ids {
		levels[i], idxs[i] = int32(id.Level), int64(id.Index)
	}
	rows, err := ns.q.Query(ctx, `SELECT t.n, h.hash FROM unnest($1::int[], $2::bigint[]) WITH ORDINALITY AS t(l, i, n)
		LEFT JOIN tlog_nodes h ON h.level = t.l AND h.idx = t.i ORDER BY t.n`, levels, idxs)
	if err != nil {
		return nil, fmt.Errorf("log nodes: %w", err)
	}
	out := make([][]byte, 0, len(ids))
	for rows.Next() {
		var n int64
		var h []byte
		if err := rows.Scan(&n, &h); err != nil {
			rows.Close()
			return nil, err
		}
		if h == nil {
			rows.Close()
			id := ids[n-1]
			return nil, fmt.Errorf("log node %d/%d is missing", id.Level, id.Index)
		}
		out = append(out, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("log nodes: %w", err)
	}
	return out, nil
}

// GetNodeRange reads the nodes [begin, end) of one level with one range
// scan, for tiles.
func (ns nodeStore) GetNodeRange(ctx context.Context, level uint, begin, end uint64) ([][]byte, error) {
	rows, err := ns.q.Query(ctx, `SELECT idx, hash FROM tlog_nodes WHERE level = $1 AND idx >= $2 AND idx < $3 ORDER BY idx`,
		int32(level), int64(begin), int64(end))
	if err != nil {
		return nil, fmt.Errorf("log nodes: %w", err)
	}
	defer rows.Close()
	out := make([][]byte, 0, end-begin)
	for rows.Next() {
		var idx int64
		var h []byte
		if err := rows.Scan(&idx, &h); err != nil {
			return nil, err
		}
		if uint64(idx) != begin+uint64(len(out)) {
			return nil, fmt.Errorf("log node %d/%d is missing", level, begin+uint64(len(out)))
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

func (ns nodeStore) PutNodes(ctx context.Context, nodes []tlog.Node) error {
	levels, idxs, hashes := make([]int32, len(nodes)), make([]int64, len(nodes)), make([][]byte, len(nodes))
	for i, n := range nodes {
		levels[i], idxs[i], hashes[i] = int32(n.ID.Level), int64(n.ID.Index), n.Hash
	}
	if _, err := ns.q.Exec(ctx, `INSERT INTO tlog_nodes (level, idx, hash) SELECT * FROM unnest($1::int[], $2::bigint[], $3::bytea[])`,
		levels, idxs, hashes); err != nil {
		return fmt.Errorf("log nodes: %w", err)
	}
	return nil
}

// leafReader is tlog.LeafReader over tlog_leaves.
type leafReader struct{ q querier }

func (lr leafReader) GetLeaves(ctx context.Context, begin, end uint64) ([][]byte, error) {
	rows, err := lr.q.Query(ctx, `SELECT idx, leaf FROM tlog_leaves WHERE idx >= $1 AND idx < $2 ORDER BY idx`, int64(begin), int64(end))
	if err != nil {
		return nil, fmt.Errorf("leaves: %w", err)
	}
	defer rows.Close()
	out := make([][]byte, 0, end-begin)
	for rows.Next() {
		var idx int64
		var leaf []byte
		if err := rows.Scan(&idx, &leaf); err != nil {
			return nil, err
		}
		if uint64(idx) != begin+uint64(len(out)) {
			return nil, fmt.Errorf("log leaf %d is missing", begin+uint64(len(out)))
		}
		out = append(out, leaf)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if uint64(len(out)) != end-begin {
		return nil, fmt.Errorf("log leaf %d is missing", begin+uint64(len(out)))
	}
	return out, nil
}

// LogKey returns the log's note verifier key.
func (db *DB) LogKey() string { return db.verifierKey }

// Checkpoint returns the latest signed checkpoint.
func (db *DB) Checkpoint(ctx context.Context) ([]byte, error) {
	var cp []byte
	if err := db.pool.QueryRow(ctx, `SELECT checkpoint FROM tlog_state WHERE id = 1`).Scan(&cp); err != nil {
		return nil, fmt.Errorf("checkpoint: %w", err)
	}
	return cp, nil
}

// readSnapshot runs fn in one read-only repeatable-read transaction, so that
// what it reads of the checkpoint, nodes and leaves agrees while other
// servers append.
func (db *DB) readSnapshot(ctx context.Context, fn func(tx pgx.Tx, cp tlog.Checkpoint, signed []byte) error) error {
	tx, err := db.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	var signed []byte
	if err := tx.QueryRow(ctx, `SELECT checkpoint FROM tlog_state WHERE id = 1`).Scan(&signed); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	cp, err := tlog.OpenCheckpoint(signed, db.verifierKey)
	if err != nil {
		return fmt.Errorf("stored checkpoint: %w", err)
	}
	return fn(tx, cp, signed)
}

// Tile returns a hash tile or entry bundle (C2SP tlog-tiles) of the latest
// checkpoint's tree.
func (db *DB) Tile(ctx context.Context, t tlog.TileID) ([]byte, error) {
	var out []byte
	err := db.readSnapshot(ctx, func(tx pgx.Tx, cp tlog.Checkpoint, _ []byte) error {
		var err error
		if t.Entries {
			out, err = tlog.ReadBundle(ctx, leafReader{tx}, t, cp.Size)
		} else {
			out, err = tlog.ReadTile(ctx, nodeStore{tx}, t, cp.Size)
		}
		return err
	})
	return out, err
}

// Proof returns the inclusion proof of one record version.
func (db *DB) Proof(ctx context.Context, kind qantar.Kind, id int64, version int) (*tlog.RecordProof, error) {
	var p *tlog.RecordProof
	err := db.readSnapshot(ctx, func(tx pgx.Tx, cp tlog.Checkpoint, signed []byte) error {
		var idx *int64
		err := tx.QueryRow(ctx, `SELECT leaf_index FROM versions WHERE kind = $1 AND id = $2 AND version = $3`, string(kind), id, version).Scan(&idx)
		if errors.Is(err, pgx.ErrNoRows) {
			return qantar.Errorf(qantar.ENOTFOUND, "%s/%d has no version %d", kind, id, version)
		} else if err != nil {
			return err
		}
		if idx == nil {
			return qantar.Errorf(qantar.ENOTFOUND, "%s/%d version %d has no log leaf", kind, id, version)
		}
		leaves, err := leafReader{tx}.GetLeaves(ctx, uint64(*idx), uint64(*idx)+1)
		if err != nil {
			return err
		}
		p, err = tlog.NewRecordProof(ctx, nodeStore{tx}, uint64(*idx), leaves[0], cp, signed)
		return err
	})
	return p, err
}
