package figures_test

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/internal/testworld"
	"github.com/qantar-project/qantar/law"
	"github.com/qantar-project/qantar/sqlite"
	"github.com/qantar-project/qantar/web/figures"
)

// benchStore returns a new SQLite store of n SYNTHETIC persons, each
// with a killing act, on list 1 (two of three) and list 2 (one of two).
func benchStore(b *testing.B, n int) *sqlite.DB {
	db, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "f.db"), sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if err := loadSynthetic(db, n); err != nil {
		b.Fatal(err)
	}
	return db
}

func loadSynthetic(db *sqlite.DB, n int) error {
	ctx := context.Background()
	recs := []qantar.Record{
		&qantar.Source{SourceKind: "list", Title: qantar.Text{"en": "Synthetic list 1"}},
		&qantar.Source{SourceKind: "list", Title: qantar.Text{"en": "Synthetic list 2"}},
	}
	for i := 1; i <= n; i++ {
		recs = append(recs, &qantar.Person{Names: []qantar.Name{{Value: fmt.Sprintf("Synthetic Person %d", i), Lang: "en"}}})
	}
	for i := 1; i <= n; i++ {
		recs = append(recs, &qantar.Act{VictimID: int64(i), ActType: "killing_crowd_control", VictimStatus: "dead", Date: qantar.MustDate("2022-01-06")})
		if i%3 != 0 {
			recs = append(recs, &qantar.Citation{RecordKind: qantar.KindPerson, RecordID: int64(i), SourceID: 1})
		}
		if i%2 == 0 {
			recs = append(recs, &qantar.Citation{RecordKind: qantar.KindPerson, RecordID: int64(i), SourceID: 2})
		}
	}
	return db.InTx(ctx, func(w qantar.Writer) error {
		_, err := qantar.CreateAll(ctx, w, qantar.System, recs)
		return err
	})
}

// benchDead writes one more synthetic dead person and their act and
// returns the new log size.
func benchDead(b *testing.B, db *sqlite.DB, i int) int64 {
	ctx := context.Background()
	p := &qantar.Person{Names: []qantar.Name{{Value: fmt.Sprintf("Synthetic Later %d", i), Lang: "en"}}}
	if err := db.Create(ctx, qantar.System, p); err != nil {
		b.Fatal(err)
	}
	if err := db.Create(ctx, qantar.System, &qantar.Act{VictimID: p.ID, ActType: "killing_crowd_control", VictimStatus: "dead", Date: qantar.MustDate("2022-01-06")}); err != nil {
		b.Fatal(err)
	}
	lp, err := db.LogAt(ctx, -1)
	if err != nil {
		b.Fatal(err)
	}
	return lp.Size
}

// figuresBenchRows is QANTAR_BENCH_ROWS (persons, each with an act and one
// or two citations), or 20,000.
func figuresBenchRows(b *testing.B) int {
	return testworld.EnvInt(b, "QANTAR_BENCH_ROWS", 20_000, 10)
}

// BenchmarkFiguresAfterWrite is what a server spends on the figures of
// each new checkpoint: one write (not timed), then the figures at its
// checkpoint, from the records kept at the last one and what the write
// changed. BenchmarkFiguresWhole is the same run's reference: the same
// figures from every record (StatsAt), as a server made them before.
func BenchmarkFiguresAfterWrite(b *testing.B) {
	db := benchStore(b, figuresBenchRows(b))
	f := figures.New(db, nil, nil, nil, nil)
	if _, err := f.Pinned(context.Background(), -1, time.Time{}); err != nil {
		b.Fatal(err)
	}
	i := 0
	for b.Loop() {
		b.StopTimer()
		i++
		size := benchDead(b, db, i)
		b.StartTimer()
		if _, err := f.Pinned(context.Background(), size, time.Time{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFiguresWhole(b *testing.B) {
	db := benchStore(b, figuresBenchRows(b))
	i := 1 << 20
	for b.Loop() {
		b.StopTimer()
		i++
		size := benchDead(b, db, i)
		b.StartTimer()
		if _, err := figures.StatsAt(context.Background(), db, law.DefaultRegistry(), size, time.Time{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkKeptMemory reports the heap the kept records hold after the
// first figures, per record of the synthetic store.
func BenchmarkKeptMemory(b *testing.B) {
	n := figuresBenchRows(b)
	db := benchStore(b, n)
	records := float64(n + n + n*2/3 + n/2 + 2)
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		f := figures.New(db, nil, nil, nil, nil)
		if _, err := f.Pinned(context.Background(), -1, time.Time{}); err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/records, "kept-B/record")
		runtime.KeepAlive(f)
	}
}
