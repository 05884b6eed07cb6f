package linkage

import (
	"context"
	"fmt"
	"slices"
	"sort"
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

// keysOf appends the keys of record i under rule r: the product of the keys
// of its fields.
func keysOf(dst []string, r Rule, d *Dataset, cmps []comparator, i int32, scratch []string) []string {
	base := len(dst)
	dst = append(dst, "")
	for n, f := range r.Fields {
		var ks []string
		if r.Year && d.Fields[f].Type == Date {
			if p := cmps[f].(*dateCmp).d[i]; p.y != 0 {
				ks = append(scratch[:0], fmt.Sprint(p.y))
			}
		} else if nc, ok := cmps[f].(*nameCmp); ok && r.WordPairs {
			ks = nc.wordPairKeys(scratch[:0], i)
		} else if ok && r.Initials {
			ks = nc.initialKeys(scratch[:0], i)
		} else {
			ks = cmps[f].blockKeys(scratch[:0], i)
		}
		if len(ks) == 0 {
			return dst[:base]
		}
		cur := dst[base:]
		next := make([]string, 0, len(cur)*len(ks))
		for _, c := range cur {
			for _, k := range ks {
				if n > 0 {
					next = append(next, c+"\x1f"+k)
				} else {
					next = append(next, k)
				}
			}
		}
		dst = append(dst[:base], next...)
	}
	return dst
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

// block runs every rule and returns the union of the pairs they name,
// sorted, with for each pair a mask of the rules that found it, and a
// report per rule.
func block(ctx context.Context, d *Dataset, cmps []comparator, rules []Rule, o *Options) ([]uint64, []uint32, []RuleReport, error) {
	n := int32(d.Len())
	// Records in an oversized block are ordered by their names, then their
	// free text, so that the window holds the most alike. Dates stay out of
	// the order: the EM session of a name rule relies on the dates of
	// non-matching pairs it finds agreeing only by chance.
	order := make([]string, n)
	for i := int32(0); i < n; i++ {
		var b strings.Builder
		for _, t := range []FieldType{Name, Text} {
			for f, fd := range d.Fields {
				if fd.Type == t {
					b.WriteString(cmps[f].sortKey(i))
					b.WriteByte(0)
				}
			}
		}
		order[i] = b.String()
	}
	var union []uint64
	var masks []uint32
	var reports []RuleReport
	for ri, r := range rules {
		if err := ctx.Err(); err != nil {
			return nil, nil, nil, err
		}
		o.progress(fmt.Sprintf("blocking %d/%d: %s", ri+1, len(rules), r.describe(d)), int64(ri), int64(len(rules)))
		blocks := map[string][]int32{}
		var keys, scratch []string
		for i := int32(0); i < n; i++ {
			keys = keysOf(keys[:0], r, d, cmps, i, scratch)
			for _, k := range keys {
				blocks[k] = append(blocks[k], i)
			}
		}
		rep := RuleReport{Rule: r.describe(d)}
		var lacking []bool
		if r.Lacking {
			lacking = lackingRecords(d, cmps)
		}
		keep := func(a, b int32) bool {
			return (!o.LinkOnly || d.src[a] != d.src[b]) && (lacking == nil || lacking[a] || lacking[b])
		}
		var pairs []uint64
		for _, m := range blocks {
			if len(m) < 2 || lacking != nil && !anyOf(lacking, m) {
				continue
			}
			rep.Blocks++
			pairs = blockPairs(pairs, m, order, keep, o, &rep)
		}
		blocks = nil
		slices.Sort(pairs)
		pairs = slices.Compact(pairs)
		rep.Pairs = len(pairs)
		before := len(union)
		union, masks = mergeSorted(union, masks, pairs, 1<<ri)
		rep.New = len(union) - before
		reports = append(reports, rep)
	}
	return union, masks, reports, nil
}

// blockPairs appends the pairs of one block: all of them, or, in a block
// over the size cap, those within a window in the order of the records'
// names.
func blockPairs(pairs []uint64, m []int32, order []string, keep func(a, b int32) bool, o *Options, rep *RuleReport) []uint64 {
	if len(m) <= o.MaxBlock {
		for x := 0; x < len(m); x++ {
			for y := x + 1; y < len(m); y++ {
				if keep(m[x], m[y]) {
					pairs = append(pairs, pairKey(m[x], m[y]))
				}
			}
		}
		return pairs
	}
	rep.Oversized++
	sort.Slice(m, func(x, y int) bool {
		if order[m[x]] != order[m[y]] {
			return order[m[x]] < order[m[y]]
		}
		return m[x] < m[y]
	})
	for x := 0; x < len(m); x++ {
		for y := x + 1; y < len(m) && y <= x+o.Window; y++ {
			if keep(m[x], m[y]) {
				pairs = append(pairs, pairKey(m[x], m[y]))
			}
		}
	}
	return pairs
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

// mergeSorted returns the sorted union of two sorted, duplicate-free slices
// of pairs, a with its masks, b all found by the rule of bit.
func mergeSorted(a []uint64, am []uint32, b []uint64, bit uint32) ([]uint64, []uint32) {
	out := make([]uint64, 0, len(a)+len(b))
	om := make([]uint32, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || i < len(a) && a[i] < b[j]:
			out, om = append(out, a[i]), append(om, am[i])
			i++
		case i == len(a) || a[i] > b[j]:
			out, om = append(out, b[j]), append(om, bit)
			j++
		default:
			out, om = append(out, a[i]), append(om, am[i]|bit)
			i++
			j++
		}
	}
	return out, om
}
