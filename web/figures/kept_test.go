package figures_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/internal/testworld"
	"github.com/qantar-project/qantar/law"
	"github.com/qantar-project/qantar/seed"
	"github.com/qantar-project/qantar/web/figures"
)

// atStore is a store that reads records at a size and what a stretch of
// the log changed: both stores.
type atStore interface {
	qantar.Store
	qantar.AtReader
	qantar.ChangeReader
}

// wholeReads counts, by kind, the kinds a store was asked for whole.
type wholeReads struct {
	atStore
	mu sync.Mutex
	n  map[qantar.Kind]int
}

func (w *wholeReads) RecordsAt(ctx context.Context, kind qantar.Kind, size int64) ([]qantar.Record, error) {
	w.count1(kind)
	return w.atStore.RecordsAt(ctx, kind, size)
}

func (w *wholeReads) EachRecordAt(ctx context.Context, kind qantar.Kind, size int64, fn func(qantar.Record) error) error {
	w.count1(kind)
	return w.atStore.EachRecordAt(ctx, kind, size, fn)
}

func (w *wholeReads) count1(kind qantar.Kind) {
	w.mu.Lock()
	w.n[kind]++
	w.mu.Unlock()
}

func (w *wholeReads) count(kind qantar.Kind) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.n[kind]
}

// The figures of each new checkpoint, made from the records kept at the
// last one and what the log changed since, are byte for byte those made
// from every record at that checkpoint (StatsAt, what `qantar stats --at`
// prints), through creations, updates, merges, protection changes and
// deletions of every kind the figures read, on both stores; and after the
// first checkpoint the large kinds are no longer read whole.
func TestKeptFiguresAsWhole(t *testing.T) {
	bundled, err := seed.Bundled()
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range testworld.Stores[atStore](t, testworld.Options{}) {
		t.Run(n.Name, func(t *testing.T) {
			ctx := context.Background()
			if _, err := seed.Load(ctx, n.Store, bundled); err != nil {
				t.Fatal(err)
			}
			w := &wholeReads{atStore: n.Store, n: map[qantar.Kind]int{}}
			f := figures.New(w, nil, nil, nil, nil)
			same := func(step string) {
				t.Helper()
				p, err := n.Store.LogAt(ctx, -1)
				if err != nil {
					t.Fatal(err)
				}
				got, err := f.Pinned(ctx, p.Size, time.Time{})
				if err != nil {
					t.Fatal(err)
				}
				want, err := figures.StatsAt(ctx, n.Store, law.DefaultRegistry(), p.Size, time.Time{})
				if err != nil {
					t.Fatal(err)
				}
				if g, w := statsJSON(t, got), statsJSON(t, want); g != w {
					t.Fatalf("after %s, at %d:\n kept %s\nwhole %s", step, p.Size, g, w)
				}
			}
			same("the seed")
			for _, k := range []qantar.Kind{qantar.KindPerson, qantar.KindAct, qantar.KindCitation, qantar.KindSource} {
				if w.count(k) != 1 {
					t.Fatalf("%s read whole %d times at the first checkpoint", k, w.count(k))
				}
			}
			for _, st := range keptSteps(t, n.Store) {
				st.do()
				same(st.name)
			}
			for _, k := range []qantar.Kind{qantar.KindPerson, qantar.KindAct, qantar.KindCitation, qantar.KindSource} {
				if w.count(k) != 1 {
					t.Errorf("%s read whole %d times: the kept records were not used", k, w.count(k))
				}
			}
		})
	}
}

type keptStep struct {
	name string
	do   func()
}

// keptSteps are writes of every kind the figures read, each one a new
// checkpoint: synthetic dead on a synthetic list, a merge, an act no longer
// a killing, a case with steps and a complaint past its deadline, a
// protection change and deletions.
func keptSteps(t *testing.T, s qantar.Store) []keptStep {
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	list := &qantar.Source{SourceKind: "list", Title: qantar.Text{"en": "Synthetic list"}}
	a := &qantar.Person{Names: []qantar.Name{{Value: "Synthetic Dead One", Lang: "en"}}}
	b := &qantar.Person{Names: []qantar.Name{{Value: "Synthetic Dead One", Lang: "en"}}}
	actA := &qantar.Act{ActType: "killing_crowd_control", VictimStatus: "dead", Date: qantar.MustDate("2022-01-06")}
	actB := &qantar.Act{ActType: "killing_crowd_control", VictimStatus: "dead", Date: qantar.MustDate("2022-01-07")}
	cs := &qantar.Case{Number: "SYNTHETIC-1", OpenedOn: qantar.MustDate("2022-01-10")}
	cp := &qantar.Complaint{ComplaintKind: "appc-106", FiledOn: qantar.MustDate("2022-02-01")}
	var cit *qantar.Citation
	return []keptStep{
		{"a list", func() { must(s.Create(ctx, qantar.System, list)) }},
		{"a dead person", func() {
			must(s.Create(ctx, qantar.System, a))
			actA.VictimID = a.ID
			must(s.Create(ctx, qantar.System, actA))
		}},
		{"a citation on the list", func() {
			cit = &qantar.Citation{RecordKind: qantar.KindPerson, RecordID: a.ID, SourceID: list.ID}
			must(s.Create(ctx, qantar.System, cit))
		}},
		{"the same dead twice", func() {
			must(s.Create(ctx, qantar.System, b))
			actB.VictimID = b.ID
			must(s.Create(ctx, qantar.System, actB))
		}},
		{"a merge", func() {
			b.SameAsID = a.ID
			must(s.Update(ctx, qantar.System, b))
		}},
		{"a case", func() {
			cs.ActIDs = []int64{actA.ID}
			cs.Steps = []qantar.CaseEvent{{Step: "registered", Date: qantar.MustDate("2022-01-10")}}
			must(s.Create(ctx, qantar.System, cs))
		}},
		{"a complaint", func() {
			cp.CaseID = cs.ID
			must(s.Create(ctx, qantar.System, cp))
		}},
		{"a person published", func() {
			a.Protection = qantar.Public
			must(s.Update(ctx, qantar.System, a))
		}},
		{"an act no longer a killing", func() {
			actB.ActType, actB.VictimStatus = "injury", "injured"
			must(s.Update(ctx, qantar.System, actB))
		}},
		{"a citation deleted", func() {
			must(s.Delete(ctx, qantar.System, qantar.KindCitation, cit.ID, cit.Version, "synthetic"))
		}},
		{"a complaint deleted", func() {
			must(s.Delete(ctx, qantar.System, qantar.KindComplaint, cp.ID, cp.Version, "synthetic"))
		}},
	}
}

func statsJSON(t *testing.T, st *figures.PinnedStats) string {
	t.Helper()
	b, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
