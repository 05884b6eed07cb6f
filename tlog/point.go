package tlog

import (
	"context"
	"fmt"

	"github.com/qantar-project/qantar"
)

// PointAt is the log at size (negative: the size of cp, the latest
// checkpoint): its root, from the stored nodes, and the time of its last
// leaf. Both stores answer qantar.AtReader.LogAt with it.
func PointAt(ctx context.Context, nr NodeReader, lr LeafReader, cp Checkpoint, size int64) (qantar.LogPoint, error) {
	if size < 0 {
		size = int64(cp.Size)
	}
	if uint64(size) > cp.Size {
		return qantar.LogPoint{}, qantar.Errorf(qantar.ENOTFOUND, "the log has no checkpoint of size %d (its size is %d)", size, cp.Size)
	}
	root, err := Root(ctx, nr, uint64(size))
	if err != nil {
		return qantar.LogPoint{}, err
	}
	p := qantar.LogPoint{Size: size, Root: root}
	if size == 0 {
		return p, nil
	}
	leaves, err := lr.GetLeaves(ctx, uint64(size-1), uint64(size))
	if err != nil {
		return qantar.LogPoint{}, err
	}
	if len(leaves) != 1 {
		return qantar.LogPoint{}, fmt.Errorf("log leaf %d is missing", size-1)
	}
	leaf, err := DecodeLeaf(leaves[0])
	if err != nil {
		return qantar.LogPoint{}, fmt.Errorf("log leaf %d: %w", size-1, err)
	}
	p.Time = leaf.Time.UTC()
	return p, nil
}
