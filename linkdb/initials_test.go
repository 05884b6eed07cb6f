package linkdb

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/sqlite"
)

// initialsVictim is one row of the initials test's SYNTHETIC lists.
type initialsVictim struct {
	truth       int
	name        string
	born, died  string
	place       int // index into the test's places; -1 when the row gives none
	list        string
	lang, scrpt string
}

// initialsScenario is a short official list giving surnames and initials,
// the date and usually the place of death, and no birth date (as the
// official list of January 2022 does), and a press list giving full names in
// Latin letters with birth dates: invented people, most of them on both.
// The first rows are the cases the test checks.
func initialsScenario() []initialsVictim {
	v := []initialsVictim{
		{1, "Иванов А.Б.", "", "2022-01-05", 0, "official", "ru", "Cyrl"},
		{1, "Askhat Bolatovich Ivanov", "1985-01-05", "2022-01-05", 0, "press", "en", "Latn"},
		{2, "Иванов Б.П.", "", "2022-01-06", 2, "official", "ru", "Cyrl"}, // another man: other initials
		{3, "Омаров Д.", "", "2022-01-07", 2, "official", "ru", "Cyrl"},
		{4, "Daniyar Omarov", "1999-03-03", "2022-01-05", 0, "press", "en", "Latn"}, // not 3: died elsewhere, another day
		{5, "Петров С.", "", "2022-01-06", -1, "official", "ru", "Cyrl"},            // no place on the official list
		{5, "Sergei Petrov", "1970-08-08", "2022-01-06", 3, "press", "en", "Latn"},
	}
	rng := rand.New(rand.NewPCG(3, 5))
	pop := synPopulation(90, rng)
	for i, p := range pop {
		truth := 100 + i
		died := fmt.Sprintf("2022-01-%02d", p.died%5+4)
		full := initialsVictim{truth, synLatin(p.given + " " + p.synSurname()), fmt.Sprintf("%d-%02d-%02d", p.born[2], p.born[1], p.born[0]),
			died, p.place % 4, "press", "en", "Latn"}
		short := initialsVictim{truth, kkToRu.Replace(p.synSurname() + " " + string([]rune(p.given)[:1]) + "." + string([]rune(p.father)[:1]) + "."),
			"", died, p.place % 4, "official", "ru", "Cyrl"}
		switch i % 3 {
		case 0:
			v = append(v, full)
		case 1:
			v = append(v, short)
		default:
			v = append(v, short, full)
		}
	}
	return v
}

