package names

import "unicode/utf8"

// Distance is the optimal string alignment distance between a and b, in
// runes: the number of insertions, deletions, substitutions and swaps of
// adjacent runes that turn one into the other (Damerau-Levenshtein without
// editing a substring twice). Pass keys (Key, WordKeys) to compare names by
// sound; Talldykorgan and Taldykorgan are 1 apart, their keys 0.
func Distance(a, b string) int {
	if a == b {
		return 0
	}
	ra, rb := toRunes(a), toRunes(b)
	n, m := len(ra), len(rb)
	if n == 0 {
		return m
	}
	if m == 0 {
		return n
	}
	// Three rows: the one before the previous is needed for swaps.
	prev2 := make([]int, m+1)
	prev := make([]int, m+1)
	cur := make([]int, m+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= n; i++ {
		cur[0] = i
		for j := 1; j <= m; j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d = min(d, prev2[j-2]+1)
			}
			cur[j] = d
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[m]
}

func toRunes(s string) []rune {
	if len(s) == utf8.RuneCountInString(s) {
		r := make([]rune, len(s))
		for i := 0; i < len(s); i++ {
			r[i] = rune(s[i])
		}
		return r
	}
	return []rune(s)
}

// JaroWinkler is the Jaro-Winkler similarity of a and b, from 0 (nothing in
// common) to 1 (equal), with the usual prefix scale 0.1 over at most four
// runes. Like Distance it is meant for keys.
func JaroWinkler(a, b string) float64 {
	if a == b {
		return 1
	}
	ra, rb := toRunes(a), toRunes(b)
	if len(ra) == 0 || len(rb) == 0 {
		return 0
	}
	if len(ra) > len(rb) {
		ra, rb = rb, ra
	}
	window := max(len(rb)/2-1, 0)
	matchA := make([]bool, len(ra))
	matchB := make([]bool, len(rb))
	matches := 0
	for i, r := range ra {
		lo, hi := max(i-window, 0), min(i+window+1, len(rb))
		for j := lo; j < hi; j++ {
			if !matchB[j] && rb[j] == r {
				matchA[i], matchB[j] = true, true
				matches++
				break
			}
		}
	}
	if matches == 0 {
		return 0
	}
	transpositions, j := 0, 0
	for i, ok := range matchA {
		if !ok {
			continue
		}
		for !matchB[j] {
			j++
		}
		if ra[i] != rb[j] {
			transpositions++
		}
		j++
	}
	m := float64(matches)
	jaro := (m/float64(len(ra)) + m/float64(len(rb)) + (m-float64(transpositions/2))/m) / 3
	prefix := 0
	for prefix < min(4, len(ra)) && ra[prefix] == rb[prefix] {
		prefix++
	}
	return jaro + float64(prefix)*0.1*(1-jaro)
}

// MaxEdits is the number of typos a word key of this length may carry and
// still match: none up to 3 symbols, one up to 7, two beyond. Short keys get
// none because one edit turns one short name into another.
func MaxEdits(key string) int {
	switch n := utf8.RuneCountInString(key); {
	case n <= 3:
		return 0
	case n <= 7:
		return 1
	default:
		return 2
	}
}

// Match reports whether every word of query matches a different word of
// name, in any order, within MaxEdits typos of the shorter key, and scores
// the match from 0 to 1: the mean Jaro-Winkler similarity of the matched
// word keys, less 0.01 for each word of name that the query did not name.
// It is the test the search index applies to its candidates.
func Match(query, name string) (score float64, ok bool) {
	q, n := WordKeys(query), WordKeys(name)
	if len(q) == 0 || len(q) > len(n) {
		return 0, false
	}
	used := make([]bool, len(n))
	total := 0.0
	for _, qk := range q {
		best, bestJW := -1, -1.0
		for i, nk := range n {
			if used[i] {
				continue
			}
			budget := min(MaxEdits(qk), MaxEdits(nk))
			if Distance(qk, nk) > budget {
				continue
			}
			if jw := JaroWinkler(qk, nk); jw > bestJW {
				best, bestJW = i, jw
			}
		}
		if best < 0 {
			return 0, false
		}
		used[best] = true
		total += bestJW
	}
	return total/float64(len(q)) - 0.01*float64(len(n)-len(q)), true
}
