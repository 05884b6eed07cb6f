package linkage

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode/utf8"
)

// Blocking keys as numbers. A record's keys under a rule were strings (a
// name word, "abdu kair", a date's four bytes, "word\x1fyear" for a rule on
// two fields); here each is a number, equal for two records exactly when
// the strings were: a name word is its token's number, a word pair the
// numbers of the two words' first four letters, a date its packed parts, a
// free-text value its number in a table, a combination of fields its number
// in another. A million records then block without a map of strings.

// ruleKeyer gives the keys of records under one rule.
type ruleKeyer struct {
	r     Rule
	d     *Dataset
	cmps  []comparator
	strs  map[string]uint64
	combo map[[2]uint64]uint64
	words map[int]*wordIDs // per name field
	cur   []uint64
	next  []uint64
	ks    []uint64
	sk    []string
}

// wordIDs numbers what the word-pair and initials rules key on, per token
// of a name field: its first four letters (-1 when they are one byte), its
// first letter, and whether it has two letters or more.
type wordIDs struct {
	pre4, first []int32
	long        []bool
}

func newWordIDs(c *nameCmp) *wordIDs {
	w := &wordIDs{pre4: make([]int32, len(c.tokens)), first: make([]int32, len(c.tokens)), long: make([]bool, len(c.tokens))}
	p4, p1 := map[string]int32{}, map[string]int32{}
	intern := func(m map[string]int32, s string) int32 {
		id, ok := m[s]
		if !ok {
			id = int32(len(m))
			m[s] = id
		}
		return id
	}
	for t, tok := range c.tokens {
		w.pre4[t] = -1
		if p := prefix(tok, 4); len(p) >= 2 {
			w.pre4[t] = intern(p4, p)
		}
		w.first[t] = intern(p1, prefix(tok, 1))
		w.long[t] = utf8.RuneCountInString(tok) >= 2
	}
	return w
}

func newRuleKeyer(r Rule, d *Dataset, cmps []comparator) *ruleKeyer {
	return &ruleKeyer{r: r, d: d, cmps: cmps, strs: map[string]uint64{}, combo: map[[2]uint64]uint64{}, words: map[int]*wordIDs{}}
}

// fieldKeys appends the keys of record i on field f under the rule.
func (k *ruleKeyer) fieldKeys(dst []uint64, f int, i int32) []uint64 {
	r := k.r
	switch c := k.cmps[f].(type) {
	case *dateCmp:
		p := c.d[i]
		if r.Year {
			if p.y != 0 {
				dst = append(dst, uint64(uint16(p.y)))
			}
		} else if p.full() {
			dst = append(dst, uint64(byte(p.y>>8))<<24|uint64(byte(p.y))<<16|uint64(byte(p.m))<<8|uint64(byte(p.d)))
		}
		return dst
	case *nameCmp:
		return k.nameKeys(dst, f, c, i)
	}
	k.sk = k.cmps[f].blockKeys(k.sk[:0], i)
	for _, s := range k.sk {
		id, ok := k.strs[s]
		if !ok {
			id = uint64(len(k.strs))
			k.strs[s] = id
		}
		dst = append(dst, id)
	}
	return dst
}

func (k *ruleKeyer) nameKeys(dst []uint64, f int, c *nameCmp, i int32) []uint64 {
	toks := c.toks[i]
	if !k.r.WordPairs && !k.r.Initials {
		for _, t := range toks {
			if len(c.tokens[t]) > 1 {
				dst = append(dst, uint64(t))
			}
		}
		return dst
	}
	w := k.words[f]
	if w == nil {
		w = newWordIDs(c)
		k.words[f] = w
	}
	if k.r.WordPairs {
		for x := 0; x < len(toks); x++ {
			for y := x + 1; y < len(toks); y++ {
				a, b := w.pre4[toks[x]], w.pre4[toks[y]]
				if a < 0 || b < 0 {
					continue
				}
				dst = append(dst, uint64(min(a, b))<<32|uint64(max(a, b)))
			}
		}
		return dst
	}
	for x, tx := range toks {
		if !w.long[tx] {
			continue
		}
		for y, ty := range toks {
			if y != x {
				dst = append(dst, uint64(tx)<<32|uint64(uint32(w.first[ty])))
			}
		}
	}
	return dst
}

// keys appends the keys of record i: the product of the keys of its fields.
func (k *ruleKeyer) keys(dst []uint64, i int32) []uint64 {
	for n, f := range k.r.Fields {
		k.ks = k.fieldKeys(k.ks[:0], f, i)
		if len(k.ks) == 0 {
			return dst
		}
		if n == 0 {
			k.cur = append(k.cur[:0], k.ks...)
			continue
		}
		k.next = k.next[:0]
		for _, c := range k.cur {
			for _, x := range k.ks {
				id, ok := k.combo[[2]uint64{c, x}]
				if !ok {
					id = uint64(len(k.combo))
					k.combo[[2]uint64{c, x}] = id
				}
				k.next = append(k.next, id)
			}
		}
		k.cur, k.next = k.next, k.cur
	}
	return append(dst, k.cur...)
}

// ruleBlocks holds the blocks of two records or more of one rule: block b
// is recs[start[b]:start[b+1]], in the order of the records (one with a key
// twice is there twice), or, in a block over the size cap, in the order of
// rank.
type ruleBlocks struct {
	recs  []int32
	start []int32
}

