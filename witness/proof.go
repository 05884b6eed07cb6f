package witness

import (
	"context"

	"github.com/qantar-project/qantar/tlog"
	sumtlog "golang.org/x/mod/sumdb/tlog"
)

// ProofFunc returns the RFC 6962 consistency proof from the log's tree of
// size old to the tree of checkpoint cp (0 < old < cp.Size).
type ProofFunc func(ctx context.Context, old uint64, cp tlog.Checkpoint) ([][]byte, error)

// NodeProofs computes proofs from a store's nodes (tlog.ConsistencyProof).
func NodeProofs(nr tlog.NodeReader) ProofFunc {
	return func(ctx context.Context, old uint64, cp tlog.Checkpoint) ([][]byte, error) {
		return tlog.ConsistencyProof(ctx, nr, old, cp.Size)
	}
}

// TileProofs computes proofs from the log's hash tiles (C2SP tlog-tiles):
// readTile is the server's Log.Tile, or a fetch from a mirror. The tiles
// are checked against cp's root before a hash is used.
func TileProofs(readTile func(ctx context.Context, t tlog.TileID) ([]byte, error)) ProofFunc {
	return func(ctx context.Context, old uint64, cp tlog.Checkpoint) ([][]byte, error) {
		var root sumtlog.Hash
		copy(root[:], cp.Hash)
		hr := sumtlog.TileHashReader(sumtlog.Tree{N: int64(cp.Size), Hash: root}, tileReader{ctx, readTile})
		p, err := sumtlog.ProveTree(int64(cp.Size), int64(old), hr)
		if err != nil {
			return nil, err
		}
		out := make([][]byte, len(p))
		for i, h := range p {
			out[i] = append([]byte(nil), h[:]...)
		}
		return out, nil
	}
}

// tileReader reads Qantar's tiles for x/mod's tile hash reader, whose
// tiles have the same layout (height 8).
type tileReader struct {
	ctx  context.Context
	read func(ctx context.Context, t tlog.TileID) ([]byte, error)
}

func (r tileReader) Height() int { return tlog.TileHeight }

func (r tileReader) ReadTiles(tiles []sumtlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	for i, t := range tiles {
		b, err := r.read(r.ctx, tlog.TileID{Level: t.L, Index: uint64(t.N), Width: t.W})
		if err != nil {
			return nil, err
		}
		out[i] = b
	}
	return out, nil
}

func (r tileReader) SaveTiles([]sumtlog.Tile, [][]byte) {}
