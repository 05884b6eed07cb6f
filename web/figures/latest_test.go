package figures_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/sqlite"
	"github.com/qantar-project/qantar/web/figures"
)

const hiddenName = "Synthetic Hidden Victim"

// gatedStore is a real store whose records at a checkpoint, and what a
// stretch of its log changed, are read only when its gate is open, and which
// counts those reads of acts.
type gatedStore struct {
	*sqlite.DB
	mu   sync.Mutex
	gate chan struct{} // nil: open
	acts atomic.Int32
	// cancelled counts the reads asked in a context cancelled by then.
	cancelled atomic.Int32
}

// pass waits for the gate and counts a read of kind, whole or changes.
func (g *gatedStore) pass(ctx context.Context, kind qantar.Kind) {
	g.mu.Lock()
	gate := g.gate
	g.mu.Unlock()
	if gate != nil {
		<-gate
	}
	if ctx.Err() != nil {
		g.cancelled.Add(1)
	}
	if kind == qantar.KindAct {
		g.acts.Add(1)
	}
}

func (g *gatedStore) RecordsAt(ctx context.Context, kind qantar.Kind, size int64) ([]qantar.Record, error) {
	g.pass(ctx, kind)
	return g.DB.RecordsAt(ctx, kind, size)
}

func (g *gatedStore) EachRecordAt(ctx context.Context, kind qantar.Kind, size int64, fn func(qantar.Record) error) error {
	g.pass(ctx, kind)
	return g.DB.EachRecordAt(ctx, kind, size, fn)
}

func (g *gatedStore) ChangesAt(ctx context.Context, kind qantar.Kind, from, to int64) ([]qantar.Change, error) {
	g.pass(ctx, kind)
	return g.DB.ChangesAt(ctx, kind, from, to)
}

func (g *gatedStore) close() { g.mu.Lock(); g.gate = make(chan struct{}); g.mu.Unlock() }
func (g *gatedStore) open()  { g.mu.Lock(); close(g.gate); g.gate = nil; g.mu.Unlock() }
func (g *gatedStore) dead(t *testing.T, protection string, name string) {
	t.Helper()
	p := &qantar.Person{Names: []qantar.Name{{Value: name, Lang: "en"}}, Protection: protection}
	if err := g.Create(context.Background(), qantar.System, p); err != nil {
		t.Fatal(err)
	}
	a := &qantar.Act{VictimID: p.ID, ActType: "killing_crowd_control", VictimStatus: "dead", Date: qantar.MustDate("2022-01-06")}
	if err := g.Create(context.Background(), qantar.System, a); err != nil {
		t.Fatal(err)
	}
}

func newGatedStore(t *testing.T) *gatedStore {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "f.db"), sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return &gatedStore{DB: db}
}

// pinnedWithin is Pinned's answer, or a failure when it takes longer than d.
func pinnedWithin(t *testing.T, ctx context.Context, f *figures.Figures, d time.Duration) *figures.PinnedStats {
	t.Helper()
	type answer struct {
		st  *figures.PinnedStats
		err error
	}
	ch := make(chan answer, 1)
	go func() {
		st, err := f.Pinned(ctx, -1, time.Time{})
		ch <- answer{st, err}
	}()
	select {
	case a := <-ch:
		if a.err != nil {
			t.Fatal(a.err)
		}
		return a.st
	case <-time.After(d):
		t.Fatalf("the figures took longer than %v", d)
		return nil
	}
}

// After a write, a reader who may take earlier figures is answered at once
// those of the previous checkpoint, which name it, while one computation of
// the new ones runs; a reader who may not waits for that same computation;
// then everyone gets the new figures. Neither names the protected victim.
func TestEarlierFiguresWhileComputing(t *testing.T) {
	ctx := context.Background()
	g := newGatedStore(t)
	g.dead(t, qantar.Public, "Synthetic Public Victim")
	g.dead(t, qantar.Restricted, hiddenName)
	f := figures.New(g, nil, nil, nil, nil)
	first := pinnedWithin(t, ctx, f, 30*time.Second)
	if first.Funnel.Deaths != 2 {
		t.Fatalf("deaths %d, want 2", first.Funnel.Deaths)
	}
	g.dead(t, qantar.Public, "Synthetic Later Victim")
	g.close()
	before := g.acts.Load()
	for range 5 {
		ectx, earlier := figures.AllowEarlier(ctx)
		st := pinnedWithin(t, ectx, f, 5*time.Second)
		if st != first || !earlier.Given() {
			t.Fatalf("while computing: checkpoint %+v (given earlier: %v), want the previous %+v", st.Checkpoint, earlier.Given(), first.Checkpoint)
		}
	}
	waited := make(chan *figures.PinnedStats, 1)
	go func() {
		st, err := f.Pinned(ctx, -1, time.Time{})
		if err != nil {
			t.Error(err)
		}
		waited <- st
	}()
	select {
	case st := <-waited:
		t.Fatalf("a reader who may not take earlier figures was answered %+v before they were computed", st.Checkpoint)
	case <-time.After(100 * time.Millisecond):
	}
	g.open()
	newest := <-waited
	if newest == nil || newest.Funnel.Deaths != 3 || newest.Checkpoint.Size <= first.Checkpoint.Size {
		t.Fatalf("after the computation: %+v", newest)
	}
	if n := g.acts.Load() - before; n != 1 {
		t.Errorf("the acts at the new checkpoint were read %d times, want once", n)
	}
	ectx, earlier := figures.AllowEarlier(ctx)
	if st := pinnedWithin(t, ectx, f, 5*time.Second); st != newest || earlier.Given() {
		t.Fatalf("after the computation a reader is answered %+v (given earlier: %v)", st.Checkpoint, earlier.Given())
	}
	for _, st := range []*figures.PinnedStats{first, newest} {
		b, _ := json.Marshal(st)
		if strings.Contains(string(b), hiddenName) {
			t.Errorf("the figures name the restricted victim: %s", b)
		}
	}
}

