package linkage

// Most pairs that a birth-date block brings together have names with
// nothing in common, and their words' Jaro-Winkler similarities, seldom in
// the cache, were most of the cost of comparing them. An upper bound on
// each word's similarity that costs a few instructions settles nearly all
// of them: when even the bounds cannot lift the name's similarity to 0.6,
// no finer computation could give a level above "disagree" (see
// compareWords: a joined reading is tried from 0.6, "weak" starts at 0.7).

// letterSet is the set of a word's bytes, each byte as bit byte%64 (two
// bytes may share a bit: the set is then larger, and the bound looser,
// never wrong).
func letterSet(s string) uint64 {
	var m uint64
	for i := 0; i < len(s); i++ {
		m |= 1 << (s[i] & 63)
	}
	return m
}

// inSet counts the bytes of s whose bit is in set.
func inSet(s string, set uint64) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n += int(set >> (s[i] & 63) & 1)
	}
	return n
}

// boundSlack covers the rounding of cached similarities (to 1/65535) and of
// floating point: a bound is raised by it before it is compared.
const boundSlack = 1e-4

// simBound is at least tokenSim(x, y). Jaro-Winkler is jaro + p/10 (1 -
// jaro), p the common prefix (at most 4); jaro is (m/|x| + m/|y| + (m -
// t/2)/m) / 3 with m matching bytes, and m is at most the number of bytes
// of either word found anywhere in the other.
func (c *nameCmp) simBound(x, y int32) float64 {
	if x == y {
		return 1
	}
	tx, ty := c.tokens[x], c.tokens[y]
	switch {
	case len(tx) == 1 || len(ty) == 1: // as tokenSim has it
		if tx[0] == ty[0] {
			return 0.85 + boundSlack
		}
		return boundSlack
	case !c.ascii[x] || !c.ascii[y]:
		return 1
	}
	m := min(inSet(tx, c.letters[y]), inSet(ty, c.letters[x]))
	if m == 0 {
		return boundSlack
	}
	jaro := (float64(m)/float64(len(tx)) + float64(m)/float64(len(ty)) + 1) / 3
	p := 0
	for p < min(4, len(tx), len(ty)) && tx[p] == ty[p] {
		p++
	}
	return jaro + float64(p)*0.1*(1-jaro) + boundSlack
}

// farApart reports whether names of the words a (the fewer) and b cannot
// reach a similarity of 0.6, by the bounds of their words' similarities.
func (c *nameCmp) farApart(a, b []int32) bool {
	limit := 0.6 * float64(len(a))
	sum := 0.0
	for _, ta := range a {
		best := 0.0
		for _, tb := range b {
			best = max(best, c.simBound(ta, tb))
		}
		if sum += best; sum >= limit {
			return false
		}
	}
	return true
}

// joinBound is at least the Jaro-Winkler similarity of x and y1+y2 (the
// words of a name joined), by the same bound as simBound; 1 when it cannot
// tell (a word not ASCII: the similarity is then over runes, not bytes).
func joinBound(x, y1, y2 string) float64 {
	if !isASCII(x) || !isASCII(y1) || !isASCII(y2) {
		return 1
	}
	nx, ny := len(x), len(y1)+len(y2)
	if nx == 0 || ny == 0 {
		return boundSlack
	}
	sx, sy := letterSet(x), letterSet(y1)|letterSet(y2)
	m := min(inSet(x, sy), inSet(y1, sx)+inSet(y2, sx))
	if m == 0 {
		return boundSlack
	}
	jaro := (float64(m)/float64(nx) + float64(m)/float64(ny) + 1) / 3
	p := 0
	for p < min(4, nx, ny) {
		var b byte
		if p < len(y1) {
			b = y1[p]
		} else {
			b = y2[p-len(y1)]
		}
		if x[p] != b {
			break
		}
		p++
	}
	return jaro + float64(p)*0.1*(1-jaro) + boundSlack
}
