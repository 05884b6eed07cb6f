package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/seed"
	"github.com/qantar-project/qantar/sqlite"
	"github.com/qantar-project/qantar/web"
)

// The load test: a database of 10,000 synthetic persons and 50,000 acts
// (plus cases and complaints), served over loopback TCP, and a Go load
// generator of concurrent clients. It reports requests per second and the
// 99th percentile latency. Run it with
//
//	go test ./web/ -run '^$' -bench Load -benchtime 1x
//
// The database is built once per run (about a minute) in a temporary
// directory, or reused from QANTAR_BENCH_DB when that file exists.

const (
	benchPersons = 10_000
	benchActs    = 50_000
	benchFor     = 5 * time.Second
)

// benchClients is the number of concurrent clients (QANTAR_BENCH_CLIENTS,
// default 16).
var benchClients = func() int {
	if n, err := strconv.Atoi(os.Getenv("QANTAR_BENCH_CLIENTS")); err == nil && n > 0 {
		return n
	}
	return 16
}()

var benchDB struct {
	once sync.Once
	db   *sqlite.DB
	ids  []int64
	err  error
}

// loadDB opens (building if needed) the synthetic database.
func loadDB(b *testing.B) (*sqlite.DB, []int64) {
	benchDB.once.Do(func() {
		path := os.Getenv("QANTAR_BENCH_DB")
		if path == "" {
			dir, err := os.MkdirTemp("", "qantar-bench-")
			if err != nil {
				benchDB.err = err
				return
			}
			path = filepath.Join(dir, "bench.db")
		}
		ctx := context.Background()
		_, statErr := os.Stat(path)
		db, err := sqlite.Open(ctx, path, sqlite.Options{Synchronous: "NORMAL"})
		if err != nil {
			benchDB.err = err
			return
		}
		benchDB.db = db
		if statErr != nil {
			benchDB.err = fillSynthetic(ctx, db)
		}
		recs, _, err := db.List(ctx, qantar.KindPerson, qantar.Filter{Limit: 1000, Reader: qantar.System, Where: map[string]string{"protection": "public"}})
		for _, r := range recs {
			benchDB.ids = append(benchDB.ids, r.GetMeta().ID)
		}
		if benchDB.err == nil {
			benchDB.err = err
		}
	})
	if benchDB.err != nil {
		b.Fatal(benchDB.err)
	}
	return benchDB.db, benchDB.ids
}

