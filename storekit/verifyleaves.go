package storekit

import (
	"context"
	"fmt"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/tlog"
)

// verifyBatch is how many leaves one worker checks at once: four entry
// bundles, with the versions they log and the stored nodes they complete.
const verifyBatch = 4 * tlog.TileWidth

// leafBatch is what the reader hands a worker: the leaves [begin, end),
// the version stored at each (nil when none), and the stored nodes at the
// levels tiles serve (0, 8, 16, …) whose last leaf is among them.
type leafBatch struct {
	begin    uint64
	leaves   [][]byte
	versions []*loggedVersion
	stored   map[tlog.NodeID][]byte
}

// leafResult is what a worker found in a batch: the batch's part of the
// tree (its nodes compared with the stored ones), the problems of its
// versions in leaf order, each leaf's format, and what ends the scan (a
// leaf that does not decode, a stored node that is not its leaves' hash).
type leafResult struct {
	tree     *tlog.Builder
	stored   map[tlog.NodeID][]byte
	problems []*qantar.Error
	formats  []tlog.LeafFormat
	err      error
}

// leafScan is verifyLeaves' state on the merging goroutine.
type leafScan struct {
	r         Reader
	size      uint64
	rep       *qantar.VerifyReport
	tree      *tlog.Builder
	stored    map[tlog.NodeID][]byte // the batch being merged
	bad       error                  // a node the merge completed that is not stored as computed
	maxFormat tlog.LeafFormat
}

// verifyLeaves checks every leaf of a tree of size leaves beside the
// version it commits to, on workers goroutines, and returns the root it
// recomputes. One goroutine reads the leaves, the versions and the stored
// nodes in leaf order, a batch at a time (never all in memory); workers
// decode each leaf, check it against its version (tlog.CheckVersion: the
// HMAC commitment, actor, time) and hash their batch's part of the tree;
// the parts are joined in order. Every stored node a tile serves is
// compared with the one recomputed, as tlog.ScanLeaves does.
func verifyLeaves(ctx context.Context, r Reader, size uint64, rep *qantar.VerifyReport, workers int) ([]byte, error) {
	s := &leafScan{r: r, size: size, rep: rep}
	s.tree = tlog.NewBuilderAt(0, func(id tlog.NodeID, h []byte) {
		if s.bad == nil {
			s.bad = compareStored(s.stored, id, h)
		}
	})
	if err := ordered(ctx, workers, s.produce, checkLeaves, s.merge); err != nil {
		return nil, err
	}
	if s.tree.Size() != size {
		return nil, qantar.Errorf(qantar.EINVALID, "log: recomputed %d leaves, want %d", s.tree.Size(), size)
	}
	return s.tree.Root(), nil
}

