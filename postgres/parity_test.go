package postgres_test

import (
	"cmp"
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/seed"
	"github.com/qantar-project/qantar/sqlite"
)

// TestListParity runs the same lists on SQLite and PostgreSQL holding the
// same data (the bundled dataset, loaded the same way): the same filter
// strings, typed the way SQLite's json_extract types them, must select the
// same records in the same order, and the same q the same records.
func TestListParity(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pg, _ := openTest(t)
	lite, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "parity.db"), sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lite.Close() })
	f, _ := seed.Bundled()
	for _, s := range []qantar.Store{pg, lite} {
		if _, err := seed.Load(ctx, s, f); err != nil {
			t.Fatal(err)
		}
	}
	t.Run("Search", func(t *testing.T) {
		found := 0
		for _, q := range []string{"Алматы", "Almaty", "Талдыкорган", "Taldykorgan", "январь", "январских событиях", "Тоқаев", "Tokayev",
			"Назарбаев", "Жанаозен", "генеральная прокуратура", "убиты", "Qantar", "КНБ", "238"} {
			for _, reader := range []qantar.Actor{qantar.Anonymous, qantar.System} {
				sq := qantar.SearchQuery{Q: q, Reader: reader, Limit: 10}
				want, err := lite.Search(ctx, sq)
				if err != nil {
					t.Fatalf("%q: sqlite: %v", q, err)
				}
				got, err := pg.Search(ctx, sq)
				if err != nil {
					t.Fatalf("%q: postgres: %v", q, err)
				}
				// Equal scores are ordered by each index's own rank (bm25,
				// ts_rank); compare them in one order.
				if fmt.Sprint(byScore(got)) != fmt.Sprint(byScore(want)) {
					t.Errorf("search %q as %q:\npostgres %v\n  sqlite %v", q, reader.Role, got, want)
				}
				found += len(want)
			}
		}
		if found == 0 {
			t.Fatal("no query found anything")
		}
	})
	tests := []struct {
		kind qantar.Kind
		f    qantar.Filter
	}{
		{qantar.KindFigure, qantar.Filter{Where: map[string]string{"official": "true"}}},
		{qantar.KindFigure, qantar.Filter{Where: map[string]string{"official": "1"}}},
		{qantar.KindFigure, qantar.Filter{Where: map[string]string{"official": "false"}}},
		{qantar.KindFigure, qantar.Filter{Where: map[string]string{"official": "0"}}},
		{qantar.KindFigure, qantar.Filter{Where: map[string]string{"value": "238"}}},
		{qantar.KindFigure, qantar.Filter{Where: map[string]string{"value": "+238"}}},
		{qantar.KindFigure, qantar.Filter{Where: map[string]string{"value": "0238"}}},
		{qantar.KindFigure, qantar.Filter{Where: map[string]string{"value": "238.0"}}},
		{qantar.KindFigure, qantar.Filter{Where: map[string]string{"measure": "deaths"}}},
		{qantar.KindFigure, qantar.Filter{Sort: "-value"}},
		{qantar.KindFigure, qantar.Filter{Sort: "as_of"}},
		{qantar.KindFigure, qantar.Filter{Sort: "-official"}},
		{qantar.KindFigure, qantar.Filter{Sort: "place_id"}},
		{qantar.KindFigure, qantar.Filter{Sort: "-event_id"}},
		{qantar.KindPlace, qantar.Filter{Where: map[string]string{"kind": "city"}, Sort: "-id"}},
		{qantar.KindPlace, qantar.Filter{Sort: "region_now_id"}},
		{qantar.KindEvent, qantar.Filter{Sort: "start"}},
		{qantar.KindEvent, qantar.Filter{Where: map[string]string{"start": "2022"}}},
		{qantar.KindSource, qantar.Filter{Where: map[string]string{"kind": "news"}, Sort: "-date", Limit: 5, Offset: 1}},
		{qantar.KindSource, qantar.Filter{Q: "АЛМАТЫ"}},
		{qantar.KindSource, qantar.Filter{Q: "qandy"}},
		{qantar.KindEvent, qantar.Filter{Q: "январ"}},
		{qantar.KindPlace, qantar.Filter{Q: `"ru":`}},
		{qantar.KindPerson, qantar.Filter{Sort: "birth_date"}},
		{qantar.KindPerson, qantar.Filter{Where: map[string]string{"protection": "public"}}},
		{qantar.KindCase, qantar.Filter{Sort: "opened_on", Reader: qantar.System}},
		{qantar.KindComplaint, qantar.Filter{Sort: "-filed_on"}},
	}
	nonEmpty := 0
	for _, tt := range tests {
		name := fmt.Sprintf("%s %v q=%q sort=%q", tt.kind, tt.f.Where, tt.f.Q, tt.f.Sort)
		want, wantTotal, err := lite.List(ctx, tt.kind, tt.f)
		if err != nil {
			t.Fatalf("%s: sqlite: %v", name, err)
		}
		got, gotTotal, err := pg.List(ctx, tt.kind, tt.f)
		if err != nil {
			t.Fatalf("%s: postgres: %v", name, err)
		}
		if gotTotal != wantTotal || ids(got) != ids(want) {
			t.Errorf("%s:\npostgres %d %s\n  sqlite %d %s", name, gotTotal, ids(got), wantTotal, ids(want))
		}
		if wantTotal > 0 {
			nonEmpty++
		}
	}
	if nonEmpty < len(tests)/2 {
		t.Fatalf("only %d of %d lists found anything: the data does not exercise the filters", nonEmpty, len(tests))
	}
}

func byScore(res []qantar.SearchResult) []qantar.SearchResult {
	out := slices.Clone(res)
	for i := range out {
		// Which of a record's texts gives the snippet follows a map's
		// order in package search, so snippets are not compared.
		out[i].Snippet = ""
	}
	slices.SortStableFunc(out, func(a, b qantar.SearchResult) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.ID, b.ID))
	})
	return out
}

func ids(recs []qantar.Record) string {
	out := make([]int64, len(recs))
	for i, r := range recs {
		out[i] = r.GetMeta().ID
	}
	return fmt.Sprint(out)
}
