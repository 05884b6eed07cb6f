package storekit

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/names"
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
// indexed keys from $1 up to $2 that the reader's levels hold (TermsQuery).
func NearKeys(ctx context.Context, r Reader, key, terms string) ([]string, error) {
	return NearKeysOf(ctx, r, []string{key}, terms)
}

// TermsQuery is the query of the indexed keys from $1 up to $2 that records
// of levels hold, for NearKeysOf: both stores keep them in search_terms
// (migration 013), one row per level and key, so that a scan reads each key
// once per level (a few thousand rows for a first letter) instead of once
// per record holding it. A key held by records of two of the levels comes
// twice; nearScan takes it once. levels are qantar's constants
// (qantar.VisibleLevels), written as literals so that the scan reads only
// their part of the table's key.
func TermsQuery(levels []string) string {
	return `SELECT term FROM search_terms WHERE protection IN ('` + strings.Join(levels, `', '`) + `') AND term >= $1 AND term < $2`
}

// MaxTerm is the longest key a search document's keys count with, in
// bytes: PostgreSQL refuses lexemes of 2 KiB and more, and no name or word
// is that long.
const MaxTerm = 1000

// IndexedTerms are the terms of keys (or stems) an index holds: those
// neither empty nor longer than MaxTerm (keys itself when that is all).
func IndexedTerms(keys []string) []string {
	indexed := func(t string) bool { return t != "" && len(t) <= MaxTerm }
	if !slices.ContainsFunc(keys, func(t string) bool { return !indexed(t) }) {
		return keys
	}
	out := make([]string, 0, len(keys))
	for _, t := range keys {
		if indexed(t) {
			out = append(out, t)
		}
	}
	return out
}

// LevelTerm is a row of search_terms: a key indexed for records of one
// protection level.
type LevelTerm struct{ Protection, Term string }

// TermCounts is what indexing some documents changes in search_terms: for
// each level and key, how many more (or, removing documents, fewer) live
// records of that level hold it. The table keeps a key while its count is
// above 0, so that a reader's expansion never offers a key that only
// records they may not see hold (one deleted, or moved to another level).
type TermCounts map[LevelTerm]int

// Add counts keys (a document's: without repeats) n more times at level.
func (c TermCounts) Add(level string, keys []string, n int) {
	for _, k := range keys {
		c[LevelTerm{level, k}] += n
	}
}

// TermChange is a count that changed.
type TermChange struct {
	LevelTerm
	Delta int
}

// Changes returns the counts that changed, by level and then key in byte
// order: the order in which a store updates their rows, so that two
// writers lock them in the same order.
func (c TermCounts) Changes() []TermChange {
	out := make([]TermChange, 0, len(c))
	for lt, n := range c {
		if n != 0 {
			out = append(out, TermChange{lt, n})
		}
	}
	slices.SortFunc(out, func(a, b TermChange) int {
		return cmp.Or(strings.Compare(a.Protection, b.Protection), strings.Compare(a.Term, b.Term))
	})
	return out
}

// NearKeysOf is NearKeys for several keys of one word (its key, then its
// other keys, names.AltKeys): the near keys of each, at most 20 of the first
// and 5 of each other (every near key is one more term the index looks up),
// in the order of keys and without repeats or keys themselves. The keys that
// begin with the first key's letter share its scan of the indexed keys;
// another key is sought among the indexed keys that share its first two
// letters, a scan a tenth or less the size (every key scanned is compared
// with the word's keys).
func NearKeysOf(ctx context.Context, r Reader, keys []string, terms string) ([]string, error) {
	byPrefix := map[string][]string{}
	var prefixes []string
	var mainFirst rune
	for i, k := range keys {
		rs := []rune(k)
		if i == 0 {
			mainFirst = rs[0]
		}
		if search.MaxEdits(k) == 0 {
			continue
		}
		prefix := string(rs[:1])
		if i > 0 && rs[0] != mainFirst {
			prefix = string(rs[:2])
		}
		if byPrefix[prefix] == nil {
			prefixes = append(prefixes, prefix)
		}
		byPrefix[prefix] = append(byPrefix[prefix], k)
	}
	near := map[string][]string{}
	for _, prefix := range prefixes {
		if err := nearScan(ctx, r, prefix, byPrefix[prefix], terms, near); err != nil {
			return nil, err
		}
	}
	var out []string
	seen := map[string]bool{}
	for _, k := range keys {
		seen[k] = true
	}
	for i, k := range keys {
		ns := near[k]
		if i > 0 {
			ns = ns[:min(len(ns), 5)]
		}
		for _, n := range ns {
			if !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	return out, nil
}

// nearScan reads the indexed keys that begin with prefix once and puts in
// near, for each of keys, its closest ones within its typo budget (at most
// 20).
func nearScan(ctx context.Context, r Reader, prefix string, keys []string, terms string, near map[string][]string) error {
	rs := []rune(prefix)
	rs[len(rs)-1]++
	rows, err := r.Query(ctx, terms, prefix, string(rs))
	if err != nil {
		return fmt.Errorf("search terms: %w", err)
	}
	type hit struct {
		key  string
		dist int
	}
	found := make([][]hit, len(keys))
	seen := map[string]bool{}
	var t string
	err = Each(rows, []any{&t}, func() error {
		if seen[t] {
			return nil // a key of two levels
		}
		seen[t] = true
		for i, key := range keys {
			n := len(key)
			if t == key || len(t) < n-2 || len(t) > n+2 {
				continue
			}
			// Bounded: most keys of the scan are far, and stop early.
			budget := search.MaxEdits(key)
			if d := names.DistanceAtMost(key, t, budget); d <= budget {
				found[i] = append(found[i], hit{t, d})
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for i, key := range keys {
		f := found[i]
		slices.SortFunc(f, func(a, b hit) int { return cmp.Or(cmp.Compare(a.dist, b.dist), strings.Compare(a.key, b.key)) })
		for _, h := range f[:min(len(f), 20)] {
			near[key] = append(near[key], h.key)
		}
	}
	return nil
}
