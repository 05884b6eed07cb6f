package storekit

import (
	"context"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/tlog"
)

// VerifySequential is Verify as it was before it ran on every core, the
// benchmark's reference: tlog.ScanLeaves over the store's node reader (one
// query a stored node), versions read four tiles at a time beside it, then
// the records and the projections, each on the calling goroutine.
func VerifySequential(ctx context.Context, r Reader, nodes tlog.NodeReader, key string) (*qantar.VerifyReport, error) {
	scan := func(ctx context.Context, r Reader, size uint64, rep *qantar.VerifyReport) ([]byte, error) {
		var begin uint64
		var chunk []*tlog.StoredVersion
		return tlog.ScanLeaves(ctx, Reads{r}, nodes, size, func(l tlog.Leaf, _ []byte) error {
			if chunk == nil || l.Index >= begin+uint64(len(chunk)) {
				var err error
				begin = l.Index
				if chunk, err = versionsAt(ctx, r, begin, min(begin+verifyBatch, size)); err != nil {
					return err
				}
			}
			if p := tlog.CheckVersion(l, chunk[l.Index-begin]); p != "" {
				rep.Problem("%s", p)
			}
			return nil
		})
	}
	return VerifyWith(ctx, r, key, VerifyOptions{Workers: 1, leaves: scan})
}
