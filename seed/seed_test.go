package seed_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/chart"
	"github.com/qantar-project/qantar/seed"
	"github.com/qantar-project/qantar/sqlite"
)

func TestBundledLoadsAndIsIdempotent(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "s.db"), sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	f, err := seed.Bundled()
	if err != nil {
		t.Fatal(err)
	}
	n, err := seed.Load(ctx, db, f)
	if err != nil {
		t.Fatal(err)
	}
	if n != len(f.Records) {
		t.Fatalf("created %d of %d", n, len(f.Records))
	}
	if n, err := seed.Load(ctx, db, f); err != nil || n != 0 {
		t.Fatalf("second load created %d, %v", n, err)
	}
	// The official count of 238, with its source.
	figs, _, err := db.List(ctx, qantar.KindFigure, qantar.Filter{Where: map[string]string{"measure": "deaths", "value": "238", "official": "true"}})
	if err != nil || len(figs) == 0 {
		t.Fatalf("no official 238: %v", err)
	}
	src, err := db.Get(ctx, qantar.KindSource, figs[0].(*qantar.Figure).SourceID)
	if err != nil || src.(*qantar.Source).URL == "" {
		t.Fatalf("238's source: %v %v", src, err)
	}
	// Every figure and citation has a source; no person is seeded.
	counts, _ := db.Count(ctx)
	if counts[qantar.KindPerson] != 0 || counts[qantar.KindAct] != 0 {
		t.Fatalf("the bundled data must name no victim: %v", counts)
	}
}

func TestLoadRollsBackOnError(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "s.db"), sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	f := seed.File{Records: []seed.Entry{
		{Kind: qantar.KindSource, Key: "a", Record: json.RawMessage(`{"kind":"news","title":"A"}`)},
		{Kind: qantar.KindFigure, Key: "b", Record: json.RawMessage(`{"measure":"deaths","value":1,"claimed_by":"x","as_of":"2022","source_id":"@missing"}`)},
	}}
	if _, err := seed.Load(ctx, db, f); err == nil {
		t.Fatal("bad reference accepted")
	}
	counts, _ := db.Count(ctx)
	if counts[qantar.KindSource] != 0 {
		t.Fatal("partial load left records behind")
	}
}

// TestQuotesAreTheSourcesWords: the archived article (testdata, see its
// README) is the one the bundled source's SHA-256 names, and every quote
// the bundled data takes from it is in it word for word ("..." marking a
// cut).
func TestQuotesAreTheSourcesWords(t *testing.T) {
	text, err := os.ReadFile(filepath.Join("testdata", "lost-illusions.txt"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := seed.Bundled()
	if err != nil {
		t.Fatal(err)
	}
	recs, err := f.Decode()
	if err != nil {
		t.Fatal(err)
	}
	var src int64
	quotes := 0
	for _, r := range recs {
		if s, ok := r.(*qantar.Source); ok && s.ExternalKey == seed.KeyPrefix+"src:lost-illusions" {
			src = s.ID
			if sum := sha256.Sum256(text); hex.EncodeToString(sum[:]) != s.SHA256 {
				t.Fatalf("the archived text does not match the source's sha256 %s", s.SHA256)
			}
		}
		c, ok := r.(*qantar.Citation)
		if !ok || c.SourceID != src || src == 0 || c.Quote == "" {
			continue
		}
		for _, part := range strings.Split(c.Quote, " ... ") {
			quotes++
			if !strings.Contains(string(text), part) {
				t.Errorf("%s: %q is not in the article", c.ExternalKey, part)
			}
		}
	}
	if quotes < 2 {
		t.Fatalf("checked %d quotes; the bundled data has at least 2 from the article", quotes)
	}
}

func TestBundledRegionsDraw(t *testing.T) {
	m, err := seed.Regions()
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Regions) != 16 || m.Source == "" || m.Vintage == "" {
		t.Fatalf("%d regions, source %q, vintage %q", len(m.Regions), m.Source, m.Vintage)
	}
	// Almaty (43.24 N, 76.89 E) and Aktau (43.65 N, 51.17 E) fall inside
	// the outline's extent; a point in Moscow does not.
	mp := chart.Map{Regions: m.Regions, Points: []chart.MapPoint{{Lat: 43.24, Lon: 76.89}, {Lat: 43.65, Lon: 51.17}, {Lat: 55.75, Lon: 37.62}}}
	if mp.Count() != 2 {
		t.Errorf("%d points inside, want 2", mp.Count())
	}
}
