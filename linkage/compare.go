package linkage

import (
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/qantar-project/qantar/names"
)

// A comparator compares one field of two records and says how well they
// agree, as a level from 0 (disagree) to levels()-1 (exact), or -1 when
// either value is missing: a missing value is no evidence either way.
// Comparators are prepared once over a whole column, so that a pair costs
// no parsing or allocation.
type comparator interface {
	prepare(values []string) (unreadable int)
	compare(i, j int32) int
	levelNames() []string
	// blockKeys appends the keys under which record i is blocked by this
	// field's default rule.
	blockKeys(dst []string, i int32) []string
	// sortKey is what records are ordered by in an oversized block.
	sortKey(i int32) string
}

func newComparator(t FieldType, key KeyFunc) comparator {
	switch t {
	case Name:
		return &nameCmp{key: key}
	case Date:
		return &dateCmp{}
	case Text:
		return &textCmp{}
	case Exact:
		return &exactCmp{}
	case Number:
		return &numberCmp{}
	}
	return nil
}

// nameCmp compares names token by token on their match keys, so that word
// order ("Абдуллаев Нурлан" / "Nurlan Abdullayev"), a missing patronymic and
// initials ("N. Abdullaev") are near agreements rather than disagreements.
type nameCmp struct {
	key     KeyFunc
	keys    []string  // tokens of the key, sorted, joined by one space
	joined  []string  // the tokens joined without spaces, for names of several words
	toks    [][]int32 // the same tokens, as numbers into tokens
	tokens  []string  // each distinct token once
	ascii   []bool    // per token: whether it is ASCII
	letters []uint64  // per token: its bytes, as bits (see letterSet)
	keyIDs  []int32   // per record, its key's number (-1 for none): equal keys, equal numbers
	counts  map[string]int32
	tf      []float32 // term-frequency adjustment of an exact agreement, per record
	cache   simCache
	// parts holds each name's words in the order written, initials told
	// from full words, when some name of the column has an initial (nil
	// otherwise); initialed says which names have one.
	parts     [][]names.Part
	initialed []bool
}

// The agreement levels of a name. An initial agrees with a full name only
// as far as one letter can: a pair that agrees by way of initials has a
// level of its own, whose m and u EM estimates like any other's, and is
// never "close", "very close" or "exact".
const (
	nameDisagree = iota
	nameWeak
	nameInitials
	nameClose
	nameVeryClose
	nameExact
)

var nameLevelNames = []string{"disagree", "weak", "initials", "close", "very close", "exact"}

func (c *nameCmp) levelNames() []string { return nameLevelNames }

func (c *nameCmp) prepare(values []string) int {
	c.keys = make([]string, len(values))
	c.toks = make([][]int32, len(values))
	c.joined = make([]string, len(values))
	c.counts = make(map[string]int32)
	ids := map[string]int32{}
	c.keyIDs = make([]int32, len(values))
	interned := map[string]int32{} // one copy of each key, however many records share it
	var keys []string
	for i, v := range values {
		c.keyIDs[i] = -1
		if strings.TrimSpace(v) == "" {
			continue
		}
		toks := strings.Fields(c.key(v))
		if len(toks) == 0 {
			continue
		}
		sort.Strings(toks)
		k := strings.Join(toks, " ")
		if id, ok := interned[k]; ok {
			k, c.keyIDs[i] = keys[id], id
		} else {
			c.keyIDs[i] = int32(len(keys))
			interned[k] = int32(len(keys))
			keys = append(keys, k)
		}
		c.keys[i] = k
		c.toks[i] = make([]int32, len(toks))
		for t, tok := range toks {
			id, ok := ids[tok]
			if !ok {
				id = int32(len(c.tokens))
				ids[tok] = id
				c.tokens = append(c.tokens, tok)
				c.ascii = append(c.ascii, isASCII(tok))
				c.letters = append(c.letters, letterSet(tok))
			}
			c.toks[i][t] = id
		}
		if len(toks) > 1 {
			c.joined[i] = strings.ReplaceAll(k, " ", "")
		}
		c.counts[k]++
	}
	c.cache = newSimCache(len(c.tokens))
	c.termFrequencies()
	c.prepareInitials(values)
	return 0
}

// termFrequencies computes, per record, how much more (or less) an exact
// agreement on its name says than an exact agreement on an average name:
// two records both named "Nurlan" agree by chance far more often than two
// named "Zhanserik". The factor is Σ tf² / tf(v) (Winkler), bounded so that
// one rare spelling cannot decide a link on its own.
func (c *nameCmp) termFrequencies() {
	var n float64
	for _, k := range c.counts {
		n += float64(k)
	}
	if n == 0 {
		return
	}
	var sumsq float64
	for _, k := range c.counts {
		f := float64(k) / n
		sumsq += f * f
	}
	c.tf = make([]float32, len(c.keys))
	for i, k := range c.keys {
		if k == "" {
			continue
		}
		f := float64(c.counts[k]) / n
		c.tf[i] = float32(math.Min(math.Max(sumsq/f, 1/maxTF), maxTF))
	}
}

