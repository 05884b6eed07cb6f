package postgres

import (
	"context"

	"github.com/qantar-project/qantar/storekit"
)

// NearKeys is the store's expansion of a word's keys for a reader of
// levels (nearKeys), for tests.
func NearKeys(ctx context.Context, db *DB, keys, levels []string) ([]string, error) {
	return db.nearKeys(ctx, keys, levels)
}

// SearchTerms reads every row of search_terms, for tests.
func SearchTerms(ctx context.Context, db *DB) (storekit.TermCounts, error) {
	rows, err := db.pool.Query(ctx, `SELECT protection, term, records FROM search_terms`)
	if err != nil {
		return nil, err
	}
	out := storekit.TermCounts{}
	var lt storekit.LevelTerm
	var n int
	err = storekit.Each(rows, []any{&lt.Protection, &lt.Term, &n}, func() error {
		out[lt] = n
		return nil
	})
	return out, err
}
