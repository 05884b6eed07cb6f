package tlog

import (
	"context"
	"fmt"
	"iter"
	"sync"

	"github.com/qantar-project/qantar"
	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
)

// HashSize is the size of every hash in the tree (SHA-256).
const HashSize = 32

// NodeID names a node of the tree: Level 0 holds the leaf hashes, and node
// (L, i) is the root of the perfect subtree over leaves [i·2^L, (i+1)·2^L).
type NodeID = compact.NodeID

// Node is a stored node: the hash of a complete perfect subtree. Only such
// nodes are ever stored, and a stored node never changes, so a store may
// cache them forever.
type Node struct {
	ID   NodeID
	Hash []byte
}

// NodeReader reads stored nodes. GetNodes returns the hashes in the order of
// ids; a node that is not stored is an error (the tree is smaller than the
// caller believes, or the store lost data).
type NodeReader interface {
	GetNodes(ctx context.Context, ids []NodeID) ([][]byte, error)
}

// NodeStore is what a store implements over its own tables, inside the
// write transaction that appends the leaves, so that records, leaves and
// nodes land together or not at all. A SQL store needs one table:
//
//	CREATE TABLE tlog_nodes (level INTEGER, idx INTEGER, hash BLOB NOT NULL, PRIMARY KEY (level, idx))
//
// PutNodes must insert (never replace: a node that exists is an error).
type NodeStore interface {
	NodeReader
	PutNodes(ctx context.Context, nodes []Node) error
}

var hasher = rfc6962.DefaultHasher

var rangeFactory = &compact.RangeFactory{Hash: hasher.HashChildren}

// EmptyRoot is the root of the empty tree: SHA-256 of nothing (RFC 6962).
func EmptyRoot() []byte { return hasher.EmptyRoot() }

// readRange reads the compact range [0, size): the roots of the O(log size)
// perfect subtrees along the tree's right border.
func readRange(ctx context.Context, nr NodeReader, size uint64) (*compact.Range, error) {
	ids := compact.RangeNodes(0, size, nil)
	hashes, err := getNodes(ctx, nr, ids)
	if err != nil {
		return nil, err
	}
	return rangeFactory.NewRange(0, size, hashes)
}

// getNodes calls GetNodes and checks what it returned, so that a store's
// bug surfaces here with a message and not as a wrong root.
func getNodes(ctx context.Context, nr NodeReader, ids []NodeID) ([][]byte, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	hashes, err := nr.GetNodes(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("tlog: read nodes: %w", err)
	}
	if len(hashes) != len(ids) {
		return nil, fmt.Errorf("tlog: read %d nodes, got %d hashes", len(ids), len(hashes))
	}
	for i, h := range hashes {
		if len(h) != HashSize {
			return nil, fmt.Errorf("tlog: node (level %d, index %d) has %d bytes, want %d", ids[i].Level, ids[i].Index, len(h), HashSize)
		}
	}
	return hashes, nil
}

// Append appends a batch of leaf hashes (LeafHash of each encoded leaf) to a
// tree of the given size and returns the new size and root. It reads only
// the O(log size) nodes of the right border and writes, in one PutNodes
// call, every node that the batch completes: about two per leaf. The
// caller passes the size it holds in the same transaction; nothing else
// about the tree is trusted or re-read.
func Append(ctx context.Context, ns NodeStore, size uint64, leafHashes [][]byte) (newSize uint64, root []byte, err error) {
	a, err := NewAppender(ctx, ns, size)
	if err != nil {
		return 0, nil, err
	}
	if err := a.Append(ctx, ns, leafHashes); err != nil {
		return 0, nil, err
	}
	root, err = a.Root()
	return a.Size(), root, err
}

// Appender appends leaves to a stored tree in parts, keeping only the
// O(log n) hashes of the right border between them: a transaction that
// appends a million leaves writes their nodes as it goes (each part's
// nodes in one PutNodes call) instead of holding every leaf hash until
// it commits. The nodes written and the root are those of one Append of
// all the leaves.
type Appender struct {
	r     *compact.Range
	nodes []Node
}

// NewAppender reads the right border of the stored tree of the given size.
func NewAppender(ctx context.Context, nr NodeReader, size uint64) (*Appender, error) {
	r, err := readRange(ctx, nr, size)
	if err != nil {
		return nil, err
	}
	return &Appender{r: r}, nil
}

