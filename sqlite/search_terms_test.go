package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/search/searchtest"
	"github.com/qantar-project/qantar/sqlite"
	"github.com/qantar-project/qantar/storekit"
)

// termsStore is SQLite for searchtest: a file in the test's directory, its
// key beside it; a copy signs with the source's key, as qantar copy wants.
func termsStore() searchtest.Store {
	keys := map[qantar.Store]string{}
	openAt := func(t *testing.T, path, key string) qantar.Store {
		db, err := sqlite.Open(context.Background(), path, sqlite.Options{Synchronous: "NORMAL", LogKeyPath: key})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		keys[db] = key
		return db
	}
	return searchtest.Store{
		Open: func(t *testing.T) qantar.Store {
			path := filepath.Join(t.TempDir(), "terms.db")
			return openAt(t, path, path+".logkey")
		},
		Near: func(t *testing.T, s qantar.Store, keys, levels []string) []string {
			near, err := sqlite.NearKeys(context.Background(), s.(*sqlite.DB), keys, levels)
			if err != nil {
				t.Fatal(err)
			}
			return near
		},
		Terms: func(t *testing.T, s qantar.Store) storekit.TermCounts { return searchTerms(t, s.(*sqlite.DB)) },
		Copy: func(t *testing.T, s qantar.Store) qantar.Store {
			dst := openAt(t, filepath.Join(t.TempDir(), "copy.db"), keys[s])
			err := dst.(*sqlite.DB).CopyIn(context.Background(), func(put func(any) error) error {
				return s.(*sqlite.DB).CopyOut(context.Background(), put)
			})
			if err != nil {
				t.Fatal(err)
			}
			return dst
		},
	}
}

func searchTerms(t *testing.T, db *sqlite.DB) storekit.TermCounts {
	t.Helper()
	terms, err := sqlite.SearchTerms(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	return terms
}

func TestSearchTerms(t *testing.T) { searchtest.Run(t, termsStore()) }

// TestSearchTermsMigration: migration 013 fills search_terms from the index
// as it is (FTS5's lists of each level's keys, deleted and moved documents
// included), to the counts the writes keep.
func TestSearchTermsMigration(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "m.db")
	db, err := sqlite.Open(ctx, path, sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	searchtest.WriteMixed(t, db)
	want := searchTerms(t, db)
	if len(want) == 0 {
		t.Fatal("no terms")
	}
	noErr(t, db.Close())
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	// The database as migration 012 left it.
	for _, q := range []string{`DROP TABLE search_terms`,
		`CREATE VIRTUAL TABLE search_terms USING fts5vocab(search_fts, 'row')`,
		`CREATE VIRTUAL TABLE search_terms_restricted USING fts5vocab(search_fts_restricted, 'row')`,
		`CREATE VIRTUAL TABLE search_terms_confidential USING fts5vocab(search_fts_confidential, 'row')`,
		`DELETE FROM schema_migrations WHERE version = 13`} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	noErr(t, raw.Close())
	db, err = sqlite.Open(ctx, path, sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	searchtest.CheckCounts(t, "migrated", searchTerms(t, db), want)
}

func noErr(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
