package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/qantar-project/qantar/storekit"
	"github.com/qantar-project/qantar/tlog"
)

// logState is what a write transaction knows of the log: start, the size
// of the tree whose nodes it has written (read when it began, then moved on
// as it writes), the leaf hashes appended since, and tree, the right
// border of that tree. pending is folded into the tree, its nodes written,
// once it holds foldLeaves hashes, so that a transaction of a million
// leaves keeps O(log n) hashes and not all of them until it commits; start
// + len(pending) is always the next leaf's index.
type logState struct {
	loaded  bool
	start   uint64
	pending [][]byte
	tree    *tlog.Appender
	err     error // a failed fold: the transaction cannot commit
}

// foldLeaves is how many pending leaf hashes make the transaction write
// their tree nodes before it commits.
const foldLeaves = 4096

// appendLeaf writes the leaf of one version and returns its index. The tree
// nodes are written as the pending leaves fold, and at commit.
func (tx *Tx) appendLeaf(ctx context.Context, v storekit.Version) (int64, error) {
	if err := tx.loadLog(ctx); err != nil {
		return 0, err
	}
	idx := tx.log.start + uint64(len(tx.log.pending))
	enc, err := v.Leaf(idx, tx.now)
	if err != nil {
		return 0, err
	}
	if _, err := tx.exec(ctx, qInsertLeaf, int64(idx), enc); err != nil {
		return 0, fmt.Errorf("leaf %d: %w", idx, err)
	}
	tx.log.pending = append(tx.log.pending, tlog.LeafHash(enc))
	return int64(idx), nil
}

// loadLog reads the log's size once per transaction, and folds the pending
// leaves when there are foldLeaves of them (every write of leaves calls it
// first).
func (tx *Tx) loadLog(ctx context.Context) error {
	if tx.log.err != nil {
		return tx.log.err
	}
	if !tx.log.loaded {
		if err := tx.queryRow(ctx, qLogSize).Scan(&tx.log.start); err != nil {
			return fmt.Errorf("log size: %w", err)
		}
		tx.log.loaded = true
	}
	if len(tx.log.pending) >= foldLeaves {
		return tx.foldLog(ctx)
	}
	return nil
}

// foldLog writes the tree nodes of the pending leaves and forgets them.
func (tx *Tx) foldLog(ctx context.Context) error {
	if tx.log.tree == nil {
		a, err := tlog.NewAppender(ctx, writeNodes{tx}, tx.log.start)
		if err != nil {
			tx.log.err = fmt.Errorf("log append: %w", err)
			return tx.log.err
		}
		tx.log.tree = a
	}
	if err := tx.log.tree.Append(ctx, writeNodes{tx}, tx.log.pending); err != nil {
		tx.log.err = fmt.Errorf("log append: %w", err)
		return tx.log.err
	}
	tx.log.start += uint64(len(tx.log.pending))
	clear(tx.log.pending)
	tx.log.pending = tx.log.pending[:0]
	return nil
}

// flushLog writes the tree nodes of the transaction's leaves and the new
// signed checkpoint, in the transaction, so that records, leaves, tree and
// checkpoint commit together or not at all.
func (tx *Tx) flushLog(ctx context.Context) error {
	if tx.log.err != nil {
		return tx.log.err
	}
	if len(tx.log.pending) == 0 && tx.log.tree == nil {
		return nil
	}
	if err := tx.foldLog(ctx); err != nil {
		return err
	}
	root, err := tx.log.tree.Root()
	if err != nil {
		return fmt.Errorf("log root: %w", err)
	}
	size := tx.log.tree.Size()
	cp, err := tlog.SignCheckpoint(tx.db.signer, tlog.Checkpoint{Origin: tx.db.origin, Size: size, Hash: root})
	if err != nil {
		return fmt.Errorf("sign checkpoint: %w", err)
	}
	if _, err := tx.exec(ctx, qUpdateLogState, int64(size), root, cp); err != nil {
		return fmt.Errorf("log state: %w", err)
	}
	tx.log = logState{}
	return nil
}

