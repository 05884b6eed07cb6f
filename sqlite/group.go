package sqlite

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/qantar-project/qantar"
)

// Group commit. A single write (Create, Update or Delete outside InTx) that
// arrives while another transaction is committing waits; the next commit
// takes every write that waited, each checked and written as on its own, in
// one transaction: one sync to disk and one signed checkpoint for the group
// instead of one each. A write is acknowledged only after the commit that
// holds it; a write refused inside the group (a stale version, a taken
// key) is refused alone, as in InTx. If the group's transaction fails as a
// whole, each of its writes is tried again in a transaction of its own, so
// that one write's failure never becomes another's.

// maxGroup bounds how many writes one commit takes.
const maxGroup = 256

// failGroup, set by tests only, can fail a group's transaction after its
// writes ran, as a failing disk would at commit.
var failGroup func(writes int) error

// groupWrite is one single write waiting for its commit.
type groupWrite struct {
	ctx    context.Context
	rec    qantar.Record // nil for a deletion
	meta   qantar.Meta   // rec's metadata before the write, for a try alone
	fn     func(tx *Tx) error
	result chan error    // the write's outcome, once committed or refused
	lead   chan struct{} // this write's caller is to lead the next group
}

// writeGroup is the queue of single writes and whether a caller is leading.
type writeGroup struct {
	mu    sync.Mutex
	queue []*groupWrite
	busy  bool

	// sizes counts commits by how many single writes they held, bucketed
	// by groupBounds (non-cumulative); sum is the writes they held.
	sizes [len(groupBounds)]atomic.Uint64
	sum   atomic.Uint64
}

// groupBounds are the upper bounds of the group-commit size histogram (the
// last is maxGroup).
var groupBounds = [...]int{1, 2, 4, 8, 16, 32, 64, 128, maxGroup}

// GroupCommitStat is the histogram of group-commit sizes, for /metrics:
// the bucket bounds, the commits whose size was at most each bound
// (cumulative), the writes they held and the number of commits.
func (db *DB) GroupCommitStat() (bounds []int, cumulative []uint64, writes, commits uint64) {
	g := &db.group
	var c uint64
	for i, b := range groupBounds {
		c += g.sizes[i].Load()
		bounds = append(bounds, b)
		cumulative = append(cumulative, c)
	}
	return bounds, cumulative, g.sum.Load(), c
}

// countGroup records a commit of n single writes.
func (g *writeGroup) countGroup(n int) {
	for i, b := range groupBounds {
		if n <= b {
			g.sizes[i].Add(1)
			break
		}
	}
	g.sum.Add(uint64(n))
}

// single runs fn as one write: in a group commit with the writes that
// arrive while another commit is under way.
func (db *DB) single(ctx context.Context, rec qantar.Record, fn func(tx *Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	gw := &groupWrite{ctx: ctx, rec: rec, fn: fn, result: make(chan error, 1), lead: make(chan struct{}, 1)}
	if rec != nil {
		gw.meta = *rec.GetMeta()
	}
	g := &db.group
	g.mu.Lock()
	g.queue = append(g.queue, gw)
	leader := !g.busy
	g.busy = true
	g.mu.Unlock()
	if !leader {
		select {
		case err := <-gw.result:
			return err
		case <-gw.lead:
		}
	}
	db.leadGroup()
	return <-gw.result
}

// leadGroup commits the queued writes (the leader's own first), then hands
// the lead to the first write that queued meanwhile, or ends it.
func (db *DB) leadGroup() {
	g := &db.group
	g.mu.Lock()
	batch := g.queue
	if len(batch) > maxGroup {
		batch, g.queue = batch[:maxGroup:maxGroup], batch[maxGroup:]
	} else {
		g.queue = nil
	}
	g.mu.Unlock()
	db.commitGroup(batch)
	g.mu.Lock()
	if len(g.queue) > 0 {
		g.queue[0].lead <- struct{}{}
	} else {
		g.busy = false
	}
	g.mu.Unlock()
}

// commitGroup runs the writes in one transaction and tells each its outcome.
func (db *DB) commitGroup(batch []*groupWrite) {
	var run []*groupWrite
	for _, gw := range batch {
		if err := gw.ctx.Err(); err != nil {
			gw.result <- err // the caller gave up before its turn: nothing written
		} else {
			run = append(run, gw)
		}
	}
	alone := func(gw *groupWrite) {
		if gw.rec != nil {
			*gw.rec.GetMeta() = gw.meta
		}
		gw.result <- db.InTx(context.WithoutCancel(gw.ctx), func(w qantar.Writer) error { return gw.fn(w.(*Tx)) })
	}
	if len(run) > 0 {
		db.group.countGroup(len(run))
	}
	switch len(run) {
	case 0:
		return
	case 1:
		alone(run[0])
		return
	}
	errs := make([]error, len(run))
	err := db.InTx(context.WithoutCancel(run[0].ctx), func(w qantar.Writer) error {
		tx := w.(*Tx)
		for i, gw := range run {
			errs[i] = gw.fn(tx)
			if tx.broken != nil {
				return tx.broken
			}
		}
		if failGroup != nil {
			return failGroup(len(run))
		}
		return nil
	})
	if err != nil {
		for _, gw := range run {
			alone(gw)
		}
		return
	}
	for i, gw := range run {
		gw.result <- errs[i]
	}
}
