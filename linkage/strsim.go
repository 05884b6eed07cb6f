package linkage

import "unicode/utf8"

// jaroWinkler returns the Jaro-Winkler similarity of a and b, in [0, 1].
// Names are short, so the quadratic matching window is cheap; strings that
// are pure ASCII (every key after folding, nearly) skip rune decoding.
func jaroWinkler(a, b string) float64 {
	if a == b {
		if a == "" {
			return 0
		}
		return 1
	}
	if isASCII(a) && isASCII(b) {
		return jwBytes([]byte(a), []byte(b))
	}
	return jwRunes([]rune(a), []rune(b))
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// jw is generic over bytes and runes so that both paths share one
// implementation of the algorithm.
func jw[T byte | rune](a, b []T) float64 {
	la, lb := len(a), len(b)
	if la == 0 || lb == 0 {
		return 0
	}
	if la > lb {
		a, b, la, lb = b, a, lb, la
	}
	window := lb/2 - 1
	if window < 0 {
		window = 0
	}
	// Names fit in 64 characters; longer strings use heap flags.
	var fa, fb [64]bool
	var ma, mb []bool
	if la <= 64 && lb <= 64 {
		ma, mb = fa[:la], fb[:lb]
	} else {
		ma, mb = make([]bool, la), make([]bool, lb)
	}
	matches := 0
	for i := 0; i < la; i++ {
		lo, hi := i-window, i+window+1
		if lo < 0 {
			lo = 0
		}
		if hi > lb {
			hi = lb
		}
		for j := lo; j < hi; j++ {
			if !mb[j] && a[i] == b[j] {
				ma[i], mb[j] = true, true
				matches++
				break
			}
		}
	}
	if matches == 0 {
		return 0
	}
	t, k := 0, 0
	for i := 0; i < la; i++ {
		if !ma[i] {
			continue
		}
		for !mb[k] {
			k++
		}
		if a[i] != b[k] {
			t++
		}
		k++
	}
	m := float64(matches)
	sim := (m/float64(la) + m/float64(lb) + (m-float64(t)/2)/m) / 3
	prefix := 0
	for prefix < la && prefix < 4 && a[prefix] == b[prefix] {
		prefix++
	}
	return sim + float64(prefix)*0.1*(1-sim)
}

func jwBytes(a, b []byte) float64 { return jw(a, b) }
func jwRunes(a, b []rune) float64 { return jw(a, b) }

// levenshteinSim returns 1 - distance/max(len) over characters, the
// "normalised string similarity" used for free text such as addresses,
// where Jaro-Winkler rewards a shared prefix too much. Similarities under
// min are reported as 0 without finishing the computation: random pairs
// are nearly all far apart, and a bounded distance stops early for them.
func levenshteinSim(a, b string, min float64) float64 {
	if a == b {
		if a == "" {
			return 0
		}
		return 1
	}
	if isASCII(a) && isASCII(b) {
		return levSim([]byte(a), []byte(b), min)
	}
	return levSim([]rune(a), []rune(b), min)
}

func levSim[T byte | rune](a, b []T, min float64) float64 {
	n := max(len(a), len(b))
	if n == 0 || len(a) == 0 || len(b) == 0 {
		return 0
	}
	limit := int((1 - min) * float64(n))
	d := levenshteinBounded(a, b, limit)
	if d > limit {
		return 0
	}
	return 1 - float64(d)/float64(n)
}

// levenshteinBounded returns the edit distance of a and b, or limit+1 as
// soon as it is certain to exceed limit.
func levenshteinBounded[T byte | rune](a, b []T, limit int) int {
	if len(a) < len(b) {
		a, b = b, a
	}
	if len(a)-len(b) > limit {
		return limit + 1
	}
	var buf [2 * 65]int
	var prev, cur []int
	if len(b) < 65 {
		prev, cur = buf[:len(b)+1], buf[65:65+len(b)+1]
	} else {
		prev, cur = make([]int, len(b)+1), make([]int, len(b)+1)
	}
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := i
		for j := 1; j <= len(b); j++ {
			c := prev[j-1]
			if a[i-1] != b[j-1] {
				c++
			}
			if v := prev[j] + 1; v < c {
				c = v
			}
			if v := cur[j-1] + 1; v < c {
				c = v
			}
			cur[j] = c
			if c < rowMin {
				rowMin = c
			}
		}
		if rowMin > limit {
			return limit + 1
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