// maxTF bounds the term-frequency factor (either way).
const maxTF = 20

func (c *nameCmp) compare(i, j int32) int {
	ka, kb := c.keyIDs[i], c.keyIDs[j]
	if ka < 0 || kb < 0 {
		return -1
	}
	if c.initialed != nil && (c.initialed[i] || c.initialed[j]) {
		if c.initialsAgree(i, j) {
			return nameInitials
		}
		return min(c.compareWords(i, j), nameWeak)
	}
	if ka == kb {
		return nameExact
	}
	return c.compareWords(i, j)
}

// compareWords compares two names word by word on their keys.
func (c *nameCmp) compareWords(i, j int32) int {
	a, b := c.toks[i], c.toks[j]
	if len(a) > len(b) {
		a, b = b, a
	}
	if c.farApart(a, b) {
		return nameDisagree
	}
	sum, exact := 0.0, 0
	for _, ta := range a {
		best := 0.0
		for _, tb := range b {
			if best == 1 {
				break
			}
			if s := c.tokenSim(ta, tb); s > best {
				best = s
			}
		}
		if best == 1 {
			exact++
		}
		sum += best
	}
	sim := sum / float64(len(a))
	same := len(a) == len(b)
	// Only a near miss can become a match by joining words; most pairs a
	// birth-date block brings together have nothing in common.
	if sim < 0.94 && sim >= 0.6 {
		var joined float64
		if same && len(a) > 1 {
			// Names split or joined differently: "Abdul Aziz" / "Abdulaziz".
			if x, y := c.joined[i], c.joined[j]; joinBound(x, y, "") > sim {
				joined = names.JaroWinkler(x, y)
			}
		} else if !same && len(a) == 1 && len(b) == 2 {
			t, u, v := c.tokens[a[0]], c.tokens[b[0]], c.tokens[b[1]]
			if max(joinBound(t, u, v), joinBound(t, v, u)) > sim {
				joined = math.Max(names.JaroWinkler(t, u+v), names.JaroWinkler(t, v+u))
			}
		}
		if joined > sim {
			sim, same = joined, true
		}
	}
	switch {
	case same && sim >= 0.94, !same && len(a) >= 2 && exact == len(a):
		return nameVeryClose
	case sim >= 0.88 && (same || len(a) >= 2):
		return nameClose
	case sim >= 0.70:
		return nameWeak
	}
	return nameDisagree
}

// tokenSim is the similarity of two name words: 1 if equal, 0.85 for an
// initial and a word it starts, else Jaro-Winkler. Names repeat, so the
// values are cached.
func (c *nameCmp) tokenSim(x, y int32) float64 {
	if x == y {
		return 1
	}
	if v, ok := c.cache.get(x, y); ok {
		return v
	}
	tx, ty := c.tokens[x], c.tokens[y]
	var s float64
	switch {
	case len(tx) == 1 || len(ty) == 1:
		if tx[0] == ty[0] {
			s = 0.85 // an initial agrees with the name
		}
	case c.ascii[x] && c.ascii[y]:
		s = names.JaroWinklerASCII(tx, ty)
	default:
		s = names.JaroWinkler(tx, ty)
	}
	return c.cache.put(x, y, s)
}

func (c *nameCmp) blockKeys(dst []string, i int32) []string {
	for _, id := range c.toks[i] {
		if t := c.tokens[id]; len(t) > 1 {
			dst = append(dst, t)
		}
	}
	return dst
}

func (c *nameCmp) sortKey(i int32) string { return c.keys[i] }

// wordPairKeys appends a key for each pair of words of record i's name (of
// two letters or more), each word cut to four letters, in sorted order.
func (c *nameCmp) wordPairKeys(dst []string, i int32) []string {
	toks := c.toks[i]
	for x := 0; x < len(toks); x++ {
		for y := x + 1; y < len(toks); y++ {
			a, b := prefix(c.tokens[toks[x]], 4), prefix(c.tokens[toks[y]], 4)
			if len(a) < 2 || len(b) < 2 {
				continue
			}
			if a > b {
				a, b = b, a
			}
			dst = append(dst, a+" "+b)
		}
	}
	return dst
}

