package names

import "unicode/utf8"

// Distance is the optimal string alignment distance between a and b, in
// runes: the number of insertions, deletions, substitutions and swaps of
// adjacent runes that turn one into the other (Damerau-Levenshtein without
// editing a substring twice). Pass keys (Key, WordKeys) to compare names by
// sound; Talldykorgan and Taldykorgan are 1 apart, their keys 0.
func Distance(a, b string) int {
	return DistanceAtMost(a, b, -1)
}

// DistanceAtMost is Distance when it is at most limit, and limit+1 as soon as
// it is certain to exceed limit (a negative limit is no limit). Most pairs
// of unrelated words are far apart, and a bounded distance stops early for
// them.
func DistanceAtMost(a, b string, limit int) int {
	if a == b {
		return 0
	}
	if isASCII(a) && isASCII(b) {
		return osa([]byte(a), []byte(b), limit)
	}
	return osa([]rune(a), []rune(b), limit)
}

// osa is the optimal string alignment distance over bytes or runes, bounded
// by limit when limit ≥ 0.
func osa[T byte | rune](a, b []T, limit int) int {
	if len(a) < len(b) {
		a, b = b, a
	}
	n, m := len(a), len(b)
	if limit >= 0 && n-m > limit {
		return limit + 1
	}
	if m == 0 {
		return n
	}
	// Three rows: the one before the previous is needed for swaps. Names fit
	// the buffer on the stack.
	const stack = 64
	var buf [3 * (stack + 1)]int
	var prev2, prev, cur []int
	if m <= stack {
		prev2, prev, cur = buf[:m+1], buf[stack+1:stack+1+m+1], buf[2*(stack+1):2*(stack+1)+m+1]
	} else {
		prev2, prev, cur = make([]int, m+1), make([]int, m+1), make([]int, m+1)
	}
	for j := range prev {
		prev[j] = j
	}
	prevMin := 0
	for i := 1; i <= n; i++ {
		cur[0] = i
		rowMin := i
		for j := 1; j <= m; j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d = min(d, prev2[j-2]+1)
			}
			cur[j] = d
			rowMin = min(rowMin, d)
		}
		// A later row builds on this row and, by a swap, on the one
		// before it: once both exceed the limit, so will the distance.
		if limit >= 0 && rowMin > limit && prevMin > limit {
			return limit + 1
		}
		prevMin = rowMin
		prev2, prev, cur = prev, cur, prev2
	}
	if d := prev[m]; limit < 0 || d <= limit {
		return d
	}
	return limit + 1
}

// JaroWinkler is the Jaro-Winkler similarity of a and b, from 0 (nothing in
// common) to 1 (equal), with the usual prefix scale 0.1 over at most four
// runes and half the transpositions rounded down (Winkler's strcmp95). Like
// Distance it is meant for keys; it is the one implementation the search
// ranking and record linkage share. Keys are nearly always ASCII, and then
// no rune is decoded and nothing is allocated.
func JaroWinkler(a, b string) float64 {
	if a == b {
		return 1
	}
	if isASCII(a) && isASCII(b) {
		return jaroWinkler([]byte(a), []byte(b))
	}
	return jaroWinkler([]rune(a), []rune(b))
}

func jaroWinkler[T byte | rune](a, b []T) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	window := max(len(b)/2-1, 0)
	// Names fit in 64 runes; longer strings use flags on the heap.
	var fa, fb [64]bool
	var matchA, matchB []bool
	if len(b) <= 64 {
		matchA, matchB = fa[:len(a)], fb[:len(b)]
	} else {
		matchA, matchB = make([]bool, len(a)), make([]bool, len(b))
	}
	matches := 0
	for i, r := range a {
		lo, hi := max(i-window, 0), min(i+window+1, len(b))
		for j := lo; j < hi; j++ {
			if !matchB[j] && b[j] == r {
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
		if a[i] != b[j] {
			transpositions++
		}
		j++
	}
	m := float64(matches)
	jaro := (m/float64(len(a)) + m/float64(len(b)) + (m-float64(transpositions/2))/m) / 3
	prefix := 0
	for prefix < min(4, len(a)) && a[prefix] == b[prefix] {
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
			if DistanceAtMost(qk, nk, budget) > budget {
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
