package site_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/sqlite"
	"github.com/qantar-project/qantar/web"
)

// BenchmarkSiteFeed measures the site's Atom feeds over HTTP on SQLite
// with 2,000 SYNTHETIC cases (remind's BenchmarkFeed's data: each case
// about one act of its own victim, with one complaint awaiting an answer),
// for an anonymous reader: a case's feed (the reference) and a person's feed,
// each made afresh for every request (a write before each), and a person's
// feed from the site's cache (no write in between).
//
//	go test ./web/site -run '^$' -bench SiteFeed -benchtime 30x -count 3
func BenchmarkSiteFeed(b *testing.B) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "bench.db"), sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	const n = 2000
	mk := func(f func(i int) qantar.Record) {
		recs := make([]qantar.Record, n)
		for i := range recs {
			recs[i] = f(i + 1)
		}
		if _, err := qantar.CreateAll(ctx, db, qantar.System, recs); err != nil {
			b.Fatal(err)
		}
	}
	mk(func(i int) qantar.Record {
		return &qantar.Person{Names: []qantar.Name{{Value: fmt.Sprintf("Synthetic Victim %d", i)}}, Protection: qantar.Restricted}
	})
	mk(func(i int) qantar.Record {
		return &qantar.Act{VictimID: int64(i), ActType: "torture", Date: qantar.MustDate("2026-01-06")}
	})
	mk(func(i int) qantar.Record {
		return &qantar.Case{Number: fmt.Sprintf("SYN-%d", i), ActIDs: []int64{int64(i)}}
	})
	mk(func(i int) qantar.Record {
		return &qantar.Complaint{ComplaintKind: "appc-76", FiledOn: qantar.MustDate("2026-10-01"), FilerID: int64(i), CaseID: int64(i)}
	})
	srv := httptest.NewServer(web.New(web.Config{Store: db, Log: db, Logger: slog.New(slog.DiscardHandler)}).Handler())
	defer srv.Close()
	get := func(b *testing.B, path string) {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			b.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || len(body) == 0 {
			b.Fatalf("%s: %d", path, resp.StatusCode)
		}
	}
	person := fmt.Sprintf("/persons/%d/feed.atom?lang=ru", n/2)
	cs := fmt.Sprintf("/cases/%d/feed.atom?lang=ru", n/2)
	// fresh: a write before each request, and the time an anonymous
	// reader's state key is kept (250 ms) let pass: the feed is made again.
	fresh := func(path string) func(b *testing.B) {
		return func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				if err := db.Create(ctx, qantar.System, &qantar.Event{Title: qantar.Text{"en": "Synthetic"}, Start: qantar.MustDate("2022-01-05")}); err != nil {
					b.Fatal(err)
				}
				time.Sleep(300 * time.Millisecond)
				b.StartTimer()
				get(b, path)
			}
		}
	}
	b.Run("case-fresh", fresh(cs))
	b.Run("person-fresh", fresh(person))
	b.Run("person-cached", func(b *testing.B) {
		get(b, person)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			get(b, person)
		}
	})
}
