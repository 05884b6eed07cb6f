package postgres_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/postgres"
	"github.com/qantar-project/qantar/search/searchtest"
	"github.com/qantar-project/qantar/storekit"
)

// termsStore is PostgreSQL for searchtest: a schema of its own with a key
// file; a copy signs with the source's key, as qantar copy wants.
func termsStore() searchtest.Store {
	keys := map[qantar.Store]string{}
	openKey := func(t *testing.T, key string) qantar.Store {
		db, err := postgres.Open(context.Background(), testURL(t), postgres.Options{LogKeyPath: key, MaxConns: 4})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		keys[db] = key
		return db
	}
	return searchtest.Store{
		Open: func(t *testing.T) qantar.Store { return openKey(t, filepath.Join(t.TempDir(), "log.key")) },
		Near: func(t *testing.T, s qantar.Store, keys, levels []string) []string {
			near, err := postgres.NearKeys(context.Background(), s.(*postgres.DB), keys, levels)
			if err != nil {
				t.Fatal(err)
			}
			return near
		},
		Terms: func(t *testing.T, s qantar.Store) storekit.TermCounts { return searchTerms(t, s.(*postgres.DB)) },
		Copy: func(t *testing.T, s qantar.Store) qantar.Store {
			dst := openKey(t, keys[s])
			err := dst.(*postgres.DB).CopyIn(context.Background(), func(put func(any) error) error {
				return s.(*postgres.DB).CopyOut(context.Background(), put)
			})
			if err != nil {
				t.Fatal(err)
			}
			return dst
		},
	}
}

func searchTerms(t *testing.T, db *postgres.DB) storekit.TermCounts {
	t.Helper()
	terms, err := postgres.SearchTerms(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	return terms
}

func TestSearchTerms(t *testing.T) {
	t.Parallel()
	searchtest.Run(t, termsStore())
}

// TestSearchTermsMigration: migration 013 fills search_terms from
// search_keys as it is, to the counts the writes keep.
func TestSearchTermsMigration(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dsn, key := testURL(t), filepath.Join(t.TempDir(), "log.key")
	db, err := postgres.Open(ctx, dsn, postgres.Options{LogKeyPath: key})
	if err != nil {
		t.Fatal(err)
	}
	searchtest.WriteMixed(t, db)
	want := searchTerms(t, db)
	if len(want) == 0 {
		t.Fatal("no terms")
	}
	db.Close()
	raw, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	// The database as migration 012 left it: search_keys, a row per key
	// and record, from the documents.
	for _, q := range []string{`DROP TABLE search_terms`,
		`CREATE TABLE search_keys (term text COLLATE "C" NOT NULL, kind text NOT NULL, id bigint NOT NULL,
			protection text NOT NULL DEFAULT 'public', PRIMARY KEY (term, kind, id))`,
		`INSERT INTO search_keys SELECT unnest(tsvector_to_array(keys)), kind, id, protection FROM search_docs`,
		`DELETE FROM schema_migrations WHERE version = 13`} {
		if _, err := raw.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	raw.Close(ctx)
	db, err = postgres.Open(ctx, dsn, postgres.Options{LogKeyPath: key})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	searchtest.CheckCounts(t, "migrated", searchTerms(t, db), want)
}
