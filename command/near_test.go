package command_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/command"
	"github.com/qantar-project/qantar/internal/testworld"
)

// nearWorld is a generated collection (synthetic: no real unit, person or
// place) of every kind the command index reads: places with and without
// coordinates, some sharing a name in Russian; a hierarchy of units
// re-parented over time; positions at places and by coordinates alone,
// some applying to sub-units; persons public, restricted and confidential
// in commanding and other posts; acts at the places attributed to units
// and persons; citations of positions, parent links, posts and
// involvements from news and official sources.
type nearWorld struct {
	places, units []int64
	hidden        int64 // a confidential person in a commanding post
}

func genNear(t *testing.T, st qantar.Store) nearWorld {
	t.Helper()
	ctx := context.Background()
	r := rand.New(rand.NewPCG(7, 11))
	var w nearWorld
	mk := func(rec qantar.Record) int64 {
		t.Helper()
		if err := st.Create(ctx, qantar.System, rec); err != nil {
			t.Fatalf("create %s: %v", rec.Kind(), err)
		}
		return rec.GetMeta().ID
	}
	d := func(day int) qantar.Date { return qantar.MustDate(fmt.Sprintf("2022-01-%02d", day)) }
	f := func(x float64) *float64 { return &x }
	var sources []int64
	for i := range 6 {
		kind := []string{"news", "news", "official_statement"}[i%3]
		sources = append(sources, mk(&qantar.Source{SourceKind: kind, Title: qantar.Text{"en": fmt.Sprintf("Synthetic source %d", i)},
			Publisher: fmt.Sprintf("Synthetic %d", i%4)}))
	}
	for i := range 10 {
		pl := &qantar.Place{Name: qantar.Text{"en": fmt.Sprintf("Synthetic Square %d", i), "ru": "Синтетическая площадь"}}
		if i%3 == 0 {
			pl.Name["ru"] = fmt.Sprintf("Синтетический парк %d", i)
		}
		if i%2 == 0 {
			pl.Lat, pl.Lon = f(43.2+float64(i)*0.01), f(76.9)
		}
		w.places = append(w.places, mk(pl))
	}
	for i := range 24 {
		u := &qantar.Unit{Name: qantar.Text{"en": fmt.Sprintf("Synthetic unit %d", i)}}
		if i > 0 {
			u.Parents = []qantar.UnitParent{{ParentID: w.units[r.IntN(i)], To: d(6), Status: "accepted"}}
			if i%3 != 0 {
				u.Parents[0].To = qantar.Date{}
			} else {
				u.Parents = append(u.Parents, qantar.UnitParent{ParentID: w.units[r.IntN(i)], From: d(7)})
			}
		}
		for j := range 1 + i%3 {
			pos := qantar.UnitPosition{PositionKind: "operation", From: d(3 + r.IntN(4)), To: d(7 + r.IntN(4)), AppliesToSubunits: (i+j)%4 == 0}
			if (i+j)%5 == 0 {
				pos.Lat, pos.Lon, pos.PrecisionM = f(43.2+float64(r.IntN(10))*0.01), f(76.9), 100
			} else {
				pos.PlaceID = w.places[r.IntN(len(w.places))]
			}
			u.Positions = append(u.Positions, pos)
		}
		w.units = append(w.units, mk(u))
	}
	genPeople(t, st, r, &w, sources, mk)
	return w
}

// genPeople writes the persons, posts, acts, involvements and citations.
func genPeople(t *testing.T, st qantar.Store, r *rand.Rand, w *nearWorld, sources []int64, mk func(qantar.Record) int64) {
	t.Helper()
	d := func(day int) qantar.Date { return qantar.MustDate(fmt.Sprintf("2022-01-%02d", day)) }
	levels := []string{qantar.Public, qantar.Public, qantar.Restricted, qantar.Confidential}
	var persons []int64
	for i := range 30 {
		persons = append(persons, mk(&qantar.Person{Names: []qantar.Name{{Value: fmt.Sprintf("Synthetic Person %d", i)}}, Protection: levels[i%4]}))
	}
	w.hidden = persons[3]
	cite := func(kind qantar.Kind, id int64, field string) {
		mk(&qantar.Citation{RecordKind: kind, RecordID: id, Field: field, SourceID: sources[r.IntN(len(sources))], Quote: "synthetic"})
	}
	roles := []string{"commander", "head", "member", "commander"}
	for i := range 40 {
		p := &qantar.Post{PersonID: persons[(i*7)%len(persons)], UnitID: w.units[i%len(w.units)], Role: roles[i%4]}
		if i%3 != 2 {
			p.FirstCited = d(1 + r.IntN(6))
		}
		if i%4 == 1 {
			p.LastCited = d(6 + r.IntN(5))
		}
		id := mk(p)
		cite(qantar.KindPost, id, "")
		if i%2 == 0 {
			cite(qantar.KindPost, id, "")
		}
	}
	mk(&qantar.Post{PersonID: w.hidden, UnitID: w.units[1], Role: "commander"})
	for i, u := range w.units {
		cite(qantar.KindUnit, u, "positions.0")
		if i%2 == 1 {
			cite(qantar.KindUnit, u, "parents.0.parent_id")
		}
	}
	for i := range 50 {
		a := mk(&qantar.Act{VictimID: persons[i%len(persons)], ActType: "killing", Date: d(3 + i%8), PlaceID: w.places[i%len(w.places)]})
		v := &qantar.Involvement{ActID: a, UnitID: w.units[r.IntN(len(w.units))], Degree: "carried_out"}
		if i%5 == 0 {
			v.PersonID = persons[(i+3)%len(persons)]
		}
		vid := mk(v)
		if i%2 == 0 {
			cite(qantar.KindInvolvement, vid, "")
		}
	}
}

