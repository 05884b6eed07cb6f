package search

import (
	"slices"
	"strings"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/names"
)

// A record's words are taken part by part, a part being a run of its text
// between spaces (addWords): Normalize turns every space into a word
// boundary and changes nothing across one, so the words of the parts are
// the words of the whole text (TestWordsByPart), and a part that many
// records share ("Синтетический", a common surname) can be keyed once.

// KeyCache keeps the match keys of the parts of texts DocKeys has keyed.
// It grows with every distinct part it sees: keep one for a batch of
// records, not for a whole database.
type KeyCache map[string][]string

// keysOf returns the match keys of words (of a part of a text): the one
// rule of which keys a document holds, for DocOf and DocKeys.
func keysOf(ws []string) []string {
	var out []string
	for _, w := range ws {
		if k := names.Key(w); k != "" {
			out = append(out, k)
		}
	}
	return out
}

// DocKeys returns what DocOf(rec) gives of rec's search document that
// search_terms counts: its protection level and its keys, without repeats
// and in no order, without making its stems or sorting its keys. keys is
// appended to buf[:0]. The keys of a part are taken from cache, or made
// and kept there.
func DocKeys(rec qantar.Record, cache KeyCache, buf []string) (level string, keys []string) {
	keys = buf[:0]
	var seen map[string]bool
	for _, t := range texts(rec) {
		for _, part := range strings.Fields(t.text) {
			ks, ok := cache[part]
			if !ok {
				ks = keysOf(words(part))
				cache[part] = ks
			}
			keys, seen = addNew(keys, seen, ks)
		}
	}
	return qantar.Protection(rec), keys
}

// addNew appends to keys those of ks it does not hold. A document has few
// keys: they are scanned until there are many, then kept in seen too.
func addNew(keys []string, seen map[string]bool, ks []string) ([]string, map[string]bool) {
	for _, k := range ks {
		switch {
		case seen != nil:
			if seen[k] {
				continue
			}
			seen[k] = true
		case slices.Contains(keys, k):
			continue
		case len(keys) == 32:
			seen = make(map[string]bool, 64)
			for _, x := range keys {
				seen[x] = true
			}
			seen[k] = true
		}
		keys = append(keys, k)
	}
	return keys, seen
}
