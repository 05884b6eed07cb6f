package storekit

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/search"
)

// search_terms holds, per protection level, each key the search documents
// of that level's live records hold, with the number of those records
// (migration 013). verify compares it level by level with the documents of
// the records as they are now (search.DocKeys, DocOf's keys), as keyed multisets
// (verifyfields.go): a row counted n times is n rows. A row added, one
// removed, or a count changed would let a reader's expansion of a word
// offer a key that only records they may not see hold, or hide one they
// may; qantar copy makes the table again. A row whose count is 0 or less
// adds nothing to a sum, and is named by itself: the stores delete a key
// whose count falls to 0.

// termsBatch counts the keys of a batch of records' documents, level by
// level, before they are hashed: a key many records share is hashed once
// a batch, and a part of a text many share (a common name) keyed once
// (search.DocKeys).
type termsBatch struct {
	counts TermCounts
	cache  search.KeyCache
	buf    []string
}

func newTermsBatch() *termsBatch {
	return &termsBatch{counts: TermCounts{}, cache: search.KeyCache{}}
}

// expectTerms adds the keys of a live record's search document.
func (b *termsBatch) expectTerms(rec qantar.Record) {
	if !search.Indexed(rec.Kind()) {
		return
	}
	level, keys := search.DocKeys(rec, b.cache, b.buf)
	b.counts.Add(level, IndexedTerms(keys), 1)
	b.buf = keys
}

// sums hashes the batch's counts into s.
func (b *termsBatch) sums(s keyedSums, key []byte) {
	for lt, n := range b.counts {
		s.addTerm(key, lt.Protection, lt.Term, int64(n))
	}
}

// addTerm adds a row of search_terms, counted n times.
func (s keyedSums) addTerm(key []byte, level, term string, n int64) {
	if len(term) > MaxTerm {
		return // no store indexes it (IndexedTerms)
	}
	s.add(key, level, n, []string{level, term})
}

// verifyTerms reads search_terms whole and names each level whose keys or
// counts are not those its records' documents give, and each level that
// keeps keys with a count of 0 or less.
func verifyTerms(ctx context.Context, r Reader, key []byte, want keyedSums, rep *qantar.VerifyReport) error {
	rows, err := r.Query(ctx, `SELECT protection, term, records FROM search_terms`)
	if err != nil {
		return fmt.Errorf("search terms: %w", err)
	}
	got := keyedSums{}
	spent := map[string]int{}
	var level, term string
	var n int64
	err = Each(rows, []any{&level, &term, &n}, func() error {
		if n <= 0 {
			spent[level]++
		}
		got.addTerm(key, level, term, n)
		return nil
	})
	if err != nil {
		return fmt.Errorf("search terms: %w", err)
	}
	want.differ(got, func(level string, got, want int64) {
		rep.Problem("the search index's keys of the %s level (search_terms) add up to %d where the records give %d, or are other keys: it was edited; qantar repair --rebuild makes it again from the records", level, got, want)
	})
	for _, level := range slices.Sorted(maps.Keys(spent)) {
		rep.Problem("the search index's keys of the %s level (search_terms): keys with a count of 0 or less: %d; it was edited; qantar repair --rebuild makes it again from the records", level, spent[level])
	}
	return nil
}
