package qantar

import "context"

// SearchQuery is a multilingual search over the records a reader may see.
type SearchQuery struct {
	Q      string
	Kinds  []Kind // empty: SearchKinds
	Limit  int
	Lang   string // the reader's language, for titles
	Reader Actor
}

// SearchResult is one record found, best first.
type SearchResult struct {
	Kind  Kind    `json:"kind"`
	ID    int64   `json:"id"`
	Title string  `json:"title"`
	Score float64 `json:"score"`
	// Snippet is HTML: the record's text around what matched, escaped, with
	// each matching word in <mark>…</mark>.
	Snippet string `json:"snippet"`
}

// Searcher finds records by any spelling of their names and words.
type Searcher interface {
	Search(ctx context.Context, q SearchQuery) ([]SearchResult, error)
}

// SearchKinds are the kinds searched by default. Acts are found by the
// labels of their type in any language (a query "пытки" finds torture).
var SearchKinds = []Kind{KindPerson, KindEvent, KindPlace, KindUnit, KindSource, KindCase, KindAct}
