package storekit

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/search"
)

// LevelSearch returns up to n best candidate records of one protection
// level for a search, as the store's index finds them.
type LevelSearch func(level string, n int) ([]qantar.Record, error)

// Search runs a reader's query on a store: the plan (package search), the
// levels the reader may see, five times the limit of candidates from each
// level's index, and the same final ranking on the full records. prepare
// is the store's index for one query (FTS5 or tsvector), given the plan
// and the levels whose keys it may match.
func Search(ctx context.Context, q qantar.SearchQuery, prepare func(p search.Plan, levels []string) (LevelSearch, error)) ([]qantar.SearchResult, error) {
	plan, err := search.PlanOf(q)
	if err != nil {
		return nil, err
	}
	levels := qantar.VisibleLevels(q.Reader)
	candidates, err := prepare(plan, levels)
	if err != nil {
		return nil, err
	}
	var recs []qantar.Record
	for _, level := range levels {
		rs, err := candidates(level, plan.Limit*5)
		if err != nil {
			return nil, err
		}
		recs = append(recs, rs...)
	}
	return search.Rank(q.Reader, recs, plan.Terms, q.Lang, plan.Limit), nil
}

// NearKeys returns the indexed keys within the typo budget of key, the
// closest first (then in byte order), at most 20 of them. It looks among
// the keys that share key's first letter (a typo in the first letter is
// rare, and this keeps the scan small): terms is the store's query of the
// indexed keys from $1 up to $2 that the reader's levels hold.
func NearKeys(ctx context.Context, r Reader, key, terms string) ([]string, error) {
	if search.MaxEdits(key) == 0 {
		return nil, nil
	}
	first := []rune(key)[0]
	rows, err := r.Query(ctx, terms, string(first), string(first+1))
	if err != nil {
		return nil, fmt.Errorf("search terms: %w", err)
	}
	type near struct {
		key  string
		dist int
	}
	var found []near
	var t string
	n := len(key)
	err = Each(rows, []any{&t}, func() error {
		if t != key && len(t) >= n-2 && len(t) <= n+2 {
			if d := search.Distance(key, t); d <= search.MaxEdits(key) {
				found = append(found, near{t, d})
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(found, func(a, b near) int { return cmp.Or(cmp.Compare(a.dist, b.dist), strings.Compare(a.key, b.key)) })
	out := make([]string, 0, min(len(found), 20))
	for _, f := range found[:min(len(found), 20)] {
		out = append(out, f.key)
	}
	return out, nil
}