// Append appends leaf hashes and writes, in one PutNodes call, the nodes
// they complete. After an error the Appender must not be used: the store
// may hold part of the nodes.
func (a *Appender) Append(ctx context.Context, ns NodeStore, leafHashes [][]byte) error {
	a.nodes = a.nodes[:0]
	visit := func(id NodeID, h []byte) { a.nodes = append(a.nodes, Node{ID: id, Hash: h}) }
	for i, h := range leafHashes {
		if len(h) != HashSize {
			return fmt.Errorf("tlog: append: leaf hash %d has %d bytes, want %d", i, len(h), HashSize)
		}
		if err := a.r.Append(h, visit); err != nil {
			return fmt.Errorf("tlog: append: %w", err)
		}
	}
	if len(a.nodes) > 0 {
		if err := ns.PutNodes(ctx, a.nodes); err != nil {
			return fmt.Errorf("tlog: write nodes: %w", err)
		}
	}
	clear(a.nodes) // the hashes are the store's now
	return nil
}

// Size is the size of the tree so far.
func (a *Appender) Size() uint64 { return a.r.End() }

// Root is the root of the tree so far.
func (a *Appender) Root() ([]byte, error) { return rangeRoot(a.r) }

// rangeRoot is the root of a compact range starting at 0, EmptyRoot for
// the empty tree.
func rangeRoot(r *compact.Range) ([]byte, error) {
	if r.End() == 0 {
		return EmptyRoot(), nil
	}
	return r.GetRootHash(nil)
}

// Root returns the root of the tree of the given size from stored nodes,
// reading O(log size) of them.
func Root(ctx context.Context, nr NodeReader, size uint64) ([]byte, error) {
	r, err := readRange(ctx, nr, size)
	if err != nil {
		return nil, err
	}
	return rangeRoot(r)
}

// InclusionProof returns the RFC 6962 audit path for leaf index in the tree
// of the given size, from stored nodes.
func InclusionProof(ctx context.Context, nr NodeReader, index, size uint64) ([][]byte, error) {
	if index >= size {
		return nil, qantar.Errorf(qantar.ENOTFOUND, "leaf index %d is not in a tree of size %d", index, size)
	}
	n, err := proof.Inclusion(index, size)
	if err != nil {
		return nil, fmt.Errorf("tlog: inclusion proof: %w", err)
	}
	return rehash(ctx, nr, n)
}

// ConsistencyProof returns the RFC 6962 proof that the tree of size1 is a
// prefix of the tree of size2, from stored nodes.
func ConsistencyProof(ctx context.Context, nr NodeReader, size1, size2 uint64) ([][]byte, error) {
	if size1 > size2 {
		return nil, qantar.Errorf(qantar.EINVALID, "consistency proof: old size %d is larger than new size %d", size1, size2)
	}
	n, err := proof.Consistency(size1, size2)
	if err != nil {
		return nil, fmt.Errorf("tlog: consistency proof: %w", err)
	}
	return rehash(ctx, nr, n)
}

func rehash(ctx context.Context, nr NodeReader, n proof.Nodes) ([][]byte, error) {
	hashes, err := getNodes(ctx, nr, n.IDs)
	if err != nil {
		return nil, err
	}
	p, err := n.Rehash(hashes, hasher.HashChildren)
	if err != nil {
		return nil, fmt.Errorf("tlog: proof: %w", err)
	}
	if p == nil {
		p = [][]byte{}
	}
	return p, nil
}

// VerifyInclusion checks an audit path for a leaf hash against a root.
func VerifyInclusion(index, size uint64, leafHash []byte, path [][]byte, root []byte) error {
	return proof.VerifyInclusion(hasher, index, size, leafHash, path, root)
}

// VerifyConsistency checks that the tree (size1, root1) is a prefix of the
// tree (size2, root2).
func VerifyConsistency(size1, size2 uint64, path [][]byte, root1, root2 []byte) error {
	return proof.VerifyConsistency(hasher, size1, size2, path, root1, root2)
}

// MemStore is a NodeStore in memory, safe for concurrent use: for tests, and
// for serving a log that a verifier rebuilt. Nodes are kept per level in
// slices, since stored nodes always form a prefix of each level.
type MemStore struct {
	mu     sync.RWMutex
	levels [][][]byte
}

