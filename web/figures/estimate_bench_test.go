package figures_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/internal/testworld"
	"github.com/qantar-project/qantar/web/figures"
)

// BenchmarkEstimateByPlace is the estimate by place of death (what the
// /stats page shows) over QANTAR_BENCH_ROWS SYNTHETIC dead (default
// 20,000) in figures.MaxStrata places, on two lists, from records already
// read.
func BenchmarkEstimateByPlace(b *testing.B) {
	ctx := context.Background()
	n := testworld.EnvInt(b, "QANTAR_BENCH_ROWS", 20_000, 100)
	db := testworld.SQLite(b, testworld.Options{})
	places := figures.MaxStrata
	recs := []qantar.Record{
		&qantar.Source{SourceKind: "list", Title: qantar.Text{"en": "Synthetic list 1"}},
		&qantar.Source{SourceKind: "list", Title: qantar.Text{"en": "Synthetic list 2"}},
	}
	for i := 1; i <= places; i++ {
		recs = append(recs, &qantar.Place{Name: qantar.Text{"en": fmt.Sprintf("Synthetic place %d", i)}, PlaceKind: "city"})
	}
	for i := 1; i <= n; i++ {
		recs = append(recs, &qantar.Person{Names: []qantar.Name{{Value: fmt.Sprintf("Synthetic Person %d", i), Lang: "en"}}})
	}
	for i := 1; i <= n; i++ {
		recs = append(recs, &qantar.Act{VictimID: int64(i), ActType: "killing_crowd_control", VictimStatus: "dead",
			Date: qantar.MustDate("2022-01-06"), PlaceID: int64(1 + i%places)})
		if i%3 != 0 {
			recs = append(recs, &qantar.Citation{RecordKind: qantar.KindPerson, RecordID: int64(i), SourceID: 1})
		}
		if i%2 == 0 {
			recs = append(recs, &qantar.Citation{RecordKind: qantar.KindPerson, RecordID: int64(i), SourceID: 2})
		}
	}
	if err := db.InTx(ctx, func(w qantar.Writer) error {
		_, err := qantar.CreateAll(ctx, w, qantar.System, recs)
		return err
	}); err != nil {
		b.Fatal(err)
	}
	p, err := db.LogAt(ctx, -1)
	if err != nil {
		b.Fatal(err)
	}
	src := figures.Memo(figures.At(db, p.Size))
	if _, err := figures.EstimateFrom(ctx, src, "", ""); err != nil { // the records read once, not timed
		b.Fatal(err)
	}
	for b.Loop() {
		ans, err := figures.EstimateFrom(ctx, src, "", "place")
		if err != nil || len(ans.Strata) != places {
			b.Fatalf("%d strata, %v", len(ans.Strata), err)
		}
	}
}
