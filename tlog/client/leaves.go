package client

import (
	"bytes"
	"context"
	"encoding/base64"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/tlog"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
)

// walk is one pass over a mirror's tree: every bundle with its level-0
// tile, then the higher tiles, recomputing the tree from the leaves.
type walk struct {
	f        *fetcher
	parallel int
	cp       tlog.Checkpoint
	old      *tlog.Checkpoint
	oldSig   []byte // the old checkpoint as signed
	want     map[leafKey]leafVal
	rep      *Report

	b       *tlog.Builder
	upper   [][][]byte // computed hashes at tree levels 8, 16, …, by tile level
	oldRoot []byte     // root of the first old.Size leaves, once computed
	// The nodes of the consistency proof from the old checkpoint to the
	// served one, kept as they are computed: the evidence of a fork.
	proofIDs   proof.Nodes
	proofNodes map[tlog.NodeID][]byte
	kinds      map[string]qantar.Kind // one string per kind, not one per leaf
}

// verifyLeaves streams every bundle with its level-0 tile, recomputes the
// tree, then checks the roots and the higher tiles. If the old checkpoint
// is not a prefix of the served tree, rep.Inconsistency holds the evidence.
func verifyLeaves(ctx context.Context, f *fetcher, parallel int, cp tlog.Checkpoint, old *tlog.Checkpoint, oldSig []byte, want map[leafKey]leafVal, rep *Report) error {
	w := &walk{f: f, parallel: parallel, cp: cp, old: old, oldSig: oldSig, want: want, rep: rep, kinds: map[string]qantar.Kind{}}
	if old != nil && old.Size == 0 {
		w.oldRoot = tlog.EmptyRoot()
	}
	if old != nil {
		if n, err := proof.Consistency(old.Size, cp.Size); err == nil {
			w.proofIDs, w.proofNodes = n, make(map[tlog.NodeID][]byte, len(n.IDs))
			for _, id := range n.IDs {
				w.proofNodes[id] = nil
			}
		}
	}
	w.b = tlog.NewBuilder(w.visit)

	var paths []string
	var level0, higher []tlog.TileID
	for _, t := range tlog.TilesForSize(cp.Size) {
		if t.Level == 0 {
			level0 = append(level0, t)
			paths = append(paths, entryPath(t), t.Path())
		} else {
			higher = append(higher, t)
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	results := f.prefetch(ctx, paths, parallel)
	for _, t := range level0 {
		if err := w.bundle(ctx, results, t); err != nil {
			return err
		}
	}
	if err := w.roots(); err != nil {
		return err
	}
	return w.higher(ctx, higher)
}

// visit keeps what the checks need of each node the builder computes.
func (w *walk) visit(id tlog.NodeID, h []byte) {
	if w.proofNodes != nil {
		if _, ok := w.proofNodes[id]; ok {
			w.proofNodes[id] = h
		}
	}
	if id.Level == 0 || id.Level%tlog.TileHeight != 0 {
		return
	}
	l := int(id.Level / tlog.TileHeight)
	for len(w.upper) <= l {
		w.upper = append(w.upper, nil)
	}
	w.upper[l] = append(w.upper[l], h)
}

// bundle reads one entry bundle and its level-0 tile and adds its leaves.
func (w *walk) bundle(ctx context.Context, results queue, t tlog.TileID) error {
	rep := w.rep
	bundle, err := results.next(ctx)
	if err != nil {
		return err
	}
	tile, err := results.next(ctx)
	if err != nil {
		return err
	}
	rep.Bundles++
	rep.Tiles++
	entries, err := tlog.DecodeBundle(bundle)
	if err != nil {
		rep.problem("%s: %v", entryPath(t), err)
		return &VerificationError{rep}
	}
	if len(entries) != t.Width {
		rep.problem("%s has %d entries, want %d", entryPath(t), len(entries), t.Width)
		return &VerificationError{rep}
	}
	if len(tile) != t.Width*tlog.HashSize {
		rep.problem("%s has %d bytes, want %d", t.Path(), len(tile), t.Width*tlog.HashSize)
		return &VerificationError{rep}
	}
	for i, e := range entries {
		idx := t.Index*tlog.TileWidth + uint64(i)
		h := tlog.LeafHash(e)
		if !bytes.Equal(h, tile[i*tlog.HashSize:(i+1)*tlog.HashSize]) {
			rep.problem("leaf %d: its hash in %s is not the hash of its entry", idx, t.Path())
		}
		w.b.AddLeafHash(h)
		rep.Leaves++
		if w.old != nil && w.b.Size() == w.old.Size {
			w.oldRoot = w.b.Root()
		}
		w.leaf(idx, e)
	}
	return nil
}

// leaf checks one entry and notes its commitment for the records.
func (w *walk) leaf(idx uint64, e []byte) {
	rep := w.rep
	l, err := tlog.DecodeLeaf(e)
	if err != nil {
		rep.problem("leaf %d: %v", idx, err)
		return
	}
	if l.Index != idx {
		rep.problem("leaf %d says it is leaf %d", idx, l.Index)
	}
	if l.Salted {
		rep.Salted++
	}
	if w.want != nil {
		k, ok := w.kinds[string(l.Kind)]
		if !ok {
			k = l.Kind
			w.kinds[string(k)] = k
		}
		w.want[leafKey{k, l.ID, l.Version}] = leafVal{index: idx, format: l.Format, salted: l.Salted, system: l.Actor == tlog.ClassSystem, c: l.Commitment}
	}
}

// roots compares the recomputed root with the served checkpoint's, and the
// root of the first old.Size leaves with the old checkpoint's.
func (w *walk) roots() error {
	rep, cp, old := w.rep, w.cp, w.old
	if w.b.Size() != cp.Size {
		rep.problem("recomputed %d leaves, checkpoint says %d", w.b.Size(), cp.Size)
		return &VerificationError{rep}
	}
	root := w.b.Root()
	served := bytes.Equal(root, cp.Hash)
	if !served {
		rep.problem("the root recomputed from the %d leaves is %s, the checkpoint says %s", cp.Size,
			base64.StdEncoding.EncodeToString(root), base64.StdEncoding.EncodeToString(cp.Hash))
	}
	if old == nil {
		return nil
	}
	if bytes.Equal(w.oldRoot, old.Hash) {
		rep.OldChecked = true
		return nil
	}
	rep.problem("old checkpoint (size %d) is not a prefix of the current log: its root is not the root of the first %d leaves", old.Size, old.Size)
	// The served tree is what its checkpoint signs: the proof built from
	// it shows that the log signed two trees that disagree.
	if served && w.proofNodes != nil {
		w.evidence()
	}
	return nil
}

// evidence keeps the consistency proof from the old checkpoint's size to
// the served tree, which leads to the served root from a prefix root that
// is not the old checkpoint's.
func (w *walk) evidence() {
	hashes := make([][]byte, len(w.proofIDs.IDs))
	for i, id := range w.proofIDs.IDs {
		if hashes[i] = w.proofNodes[id]; hashes[i] == nil {
			return // cannot happen: every node of the tree was computed
		}
	}
	p, err := w.proofIDs.Rehash(hashes, rfc6962.DefaultHasher.HashChildren)
	if err != nil {
		return
	}
	if p == nil {
		p = [][]byte{}
	}
	w.rep.Inconsistency = &Evidence{
		Format:           EvidenceFormat,
		Mirror:           w.rep.BaseURL,
		VerifierKey:      w.rep.VerifierKey,
		Smaller:          string(w.oldSig),
		Larger:           string(w.rep.Checkpoint),
		PrefixRoot:       w.oldRoot,
		ConsistencyProof: p,
		Problem:          w.rep.Problems[len(w.rep.Problems)-1],
	}
}

// higher checks the higher tiles: each hash must be the root of a full
// tile below, as recomputed from the leaves.
func (w *walk) higher(ctx context.Context, higher []tlog.TileID) error {
	rep := w.rep
	hpaths := make([]string, len(higher))
	for i, t := range higher {
		hpaths[i] = t.Path()
	}
	results := w.f.prefetch(ctx, hpaths, w.parallel)
	for _, t := range higher {
		tile, err := results.next(ctx)
		if err != nil {
			return err
		}
		rep.Tiles++
		if len(tile) != t.Width*tlog.HashSize {
			rep.problem("%s has %d bytes, want %d", t.Path(), len(tile), t.Width*tlog.HashSize)
			continue
		}
		for i := 0; i < t.Width; i++ {
			j := t.Index*tlog.TileWidth + uint64(i)
			if t.Level >= len(w.upper) || j >= uint64(len(w.upper[t.Level])) ||
				!bytes.Equal(w.upper[t.Level][j], tile[i*tlog.HashSize:(i+1)*tlog.HashSize]) {
				rep.problem("%s: hash %d is not the root of the tile below it", t.Path(), i)
				break
			}
		}
	}
	return nil
}

func entryPath(t tlog.TileID) string {
	t.Entries = true
	return t.Path()
}
