package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/tlog"
	"github.com/transparency-dev/merkle/compact"
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
		// qantar-leaf/v2: committed with the version's salt to its
		// canonical JSON and reason (tlog/LEAF.md). Every version has a
		// salt; one without is a bug, refused rather than logged with a
		// commitment anyone could test a guess against.
		if len(v.salt) != tlog.SaltSize {
			return fmt.Errorf("%s/%d version %d has no salt", v.kind, v.id, v.version)
		}
		leaf := tlog.Leaf{Format: tlog.LeafV2, Index: uint64(idx), Time: tx.now, Actor: v.actor, Kind: v.kind, ID: v.id, Version: v.version, Op: v.op,
			Salted: true, Commitment: tlog.CommitV2(v.canonical, v.reason, v.salt)}
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
	// Under the lock, three round trips and the commit: the leaves, the
	// versions and the right border of the tree in one batch; the new
	// nodes and the signed checkpoint in another.
	border := compact.RangeNodes(0, uint64(start), nil)
	b := &pgx.Batch{}
	b.Queue(`INSERT INTO tlog_leaves (idx, leaf) SELECT * FROM unnest($1::bigint[], $2::bytea[])`, idxs, encs)
	b.Queue(`INSERT INTO versions (kind, id, version, op, actor, at, reason, data, salt, leaf_index)
		SELECT k, i, v, o, a, $7, r, d, s, l FROM unnest($1::text[], $2::bigint[], $3::int[], $4::text[], $5::text[], $6::text[], $8::text[], $9::bytea[], $10::bigint[])
		AS t(k, i, v, o, a, r, d, s, l)`, kinds, ids, versions, ops, actors, reasons, tx.now, datas, salts, idxs)
	levels, nidxs := nodeArgs(border)
	b.Queue(nodesQuery, levels, nidxs)
	br := tx.tx.SendBatch(ctx, b)
	if _, err := br.Exec(); err != nil {
		br.Close()
		return fmt.Errorf("leaves %d..%d: %w", start, start+int64(n)-1, err)
	}
	if _, err := br.Exec(); err != nil {
		br.Close()
		return fmt.Errorf("versions: %w", err)
	}
	rows, err := br.Query()
	if err != nil {
		br.Close()
		return fmt.Errorf("log nodes: %w", err)
	}
	hashesOf, err := scanNodes(rows, border)
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	ns := &bufferedNodes{have: make(map[tlog.NodeID][]byte, len(border))}
	for i, id := range border {
		ns.have[id] = hashesOf[i]
	}
	size, root, err := tlog.Append(ctx, ns, uint64(start), hashes)
	if err != nil {
		return fmt.Errorf("log append: %w", err)
	}
	cp, err := tlog.SignCheckpoint(tx.db.signer, tlog.Checkpoint{Origin: tx.db.origin, Size: size, Hash: root})
	if err != nil {
		return fmt.Errorf("sign checkpoint: %w", err)
	}
	b = &pgx.Batch{}
	if len(ns.put) > 0 {
		levels, nidxs := nodeArgs(nil)
		var nhashes [][]byte
		for _, nd := range ns.put {
			levels, nidxs, nhashes = append(levels, int32(nd.ID.Level)), append(nidxs, int64(nd.ID.Index)), append(nhashes, nd.Hash)
		}
		b.Queue(`INSERT INTO tlog_nodes (level, idx, hash) SELECT * FROM unnest($1::int[], $2::bigint[], $3::bytea[])`, levels, nidxs, nhashes)
	}
	b.Queue(`UPDATE tlog_state SET size = $1, root = $2, checkpoint = $3 WHERE id = 1`, int64(size), root, cp)
	if err := tx.tx.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("log nodes and state: %w", err)
	}
	tx.pending = nil
	return nil
}

// nodeStore is tlog.NodeReader (and NodeRangeReader) over the tlog_nodes
// table of a transaction, for tiles, proofs and verification.
type nodeStore struct{ q pgx.Tx }

// nodesQuery reads a list of nodes in the order asked, NULL where missing.
const nodesQuery = `SELECT t.n, h.hash FROM unnest($1::int[], $2::bigint[]) WITH ORDINALITY AS t(l, i, n)
	LEFT JOIN tlog_nodes h ON h.level = t.l AND h.idx = t.i ORDER BY t.n`

func nodeArgs(ids []tlog.NodeID) ([]int32, []int64) {
	levels, idxs := make([]int32, len(ids)), make([]int64, len(ids))
	for i, id := range ids {
		levels[i], idxs[i] = int32(id.Level), int64(id.Index)
	}
	return levels, idxs
}

// scanNodes reads nodesQuery's rows; a missing node is an error.
func scanNodes(rows pgx.Rows, ids []tlog.NodeID) ([][]byte, error) {
	defer rows.Close()
	out := make([][]byte, 0, len(ids))
	for rows.Next() {
		var n int64
		var h []byte
		if err := rows.Scan(&n, &h); err != nil {
			return nil, err
		}
		if h == nil {
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

// bufferedNodes is the tlog.NodeStore of an append: the right border read
// beforehand, and the new nodes kept to be written in one batch.
type bufferedNodes struct {
	have map[tlog.NodeID][]byte
	put  []tlog.Node
}

func (bn *bufferedNodes) GetNodes(_ context.Context, ids []tlog.NodeID) ([][]byte, error) {
	out := make([][]byte, len(ids))
	for i, id := range ids {
		h, ok := bn.have[id]
		if !ok {
			return nil, fmt.Errorf("log node %d/%d was not read before the append", id.Level, id.Index)
		}
		out[i] = h
	}
	return out, nil
}

func (bn *bufferedNodes) PutNodes(_ context.Context, nodes []tlog.Node) error {
	bn.put = append(bn.put, nodes...)
	return nil
}

func (ns nodeStore) GetNodes(ctx context.Context, ids []tlog.NodeID) ([][]byte, error) {
	levels, idxs := nodeArgs(ids)
	rows, err := ns.q.Query(ctx, nodesQuery, levels, idxs)
	if err != nil {
		return nil, fmt.Errorf("log nodes: %w", err)
	}
	return scanNodes(rows, ids)
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
