package tlog

import (
	"bytes"
	"context"
	"fmt"

	"github.com/qantar-project/qantar"
)

// RecordProof is the body of GET /api/v1/{kind}/{id}/proof?version=V: the
// version's leaf, where it sits, the audit path to the root, and the signed
// checkpoint that root is in. Everything a reader needs to check, offline,
// that the version is in the log that the key's owner signed.
type RecordProof struct {
	LeafIndex  uint64   `json:"leaf_index"`
	Leaf       string   `json:"leaf"`      // the encoded leaf (LEAF.md), a text
	LeafHash   []byte   `json:"leaf_hash"` // RFC 6962 leaf hash, base64
	TreeSize   uint64   `json:"tree_size"`
	Proof      [][]byte `json:"proof"`      // audit path, leaf to root, base64 each
	Checkpoint string   `json:"checkpoint"` // the signed checkpoint note
	// Salt is the version's salt, 64 hex digits, served only to a reader
	// who may see the version whole: with the version's canonical JSON and
	// reason it recomputes the leaf's commitment (LEAF.md). Empty otherwise.
	Salt string `json:"salt,omitempty"`
}

// NewRecordProof builds the proof for the leaf at index, encoded as leaf,
// against a checkpoint (signed is its signed note, cp the parsed text). The
// store reads leaf and nodes in one read transaction that also read the
// checkpoint, so that the three agree.
func NewRecordProof(ctx context.Context, nr NodeReader, index uint64, leaf []byte, cp Checkpoint, signed []byte) (*RecordProof, error) {
	if index >= cp.Size {
		return nil, qantar.Errorf(qantar.ENOTFOUND, "leaf %d is not yet in the latest checkpoint (size %d)", index, cp.Size)
	}
	path, err := InclusionProof(ctx, nr, index, cp.Size)
	if err != nil {
		return nil, err
	}
	return &RecordProof{
		LeafIndex:  index,
		Leaf:       string(leaf),
		LeafHash:   LeafHash(leaf),
		TreeSize:   cp.Size,
		Proof:      path,
		Checkpoint: string(signed),
	}, nil
}

// Verify checks the proof with the log's verifier key: the checkpoint's
// signature, that the leaf decodes and sits at LeafIndex, and that the
// audit path leads from it to the checkpoint's root. It returns the leaf
// and the checkpoint; comparing the leaf's commitment with the record's
// content (Leaf.Matches) is the caller's next step.
func (p *RecordProof) Verify(verifierKey string) (Leaf, Checkpoint, error) {
	cp, err := OpenCheckpoint([]byte(p.Checkpoint), verifierKey)
	if err != nil {
		return Leaf{}, Checkpoint{}, err
	}
	if p.TreeSize != cp.Size {
		return Leaf{}, cp, qantar.Errorf(qantar.EINVALID, "proof is for tree size %d but its checkpoint has size %d", p.TreeSize, cp.Size)
	}
	leaf, err := DecodeLeaf([]byte(p.Leaf))
	if err != nil {
		return Leaf{}, cp, err
	}
	if leaf.Index != p.LeafIndex {
		return leaf, cp, qantar.Errorf(qantar.EINVALID, "leaf says index %d, proof says %d", leaf.Index, p.LeafIndex)
	}
	h := LeafHash([]byte(p.Leaf))
	if p.LeafHash != nil && !bytes.Equal(h, p.LeafHash) {
		return leaf, cp, qantar.Errorf(qantar.EINVALID, "leaf_hash is not the hash of leaf")
	}
	if p.LeafIndex >= cp.Size {
		return leaf, cp, qantar.Errorf(qantar.EINVALID, "leaf index %d is not in a tree of size %d", p.LeafIndex, cp.Size)
	}
	if err := VerifyInclusion(p.LeafIndex, cp.Size, h, p.Proof, cp.Hash); err != nil {
		return leaf, cp, qantar.Errorf(qantar.EINVALID, "inclusion proof does not lead to the checkpoint's root: %v", err)
	}
	return leaf, cp, nil
}

// ScanBatch is how many leaves ScanLeaves reads at once: one entry bundle.
const ScanBatch = TileWidth

// ScanLeaves reads every leaf of a tree of the given size from lr, in
// order, and returns the root it recomputes from them: the core of
// `qantar verify --db`. Each leaf must decode (DecodeLeaf) and carry its own
// index; fn, if not nil, then checks it against the record version it
// stands for. If nr is not nil, every stored node that a tile serves (tree
// levels 0, 8, 16, …) is compared with the recomputed one, so that what the
// log serves is what its leaves say. The caller compares the root with the
// latest checkpoint's.
func ScanLeaves(ctx context.Context, lr LeafReader, nr NodeReader, size uint64, fn func(l Leaf, encoded []byte) error) ([]byte, error) {
	var pending []Node // computed nodes at tile levels, to compare with stored ones
	b := NewBuilder(func(id NodeID, h []byte) {
		if nr != nil && id.Level%TileHeight == 0 {
			pending = append(pending, Node{ID: id, Hash: h})
		}
	})
	for begin := uint64(0); begin < size; begin += ScanBatch {
		end := min(begin+ScanBatch, size)
		leaves, err := lr.GetLeaves(ctx, begin, end)
		if err != nil {
			return nil, fmt.Errorf("tlog: read leaves [%d, %d): %w", begin, end, err)
		}
		if uint64(len(leaves)) != end-begin {
			return nil, qantar.Errorf(qantar.EINVALID, "log: leaves [%d, %d): store returned %d", begin, end, len(leaves))
		}
		for i, enc := range leaves {
			idx := begin + uint64(i)
			l, err := DecodeLeaf(enc)
			if err != nil {
				return nil, qantar.Errorf(qantar.EINVALID, "log: leaf %d: %v", idx, err)
			}
			if l.Index != idx {
				return nil, qantar.Errorf(qantar.EINVALID, "log: leaf %d says it is leaf %d", idx, l.Index)
			}
			if fn != nil {
				if err := fn(l, enc); err != nil {
					return nil, err
				}
			}
			b.AddLeaf(enc)
		}
		if len(pending) >= ScanBatch || end == size {
			if err := compareNodes(ctx, nr, pending); err != nil {
				return nil, err
			}
			pending = pending[:0]
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
	return b.Root(), nil
}

func compareNodes(ctx context.Context, nr NodeReader, nodes []Node) error {
	if nr == nil || len(nodes) == 0 {
		return nil
	}
	ids := make([]NodeID, len(nodes))
	for i, n := range nodes {
		ids[i] = n.ID
	}
	stored, err := getNodes(ctx, nr, ids)
	if err != nil {
		return err
	}
	for i, n := range nodes {
		if !bytes.Equal(stored[i], n.Hash) {
			return qantar.Errorf(qantar.EINVALID, "log: stored node (level %d, index %d) is not the hash of its leaves", n.ID.Level, n.ID.Index)
		}
	}
	return nil
}
