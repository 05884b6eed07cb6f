package remind_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/law"
	"github.com/qantar-project/qantar/remind"
	"github.com/qantar-project/qantar/sqlite"
)

// BenchmarkFeed measures a feed as the site would serve it, on SQLite with
// 2,000 SYNTHETIC cases, each about one act of its own restricted victim
// with one complaint awaiting an answer: a case's feed (one indexed list of
// its complaints: the reference) against a person's feed (their acts, every
// case read to find those about them, the complaints of those), for an
// anonymous reader.
//
//	go test ./remind -run '^$' -bench Feed -benchtime 200x -count 3
func BenchmarkFeed(b *testing.B) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "bench.db"), sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	const n = 2000
	var recs []qantar.Record
	for i := 1; i <= n; i++ {
		recs = append(recs, &qantar.Person{Names: []qantar.Name{{Value: fmt.Sprintf("Synthetic Victim %d", i)}}})
	}
	create(b, db, recs)
	recs = nil
	for i := 1; i <= n; i++ {
		recs = append(recs, &qantar.Act{VictimID: int64(i), ActType: "torture", Date: qantar.MustDate("2026-01-06")})
	}
	create(b, db, recs)
	recs = nil
	for i := 1; i <= n; i++ {
		recs = append(recs, &qantar.Case{Number: fmt.Sprintf("SYN-%d", i), ActIDs: []int64{int64(i)}})
	}
	create(b, db, recs)
	recs = nil
	for i := 1; i <= n; i++ {
		recs = append(recs, &qantar.Complaint{ComplaintKind: "appc-76", FiledOn: qantar.MustDate("2026-10-01"), FilerID: int64(i), CaseID: int64(i)})
	}
	create(b, db, recs)
	opts := remind.Options{Rules: law.DefaultRegistry(), AsOf: time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC), LogOrigin: "qantar.example.org/log"}
	for _, target := range []remind.Target{{Kind: qantar.KindCase, ID: n / 2}, {Kind: qantar.KindPerson, ID: n / 2}} {
		b.Run(string(target.Kind), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				feed, err := remind.Feed(ctx, db, qantar.Anonymous, opts, target, "ru")
				if err != nil || len(feed) == 0 {
					b.Fatal(err)
				}
			}
		})
	}
}

func create(b *testing.B, db *sqlite.DB, recs []qantar.Record) {
	if _, err := qantar.CreateAll(context.Background(), db, qantar.System, recs); err != nil {
		b.Fatal(err)
	}
}