// Warm computes the latest figures before anyone asks: the first reader
// is answered them without another read of the records.
func TestWarm(t *testing.T) {
	ctx := context.Background()
	g := newGatedStore(t)
	g.dead(t, qantar.Public, "Synthetic Public Victim")
	f := figures.New(g, nil, nil, nil, nil)
	g.close()
	if err := f.Warm(ctx); err != nil {
		t.Fatal(err)
	}
	if n := g.acts.Load(); n != 0 {
		t.Fatalf("acts read %d times before the gate opened", n)
	}
	g.open()
	for deadline := time.Now().Add(10 * time.Second); g.acts.Load() == 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("Warm computed nothing")
		}
	}
	st := pinnedWithin(t, ctx, f, 30*time.Second)
	if st.Funnel.Deaths != 1 {
		t.Fatalf("deaths %d, want 1", st.Funnel.Deaths)
	}
	if n := g.acts.Load(); n != 1 {
		t.Errorf("acts read %d times, want once (by Warm)", n)
	}
}

// A reader who names a checkpoint (at=N) gets its own figures, never
// earlier ones.
func TestNamedCheckpointNotEarlier(t *testing.T) {
	ctx := context.Background()
	g := newGatedStore(t)
	g.dead(t, qantar.Public, "Synthetic Public Victim")
	f := figures.New(g, nil, nil, nil, nil)
	first := pinnedWithin(t, ctx, f, 30*time.Second)
	g.dead(t, qantar.Public, "Synthetic Later Victim")
	p, err := g.LogAt(ctx, -1)
	if err != nil {
		t.Fatal(err)
	}
	ectx, earlier := figures.AllowEarlier(ctx)
	st, err := f.Pinned(ectx, p.Size, time.Time{})
	if err != nil || st.Checkpoint.Size != p.Size || st.Funnel.Deaths != 2 || earlier.Given() {
		t.Fatalf("at %d: %+v, %v (given earlier: %v; the first figures were at %d)", p.Size, st, err, earlier.Given(), first.Checkpoint.Size)
	}
}

// A computation that the only reader waiting for it gave up on is
// cancelled; the next reader's starts afresh.
func TestComputationGivenUp(t *testing.T) {
	g := newGatedStore(t)
	g.dead(t, qantar.Public, "Synthetic Public Victim")
	f := figures.New(g, nil, nil, nil, nil)
	g.close()
	ctx, cancel := context.WithCancel(context.Background())
	gone := make(chan error, 1)
	go func() {
		_, err := f.Pinned(ctx, -1, time.Time{})
		gone <- err
	}()
	time.Sleep(50 * time.Millisecond)
	cancel()
	if err := <-gone; err != context.Canceled {
		t.Fatalf("a reader who gave up: %v", err)
	}
	g.open()
	for deadline := time.Now().Add(5 * time.Second); g.cancelled.Load() == 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the computation nobody waited for was not cancelled")
		}
	}
	if st := pinnedWithin(t, context.Background(), f, 30*time.Second); st.Funnel.Deaths != 1 {
		t.Fatalf("after a cancelled computation: %+v", st)
	}
}

// However often the log grows while the figures are computed for readers
// who take earlier ones, one computation runs at a time: the checkpoints
// written meanwhile are not each computed, and when it ends the next
// reader starts the newest checkpoint's, which the readers after get.
func TestOneRefreshAtATime(t *testing.T) {
	ctx := context.Background()
	g := newGatedStore(t)
	g.dead(t, qantar.Public, "Synthetic Public Victim")
	f := figures.New(g, nil, nil, nil, nil)
	first := pinnedWithin(t, ctx, f, 30*time.Second)
	g.close()
	before := g.acts.Load()
	for i := range 4 {
		g.dead(t, qantar.Public, "Synthetic Later Victim")
		ectx, _ := figures.AllowEarlier(ctx)
		if st := pinnedWithin(t, ectx, f, 5*time.Second); st != first {
			t.Fatalf("write %d: answered %+v, want the first figures", i, st.Checkpoint)
		}
	}
	time.Sleep(50 * time.Millisecond)
	g.open()
	head, err := g.LogAt(ctx, -1)
	if err != nil {
		t.Fatal(err)
	}
	var st *figures.PinnedStats
	for deadline := time.Now().Add(10 * time.Second); st == nil || st.Checkpoint.Size != head.Size; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the newest figures never came: %+v, head %d", st.Checkpoint, head.Size)
		}
		ectx, _ := figures.AllowEarlier(ctx)
		st = pinnedWithin(t, ectx, f, 5*time.Second)
	}
	if st.Funnel.Deaths != 5 {
		t.Errorf("deaths %d, want 5", st.Funnel.Deaths)
	}
	// The first write's checkpoint, then the newest: two computations for
	// four checkpoints.
	if n := g.acts.Load() - before; n != 2 {
		t.Errorf("acts read %d times for four checkpoints written during a computation, want 2", n)
	}
}
