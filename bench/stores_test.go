// Package bench holds benchmarks that compare parts measured in one run.
// stores_test.go runs the same writes and searches on SQLite and on
// PostgreSQL (when QANTAR_TEST_POSTGRES names a database), same data, same
// run:
//
//	QANTAR_TEST_POSTGRES=postgres://… go test -run '^$' -bench . -benchtime 3s ./bench/
package bench_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/postgres"
	"github.com/qantar-project/qantar/sqlite"
)

type store interface {
	qantar.Store
	qantar.Searcher
}

var editor = qantar.Actor{ID: "token:1", Role: qantar.RoleEditor}

// openStores opens a new SQLite file (synchronous FULL, its default) and,
// when a server is given, a new PostgreSQL schema, both empty.
func openStores(b *testing.B) map[string]store {
	b.Helper()
	ctx := context.Background()
	out := map[string]store{}
	dir := b.TempDir()
	lite, err := sqlite.Open(ctx, filepath.Join(dir, "bench.db"), sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { lite.Close() })
	out["sqlite"] = lite
	base := os.Getenv("QANTAR_TEST_POSTGRES")
	if base == "" {
		return out
	}
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	r := make([]byte, 6)
	rand.Read(r)
	schema := "qb_" + hex.EncodeToString(r)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		if c, err := pgx.Connect(ctx, base); err == nil {
			c.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE")
			c.Close(ctx)
		}
	})
	u, _ := url.Parse(base)
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	pg, err := postgres.Open(ctx, u.String(), postgres.Options{LogKeyPath: filepath.Join(dir, "pg.key"), MaxConns: 16})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { pg.Close() })
	out["postgres"] = pg
	return out
}

// Synthetic names: every combination is a different person.
var (
	firsts = []string{"Асхат", "Болат", "Гульнара", "Дана", "Ерлан", "Жанар", "Айгерим", "Нурлан", "Сауле", "Тимур",
		"Әсел", "Қайрат", "Ұлан", "Мария", "Иван", "Ольга", "Данияр", "Салтанат", "Руслан", "Меруерт"}
	lasts = []string{"Абенов", "Байжанов", "Жумабаев", "Искаков", "Кенжебеков", "Мухамедов", "Нұрланов", "Оспанов",
		"Сапаров", "Төлегенов", "Уалиев", "Хасенов", "Шарипов", "Ермеков", "Қасымов", "Петров", "Смирнов", "Ахметов",
		"Бекова", "Садыкова", "Тоқаев", "Жақсыбеков", "Омаров", "Әлиев", "Иманов"}
)

func synthetic(i int) *qantar.Person {
	name := fmt.Sprintf("%s %s", firsts[i%len(firsts)], lasts[(i/len(firsts))%len(lasts)])
	if i >= len(firsts)*len(lasts) {
		name += fmt.Sprintf(" %d", i/(len(firsts)*len(lasts)))
	}
	return &qantar.Person{Names: []qantar.Name{{Value: name, Lang: "ru", Script: "Cyrl"}}, Sex: []string{"male", "female"}[i%2]}
}

func eachStore(b *testing.B, fn func(b *testing.B, s store)) {
	stores := openStores(b)
	for _, name := range []string{"sqlite", "postgres"} {
		s, ok := stores[name]
		if !ok {
			continue
		}
		b.Run(name, func(b *testing.B) { fn(b, s) })
	}
}

// BenchmarkImport: 1,000 records per transaction, as an import writes them:
// one Create each ("one") against the store's bulk path ("all",
// qantar.CreateAll), on both stores, in one run.
func BenchmarkImport(b *testing.B) {
	eachStore(b, func(b *testing.B, s store) {
		for _, mode := range []string{"one", "all"} {
			b.Run(mode, func(b *testing.B) {
				ctx := context.Background()
				for i := 0; i < b.N; i += 1000 {
					recs := make([]qantar.Record, 0, 1000)
					for j := i; j < min(i+1000, b.N); j++ {
						recs = append(recs, synthetic(j))
					}
					err := s.InTx(ctx, func(w qantar.Writer) error {
						if mode == "all" {
							_, err := qantar.CreateAll(ctx, w, editor, recs)
							return err
						}
						for _, rec := range recs {
							if err := w.Create(ctx, editor, rec); err != nil {
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
			})
		}
	})
}

// BenchmarkCreate: one record per transaction (record, version, refs,
// search document, log leaf, nodes, signed checkpoint), durable on return.
func BenchmarkCreate(b *testing.B) {
	eachStore(b, func(b *testing.B, s store) {
		ctx := context.Background()
		for i := 0; b.Loop(); i++ {
			if err := s.Create(ctx, editor, synthetic(i)); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "creates/s")
	})
}

// BenchmarkCreateParallel: eight writers at once, as a server under a
// surge (or two servers) would write. SQLite has one writer; PostgreSQL
// runs the writers' transactions together and serialises only the log
// append at commit.
func BenchmarkCreateParallel(b *testing.B) {
	eachStore(b, func(b *testing.B, s store) {
		ctx := context.Background()
		var n atomic.Int64
		b.SetParallelism(4) // 4 × GOMAXPROCS (2 here) = 8 writers
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if err := s.Create(ctx, editor, synthetic(int(n.Add(1)))); err != nil {
					b.Error(err)
					return
				}
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "creates/s")
	})
}

// searchRecords is how many persons the search benchmarks hold.
const searchRecords = 5000

func loaded(b *testing.B) map[string]store {
	stores := openStores(b)
	ctx := context.Background()
	for name, s := range stores {
		for i := 0; i < searchRecords; i += 500 {
			err := s.InTx(ctx, func(w qantar.Writer) error {
				for j := i; j < i+500; j++ {
					if err := w.Create(ctx, editor, synthetic(j)); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				b.Fatalf("%s: %v", name, err)
			}
		}
	}
	return stores
}

// Queries in other scripts and spellings than the records', with typos.
var queries = []string{"Tokayev", "Токаев Асхат", "Zhumabayev", "Кайрат Касымов", "Smirnova", "Ermekov Ruslan", "Нурлан"}

// BenchmarkSearch: one multilingual search (qantar.Searcher: FTS5 on
// SQLite, tsvector on PostgreSQL) over 5,000 persons, ranked on the full
// records.
func BenchmarkSearch(b *testing.B) {
	stores := loaded(b)
	ctx := context.Background()
	for _, name := range []string{"sqlite", "postgres"} {
		s, ok := stores[name]
		if !ok {
			continue
		}
		b.Run(name, func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				res, err := s.Search(ctx, qantar.SearchQuery{Q: queries[i%len(queries)], Limit: 20})
				if err != nil || len(res) == 0 {
					b.Fatalf("search %q: %d results, %v", queries[i%len(queries)], len(res), err)
				}
			}
		})
	}
}

// BenchmarkListQ: the list filter q, a case-insensitive substring of the
// record's text, over the same 5,000 persons, first page of 20.
func BenchmarkListQ(b *testing.B) {
	stores := loaded(b)
	ctx := context.Background()
	for _, name := range []string{"sqlite", "postgres"} {
		s, ok := stores[name]
		if !ok {
			continue
		}
		b.Run(name, func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				_, total, err := s.List(ctx, qantar.KindPerson, qantar.Filter{Q: "смирнов", Limit: 20})
				if err != nil || total == 0 {
					b.Fatalf("list: %d, %v", total, err)
				}
			}
		})
	}
}
