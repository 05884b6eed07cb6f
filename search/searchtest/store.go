package searchtest

import (
	"context"
	"path/filepath"
	"sync"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/storekit"
)

// Store is a store under test: the little each store does its own way.
type Store struct {
	// Open opens the store on a new, empty database whose log is signed
	// with the key in the file key (made when missing), closed when the
	// test ends.
	Open func(t *testing.T, key string) qantar.Store
	// Near is the store's own expansion of keys (a word's keys) for a
	// reader who may see levels.
	Near func(ctx context.Context, s qantar.Store, keys, levels []string) ([]string, error)
	// Terms reads search_terms as it is, every row (a count of 0 too).
	Terms func(ctx context.Context, s qantar.Store) (storekit.TermCounts, error)
}

// copier is a store as qantar copy reads and fills it.
type copier interface {
	CopyOut(ctx context.Context, fn func(row any) error) error
	CopyIn(ctx context.Context, rows func(put func(row any) error) error) error
}

// store is a Store as the checks use it: each store's key file known, so
// that a copy signs with its source's key, as qantar copy wants.
type store struct {
	Store
	mu   sync.Mutex
	keys map[qantar.Store]string
}

func (st Store) store() *store { return &store{Store: st, keys: map[qantar.Store]string{}} }

func (st *store) openKey(t *testing.T, key string) qantar.Store {
	s := st.Open(t, key)
	st.mu.Lock()
	defer st.mu.Unlock()
	st.keys[s] = key
	return s
}

// open opens a new, empty store with a key of its own.
func (st *store) open(t *testing.T) qantar.Store {
	return st.openKey(t, filepath.Join(t.TempDir(), "log.key"))
}

func (st *store) near(t *testing.T, s qantar.Store, keys, levels []string) []string {
	t.Helper()
	near, err := st.Near(context.Background(), s, keys, levels)
	if err != nil {
		t.Fatal(err)
	}
	return near
}

func (st *store) terms(t *testing.T, s qantar.Store) storekit.TermCounts {
	t.Helper()
	return Terms(t, st.Store, s)
}

// copy opens a new store filled from s as qantar copy fills it.
func (st *store) copy(t *testing.T, s qantar.Store) qantar.Store {
	t.Helper()
	st.mu.Lock()
	key := st.keys[s]
	st.mu.Unlock()
	dst := st.openKey(t, key)
	err := dst.(copier).CopyIn(context.Background(), func(put func(any) error) error {
		return s.(copier).CopyOut(context.Background(), put)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// Terms reads search_terms of s.
func Terms(t *testing.T, st Store, s qantar.Store) storekit.TermCounts {
	t.Helper()
	terms, err := st.Terms(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	return terms
}

// Migration checks that migration 013 fills search_terms from the index
// as the database before it held it, to the counts the writes keep: the
// database open opens (the same one each time) is written (WriteMixed)
// and closed, made as migration 012 left it (downgrade), and opened
// again.
func Migration(t *testing.T, st Store, open func(t *testing.T) qantar.Store, downgrade func(t *testing.T)) {
	s := open(t)
	WriteMixed(t, s)
	want := Terms(t, st, s)
	if len(want) == 0 {
		t.Fatal("no terms")
	}
	noErr(t, s.Close())
	downgrade(t)
	s = open(t)
	defer s.Close()
	CheckCounts(t, "migrated", Terms(t, st, s), want)
}
