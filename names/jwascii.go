package names

// JaroWinklerASCII is JaroWinkler of two strings the caller knows to be
// ASCII (record linkage keeps that flag per word): the same value, computed
// on the strings' bytes where they are, without the check of every byte
// that JaroWinkler makes on each call nor a copy of either string.
func JaroWinklerASCII(a, b string) float64 {
	if a == b {
		return 1
	}
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	window := max(len(b)/2-1, 0)
	var fa, fb [64]bool
	var matchA, matchB []bool
	if len(b) <= 64 {
		matchA, matchB = fa[:len(a)], fb[:len(b)]
	} else {
		matchA, matchB = make([]bool, len(a)), make([]bool, len(b))
	}
	matches := 0
	for i := 0; i < len(a); i++ {
		r := a[i]
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