// prefix returns the first n characters of s.
func prefix(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

type dateCmp struct{ d []pdate }

func (c *dateCmp) levelNames() []string { return dateLevelNames }

func (c *dateCmp) prepare(values []string) int {
	c.d = make([]pdate, len(values))
	bad := 0
	for i, v := range values {
		p, ok := parseDate(v)
		if !ok {
			bad++
		}
		c.d[i] = p
	}
	return bad
}

func (c *dateCmp) compare(i, j int32) int { return compareDate(c.d[i], c.d[j]) }

func (c *dateCmp) blockKeys(dst []string, i int32) []string {
	if p := c.d[i]; p.full() {
		dst = append(dst, c.sortKey(i))
	}
	return dst
}

func (c *dateCmp) sortKey(i int32) string {
	p := c.d[i]
	if !p.known() {
		return ""
	}
	return string([]byte{byte(p.y >> 8), byte(p.y), byte(p.m), byte(p.d)})
}

// textCmp compares normalised free text (addresses, places) by edit
// distance, and by edit distance on its words sorted, for reordered parts.
type textCmp struct {
	v, sorted []string
	// ids numbers the distinct values; when there are few (places, not
	// addresses), memo holds the level of every pair of them.
	ids  []int32
	memo []int8
	nids int
}

// maxTextMemo is the most distinct values whose pairs are compared once,
// in prepare, rather than each time a pair of records meets.
const maxTextMemo = 512

var textLevelNames = []string{"disagree", "similar", "close", "exact"}

func (c *textCmp) levelNames() []string { return textLevelNames }

func (c *textCmp) prepare(values []string) int {
	c.v = make([]string, len(values))
	c.sorted = make([]string, len(values))
	for i, v := range values {
		c.v[i] = foldText(v)
		if strings.IndexByte(c.v[i], ' ') >= 0 {
			if w := sortWords(c.v[i]); w != c.v[i] {
				c.sorted[i] = w
			}
		}
	}
	c.prepareMemo()
	return 0
}

// prepareMemo numbers the values and, when they are few, compares every
// pair of them.
func (c *textCmp) prepareMemo() {
	c.ids = make([]int32, len(c.v))
	first := []int32{}
	seen := map[string]int32{}
	for i, v := range c.v {
		id, ok := seen[v]
		if !ok {
			id = int32(len(first))
			seen[v] = id
			first = append(first, int32(i))
		}
		c.ids[i] = id
	}
	c.nids = len(first)
	if c.nids > maxTextMemo {
		return
	}
	memo := make([]int8, c.nids*c.nids)
	for x, i := range first {
		for y, j := range first {
			memo[x*c.nids+y] = int8(c.compareValues(i, j))
		}
	}
	c.memo = memo
}

func (c *textCmp) compare(i, j int32) int {
	if c.memo != nil {
		return int(c.memo[int(c.ids[i])*c.nids+int(c.ids[j])])
	}
	return c.compareValues(i, j)
}

func (c *textCmp) compareValues(i, j int32) int {
	a, b := c.v[i], c.v[j]
	if a == "" || b == "" {
		return -1
	}
	if a == b {
		return 3
	}
	s := textSim(a, b, 0.6)
	if s < 0.85 && (c.sorted[i] != "" || c.sorted[j] != "") {
		sa, sb := c.sorted[i], c.sorted[j]
		if sa == "" {
			sa = a
		}
		if sb == "" {
			sb = b
		}
		s = math.Max(s, textSim(sa, sb, 0.6))
	}
	switch {
	case s >= 0.85:
		return 2
	case s >= 0.6:
		return 1
	}
	return 0
}

func sortWords(s string) string {
	w := strings.Fields(s)
	sort.Strings(w)
	return strings.Join(w, " ")
}

func (c *textCmp) blockKeys(dst []string, i int32) []string {
	if c.v[i] != "" {
		dst = append(dst, c.v[i])
	}
	return dst
}

func (c *textCmp) sortKey(i int32) string { return c.v[i] }

// exactCmp agrees or disagrees: sex, a document number, a region code.
type exactCmp struct{ textCmp }

var exactLevelNames = []string{"disagree", "exact"}

func (c *exactCmp) prepare(values []string) int {
	c.v = make([]string, len(values))
	for i, v := range values {
		c.v[i] = foldText(v)
	}
	return 0
}

func (c *exactCmp) levelNames() []string { return exactLevelNames }

func (c *exactCmp) compare(i, j int32) int {
	a, b := c.v[i], c.v[j]
	switch {
	case a == "" || b == "":
		return -1
	case a == b:
		return 1
	}
	return 0
}

// numberCmp compares numbers (an age, a count) with a tolerance: equal,
// within 1 or 5 per cent, or apart.
type numberCmp struct {
	v  []float64
	ok []bool
}

var numberLevelNames = []string{"disagree", "close", "exact"}

func (c *numberCmp) levelNames() []string { return numberLevelNames }

func (c *numberCmp) prepare(values []string) int {
	c.v = make([]float64, len(values))
	c.ok = make([]bool, len(values))
	bad := 0
	for i, v := range values {
		v = strings.ReplaceAll(strings.TrimSpace(v), ",", ".")
		if v == "" {
			continue
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			bad++
			continue
		}
		c.v[i], c.ok[i] = f, true
	}
	return bad
}

func (c *numberCmp) compare(i, j int32) int {
	if !c.ok[i] || !c.ok[j] {
		return -1
	}
	a, b := c.v[i], c.v[j]
	if a == b {
		return 2
	}
	if math.Abs(a-b) <= math.Max(1, 0.05*math.Max(math.Abs(a), math.Abs(b))) {
		return 1
	}
	return 0
}

func (c *numberCmp) blockKeys(dst []string, i int32) []string {
	if c.ok[i] {
		dst = append(dst, strconv.FormatFloat(c.v[i], 'g', -1, 64))
	}
	return dst
}

func (c *numberCmp) sortKey(i int32) string {
	if !c.ok[i] {
		return ""
	}
	return strconv.FormatFloat(c.v[i], 'f', 6, 64)
}
