package figures

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/internal/testworld"
	"github.com/qantar-project/qantar/law"
	"github.com/qantar-project/qantar/seed"
	"github.com/qantar-project/qantar/sqlite"
)

// The figures of slim records (what StatsAt and a server's kept records
// hold) are byte for byte those of the records whole: the published
// figures and the estimates, over the bundled data and a SYNTHETIC
// collection in which every field slim drops is filled, so that a figure
// that comes to read one fails here until slim keeps it.
func TestSlimFiguresAsWhole(t *testing.T) {
	ctx := context.Background()
	db := testworld.SQLite(t, testworld.Options{})
	bundled, err := seed.Bundled()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := seed.Load(ctx, db, bundled); err != nil {
		t.Fatal(err)
	}
	addFullSynthetic(t, db, 60)
	p, err := db.LogAt(ctx, -1)
	if err != nil {
		t.Fatal(err)
	}
	whole := Memo(func(ctx context.Context, kind qantar.Kind) ([]qantar.Record, error) {
		return db.RecordsAt(ctx, kind, p.Size)
	})
	slimmed := Memo(At(db, p.Size))
	for _, k := range []qantar.Kind{qantar.KindPerson, qantar.KindCitation, qantar.KindAct} {
		a, _ := whole(ctx, k)
		b, _ := slimmed(ctx, k)
		if len(a) != len(b) || len(a) == 0 {
			t.Fatalf("%s: %d whole, %d slim", k, len(a), len(b))
		}
	}
	type figure struct {
		name string
		of   func(Source) (any, error)
	}
	for _, fg := range []figure{
		{"stats", func(src Source) (any, error) { return statsFrom(ctx, src, law.DefaultRegistry(), p, time.Time{}) }},
		{"estimate", func(src Source) (any, error) { return EstimateFrom(ctx, src, "", "") }},
		{"estimate by place", func(src Source) (any, error) { return EstimateFrom(ctx, src, "", "place") }},
		{"estimate chapman", func(src Source) (any, error) { return EstimateFrom(ctx, src, "chapman", "") }},
	} {
		w, err := fg.of(whole)
		if err != nil {
			t.Fatalf("%s: %v", fg.name, err)
		}
		s, err := fg.of(slimmed)
		if err != nil {
			t.Fatalf("%s: %v", fg.name, err)
		}
		wj, _ := json.Marshal(w)
		sj, _ := json.Marshal(s)
		if string(wj) != string(sj) {
			t.Errorf("%s differ:\nslim  %s\nwhole %s", fg.name, sj, wj)
		}
	}
}

