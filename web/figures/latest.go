package figures

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/qantar-project/qantar"
)

// After a write, the figures of the new checkpoint are computed from every
// record of every kind: at a hundred thousand records, longer than a reader
// should wait. A reader who may (an anonymous one: web's page cache says so
// through AllowEarlier) is answered at once the figures of the latest
// checkpoint computed so far, which name their checkpoint and so stay true
// and verifiable, while one goroutine computes the new ones; the next
// readers get those. Signed-in readers (an editor who has just saved) wait
// for the newest, and a reader who names a checkpoint (at=N) gets its own.

// computation is the figures at one key being computed: every reader who
// asks for them meanwhile waits for the same one. It is cancelled when the
// last reader waiting for it has gone, unless it is kept (a refresh that
// readers answered earlier figures started: the next ones want it).
type computation struct {
	done   chan struct{}
	cancel context.CancelFunc
	st     *PinnedStats
	err    error
	// latest, waiting, kept and cancelled are guarded by Figures.mu:
	// latest is the as_of the figures are kept under as the latest
	// checkpoint's, "-" when no reader asked for them as such.
	latest    string
	waiting   int
	kept      bool
	cancelled bool
}

// compute returns the computation of the figures at key, counting the
// caller among those waiting for it (wait or keep), and starts it on its
// own goroutine when none is under way; latest is the as_of they are kept
// under as the latest checkpoint's ("-": not kept so).
func (f *Figures) compute(key, latest string, p qantar.LogPoint, src Source, day time.Time) *computation {
	f.mu.Lock()
	defer f.mu.Unlock()
	if c, ok := f.running[key]; ok && !c.cancelled {
		c.waiting++
		if latest != "-" {
			c.latest = latest
		}
		return c
	}
	if f.running == nil {
		f.running = map[string]*computation{}
	}
	// Not a reader's context: the computation outlives the request that
	// started it when others wait for it.
	ctx, cancel := context.WithCancel(context.Background())
	c := &computation{done: make(chan struct{}), cancel: cancel, latest: latest, waiting: 1}
	f.running[key] = c
	go func() {
		defer cancel()
		c.st, c.err = statsFrom(ctx, src, f.rules, p, day)
		f.done(key, c)
		close(c.done)
	}()
	return c
}

// refresh starts computing the figures at key, kept as the latest, for
// the readers who come next, unless such a refresh is under way: however
// often the log grows, a server computes one checkpoint's figures at a
// time for them (at 10,000,000 records, a core for 20 s and gigabytes),
// and those who read meanwhile are answered the latest computed; when it
// ends, the next reader starts the newest checkpoint's.
func (f *Figures) refresh(key, latest string, p qantar.LogPoint, src Source, day time.Time) {
	f.mu.Lock()
	busy := f.refreshing
	f.refreshing = true
	f.mu.Unlock()
	if !busy {
		f.keep(f.compute(key, latest, p, src, day))
	}
}

// wait returns c's figures, or ctx's error if it ends first.
func (f *Figures) wait(ctx context.Context, c *computation) (*PinnedStats, error) {
	select {
	case <-c.done:
		return c.st, c.err
	case <-ctx.Done():
		f.mu.Lock()
		c.waiting--
		if c.waiting == 0 && !c.kept {
			c.cancelled = true
			c.cancel()
		}
		f.mu.Unlock()
		return nil, ctx.Err()
	}
}

// keep lets c run to its end though its caller does not wait for it.
func (f *Figures) keep(c *computation) {
	f.mu.Lock()
	c.waiting--
	c.kept = true
	f.mu.Unlock()
}

// done keeps a finished computation's figures.
func (f *Figures) done(key string, c *computation) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.running[key] == c {
		delete(f.running, key)
	}
	if c.kept {
		f.refreshing = false
	}
	if c.err != nil {
		return
	}
	if f.stats == nil || len(f.stats) >= 32 {
		f.stats = map[string]*PinnedStats{}
	}
	f.stats[key] = c.st
	if c.latest == "-" {
		return
	}
	if f.latest == nil || len(f.latest) >= 32 {
		f.latest = map[string]*PinnedStats{}
	}
	if old := f.latest[c.latest]; old == nil || old.Checkpoint.Size <= c.st.Checkpoint.Size {
		f.latest[c.latest] = c.st
	}
}

// earlier returns, when ctx allows it, the newest figures computed at the
// latest checkpoint of their time as of latest, and notes that ctx's reader
// was given figures of another checkpoint than p when they are; else nil.
func (f *Figures) earlier(ctx context.Context, latest string, p qantar.LogPoint) *PinnedStats {
	e, ok := ctx.Value(earlierKey{}).(*Earlier)
	if !ok {
		return nil
	}
	f.mu.Lock()
	st := f.latest[latest]
	f.mu.Unlock()
	if st != nil && st.Checkpoint != checkpointRef(p) {
		e.given.Store(true)
	}
	return st
}

type earlierKey struct{}

// Earlier says whether a reader allowed them was given the figures of an
// earlier checkpoint than the latest.
type Earlier struct{ given atomic.Bool }

// Given reports whether the reader was given figures of an earlier
// checkpoint: an answer made of them is not to be kept as the latest one.
func (e *Earlier) Given() bool { return e.given.Load() }

// AllowEarlier returns ctx for a reader who may be answered, while the
// figures of the latest checkpoint are computed, those of the latest
// checkpoint computed so far (Pinned), and what says whether they were.
func AllowEarlier(ctx context.Context) (context.Context, *Earlier) {
	e := &Earlier{}
	return context.WithValue(ctx, earlierKey{}, e), e
}
