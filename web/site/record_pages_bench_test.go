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

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/sqlite"
	"github.com/qantar-project/qantar/web"
)

// benchRecords is the size of the synthetic collection the record pages
// are measured over (docs/bench/record-pages.md).
const benchRecords = 10_000

// benchShares are bench/scale's proportions, per 100 records, in the order
// the kinds are written (each refers only to kinds written before it).
var benchShares = []struct {
	kind qantar.Kind
	per  int
}{
	{qantar.KindSource, 5}, {qantar.KindPlace, 2}, {qantar.KindEvent, 3}, {qantar.KindUnit, 1},
	{qantar.KindPerson, 30}, {qantar.KindPost, 2}, {qantar.KindAct, 15}, {qantar.KindInvolvement, 15},
	{qantar.KindCase, 3}, {qantar.KindCitation, 20},
}

// benchRecord is synthetic record i (from 1) of kind k; ref(kind, i) is
// the id of a record of an earlier kind.
func benchRecord(k qantar.Kind, i int, ref func(qantar.Kind, int) int64) qantar.Record {
	d := qantar.MustDate(fmt.Sprintf("2022-01-%02d", 4+i%8))
	syn := qantar.Text{"en": fmt.Sprintf("Synthetic %s %d", k.Singular(), i)}
	switch k {
	case qantar.KindSource:
		return &qantar.Source{SourceKind: "news", Title: syn, Publisher: "SYNTHETIC", Date: d}
	case qantar.KindPlace:
		lat, lon := 43+float64(i%100)/100, 76+float64(i%97)/100
		return &qantar.Place{Name: syn, PlaceKind: "site", Lat: &lat, Lon: &lon}
	case qantar.KindEvent:
		return &qantar.Event{Title: syn, Start: d, PlaceID: ref(qantar.KindPlace, i)}
	case qantar.KindUnit:
		return &qantar.Unit{Name: syn, UnitKind: "police"}
	case qantar.KindPerson:
		level := qantar.Public
		if i%10 == 0 {
			level = qantar.Restricted
		}
		return &qantar.Person{Names: []qantar.Name{{Value: fmt.Sprintf("Synthetic Person %d", i)}}, Protection: level}
	case qantar.KindPost:
		return &qantar.Post{PersonID: ref(qantar.KindPerson, i), UnitID: ref(qantar.KindUnit, i), Role: "commander", FirstCited: d}
	case qantar.KindAct:
		return &qantar.Act{VictimID: ref(qantar.KindPerson, i), EventID: ref(qantar.KindEvent, i), ActType: "torture", Date: d,
			PlaceID: ref(qantar.KindPlace, i), Description: syn}
	case qantar.KindInvolvement:
		return &qantar.Involvement{ActID: ref(qantar.KindAct, i), UnitID: ref(qantar.KindUnit, i), Degree: "carried_out"}
	case qantar.KindCase:
		return &qantar.Case{Jurisdiction: "kz", AuthorityID: ref(qantar.KindUnit, i), ActIDs: []int64{ref(qantar.KindAct, i)},
			Steps: []qantar.CaseEvent{{Step: "registered", Date: qantar.MustDate("2022-02-01")}}}
	case qantar.KindCitation:
		kinds := []qantar.Kind{qantar.KindAct, qantar.KindPerson, qantar.KindEvent, qantar.KindInvolvement}
		rk := kinds[i%len(kinds)]
		return &qantar.Citation{RecordKind: rk, RecordID: ref(rk, i), SourceID: ref(qantar.KindSource, i), Quote: "synthetic"}
	}
	return nil
}

// benchWorld is a SQLite store holding a synthetic collection of about n
// records, written through the bulk path, and how many of each kind.
func benchWorld(b *testing.B, n int) (*sqlite.DB, map[qantar.Kind]int) {
	b.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "bench.db"), sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	count := map[qantar.Kind]int{}
	ids := map[qantar.Kind][]int64{}
	ref := func(k qantar.Kind, i int) int64 { return ids[k][(i*7919)%len(ids[k])] }
	for _, s := range benchShares {
		count[s.kind] = max(1, n*s.per/100)
		recs := make([]qantar.Record, count[s.kind])
		for i := range recs {
			recs[i] = benchRecord(s.kind, i+1, ref)
		}
		if m, err := qantar.CreateAll(ctx, db, qantar.System, recs); err != nil {
			b.Fatalf("%s %d: %v", s.kind, m+1, err)
		}
		for _, rec := range recs {
			ids[s.kind] = append(ids[s.kind], rec.GetMeta().ID)
		}
	}
	return db, count
}

// BenchmarkRecordPages serves person, act and event pages over a synthetic
// collection of benchRecords records: as the same reader asks again
// (steady), and right after a write, which moves the log and so every
// cache keyed on it, to a signed-in reader (who is never served the state
// before their write).
func BenchmarkRecordPages(b *testing.B) {
	db, count := benchWorld(b, benchRecords)
	ctx := context.Background()
	srv := httptest.NewServer(web.New(web.Config{Store: db, Tokens: db, Log: db, Logger: slog.New(slog.DiscardHandler)}).Handler())
	defer srv.Close()
	_, viewer, err := db.CreateToken(ctx, "viewer", qantar.RoleViewer)
	if err != nil {
		b.Fatal(err)
	}
	page := func(b *testing.B, kind qantar.Kind, i int, token string) {
		req, _ := http.NewRequest("GET", fmt.Sprintf("%s/%s/%d", srv.URL, kind, 1+(i*31)%count[kind]), nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("%s: %d", req.URL, resp.StatusCode)
		}
	}
	for _, kind := range []qantar.Kind{qantar.KindPerson, qantar.KindAct, qantar.KindEvent} {
		b.Run("steady/"+string(kind), func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				page(b, kind, i, "")
			}
		})
		b.Run("after_write/"+string(kind), func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				rec, err := db.Get(ctx, qantar.KindSource, 1)
				if err != nil {
					b.Fatal(err)
				}
				rec.(*qantar.Source).Publisher = fmt.Sprintf("SYNTHETIC %d", i)
				if err := db.Update(ctx, qantar.System, rec); err != nil {
					b.Fatal(err)
				}
				page(b, kind, i, viewer)
			}
		})
	}
}
