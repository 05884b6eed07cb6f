package facts_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/facts"
	"github.com/qantar-project/qantar/law"
	"github.com/qantar-project/qantar/seed"
	"github.com/qantar-project/qantar/sqlite"
)

// TestBundledDataClaimsNoMoreThanItsSources: every fact of the bundled
// dataset cites a source, no quote is empty, every renaming and boundary
// change is cited, and no rule is verified without a source and an edition.
func TestBundledDataClaimsNoMoreThanItsSources(t *testing.T) {
	f, err := seed.Bundled()
	if err != nil {
		t.Fatal(err)
	}
	ps, err := facts.File(f)
	if err != nil {
		t.Fatal(err)
	}
	ps = append(ps, facts.Rules(law.Default())...)
	for _, p := range ps {
		t.Error(p)
	}
}

// edit returns a copy of the bundled file changed by fn on each entry's
// decoded record (return false to drop the entry).
func edit(t *testing.T, fn func(key string, rec map[string]any) bool) seed.File {
	t.Helper()
	f, err := seed.Bundled()
	if err != nil {
		t.Fatal(err)
	}
	var out []seed.Entry
	for _, e := range f.Records {
		var rec map[string]any
		if err := json.Unmarshal(e.Record, &rec); err != nil {
			t.Fatal(err)
		}
		if !fn(e.Key, rec) {
			continue
		}
		b, _ := json.Marshal(rec)
		e.Record = b
		out = append(out, e)
	}
	f.Records = out
	return f
}

// TestChecksFind: each check names what it finds in a dataset that breaks it.
func TestChecksFind(t *testing.T) {
	tests := []struct {
		name string
		fn   func(key string, rec map[string]any) bool
		want string
	}{
		{"FactWithoutCitation", func(k string, _ map[string]any) bool { return k != "cit:b-almaty" },
			"events qantar2022:event:buildings-almaty: states a fact but cites no source"},
		{"EmptyQuote", func(k string, r map[string]any) bool {
			if k == "cit:zhanaozen-gpo" {
				r["quote"] = ""
			}
			return true
		}, "citations qantar2022:cit:zhanaozen-gpo: quote is empty"},
		{"BlankQuote", func(k string, r map[string]any) bool {
			if k == "cit:zhanaozen-gpo" {
				r["quote"] = "  "
			}
			return true
		}, "citations qantar2022:cit:zhanaozen-gpo: quote is empty"},
		{"SourceWithoutURLOrWhy", func(k string, r map[string]any) bool {
			if k == "src:aqparat-2023-01-05" {
				delete(r, "notes")
			}
			return true
		}, "sources qantar2022:src:aqparat-2023-01-05: has no url"},
		{"RenamingUncited", func(k string, _ map[string]any) bool { return k != "cit:konayev-names" },
			"places qantar2022:place:konayev: lists names valid for periods, but no citation"},
		{"BoundaryChangeUncited", func(k string, _ map[string]any) bool { return k != "cit:taldykorgan-region" },
			"places qantar2022:place:taldykorgan: its region changed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ps, err := facts.File(edit(t, tc.fn))
			if err != nil {
				t.Fatal(err)
			}
			if len(ps) != 1 || !strings.HasPrefix(ps[0].String(), tc.want) {
				t.Errorf("problems %v, want one: %s…", ps, tc.want)
			}
		})
	}
}

// TestStore: the same checks on a database: the bundled data passes; an
// event written without a citation is named.
func TestStore(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "f.db"), sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	f, _ := seed.Bundled()
	if _, err := seed.Load(ctx, db, f); err != nil {
		t.Fatal(err)
	}
	if ps, err := facts.Store(ctx, db); err != nil || len(ps) != 0 {
		t.Fatalf("bundled data in a database: %v %v", ps, err)
	}
	ev := &qantar.Event{Title: qantar.Text{"en": "Unsourced"}}
	if err := db.Create(ctx, qantar.System, ev); err != nil {
		t.Fatal(err)
	}
	ps, err := facts.Store(ctx, db)
	if err != nil || len(ps) != 1 || !strings.Contains(ps[0].String(), "cites no source") {
		t.Errorf("problems %v %v, want the new event named", ps, err)
	}
}
