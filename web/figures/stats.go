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
// Figures not yet computed are computed once, however many readers ask for
// them; a reader of the latest checkpoint whose context allows it
// (AllowEarlier) is answered at once the figures of the latest checkpoint
// computed so far, when there are some, while the new ones are computed.
func (f *Figures) Pinned(ctx context.Context, size int64, asOf time.Time) (*PinnedStats, error) {
	p, src, err := f.LogAt(ctx, size)
	if err != nil {
		return nil, err
	}
	day := asOf
	if day.IsZero() {
		day = CheckpointDay(p)
	}
	key := statsKey(p, day)
	f.mu.Lock()
	st, ok := f.stats[key]
	f.mu.Unlock()
	if ok {
		return st, nil
	}
	latest := ""
	if size >= 0 {
		latest = "-" // not kept as the latest
	} else if !asOf.IsZero() {
		latest = day.Format(time.DateOnly)
	}
	if size < 0 {
		if st := f.earlier(ctx, latest, p); st != nil {
			f.refresh(key, latest, p, src, day)
			return st, nil
		}
	}
	return f.wait(ctx, f.compute(key, latest, p, src, day))
}

// statsKey is what the figures at a log point as of a day are kept under.
func statsKey(p qantar.LogPoint, day time.Time) string {
	return fmt.Sprintf("%d %x %s", p.Size, p.Root, day.Format(time.DateOnly))
}

// Warm starts computing the figures of the latest checkpoint, kept as the
// latest, as a reader who may take earlier figures would: after a start,
// when every kind is read whole once, the first readers then wait for that
// read's remainder at most, not all of it.
func (f *Figures) Warm(ctx context.Context) error {
	p, src, err := f.LogAt(ctx, -1)
	if err != nil {
		return err
	}
	day := CheckpointDay(p)
	f.refresh(statsKey(p, day), "", p, src, day)
	return nil
}

// LogAt is the log at a size, from the store when it reads records at a
// size; otherwise (a store that does not) the latest checkpoint, with the
// server's clock for its time.
func (f *Figures) LogAt(ctx context.Context, size int64) (qantar.LogPoint, Source, error) {
	if at, ok := f.store.(qantar.AtReader); ok {
		p, err := at.LogAt(ctx, size)
		return p, Memo(f.at(at, p.Size)), err
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