// blocksOf groups the records by their keys under rule r.
func blocksOf(r Rule, d *Dataset, cmps []comparator, lacking []bool, rank []int32, o *Options, rep *RuleReport) ruleBlocks {
	n := int32(d.Len())
	k := newRuleKeyer(r, d, cmps)
	ids := map[uint64]int32{}
	var ent []int32 // block, record, block, record...
	var keys []uint64
	for i := int32(0); i < n; i++ {
		keys = k.keys(keys[:0], i)
		for _, key := range keys {
			id, ok := ids[key]
			if !ok {
				id = int32(len(ids))
				ids[key] = id
			}
			ent = append(ent, id, i)
		}
	}
	size := make([]int32, len(ids))
	ids = nil
	for e := 0; e < len(ent); e += 2 {
		size[ent[e]]++
	}
	// Keep the blocks of two or more (with a lacking record, for a rule
	// limited to them), numbered anew; counting sort keeps record order.
	renum := make([]int32, len(size))
	var rb ruleBlocks
	rb.start = append(rb.start, 0)
	total := int32(0)
	for b, s := range size {
		renum[b] = -1
		if s >= 2 {
			renum[b] = int32(len(rb.start) - 1)
			total += s
			rb.start = append(rb.start, total)
		}
	}
	rb.recs = make([]int32, total)
	pos := append([]int32(nil), rb.start[:len(rb.start)-1]...)
	for e := 0; e < len(ent); e += 2 {
		if b := renum[ent[e]]; b >= 0 {
			rb.recs[pos[b]] = ent[e+1]
			pos[b]++
		}
	}
	ent = nil
	kept := rb.start[:1]
	out := rb.recs[:0]
	for b := 0; b+1 < len(rb.start); b++ {
		m := rb.recs[rb.start[b]:rb.start[b+1]]
		if lacking != nil && !anyOf(lacking, m) {
			continue
		}
		rep.Blocks++
		if len(m) > o.MaxBlock {
			rep.Oversized++
			slices.SortFunc(m, func(x, y int32) int { return int(rank[x]) - int(rank[y]) })
		}
		out = append(out, m...) // never ahead of what it copies
		kept = append(kept, int32(len(out)))
	}
	rb.recs, rb.start = out, kept
	return rb
}

// pairs calls emit for each pair of each block: all of them, or, in a
// block over the size cap, those within a window in the order of rank.
func (rb ruleBlocks) pairs(o *Options, keep func(a, b int32) bool, emit func(a, b int32)) {
	for b := 0; b+1 < len(rb.start); b++ {
		m := rb.recs[rb.start[b]:rb.start[b+1]]
		span := len(m)
		if len(m) > o.MaxBlock {
			span = o.Window
		}
		for x := 0; x < len(m); x++ {
			for y := x + 1; y < len(m) && y <= x+span; y++ {
				if keep(m[x], m[y]) {
					emit(m[x], m[y])
				}
			}
		}
	}
}

// ranks orders the records as an oversized block compares them: by their
// names, then their free text, then their number. Dates stay out of the
// order: the EM session of a name rule relies on the dates of non-matching
// pairs it finds agreeing only by chance.
func ranks(d *Dataset, cmps []comparator) []int32 {
	n := d.Len()
	order := make([]string, n)
	var b strings.Builder
	for i := range n {
		b.Reset()
		for _, t := range []FieldType{Name, Text} {
			for f, fd := range d.Fields {
				if fd.Type == t {
					b.WriteString(cmps[f].sortKey(int32(i)))
					b.WriteByte(0)
				}
			}
		}
		order[i] = b.String()
	}
	idx := make([]int32, n)
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortFunc(idx, func(x, y int32) int {
		if c := strings.Compare(order[x], order[y]); c != 0 {
			return c
		}
		return int(x - y)
	})
	rank := make([]int32, n)
	for r, i := range idx {
		rank[i] = int32(r)
	}
	return rank
}

// maxRecords is the most records a run may link: a candidate pair keeps
// its second record and its rule in 32 bits.
const maxRecords = math.MaxUint32 >> ruleBits

const ruleBits = 5 // 1<<ruleBits == maxRules

// block runs every rule and returns the union of the pairs they name, with
// the rules that found each, and a report per rule.
func block(ctx context.Context, d *Dataset, cmps []comparator, rules []Rule, o *Options) (*candidates, []RuleReport, error) {
	n := d.Len()
	if n > maxRecords {
		return nil, nil, fmt.Errorf("%d records; at most %d can be linked in one run", n, maxRecords)
	}
	rank := ranks(d, cmps)
	reports := make([]RuleReport, len(rules))
	blocks := make([]ruleBlocks, len(rules))
	var lacking []bool
	for ri, r := range rules {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		o.progress(fmt.Sprintf("blocking %d/%d: %s", ri+1, len(rules), r.describe(d)), int64(ri), int64(len(rules)))
		reports[ri].Rule = r.describe(d)
		var lack []bool
		if r.Lacking {
			if lacking == nil {
				lacking = lackingRecords(d, cmps)
			}
			lack = lacking
		}
		blocks[ri] = blocksOf(r, d, cmps, lack, rank, o, &reports[ri])
	}
	rank = nil
	keeps := make([]func(a, b int32) bool, len(rules))
	for ri, r := range rules {
		lack := lacking
		if !r.Lacking {
			lack = nil
		}
		keeps[ri] = func(a, b int32) bool {
			return (!o.LinkOnly || d.src[a] != d.src[b]) && (lack == nil || lack[a] || lack[b])
		}
	}
	c := newCandidates(n, blocks, keeps, o)
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	c.dedupe(len(rules), reports, o.Workers)
	return c, reports, nil
}
