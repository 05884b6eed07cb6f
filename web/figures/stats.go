package figures

import (
	"context"
	"fmt"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/tlog"
)

// Pinned returns the figures at a log size (negative: the latest
// checkpoint) as of a day (zero: the day of the checkpoint's last leaf).
func (f *Figures) Pinned(ctx context.Context, size int64, asOf time.Time) (*PinnedStats, error) {
	p, src, err := f.LogAt(ctx, size)
	if err != nil {
		return nil, err
	}
	if asOf.IsZero() {
		asOf = CheckpointDay(p)
	}
	key := fmt.Sprintf("%d %x %s", p.Size, p.Root, asOf.Format(time.DateOnly))
	f.mu.Lock()
	st, ok := f.stats[key]
	f.mu.Unlock()
	if ok {
		return st, nil
	}
	if st, err = statsFrom(ctx, src, f.rules, p, asOf); err != nil {
		return nil, err
	}
	f.mu.Lock()
	if f.stats == nil || len(f.stats) >= 32 {
		f.stats = map[string]*PinnedStats{}
	}
	f.stats[key] = st
	f.mu.Unlock()
	return st, nil
}

// LogAt is the log at a size, from the store when it reads records at a
// size; otherwise (a store that does not) the latest checkpoint, with the
// server's clock for its time.
func (f *Figures) LogAt(ctx context.Context, size int64) (qantar.LogPoint, Source, error) {
	if at, ok := f.store.(qantar.AtReader); ok {
		p, err := at.LogAt(ctx, size)
		return p, Memo(At(at, p.Size)), err
	}
	signed, err := f.log.Checkpoint(ctx)
	if err != nil {
		return qantar.LogPoint{}, nil, err
	}
	cp, err := tlog.OpenCheckpoint(signed, f.log.LogKey())
	if err != nil {
		return qantar.LogPoint{}, nil, err
	}
	if size >= 0 && uint64(size) != cp.Size {
		return qantar.LogPoint{}, nil, qantar.Errorf(qantar.ENOTFOUND, "this store keeps only the records of its latest checkpoint (size %d)", cp.Size)
	}
	p := qantar.LogPoint{Size: int64(cp.Size), Root: cp.Hash, Time: f.now().UTC()}
	return p, Memo(f.Live()), nil
}
