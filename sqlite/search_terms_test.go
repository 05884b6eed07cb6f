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

// termsStore is SQLite for searchtest: a file in the test's directory.
var termsStore = searchtest.Store{
	Open: func(t *testing.T, key string) qantar.Store {
		db := openTerms(t, filepath.Join(t.TempDir(), "terms.db"), key)
		t.Cleanup(func() { db.Close() })
		return db
	},
	Near: func(ctx context.Context, s qantar.Store, keys, levels []string) ([]string, error) {
		return sqlite.NearKeys(ctx, s.(*sqlite.DB), keys, levels)
	},
	Terms: func(ctx context.Context, s qantar.Store) (storekit.TermCounts, error) {
		return sqlite.SearchTerms(ctx, s.(*sqlite.DB))
	},
}

func openTerms(t *testing.T, path, key string) qantar.Store {
	t.Helper()
	db, err := sqlite.Open(context.Background(), path, sqlite.Options{Synchronous: "NORMAL", LogKeyPath: key})
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func TestSearchTerms(t *testing.T) { searchtest.Run(t, termsStore) }

// TestSearchTermsMigration: migration 013 fills search_terms from the index
// as it is (FTS5's lists of each level's keys, deleted and moved documents
// included), to the counts the writes keep.
func TestSearchTermsMigration(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.db")
	open := func(t *testing.T) qantar.Store { return openTerms(t, path, path+".logkey") }
	searchtest.Migration(t, termsStore, open, func(t *testing.T) {
		raw, err := sql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		defer raw.Close()
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
	})
}
