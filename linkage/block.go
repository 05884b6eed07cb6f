package linkage

import (
	"strings"
)

// Rule is one blocking rule: two records are compared when they share a key
// under it. A rule on several fields keys records by the combination (a
// surname token and a birth year, say). Name fields give one key per word of
// the name, so "Nurlan Abdullaev" is in the blocks of both words.
type Rule struct {
	Fields []int // indexes into Dataset.Fields
	// Year keys a date field by its year only, instead of the full date.
	Year bool
	// WordPairs keys a name field by each pair of its words, cut to their
	// first four letters ("abdu kairat"), instead of each word: blocks far
	// smaller than a common given name's, compared in full, which find
	// "Sultanjaksilikova Kamila Iurievna" and "Kamila Sultanjksilikova"
	// that a window over all the Kamilas would miss.
	WordPairs bool
	// Initials keys a name field by each of its words (of two letters or
	// more) with the first letter of each other word ("ivanov a"), so that
	// "Иванов А.Б." meets "Ivanov Askhat Bolatovich".
	Initials bool
	// Lacking limits the rule to pairs of which one record lacks what
	// tighter rules key on: a year in a date field, or full words in a name
	// (it gives initials). Such a rule finds what the others cannot, at
	// the cost of only the sparse records' pairs; it runs no EM session of
	// its own (its pairs are chosen by what they lack).
	Lacking bool
}

// RuleReport says what one blocking rule did.
type RuleReport struct {
	Rule      string
	Blocks    int // blocks holding two or more records
	Oversized int // blocks over the size cap, compared within a window
	Pairs     int // comparisons the rule asks for
	New       int // of those, pairs no earlier rule asked for
}

func (r Rule) describe(d *Dataset) string {
	parts := make([]string, len(r.Fields))
	for i, f := range r.Fields {
		parts[i] = d.Fields[f].Column
		if r.Year && d.Fields[f].Type == Date {
			parts[i] += "(year)"
		}
		if r.WordPairs && d.Fields[f].Type == Name {
			parts[i] += "(word pairs)"
		}
		if r.Initials && d.Fields[f].Type == Name {
			parts[i] += "(word and initials)"
		}
	}
	s := strings.Join(parts, " & ")
	if r.Lacking {
		s += ", pairs with a record lacking a year or a full name"
	}
	return s
}

// defaultRules blocks on every name field (by word, and by pairs of words
// when names have several) and every date field; on text,
// exact and number fields only when they split the records finely (a
// document number, an address), not coarsely (sex, region), since a coarse
// rule only adds windowed comparisons of unrelated records.
func defaultRules(d *Dataset, cmps []comparator, maxBlock int) []Rule {
	var rules []Rule
	for f, fd := range d.Fields {
		switch fd.Type {
		case Name:
			rules = append(rules, Rule{Fields: []int{f}})
			if manyWords(cmps[f].(*nameCmp)) {
				rules = append(rules, Rule{Fields: []int{f}, WordPairs: true})
			}
		case Date:
			rules = append(rules, Rule{Fields: []int{f}})
		default:
			if fine(d, cmps[f], maxBlock) {
				rules = append(rules, Rule{Fields: []int{f}})
			}
		}
	}
	return rules
}

// manyWords reports whether at least a tenth of the names have two words
// or more, so that a word-pair rule can find something.
func manyWords(c *nameCmp) bool {
	n, multi := 0, 0
	for _, t := range c.toks {
		if len(t) > 0 {
			n++
		}
		if len(t) > 1 {
			multi++
		}
	}
	return n > 0 && multi*10 >= n
}

// fine reports whether at most a quarter of the records with a value fall
// in blocks over the cap.
func fine(d *Dataset, c comparator, maxBlock int) bool {
	counts := map[string]int{}
	var keys []string
	n := 0
	for i := 0; i < d.Len(); i++ {
		keys = c.blockKeys(keys[:0], int32(i))
		for _, k := range keys {
			counts[k]++
			n++
		}
	}
	big := 0
	for _, c := range counts {
		if c > maxBlock {
			big += c
		}
	}
	return n > 0 && big*4 <= n
}

// lackingRecords says which records lack what tighter rules key on: a
// year in some date field, or full words in some name field (the name has
// an initial).
func lackingRecords(d *Dataset, cmps []comparator) []bool {
	out := make([]bool, d.Len())
	for _, c := range cmps {
		switch c := c.(type) {
		case *dateCmp:
			for i, p := range c.d {
				out[i] = out[i] || p.y == 0
			}
		case *nameCmp:
			for i := range c.initialed {
				out[i] = out[i] || c.initialed[i]
			}
		}
	}
	return out
}

func anyOf(set []bool, m []int32) bool {
	for _, i := range m {
		if set[i] {
			return true
		}
	}
	return false
}

// pairKey packs a pair of record numbers, smaller first.
func pairKey(a, b int32) uint64 {
	if a > b {
		a, b = b, a
	}
	return uint64(a)<<32 | uint64(uint32(b))
}

func unpair(p uint64) (int32, int32) { return int32(p >> 32), int32(uint32(p)) }

// maxRules is the most blocking rules a run may have: each pair records
// which rules found it in a bit mask.
const maxRules = 32