// signEmpty stores a signed checkpoint of the empty tree in a new database,
// so that /log/checkpoint always answers.
func (db *DB) signEmpty(ctx context.Context) error {
	var size int64
	var cp []byte
	if err := db.write.QueryRowContext(ctx, `SELECT size, checkpoint FROM tlog_state WHERE id = 1`).Scan(&size, &cp); err != nil {
		return fmt.Errorf("log state: %w", err)
	}
	signed, err := storekit.FirstCheckpoint(storekit.Signer{Key: db.signer, Origin: db.origin}, size, cp, db.repair)
	if err != nil || signed == nil {
		return err
	}
	_, err = db.write.ExecContext(ctx, `UPDATE tlog_state SET root = ?, checkpoint = ? WHERE id = 1 AND checkpoint IS NULL`, tlog.EmptyRoot(), signed)
	return err
}

// nodeStore is tlog.NodeReader over the tlog_nodes table of a read
// transaction (writes go through writeNodes).
type nodeStore struct {
	q interface {
		QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
		QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	}
}

func (ns nodeStore) GetNodes(ctx context.Context, ids []tlog.NodeID) ([][]byte, error) {
	out := make([][]byte, len(ids))
	for i, id := range ids {
		if err := ns.q.QueryRowContext(ctx, `SELECT hash FROM tlog_nodes WHERE level = ? AND idx = ?`, int(id.Level), int64(id.Index)).Scan(&out[i]); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return nil, fmt.Errorf("log node %d/%d is missing", id.Level, id.Index)
			}
			return nil, fmt.Errorf("log node %d/%d: %w", id.Level, id.Index, err)
		}
	}
	return out, nil
}

// writeNodes is tlog.NodeStore inside a write transaction, through the
// prepared statements.
type writeNodes struct{ tx *Tx }

func (ns writeNodes) GetNodes(ctx context.Context, ids []tlog.NodeID) ([][]byte, error) {
	out := make([][]byte, len(ids))
	for i, id := range ids {
		if err := ns.tx.queryRow(ctx, qGetNode, int(id.Level), int64(id.Index)).Scan(&out[i]); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return nil, fmt.Errorf("log node %d/%d is missing", id.Level, id.Index)
			}
			return nil, fmt.Errorf("log node %d/%d: %w", id.Level, id.Index, err)
		}
	}
	return out, nil
}

func (ns writeNodes) PutNodes(ctx context.Context, nodes []tlog.Node) error {
	args := make([]any, 0, 3*min(len(nodes), nodesChunk))
	for len(nodes) > 0 {
		part := nodes[:min(len(nodes), nodesChunk)]
		nodes = nodes[len(part):]
		args = args[:0]
		for _, n := range part {
			args = append(args, int(n.ID.Level), int64(n.ID.Index), n.Hash)
		}
		if err := ns.tx.insertRows(ctx, nodesPrefix, 3, nodesChunk, args); err != nil {
			return fmt.Errorf("log nodes %d/%d…: %w", part[0].ID.Level, part[0].ID.Index, err)
		}
	}
	return nil
}

// snapshot is storekit.Snapshot over a read transaction (or the read
// pool): the reads both stores share, and SQLite's node reader.
type snapshot struct {
	storekit.Reads
	q querier
}

func newSnapshot(q querier) snapshot { return snapshot{storekit.Reads{R: reader{q}}, q} }

// beginRead is storekit.Log's Begin.
func (db *DB) beginRead(ctx context.Context) (snapshot, func(), error) {
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return snapshot{}, nil, err
	}
	return newSnapshot(tx), func() { tx.Rollback() }, nil
}

func (s snapshot) Tree() (tlog.LeafReader, tlog.NodeReader) { return s.Reads, nodeStore{s.q} }
