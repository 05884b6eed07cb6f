package figures_test

import (
	"context"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/internal/testworld"
	"github.com/qantar-project/qantar/web/figures"
)

// An estimate is kept until the log grows: asked again at the same
// checkpoint it is the same answer, not fitted again; after a write it
// counts the new dead.
func TestEstimateKeptPerCheckpoint(t *testing.T) {
	ctx := context.Background()
	db := testworld.SQLite(t, testworld.Options{})
	if err := loadSynthetic(db, 30); err != nil {
		t.Fatal(err)
	}
	f := figures.New(db, nil, nil, nil, nil)
	first, err := f.EstimateBy(ctx, "chapman", "")
	if err != nil || first.Documented != 30 {
		t.Fatalf("first estimate: %+v, %v", first, err)
	}
	if again, err := f.EstimateBy(ctx, "chapman", ""); err != nil || again != first {
		t.Fatalf("at the same checkpoint: %p, %v; want the kept %p", again, err, first)
	}
	if other, err := f.EstimateBy(ctx, "lp", ""); err != nil || other == first || other.Method != "lp" {
		t.Fatalf("another method: %+v, %v", other, err)
	}
	p := &qantar.Person{Names: []qantar.Name{{Value: "Synthetic Later", Lang: "en"}}}
	if err := db.Create(ctx, qantar.System, p); err != nil {
		t.Fatal(err)
	}
	if err := db.Create(ctx, qantar.System, &qantar.Act{VictimID: p.ID, ActType: "killing_crowd_control", VictimStatus: "dead", Date: qantar.MustDate("2022-01-06")}); err != nil {
		t.Fatal(err)
	}
	if after, err := f.EstimateBy(ctx, "chapman", ""); err != nil || after == first || after.Documented != 31 {
		t.Fatalf("after a write: %+v, %v; want 31 documented", after, err)
	}
}

// An estimate by place over more places than MaxStrata is not made: the
// answer says why, in a keyed reason, with no strata and no total.
func TestEstimateByPlaceTooManyPlaces(t *testing.T) {
	ctx := context.Background()
	db := testworld.SQLite(t, testworld.Options{})
	n := figures.MaxStrata + 1
	recs := []qantar.Record{
		&qantar.Source{SourceKind: "list", Title: qantar.Text{"en": "Synthetic list 1"}},
		&qantar.Source{SourceKind: "list", Title: qantar.Text{"en": "Synthetic list 2"}},
	}
	for i := 1; i <= n; i++ {
		recs = append(recs, &qantar.Place{Name: qantar.Text{"en": "Synthetic place"}, PlaceKind: "city"},
			&qantar.Person{Names: []qantar.Name{{Value: "Synthetic Person", Lang: "en"}}})
	}
	for i := 1; i <= n; i++ {
		recs = append(recs, &qantar.Act{VictimID: int64(i), ActType: "killing", VictimStatus: "dead", Date: qantar.MustDate("2022-01-06"), PlaceID: int64(i)},
			&qantar.Citation{RecordKind: qantar.KindPerson, RecordID: int64(i), SourceID: int64(1 + i%2)})
	}
	if err := db.InTx(ctx, func(w qantar.Writer) error {
		_, err := qantar.CreateAll(ctx, w, qantar.System, recs)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	ans, err := figures.New(db, nil, nil, nil, nil).EstimateBy(ctx, "chapman", "place")
	if err != nil || ans.Why == nil || len(ans.Strata) != 0 || ans.Estimate != nil || ans.Why.Args[0] != n {
		t.Fatalf("by place over %d places: %+v, %v", n, ans, err)
	}
}
