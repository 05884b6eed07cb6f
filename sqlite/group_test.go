package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/sqlite"
)

// TestGroupCommit: many writers at once, so that their writes share
// commits. Every acknowledged write is there, with its own id; a write
// refused inside a group (a key another writer took) is refused alone;
// the log verifies with one leaf per acknowledged write.
func TestGroupCommit(t *testing.T) {
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "g.db"), sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	const writers, each, keys = 16, 40, 10
	var mu sync.Mutex
	acked := map[int64]string{}
	keyed := map[string]int{}
	var refused atomic.Int64
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				p := &qantar.Person{Names: []qantar.Name{{Value: fmt.Sprintf("Synthetic Writer%d Row%d", w, i)}}}
				if i%4 == 0 {
					p.ExternalKey = fmt.Sprintf("synthetic-key-%d", (w+i/4)%keys)
				}
				err := db.Create(ctx, editor, p)
				switch {
				case err == nil:
					mu.Lock()
					if _, dup := acked[p.ID]; dup {
						t.Errorf("id %d given twice", p.ID)
					}
					acked[p.ID] = p.Names[0].Value
					if p.ExternalKey != "" {
						keyed[p.ExternalKey]++
					}
					mu.Unlock()
				case qantar.ErrorCode(err) == qantar.ECONFLICT && p.ExternalKey != "":
					refused.Add(1)
					if p.ID != 0 {
						t.Errorf("a refused create kept id %d", p.ID)
					}
				default:
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	if len(keyed) != keys || refused.Load() != int64(writers*each/4-keys) {
		t.Fatalf("%d keys written, %d refused; want %d and %d", len(keyed), refused.Load(), keys, writers*each/4-keys)
	}
	for k, n := range keyed {
		if n != 1 {
			t.Fatalf("key %s written %d times", k, n)
		}
	}
	commits := map[string]bool{} // a group's writes share their transaction's time
	for id, name := range acked {
		rec, err := db.Get(ctx, qantar.KindPerson, id)
		if err != nil || rec.(*qantar.Person).Names[0].Value != name {
			t.Fatalf("acknowledged persons/%d (%s): %v %v", id, name, rec, err)
		}
		commits[rec.GetMeta().CreatedAt.String()] = true
	}
	if len(commits) >= len(acked) {
		t.Errorf("%d writes in %d commits: no two writers ever shared one", len(acked), len(commits))
	}
	t.Logf("%d acknowledged writes in %d commits", len(acked), len(commits))
	counts, _ := db.Count(ctx)
	if counts[qantar.KindPerson] != len(acked) {
		t.Fatalf("%d persons stored, %d acknowledged", counts[qantar.KindPerson], len(acked))
	}
	rep, err := db.Verify(ctx)
	if err != nil || !rep.OK() || rep.Leaves != uint64(len(acked)) {
		t.Fatalf("verify: %+v %v", rep, err)
	}
}

// TestGroupCommitGivenUp: a caller whose context is already done is
// refused before anything is written.
func TestGroupCommitGivenUp(t *testing.T) {
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "g.db"), sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := db.Create(ctx, editor, syntheticPerson(1)); err == nil {
		t.Fatal("a create with a cancelled context was acknowledged")
	}
	if counts, _ := db.Count(context.Background()); counts[qantar.KindPerson] != 0 {
		t.Fatalf("a cancelled create was written: %v", counts)
	}
}

// BenchmarkCreateConcurrent: 16 writers creating one record each per call,
// through Create (group commit) and, as the reference in the same run,
// through InTx, one transaction per record.
func BenchmarkCreateConcurrent(b *testing.B) {
	for _, sync := range []string{"NORMAL", "FULL"} {
		for _, mode := range []string{"group", "one-tx-each"} {
			b.Run(sync+"/"+mode, func(b *testing.B) {
				db := benchDB(b, sync)
				ctx := context.Background()
				var n atomic.Int64
				b.SetParallelism(8) // 8 × GOMAXPROCS (2 here) = 16 writers
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						p := syntheticPerson(int(n.Add(1)))
						var err error
						if mode == "group" {
							err = db.Create(ctx, editor, p)
						} else {
							err = db.InTx(ctx, func(w qantar.Writer) error { return w.Create(ctx, editor, p) })
						}
						if err != nil {
							b.Error(err)
							return
						}
					}
				})
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "creates/s")
			})
		}
	}
}

// TestGroupCommitFailedGroup: when a group's transaction fails as a whole
// (here: made to fail after its writes ran), nothing of it is committed and
// each of its writes is tried again alone, so none is lost to another's
// failure.
func TestGroupCommitFailedGroup(t *testing.T) {
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "g.db"), sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var failed atomic.Int64
	sqlite.SetFailGroup(func(writes int) error {
		if failed.Load() < 3 {
			failed.Add(int64(writes))
			return fmt.Errorf("synthetic failure of a group of %d", writes)
		}
		return nil
	})
	defer sqlite.SetFailGroup(nil)
	ctx := context.Background()
	var wg sync.WaitGroup
	var mu sync.Mutex
	ids := map[int64]bool{}
	for w := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 {
				p := syntheticPerson(w*100 + i)
				if err := db.Create(ctx, editor, p); err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				ids[p.ID] = true
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if failed.Load() == 0 {
		t.Skip("no two writes shared a group, so none failed")
	}
	counts, _ := db.Count(ctx)
	if len(ids) != 320 || counts[qantar.KindPerson] != 320 {
		t.Fatalf("%d distinct ids acknowledged, %d stored, want 320 (%d writes were in failed groups)", len(ids), counts[qantar.KindPerson], failed.Load())
	}
	rep, err := db.Verify(ctx)
	if err != nil || !rep.OK() || rep.Leaves != 320 {
		t.Fatalf("verify: %+v %v", rep, err)
	}
	t.Logf("%d writes were in failed groups and landed alone", failed.Load())
}