func (s *leafScan) produce(ctx context.Context, emit func(leafBatch) error) error {
	for begin := uint64(0); begin < s.size; begin += verifyBatch {
		end := min(begin+verifyBatch, s.size)
		b := leafBatch{begin: begin}
		var err error
		if b.leaves, err = (Reads{s.r}).GetLeaves(ctx, begin, end); err != nil {
			return fmt.Errorf("tlog: read leaves [%d, %d): %w", begin, end, err)
		}
		if b.versions, err = readVersions(ctx, s.r, begin, end); err != nil {
			return err
		}
		if b.stored, err = tileNodes(ctx, s.r, begin, end); err != nil {
			return err
		}
		if err := emit(b); err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	return nil
}

// checkLeaves is a worker's part: everything about a batch that needs no
// database and no other batch.
func checkLeaves(b leafBatch) leafResult {
	res := leafResult{stored: b.stored, formats: make([]tlog.LeafFormat, 0, len(b.leaves))}
	res.tree = tlog.NewBuilderAt(b.begin, func(id tlog.NodeID, h []byte) {
		if res.err == nil {
			res.err = compareStored(b.stored, id, h)
		}
	})
	for i, enc := range b.leaves {
		idx := b.begin + uint64(i)
		l, err := tlog.DecodeLeaf(enc)
		if err != nil {
			res.err = qantar.Errorf(qantar.EINVALID, "log: leaf %d: %v", idx, err)
			return res
		}
		if l.Index != idx {
			res.err = qantar.Errorf(qantar.EINVALID, "log: leaf %d says it is leaf %d", idx, l.Index)
			return res
		}
		res.formats = append(res.formats, l.Format)
		if p := tlog.VersionProblem(l, b.versions[i].stored()); p != nil {
			res.problems = append(res.problems, p)
		}
		res.tree.AddLeaf(enc)
		if res.err != nil {
			return res
		}
	}
	return res
}

// merge joins a batch's part to the tree, in leaf order, and reports its
// problems, and any leaf of an older format than one before it.
func (s *leafScan) merge(res leafResult) error {
	s.rep.Add(res.problems...)
	begin := s.tree.Size()
	for i, f := range res.formats {
		if f < s.maxFormat {
			s.rep.Problem("leaf %d is %s after a %s leaf: a log never writes an older leaf format after a newer one", begin+uint64(i), f.Magic(), s.maxFormat.Magic())
		} else {
			s.maxFormat = f
		}
	}
	if res.err != nil {
		return res.err
	}
	s.stored, s.bad = res.stored, nil
	if err := s.tree.Append(res.tree); err != nil {
		return err
	}
	return s.bad
}

// compareStored compares a recomputed node at a level tiles serve with
// the stored one.
func compareStored(stored map[tlog.NodeID][]byte, id tlog.NodeID, h []byte) error {
	if id.Level%tlog.TileHeight != 0 {
		return nil
	}
	got, ok := stored[id]
	switch {
	case !ok:
		return qantar.Errorf(qantar.EINVALID, "log: stored node (level %d, index %d) is missing", id.Level, id.Index)
	case string(got) != string(h):
		return qantar.Errorf(qantar.EINVALID, "log: stored node (level %d, index %d) is not the hash of its leaves", id.Level, id.Index)
	}
	return nil
}

// tileNodes reads the stored nodes at the levels tiles serve whose last
// leaf is in [begin, end): those that adding these leaves completes. One
// range query a level, where tlog.NodeReader would take one a node.
func tileNodes(ctx context.Context, r Reader, begin, end uint64) (map[tlog.NodeID][]byte, error) {
	out := make(map[tlog.NodeID][]byte, end-begin+8)
	for level := uint(0); level < 64 && end>>level > 0; level += tlog.TileHeight {
		// Node (level, i) covers leaves [i·2^level, (i+1)·2^level).
		lo, hi := (begin+1<<level)>>level-1, end>>level
		if lo >= hi {
			continue
		}
		rows, err := r.Query(ctx, `SELECT idx, hash FROM tlog_nodes WHERE level = $1 AND idx >= $2 AND idx < $3`, int(level), int64(lo), int64(hi))
		if err != nil {
			return nil, fmt.Errorf("log nodes: %w", err)
		}
		var idx int64
		var hash []byte
		err = Each(rows, []any{&idx, &hash}, func() error {
			out[tlog.NodeID{Level: level, Index: uint64(idx)}] = hash
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("log nodes: %w", err)
		}
	}
	return out, nil
}

// versionsAt reads the versions logged at leaves [begin, end), by leaf,
// each with its content as the versions view gives it (versionContent).
func versionsAt(ctx context.Context, r Reader, begin, end uint64) ([]*tlog.StoredVersion, error) {
	rows, err := readVersions(ctx, r, begin, end)
	out := make([]*tlog.StoredVersion, len(rows))
	for i, v := range rows {
		out[i] = v.stored()
	}
	return out, err
}

// loggedVersion is a version row as the reading goroutine reads it, made
// a tlog.StoredVersion by a worker (stored).
type loggedVersion struct {
	v       tlog.StoredVersion // Data is the record's JSON when derived
	at      any                // the at column as the driver gives it
	derived bool               // the row keeps no content (NULL)
}

// stored parses the version's time and makes its content as the versions
// view gives it (versionContent); a time that does not parse is left zero,
// which CheckVersion names as a changed time.
func (l *loggedVersion) stored() *tlog.StoredVersion {
	if l == nil {
		return nil
	}
	v := l.v
	var at Time
	if at.Scan(l.at) == nil {
		v.At = at.T
	}
	v.Data = versionContent(l.derived, l.v.Data, l.v.Data)
	return &v
}

// readVersions reads the version rows logged at leaves [begin, end), by
// leaf (nil where none), from version_rows, each beside its record's JSON
// only when its row keeps no content, so that the view's derivation is
// made in Go, by the workers.
func readVersions(ctx context.Context, r Reader, begin, end uint64) ([]*loggedVersion, error) {
	rows, err := r.Query(ctx, `SELECT v.kind, v.id, v.version, v.op, v.actor, v.at, coalesce(v.reason, ''), v.data IS NULL, coalesce(v.data, r.data), v.salt, v.leaf_index
		FROM version_rows v LEFT JOIN records r ON v.data IS NULL AND r.kind = v.kind AND r.id = v.id
		WHERE v.leaf_index >= $1 AND v.leaf_index < $2`, int64(begin), int64(end))
	if err != nil {
		return nil, err
	}
	out := make([]*loggedVersion, end-begin)
	var l loggedVersion
	var kind, op string
	var leaf, version int64 // (database/sql scans an integer into an int through its text)
	// Each row scans into fresh data and salt slices (both drivers copy
	// into a []byte destination), so l's are kept as they are.
	err = Each(rows, []any{&kind, &l.v.ID, &version, &op, &l.v.Actor, &l.at, &l.v.Reason, &l.derived, &l.v.Data, &l.v.Salt, &leaf}, func() error {
		lv := l
		lv.v.Kind, lv.v.Version, lv.v.Op = qantar.Kind(kind), int(version), qantar.Op(op)
		out[uint64(leaf)-begin] = &lv
		return nil
	})
	return out, err
}