// GetNodes implements NodeReader.
func (m *MemStore) GetNodes(_ context.Context, ids []NodeID) ([][]byte, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := make([][]byte, len(ids))
	for i, id := range ids {
		if int(id.Level) >= len(m.levels) || id.Index >= uint64(len(m.levels[id.Level])) {
			return nil, fmt.Errorf("node (level %d, index %d) is not stored", id.Level, id.Index)
		}
		out[i] = m.levels[id.Level][id.Index]
	}
	return out, nil
}

// GetNodeRange implements NodeRangeReader.
func (m *MemStore) GetNodeRange(_ context.Context, level uint, begin, end uint64) ([][]byte, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if int(level) >= len(m.levels) || begin > end || end > uint64(len(m.levels[level])) {
		return nil, fmt.Errorf("nodes [%d, %d) of level %d are not stored", begin, end, level)
	}
	return m.levels[level][begin:end:end], nil
}

// PutNodes implements NodeStore. Nodes must extend each level in order, as
// Append writes them.
func (m *MemStore) PutNodes(_ context.Context, nodes []Node) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, n := range nodes {
		for int(n.ID.Level) >= len(m.levels) {
			m.levels = append(m.levels, nil)
		}
		lv := m.levels[n.ID.Level]
		if n.ID.Index != uint64(len(lv)) {
			return fmt.Errorf("node (level %d, index %d) out of order: level holds %d nodes", n.ID.Level, n.ID.Index, len(lv))
		}
		m.levels[n.ID.Level] = append(lv, n.Hash)
	}
	return nil
}

// Builder computes the root of a tree leaf by leaf in O(log n) memory, for
// verifiers that stream over every leaf: `qantar verify --db` and
// tlog/client. The zero Builder is not usable; call NewBuilder.
type Builder struct {
	r     *compact.Range
	visit compact.VisitFn
}

// NewBuilder returns a Builder for an empty tree. visit, if not nil, is
// called with every complete node as it is computed (level 0 included).
func NewBuilder(visit func(id NodeID, hash []byte)) *Builder {
	return &Builder{r: rangeFactory.NewEmptyRange(0), visit: visit}
}

// NewBuilderAt returns a Builder for the leaves from index begin on, so
// that workers can hash parts of a tree at once and Append them in order.
// visit, if not nil, is called with every complete node of the part
// (level 0 included). Its Root is a tree's root only when begin is 0.
func NewBuilderAt(begin uint64, visit func(id NodeID, hash []byte)) *Builder {
	return &Builder{r: rangeFactory.NewEmptyRange(begin), visit: visit}
}

// Append adds the leaves of o, which must begin where b's end, reporting
// to b's visit every node that joining them completes (a node whose
// leaves are all in o was reported to o's). O(log n).
func (b *Builder) Append(o *Builder) error {
	if err := b.r.AppendRange(o.r, b.visit); err != nil {
		return fmt.Errorf("tlog: builder of [%d, …) appended to one of %d leaves: %w", o.r.Begin(), b.r.End(), err)
	}
	return nil
}

// AddLeaf adds an encoded leaf.
func (b *Builder) AddLeaf(encoded []byte) { b.AddLeafHash(LeafHash(encoded)) }

// AddLeafHash adds a leaf by its hash, which must be HashSize bytes.
func (b *Builder) AddLeafHash(h []byte) {
	if len(h) != HashSize {
		panic(fmt.Sprintf("tlog: Builder.AddLeafHash: %d-byte hash", len(h)))
	}
	// Append fails only on ranges of different factories; ours never are.
	_ = b.r.Append(h, b.visit)
}

// Size returns the number of leaves added.
func (b *Builder) Size() uint64 { return b.r.End() }

// Root returns the root of the tree of the leaves added so far.
func (b *Builder) Root() []byte {
	root, _ := rangeRoot(b.r) // cannot fail: the range starts at 0
	return root
}

// RebuildRoot returns the root and size of the tree of the given leaf
// hashes, streamed in order in O(log n) memory.
func RebuildRoot(leafHashes iter.Seq[[]byte]) (root []byte, size uint64) {
	b := NewBuilder(nil)
	for h := range leafHashes {
		b.AddLeafHash(h)
	}
	return b.Root(), b.Size()
}