// addFullSynthetic writes fullSynthetic's n records to db in one
// transaction.
func addFullSynthetic(t testing.TB, db *sqlite.DB, n int) {
	t.Helper()
	ctx := context.Background()
	if err := db.InTx(ctx, func(w qantar.Writer) error {
		_, err := qantar.CreateAll(ctx, w, qantar.System, fullSynthetic(t, n, db))
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

// fullSynthetic is a SYNTHETIC collection after the bundled data (ids
// counted from the store's next ones): two lists and a report, and n
// persons with every field given, a third merged into another, each with
// an act of a kind that varies, cited on the lists with quotes and notes,
// and involvements naming persons and units.
func fullSynthetic(t testing.TB, n int, db interface {
	RecordsAt(context.Context, qantar.Kind, int64) ([]qantar.Record, error)
	LogAt(context.Context, int64) (qantar.LogPoint, error)
}) []qantar.Record {
	ctx := context.Background()
	next := func(k qantar.Kind) int64 {
		p, err := db.LogAt(ctx, -1)
		if err != nil {
			t.Fatal(err)
		}
		recs, err := db.RecordsAt(ctx, k, p.Size)
		if err != nil {
			t.Fatal(err)
		}
		var top int64
		for _, r := range recs {
			top = max(top, r.GetMeta().ID)
		}
		return top + 1
	}
	src0, person0, act0, unit0 := next(qantar.KindSource), next(qantar.KindPerson), next(qantar.KindAct), next(qantar.KindUnit)
	place := next(qantar.KindPlace) - 1
	day := func(i int) qantar.Date { return qantar.MustDate(fmt.Sprintf("2022-01-%02d", 4+i%5)) }
	recs := []qantar.Record{
		&qantar.Source{SourceKind: "list", Title: qantar.Text{"en": "Synthetic list A"}, Publisher: "Synthetic", Author: "Synthetic", URL: "https://example.org/a", Language: "ru", Notes: qantar.Text{"en": "synthetic"}},
		&qantar.Source{SourceKind: "list", Title: qantar.Text{"en": "Synthetic list B"}, Publisher: "Synthetic", Date: qantar.MustDate("2022-02-01")},
		&qantar.Source{SourceKind: "report", Title: qantar.Text{"en": "Synthetic report"}, Publisher: "Synthetic", Author: "Synthetic", Reliability: "high", Notes: qantar.Text{"ru": "синтетический"}},
		&qantar.Unit{Name: qantar.Text{"en": "Synthetic unit"}, UnitKind: "police"},
	}
	types := []string{"killing_crowd_control", "torture", "killing", "arbitrary_detention", "injury"}
	for i := range n {
		p := &qantar.Person{Names: []qantar.Name{{Value: fmt.Sprintf("Synthetic Person %d", i), Lang: "en", Kind: "primary"}},
			Sex: []string{"male", "female"}[i%2], BirthDate: qantar.MustDate(fmt.Sprintf("19%02d", 60+i%30)),
			BirthPlace: place, Description: qantar.Text{"en": "synthetic"}, Protection: []string{qantar.Public, qantar.Restricted, ""}[i%3], Consent: []string{"", "given"}[i%2]}
		p.ExternalKey = fmt.Sprintf("synthetic-%d", i)
		if i%3 == 2 {
			p.SameAsID = person0 + int64(i-1)
		}
		recs = append(recs, p)
	}
	for i := range n {
		a := &qantar.Act{VictimID: person0 + int64(i), ActType: types[i%len(types)], Method: "synthetic", Date: day(i),
			PlaceID: place, VictimStatus: []string{"dead", "injured", "detained"}[i%3], Description: qantar.Text{"en": "synthetic"}}
		recs = append(recs, a,
			&qantar.Citation{RecordKind: qantar.KindPerson, RecordID: person0 + int64(i), SourceID: src0 + int64(i%2), Page: "1", Quote: "synthetic", Note: qantar.Text{"en": "synthetic"}, Confidence: "high"},
			&qantar.Citation{RecordKind: qantar.KindAct, RecordID: act0 + int64(i), SourceID: src0 + int64(i%3), Field: "date", TimeCode: "00:01", ArchiveURL: "https://example.org/x"},
			&qantar.Involvement{ActID: act0 + int64(i), PersonID: []int64{0, person0 + int64((i+1)%n)}[i%2], UnitID: unit0, Degree: "carried_out", Confidence: "medium", Notes: qantar.Text{"en": "synthetic"}})
	}
	return recs
}

// BenchmarkSlimMemory reports the heap that the records of a SYNTHETIC
// collection with every field filled hold, read whole (RecordsAt) and slim
// (as the figures keep them), per record, in the same run.
func BenchmarkSlimMemory(b *testing.B) {
	n := testworld.EnvInt(b, "QANTAR_BENCH_ROWS", 20_000, 10)
	ctx := context.Background()
	db := testworld.SQLite(b, testworld.Options{})
	addFullSynthetic(b, db, n)
	p, err := db.LogAt(ctx, -1)
	if err != nil {
		b.Fatal(err)
	}
	kinds := []qantar.Kind{qantar.KindSource, qantar.KindPerson, qantar.KindAct, qantar.KindCitation, qantar.KindInvolvement}
	held := func(src Source) float64 {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		kept, records := make([][]qantar.Record, 0, len(kinds)), 0
		for _, k := range kinds {
			recs, err := src(ctx, k)
			if err != nil {
				b.Fatal(err)
			}
			kept, records = append(kept, recs), records+len(recs)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		runtime.KeepAlive(kept)
		return float64(after.HeapAlloc-before.HeapAlloc) / float64(records)
	}
	for b.Loop() {
		b.ReportMetric(held(func(ctx context.Context, k qantar.Kind) ([]qantar.Record, error) { return db.RecordsAt(ctx, k, p.Size) }), "whole-B/record")
		b.ReportMetric(held(At(db, p.Size)), "slim-B/record")
	}
}