// TestNearAnswersAsWhole asks every place on several dates, and every
// unit, of the near index and of the index over every record, for an
// anonymous reader, a viewer and an editor on both stores: the answers
// are the same, the near index never lists a whole kind, and only the
// editor's answers name the confidential commander.
func TestNearAnswersAsWhole(t *testing.T) {
	for _, s := range testworld.Stores[qantar.Store](t, testworld.Options{}) {
		t.Run(s.Name, func(t *testing.T) {
			w := genNear(t, s.Store)
			readers := map[string]qantar.Actor{"anonymous": qantar.Anonymous,
				"viewer": {ID: "v", Role: qantar.RoleViewer}, "editor": {ID: "e", Role: qantar.RoleEditor}}
			for name, reader := range readers {
				t.Run(name, func(t *testing.T) {
					seen := compareNear(t, s.Store, reader, w)
					if hid := seen[w.hidden]; hid != (name == "editor") {
						t.Errorf("the confidential commander %d named: %v", w.hidden, hid)
					}
				})
			}
		})
	}
}

var nearDates = []string{"2022-01-04", "2022-01-06", "2022-01-07", "2022-01-09", "2022-01", "2021"}

// compareNear compares the answers and returns the persons they name.
func compareNear(t *testing.T, st qantar.Store, reader qantar.Actor, w nearWorld) map[int64]bool {
	ctx := context.Background()
	in, err := command.Load(ctx, func(ctx context.Context, k qantar.Kind) ([]qantar.Record, error) {
		return qantar.ListAll(ctx, st, k, qantar.Filter{Reader: reader})
	})
	if err != nil {
		t.Fatal(err)
	}
	whole := command.NewIndex(in)
	src := command.StoreSource(st, reader, "state")
	list := src.List
	src.List = func(ctx context.Context, kind qantar.Kind, f qantar.Filter) ([]qantar.Record, error) {
		if len(f.Where) == 0 && f.Q == "" {
			t.Fatalf("the near index lists every %s", kind)
		}
		return list(ctx, kind, f)
	}
	var near command.Near
	named, bases := map[int64]bool{}, map[string]int{}
	for _, ds := range nearDates {
		date := qantar.MustDate(ds)
		for _, pl := range w.places {
			ix, err := near.Place(ctx, src, pl, date)
			if err != nil {
				t.Fatal(err)
			}
			got, want := ix.At(pl, date), whole.At(pl, date)
			sameJSON(t, fmt.Sprintf("At(%d, %s)", pl, ds), got, want)
			for _, p := range got {
				for _, e := range p.Evidence {
					bases[e.Basis]++
				}
				for _, l := range p.Chain {
					for _, c := range l.Commanders {
						named[c.PersonID] = true
					}
				}
			}
		}
		for _, u := range w.units {
			compareUnit(t, &near, src, whole, u, date)
		}
	}
	if bases[command.BasisPosition] == 0 || bases[command.BasisParentPosition] == 0 || bases[command.BasisAct] == 0 {
		t.Errorf("the generated answers lack a basis: %v", bases)
	}
	for _, u := range w.units {
		for _, c := range whole.Commanders(u) {
			named[c.PersonID] = true
		}
	}
	comparePlaces(t, src, whole)
	return named
}

func compareUnit(t *testing.T, near *command.Near, src command.Source, whole *command.Index, u int64, date qantar.Date) {
	ctx := context.Background()
	ix, err := near.Unit(ctx, src, u, date, 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	type tree struct {
		Up         []command.Level
		Down       command.Node
		Err        string
		Commanders []command.Commander
		Sub        []*qantar.Unit
		Claims     []command.Claim
	}
	answer := func(ix *command.Index) tree {
		var a tree
		up, down, err := ix.Tree(u, date, 2, 3)
		a.Up, a.Down, a.Commanders, a.Sub = up, down, ix.Commanders(u), ix.SubUnits(u)
		if err != nil {
			a.Err = err.Error()
		}
		for _, f := range []string{"positions.0", "positions.1", "parents.0"} {
			a.Claims = append(a.Claims, ix.Claim(qantar.KindUnit, u, f, ""))
		}
		return a
	}
	sameJSON(t, fmt.Sprintf("unit %d on %s", u, date), answer(ix), answer(whole))
	ix, err = near.Unit(ctx, src, u, date, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	got, gerr := ix.Chain(u, date)
	want, werr := whole.Chain(u, date)
	sameJSON(t, fmt.Sprintf("Chain(%d, %s)", u, date), []any{got, fmt.Sprint(gerr)}, []any{want, fmt.Sprint(werr)})
}

// comparePlaces finds places by name as FindPlaces over every place does.
func comparePlaces(t *testing.T, src command.Source, whole *command.Index) {
	for _, q := range []string{"Synthetic Square 3", "synthetic square", "СИНТЕТИЧЕСКАЯ ПЛОЩАДЬ", " площадь ", "парк 6", "nowhere", "lat", strings.Repeat("x", 600)} {
		got, err := command.FindPlaces(context.Background(), src, q)
		if err != nil {
			t.Fatal(err)
		}
		want := whole.FindPlaces(q)
		if !slices.EqualFunc(got, want, func(a, b *qantar.Place) bool { return a.ID == b.ID }) {
			t.Errorf("FindPlaces(%q): %d places, want %d", q, len(got), len(want))
		}
	}
}

func sameJSON(t *testing.T, what string, got, want any) {
	t.Helper()
	g, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	w, _ := json.Marshal(want)
	if string(g) != string(w) {
		t.Fatalf("%s:\n near  %s\n whole %s", what, g, w)
	}
}