// buildInitials writes the scenario into a new SQLite database and returns
// it with each row's person id.
func buildInitials(t *testing.T, vs []initialsVictim) (*sqlite.DB, []int64) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "q.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ids := make([]int64, len(vs))
	err = db.InTx(ctx, func(w qantar.Writer) error {
		lists := map[string]int64{}
		for _, l := range []string{"official", "press"} {
			src := &qantar.Source{SourceKind: "list", Title: qantar.Text{"en": "Synthetic " + l + " list"}}
			if err := w.Create(ctx, benchEditor, src); err != nil {
				return err
			}
			lists[l] = src.ID
		}
		var places []int64
		for _, p := range synPlaces[:4] {
			pl := &qantar.Place{Name: qantar.Text{"ru": p[0], "en": p[1], "kk": p[2]}, PlaceKind: "city"}
			if err := w.Create(ctx, benchEditor, pl); err != nil {
				return err
			}
			places = append(places, pl.ID)
		}
		for i, v := range vs {
			p := &qantar.Person{Names: []qantar.Name{{Value: v.name, Lang: v.lang, Script: v.scrpt, Kind: "primary"}}}
			if v.born != "" {
				p.BirthDate = qantar.MustDate(v.born)
			}
			if err := w.Create(ctx, benchEditor, p); err != nil {
				return err
			}
			ids[i] = p.ID
			a := &qantar.Act{VictimID: p.ID, ActType: "killing", Date: qantar.MustDate(v.died)}
			if v.place >= 0 {
				a.PlaceID = places[v.place]
			}
			if err := w.Create(ctx, benchEditor, a); err != nil {
				return err
			}
			c := &qantar.Citation{RecordKind: qantar.KindPerson, RecordID: p.ID, SourceID: lists[v.list], Page: fmt.Sprint(i + 1)}
			if err := w.Create(ctx, benchEditor, c); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return db, ids
}

// TestInitialsMergedOrReviewed: a name an official list gives as a surname
// and initials is merged with the full name when the initials, the date and
// the place of death agree, is never merged with a man of other initials or
// who died elsewhere on another day, and a pair whose place is not given is
// merged or set aside for review with the reason that names the initials.
// Before, linkage compared only the name, birth date and sex: such a pair
// had nothing but its initials and was neither merged nor reviewed.
func TestInitialsMergedOrReviewed(t *testing.T) {
	vs := initialsScenario()
	db, ids := buildInitials(t, vs)
	ctx := context.Background()
	res, err := Link(ctx, db, benchEditor, Options{})
	if err != nil {
		t.Fatal(err)
	}
	cluster := map[int64]int32{}
	for i, e := range res.Entries {
		cluster[e.PersonID] = res.Cluster[i]
	}
	same := func(i, j int) bool { return cluster[ids[i]] == cluster[ids[j]] }
	wrong, initialsMerged := 0, 0
	for i := range vs {
		for j := i + 1; j < len(vs); j++ {
			switch {
			case same(i, j) && vs[i].truth != vs[j].truth:
				wrong++
				t.Errorf("linked %q and %q, who are different people", vs[i].name, vs[j].name)
			case same(i, j):
				initialsMerged++
			}
		}
	}
	if !same(0, 1) {
		t.Errorf("%q and %q (initials, date and place of death agree) are not linked", vs[0].name, vs[1].name)
	}
	petrov := findPair(res, ids[5], ids[6])
	switch {
	case same(5, 6):
	case petrov == nil:
		t.Errorf("%q and %q are neither linked nor set aside for review", vs[5].name, vs[6].name)
	case !strings.Contains(petrov.Reason(), "name initials"):
		t.Errorf("the review of %q and %q gives the reason %q, which does not name the initials", vs[5].name, vs[6].name, petrov.Reason())
	}
	for _, p := range res.Review {
		t.Logf("review p=%.3f %q / %q: %s", p.P, p.A.Name, p.B.Name, p.Reason())
	}
	t.Logf("%d records, %d pairs compared, %d pairs of one person linked, %d wrong, %d for review",
		len(res.Entries), res.Candidates, initialsMerged, wrong, len(res.Review))
	merges, err := Apply(ctx, db, benchEditor, res, 0.9)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := db.Get(ctx, qantar.KindPerson, ids[1])
	if err != nil {
		t.Fatal(err)
	}
	if got := rec.(*qantar.Person).SameAsID; got != ids[0] {
		t.Errorf("after --apply 0.9, %q is merged into persons/%d, want persons/%d (%q); %d merges", vs[1].name, got, ids[0], vs[0].name, len(merges))
	}
}

// findPair returns the pair of persons a and b among the linked and review
// pairs.
func findPair(res *Result, a, b int64) *Pair {
	for _, ps := range [][]Pair{res.Linked, res.Review} {
		for i, p := range ps {
			if p.A.PersonID == a && p.B.PersonID == b || p.A.PersonID == b && p.B.PersonID == a {
				return &ps[i]
			}
		}
	}
	return nil
}

// After Apply at minP, the linked pairs under minP are left to an editor
// with the uncertain ones: a pair linked at 0.85 is not merged at 0.9, and
// must not vanish from the review.
func TestToReviewKeepsLinkedPairsUnderMinP(t *testing.T) {
	e := func(id int64) Entry { return Entry{PersonID: id} }
	res := &Result{
		Linked: []Pair{{A: e(1), B: e(2), P: 0.95}, {A: e(3), B: e(4), P: 0.85}},
		Review: []Pair{{A: e(5), B: e(6), P: 0.5}},
	}
	got := res.ToReview(0.9)
	if len(got) != 2 || got[0].A.PersonID != 3 || got[1].A.PersonID != 5 {
		t.Errorf("ToReview(0.9) = %+v, want the pair at 0.85 and the one at 0.5", got)
	}
}