// fillSynthetic writes the bundled dataset and the synthetic persons, acts,
// cases and complaints, in transactions of a few thousand records.
func fillSynthetic(ctx context.Context, db *sqlite.DB) error {
	f, err := seed.Bundled()
	if err != nil {
		return err
	}
	if _, err := seed.Load(ctx, db, f); err != nil {
		return err
	}
	events, _, err := db.List(ctx, qantar.KindEvent, qantar.Filter{Limit: 100, Reader: qantar.System})
	if err != nil {
		return err
	}
	places, _, err := db.List(ctx, qantar.KindPlace, qantar.Filter{Limit: 100, Reader: qantar.System})
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(1, 2))
	types := []string{"killing_crowd_control", "death_in_custody", "torture", "injury", "arbitrary_detention", "arbitrary_detention"}
	var persons []int64
	var acts []int64
	const batch = 2000
	for start := 0; start < benchPersons; start += batch {
		err := db.InTx(ctx, func(w qantar.Writer) error {
			for i := start; i < min(start+batch, benchPersons); i++ {
				prot := qantar.Public
				if i%50 == 0 {
					prot = qantar.Confidential
				}
				p := &qantar.Person{Names: []qantar.Name{{Value: fmt.Sprintf("Synthetic Person %05d", i), Lang: "en"},
					{Value: fmt.Sprintf("Синтетический Человек %05d", i), Lang: "ru", Script: "Cyrl"}}, Sex: []string{"male", "female"}[i%2], Protection: prot}
				if err := w.Create(ctx, qantar.System, p); err != nil {
					return err
				}
				persons = append(persons, p.ID)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	for start := 0; start < benchActs; start += batch {
		err := db.InTx(ctx, func(w qantar.Writer) error {
			for i := start; i < min(start+batch, benchActs); i++ {
				a := &qantar.Act{VictimID: persons[i%len(persons)], EventID: events[rng.IntN(len(events))].GetMeta().ID,
					ActType: types[rng.IntN(len(types))], PlaceID: places[rng.IntN(len(places))].GetMeta().ID,
					Date: qantar.DayOf(time.Date(2022, 1, 4+rng.IntN(8), 0, 0, 0, 0, time.UTC))}
				if err := w.Create(ctx, qantar.System, a); err != nil {
					return err
				}
				acts = append(acts, a.ID)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return db.InTx(ctx, func(w qantar.Writer) error {
		for i := 0; i < 500; i++ {
			c := &qantar.Case{Number: fmt.Sprintf("SYN-%06d", i), OpenedOn: qantar.MustDate("2022-01-10"),
				ActIDs: []int64{acts[i*7], acts[i*7+1]}, Steps: []qantar.CaseEvent{{Step: "registered", Date: qantar.MustDate("2022-01-10")}}}
			if err := w.Create(ctx, qantar.System, c); err != nil {
				return err
			}
			cp := &qantar.Complaint{ComplaintKind: "cpc-105", FiledOn: qantar.MustDate("2023-03-15"), CaseID: c.ID, FilerID: persons[i]}
			if err := w.Create(ctx, qantar.System, cp); err != nil {
				return err
			}
		}
		return nil
	})
}

// load sends requests from benchClients goroutines for benchFor and returns
// requests per second and the 99th percentile latency.
func load(b *testing.B, url func(i int) string) (float64, time.Duration, int) {
	tr := &http.Transport{MaxIdleConnsPerHost: benchClients, MaxConnsPerHost: benchClients}
	c := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	defer tr.CloseIdleConnections()
	var n, failed atomic.Int64
	lat := make([][]time.Duration, benchClients)
	deadline := time.Now().Add(benchFor)
	var wg sync.WaitGroup
	start := time.Now()
	for g := 0; g < benchClients; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := g; time.Now().Before(deadline); i += benchClients {
				t0 := time.Now()
				resp, err := c.Get(url(i))
				if err != nil {
					failed.Add(1)
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					failed.Add(1)
				}
				lat[g] = append(lat[g], time.Since(t0))
				n.Add(1)
			}
		}(g)
	}
	wg.Wait()
	elapsed := time.Since(start)
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	if len(all) == 0 {
		b.Fatal("no request answered")
	}
	if failed.Load() > 0 {
		b.Errorf("%d requests failed", failed.Load())
	}
	return float64(n.Load()) / elapsed.Seconds(), all[len(all)*99/100], int(n.Load())
}

func benchServer(b *testing.B) (*httptest.Server, []int64) {
	db, ids := loadDB(b)
	srv := web.New(web.Config{Store: db, Tokens: db, Log: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	ts := httptest.NewServer(srv.Handler())
	b.Cleanup(ts.Close)
	// Warm the home page's cache: the first request computes the figures.
	t0 := time.Now()
	resp, err := http.Get(ts.URL + "/")
	if err != nil {
		b.Fatal(err)
	}
	resp.Body.Close()
	b.Logf("first home page (figures over %d acts computed): %v", benchActs, time.Since(t0))
	return ts, ids
}

func BenchmarkLoadHome(b *testing.B) {
	ts, _ := benchServer(b)
	b.ResetTimer()
	for range b.N {
		rps, p99, n := load(b, func(int) string { return ts.URL + "/" })
		b.ReportMetric(rps, "req/s")
		b.ReportMetric(float64(p99.Microseconds())/1000, "p99-ms")
		b.Logf("home: %d requests, %.0f req/s, p99 %v", n, rps, p99)
	}
}

// BenchmarkLoadPerson asks for 100 persons' pages over and over, as readers
// do on a news day: after the first round they come from the caches.
func BenchmarkLoadPerson(b *testing.B) {
	ts, ids := benchServer(b)
	hot := ids[:100]
	for _, id := range hot {
		resp, err := http.Get(ts.URL + "/persons/" + strconv.FormatInt(id, 10))
		if err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
	}
	b.ResetTimer()
	for range b.N {
		rps, p99, n := load(b, func(i int) string { return ts.URL + "/persons/" + strconv.FormatInt(hot[i%len(hot)], 10) })
		b.ReportMetric(rps, "req/s")
		b.ReportMetric(float64(p99.Microseconds())/1000, "p99-ms")
		b.Logf("person page (100 persons, cached): %d requests, %.0f req/s, p99 %v", n, rps, p99)
	}
}

// BenchmarkLoadPersonCold asks for a different person's page every time,
// none of them cached: the cost of the store's queries.
func BenchmarkLoadPersonCold(b *testing.B) {
	ts, _ := benchServer(b)
	var next atomic.Int64
	next.Store(1)
	b.ResetTimer()
	for range b.N {
		rps, p99, n := load(b, func(int) string { return ts.URL + "/persons/" + strconv.FormatInt(next.Add(1)%benchPersons+1000, 10) })
		b.ReportMetric(rps, "req/s")
		b.ReportMetric(float64(p99.Microseconds())/1000, "p99-ms")
		b.Logf("person page (each a different person, not cached): %d requests, %.0f req/s, p99 %v", n, rps, p99)
	}
}

// BenchmarkLoadStatic is the reference: the stylesheet, served from memory,
// measures what the machine, the HTTP stack and the load generator allow.
func BenchmarkLoadStatic(b *testing.B) {
	ts, _ := benchServer(b)
	resp, err := http.Get(ts.URL + "/")
	if err != nil {
		b.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	css := regexp.MustCompile(`/static/[0-9a-f]+/style\.css`).FindString(string(body))
	if css == "" {
		b.Fatal("no stylesheet on the home page")
	}
	b.ResetTimer()
	for range b.N {
		rps, p99, n := load(b, func(int) string { return ts.URL + css })
		b.ReportMetric(rps, "req/s")
		b.ReportMetric(float64(p99.Microseconds())/1000, "p99-ms")
		b.Logf("static stylesheet (reference): %d requests, %.0f req/s, p99 %v", n, rps, p99)
	}
}
