package postgres_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/names"
	"github.com/qantar-project/qantar/postgres"
	"github.com/qantar-project/qantar/search/searchtest"
	"github.com/qantar-project/qantar/storekit"
)

// termsStore is PostgreSQL for searchtest: a schema of its own.
var termsStore = searchtest.Store{
	Open: func(t *testing.T, key string) qantar.Store {
		db := openTerms(t, testURL(t), key)
		t.Cleanup(func() { db.Close() })
		return db
	},
	Near: func(ctx context.Context, s qantar.Store, keys, levels []string) ([]string, error) {
		return postgres.NearKeys(ctx, s.(*postgres.DB), keys, levels)
	},
	Terms: func(ctx context.Context, s qantar.Store) (storekit.TermCounts, error) {
		return postgres.SearchTerms(ctx, s.(*postgres.DB))
	},
}

func openTerms(t *testing.T, dsn, key string) *postgres.DB {
	t.Helper()
	db, err := postgres.Open(context.Background(), dsn, postgres.Options{LogKeyPath: key, MaxConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func searchTerms(t *testing.T, db *postgres.DB) storekit.TermCounts {
	t.Helper()
	return searchtest.Terms(t, termsStore, db)
}

func TestSearchTerms(t *testing.T) {
	t.Parallel()
	searchtest.Run(t, termsStore)
}

// TestSearchTermsMigration: migration 013 fills search_terms from
// search_keys as it is, to the counts the writes keep.
func TestSearchTermsMigration(t *testing.T) {
	t.Parallel()
	dsn, key := testURL(t), filepath.Join(t.TempDir(), "log.key")
	open := func(t *testing.T) qantar.Store { return openTerms(t, dsn, key) }
	searchtest.Migration(t, termsStore, open, func(t *testing.T) {
		ctx := context.Background()
		raw, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer raw.Close(ctx)
		// The database as migration 012 left it: search_keys, a row per
		// key and record, from the documents.
		for _, q := range []string{`DROP TABLE search_terms`,
			`CREATE TABLE search_keys (term text COLLATE "C" NOT NULL, kind text NOT NULL, id bigint NOT NULL,
				protection text NOT NULL DEFAULT 'public', PRIMARY KEY (term, kind, id))`,
			`INSERT INTO search_keys SELECT unnest(tsvector_to_array(keys)), kind, id, protection FROM search_docs`,
			`DELETE FROM schema_migrations WHERE version = 13`} {
			if _, err := raw.Exec(ctx, q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
	})
}

// termsPersons creates public persons of one word each, the names given.
func termsPersons(t *testing.T, db *postgres.DB, names ...string) []*qantar.Person {
	t.Helper()
	var ps []*qantar.Person
	for _, n := range names {
		p := &qantar.Person{Names: []qantar.Name{{Value: n, Lang: "kk", Script: "Cyrl"}}, Protection: qantar.Public}
		if err := db.Create(context.Background(), editor, p); err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}
	return ps
}

func rename(ctx context.Context, w qantar.Writer, p *qantar.Person, name string) error {
	p.Names = []qantar.Name{{Value: name, Lang: "kk", Script: "Cyrl"}}
	return w.Update(ctx, editor, p)
}

func refsOf(ps []*qantar.Person) []qantar.Ref {
	var out []qantar.Ref
	for _, p := range ps {
		out = append(out, qantar.Ref{Kind: qantar.KindPerson, ID: p.ID})
	}
	return out
}

// Two transactions rename persons to two shared words in opposite orders,
// each a statement at a time, at once: both commit (no deadlock: each
// locks the counts' rows at its commit, sorted, not at each write), and
// search_terms counts every word.
func TestSearchTermsOppositeOrders(t *testing.T) {
	t.Parallel()
	db, _ := openTest(t)
	ps := termsPersons(t, db, "Біріншібек", "Екіншібек", "Үшіншібек", "Төртіншібек")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var firsts sync.WaitGroup
	firsts.Add(2)
	both := make(chan struct{})
	go func() { firsts.Wait(); close(both) }()
	write := func(a, b *qantar.Person, wa, wb string) error {
		return db.InTx(ctx, func(w qantar.Writer) error {
			err := rename(ctx, w, a, wa)
			firsts.Done()
			if err != nil {
				return err
			}
			select {
			case <-both:
			case <-ctx.Done():
				return ctx.Err()
			}
			return rename(ctx, w, b, wb)
		})
	}
	errs := make(chan error, 2)
	go func() { errs <- write(ps[0], ps[1], "Алабота", "Бурабай") }()
	go func() { errs <- write(ps[2], ps[3], "Бурабай", "Алабота") }()
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatalf("a transaction failed: %v", err)
		}
	}
	got := searchTerms(t, db)
	searchtest.CheckCounts(t, "after both", got, searchtest.Want(t, db, refsOf(ps)))
	if n := got[storekit.LevelTerm{Protection: qantar.Public, Term: names.Key("Алабота")}]; n != 2 {
		t.Errorf("the shared word is counted %d times, want 2", n)
	}
}

// A transaction that has written a word and is still open does not make
// another writer's write of the same word wait: the count's row is locked
// only from its commit.
func TestSearchTermsLongTransaction(t *testing.T) {
	t.Parallel()
	db, _ := openTest(t)
	ps := termsPersons(t, db, "Ортақбек", "Біріншібек", "Екіншібек")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	written, release := make(chan struct{}), make(chan struct{})
	long := make(chan error, 1)
	go func() {
		long <- db.InTx(ctx, func(w qantar.Writer) error {
			err := rename(ctx, w, ps[1], "Ортақбек")
			close(written)
			if err != nil {
				return err
			}
			select {
			case <-release:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()
	<-written
	short, stop := context.WithTimeout(ctx, 10*time.Second)
	err := rename(short, db, ps[2], "Ортақбек")
	stop()
	close(release)
	if err != nil {
		t.Fatalf("a write of the same word while another transaction is open: %v", err)
	}
	if err := <-long; err != nil {
		t.Fatal(err)
	}
	got := searchTerms(t, db)
	searchtest.CheckCounts(t, "after both", got, searchtest.Want(t, db, refsOf(ps)))
	if n := got[storekit.LevelTerm{Protection: qantar.Public, Term: names.Key("Ортақбек")}]; n != 3 {
		t.Errorf("the shared word is counted %d times, want 3", n)
	}
}
