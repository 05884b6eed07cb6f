package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/storekit"
	"github.com/qantar-project/qantar/tlog"
	"github.com/transparency-dev/merkle/compact"
)

// flushLog gives the transaction's versions their leaves and writes the
// tree nodes and the new signed checkpoint, in the transaction, so that
// records, versions, leaves, tree and checkpoint commit together or not at
// all. It locks the log state row first and holds it to commit: that lock,
// taken as late as possible, is what makes every server append after the
// last committed leaf, with no gap, fork or duplicate. The changes to the
// counts of search_terms are made first (termsTx), before that lock: every
// writer locks count rows (sorted, in one statement) and then the log
// state, and none waits for a count row while holding the log state.
func (tx *Tx) flushLog(ctx context.Context) error {
	if t, ok := tx.tx.(*termsTx); ok {
		if err := t.flushTerms(ctx); err != nil {
			return err
		}
	}
	if len(tx.pending) == 0 {
		return nil
	}
	var start int64
	if err := tx.tx.QueryRow(ctx, `SELECT size FROM tlog_state WHERE id = 1 FOR UPDATE`).Scan(&start); err != nil {
		return fmt.Errorf("log size: %w", err)
	}
	n := len(tx.pending)
	rows, err := versionColumns(tx.pending, tx.once, start, tx.now)
	if err != nil {
		return err
	}
	// Under the lock, three round trips and the commit: the leaves, the
	// versions and the right border of the tree in one batch; the new
	// nodes and the signed checkpoint in another.
	border := compact.RangeNodes(0, uint64(start), nil)
	b := &pgx.Batch{}
	b.Queue(`INSERT INTO tlog_leaves (idx, leaf) SELECT * FROM unnest($1::bigint[], $2::bytea[])`, rows.idxs, rows.encs)
	b.Queue(`INSERT INTO version_rows (kind, id, version, op, actor, at, reason, data, salt, leaf_index)
		SELECT k, i, v, o, a, $7, r, d, s, l FROM unnest($1::text[], $2::bigint[], $3::int[], $4::text[], $5::text[], $6::text[], $8::text[], $9::bytea[], $10::bigint[])
		AS t(k, i, v, o, a, r, d, s, l)`, rows.kinds, rows.ids, rows.versions, rows.ops, rows.actors, rows.reasons, tx.now, rows.datas, rows.salts, rows.idxs)
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
	nodeRows, err := br.Query()
	if err != nil {
		br.Close()
		return fmt.Errorf("log nodes: %w", err)
	}
	hashesOf, err := scanNodes(nodeRows, border)
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
	size, root, err := tlog.Append(ctx, ns, uint64(start), rows.hashes)
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
	tx.pending, tx.once = nil, nil
	return nil
}

// versionRows are the columns of a transaction's versions and their
// leaves, for unnest.
type versionRows struct {
	idxs                []int64
	encs, hashes, salts [][]byte
	kinds, ops, actors  []string
	datas               []*string
	ids                 []int64
	versions            []int32
	reasons             []*string
}

// versionColumns gives the versions their leaves from index start on.
func versionColumns(pending []storekit.Version, once map[qantar.Ref]int, start int64, now time.Time) (*versionRows, error) {
	r := &versionRows{}
	for i, v := range pending {
		idx := start + int64(i)
		enc, err := v.Leaf(uint64(idx), now)
		if err != nil {
			return nil, err
		}
		r.idxs, r.encs, r.hashes = append(r.idxs, idx), append(r.encs, enc), append(r.hashes, tlog.LeafHash(enc))
		var reason *string
		if v.Reason != "" {
			reason = &v.Reason
		}
		r.kinds, r.ids, r.versions, r.ops = append(r.kinds, string(v.Kind)), append(r.ids, v.ID), append(r.versions, int32(v.Version)), append(r.ops, string(v.Op))
		r.actors, r.reasons, r.datas, r.salts = append(r.actors, v.Actor), append(r.reasons, reason), append(r.datas, versionData(v, once)), append(r.salts, v.Salt)
	}
	return r, nil
}

// versionData is the data of a version's row: nil (NULL) when its record's
// row gives its content back (migration 009: the versions view derives it),
// else its canonical JSON.
func versionData(v storekit.Version, once map[qantar.Ref]int) *string {
	if once[qantar.Ref{Kind: v.Kind, ID: v.ID}] == v.Version {
		return nil
	}
	s := string(v.Canonical)
	return &s
}

// nodeStore is tlog.NodeReader (and NodeRangeReader) over the tlog_nodes
// table of a transaction, for tiles, proofs and verification.
type nodeStore struct{ q querier }

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

// snapshot is storekit.Snapshot over a read transaction (or the pool): the
// reads both stores share, and PostgreSQL's node reader.
type snapshot struct {
	storekit.Reads
	q querier
}

func newSnapshot(q querier) snapshot { return snapshot{storekit.Reads{R: reader{q}}, q} }

// beginRead is storekit.Log's Begin.
// (A read-only, repeatable-read transaction: what it reads agrees while
// other servers append.)
func (db *DB) beginRead(ctx context.Context) (snapshot, func(), error) {
	tx, err := db.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return snapshot{}, nil, err
	}
	return newSnapshot(tx), func() { tx.Rollback(context.WithoutCancel(ctx)) }, nil
}

func (s snapshot) Tree() (tlog.LeafReader, tlog.NodeReader) { return s.Reads, nodeStore{s.q} }
