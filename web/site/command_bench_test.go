package site_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/internal/testworld"
	"github.com/qantar-project/qantar/sqlite"
	"github.com/qantar-project/qantar/web"
)

// commandBenchRecords is the size of the collection BenchmarkCommand asks
// about: QANTAR_BENCH_COMMAND_RECORDS, else 20,000 (docs/bench/command.md).
func commandBenchRecords(b *testing.B) int {
	return testworld.EnvInt(b, "QANTAR_BENCH_COMMAND_RECORDS", 20_000, 100)
}

// commandBenchWorld is benchWorld with a hierarchy: every unit after the
// third under the unit of a third of its id, and every fourth unit with a
// position at a place over January 2022, every eighth sourced as applying
// to its sub-units.
func commandBenchWorld(b *testing.B, n int) (*sqlite.DB, map[qantar.Kind]int) {
	db, count := benchWorld(b, n)
	ctx := context.Background()
	for id := int64(4); id <= int64(count[qantar.KindUnit]); id++ {
		rec, err := db.Get(ctx, qantar.KindUnit, id)
		if err != nil {
			b.Fatal(err)
		}
		u := rec.(*qantar.Unit)
		u.Parents = []qantar.UnitParent{{ParentID: id / 3, From: qantar.MustDate("2020")}}
		if id%4 == 0 {
			u.Positions = []qantar.UnitPosition{{PositionKind: "operation", PlaceID: 1 + (id*31)%int64(count[qantar.KindPlace]),
				From: qantar.MustDate("2022-01-01"), To: qantar.MustDate("2022-01-31"), AppliesToSubunits: id%8 == 0}}
		}
		if err := db.Update(ctx, qantar.System, u); err != nil {
			b.Fatal(err)
		}
	}
	return db, count
}

// BenchmarkCommand asks who was in command at a place on a day, on the
// page (/command) and in the API (/api/v1/command), over a synthetic
// collection: a signed-in reader (a viewer), and an anonymous reader right
// after a write (which moves the log and every cache keyed on it), asked
// once the site reads the new state (keyEvery, 250 ms, later).
func BenchmarkCommand(b *testing.B) {
	db, count := commandBenchWorld(b, commandBenchRecords(b))
	ctx := context.Background()
	srv := httptest.NewServer(web.New(web.Config{Store: db, Tokens: db, Log: db, Logger: slog.New(slog.DiscardHandler)}).Handler())
	defer srv.Close()
	_, viewer, err := db.CreateToken(ctx, "viewer", qantar.RoleViewer)
	if err != nil {
		b.Fatal(err)
	}
	ask := func(b *testing.B, path string, i int, token string) {
		url := fmt.Sprintf("%s%s?place=%d&date=2022-01-%02d", srv.URL, path, 1+(i*31)%count[qantar.KindPlace], 4+i%8)
		req, _ := http.NewRequest("GET", url, nil)
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
			b.Fatalf("%s: %d", url, resp.StatusCode)
		}
	}
	write := func(b *testing.B, i int) {
		rec, err := db.Get(ctx, qantar.KindSource, 1)
		if err != nil {
			b.Fatal(err)
		}
		rec.(*qantar.Source).Publisher = fmt.Sprintf("SYNTHETIC %d", i)
		if err := db.Update(ctx, qantar.System, rec); err != nil {
			b.Fatal(err)
		}
	}
	for _, path := range []string{"/command", "/api/v1/command"} {
		b.Run("signed_in"+path, func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				ask(b, path, i, viewer)
			}
		})
		b.Run("anonymous_after_write"+path, func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				b.StopTimer()
				write(b, i)
				time.Sleep(300 * time.Millisecond) // past the site's keyEvery, when anonymous readers see the write
				b.StartTimer()
				ask(b, path, i, "")
			}
		})
	}
}
