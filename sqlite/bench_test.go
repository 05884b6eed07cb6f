package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/sqlite"
)

func benchDB(b *testing.B, sync string) *sqlite.DB {
	b.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"), sqlite.Options{Synchronous: sync})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db
}

func syntheticPerson(i int) *qantar.Person {
	return &qantar.Person{Names: []qantar.Name{{Value: fmt.Sprintf("Синтетический Человек %d", i), Lang: "ru", Script: "Cyrl"}}, Sex: "male"}
}

// BenchmarkCreate: one record per transaction, with its version row, search
// document, log leaf, tree nodes and a newly signed checkpoint.
func BenchmarkCreate(b *testing.B) {
	for _, sync := range []string{"NORMAL", "FULL"} {
		b.Run(sync, func(b *testing.B) {
			db := benchDB(b, sync)
			ctx := context.Background()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := db.Create(ctx, editor, syntheticPerson(i)); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "creates/s")
		})
	}
}

// BenchmarkCreateBatch: 1,000 records per transaction, as an import writes them.
func BenchmarkCreateBatch(b *testing.B) {
	db := benchDB(b, "NORMAL")
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i += 1000 {
		err := db.InTx(ctx, func(w qantar.Writer) error {
			for j := i; j < i+1000 && j < b.N; j++ {
				if err := w.Create(ctx, editor, syntheticPerson(j)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "creates/s")
}

// BenchmarkCreateAll: the same 1,000 records per transaction through the
// bulk path (Tx.CreateAll), to compare with BenchmarkCreateBatch in one run.
func BenchmarkCreateAll(b *testing.B) {
	db := benchDB(b, "NORMAL")
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i += 1000 {
		recs := make([]qantar.Record, 0, 1000)
		for j := i; j < i+1000 && j < b.N; j++ {
			recs = append(recs, syntheticPerson(j))
		}
		err := db.InTx(ctx, func(w qantar.Writer) error {
			_, err := qantar.CreateAll(ctx, w, editor, recs)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "creates/s")
}

// BenchmarkReferenceInsert is the reference measured in the same run: a bare
// SQLite insert of the same JSON into a two-column table, one per transaction,
// through the same driver and pragmas.
func BenchmarkReferenceInsert(b *testing.B) {
	for _, sync := range []string{"NORMAL", "FULL"} {
		b.Run(sync, func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "ref.db")
			raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=synchronous("+sync+")")
			if err != nil {
				b.Fatal(err)
			}
			defer raw.Close()
			raw.SetMaxOpenConns(1)
			if _, err := raw.Exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, data TEXT)`); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := raw.Exec(`INSERT INTO t (data) VALUES (?)`, fmt.Sprintf(`{"names":[{"value":"Синтетический Человек %d","lang":"ru","script":"Cyrl"}],"sex":"male"}`, i)); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "inserts/s")
		})
	}
}

func BenchmarkGet(b *testing.B) {
	db := benchDB(b, "NORMAL")
	ctx := context.Background()
	const n = 10000
	err := db.InTx(ctx, func(w qantar.Writer) error {
		for i := 0; i < n; i++ {
			if err := w.Create(ctx, editor, syntheticPerson(i)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if _, err := db.Get(ctx, qantar.KindPerson, int64(i%n+1)); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "gets/s")
}

// BenchmarkVerify1M writes 1,000,000 synthetic record versions in batches of
// 10,000 (the bulk-import path: each version's leaf, tree nodes and search
// document in the same transaction), then times `verify` over all of them.
// Run: go test ./sqlite -run XXX -bench Verify1M -benchtime 1x -timeout 60m
func BenchmarkVerify1M(b *testing.B) {
	const total, batch = 1000000, 10000
	db := benchDB(b, "NORMAL")
	ctx := context.Background()
	t0 := time.Now()
	for start := 0; start < total; start += batch {
		err := db.InTx(ctx, func(w qantar.Writer) error {
			for i := start; i < start+batch; i++ {
				if err := w.Create(ctx, editor, syntheticPerson(i)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(total)/time.Since(t0).Seconds(), "bulk-leaves/s")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rep, err := db.Verify(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if !rep.OK() || rep.Leaves != total {
			b.Fatalf("verify: %d leaves, problems %v", rep.Leaves, rep.Problems)
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "verify-s")
}
