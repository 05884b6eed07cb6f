package linkage

import (
	"strings"
	"unicode/utf8"

	"github.com/qantar-project/qantar/names"
)

// KeyFunc turns a name as written into a match key: two spellings of one
// name should give the same key, or keys close in Jaro-Winkler similarity.
// The key is compared token by token, so it must keep the spaces between
// the parts of a name. The default is names.Key (Kazakh and Russian
// Cyrillic and every common Latin transliteration folded to one spelling,
// patronymic endings written one way).
type KeyFunc func(string) string

// foldText normalises free text and codes as names are: one script, one
// spelling of each sound ("Атырау", "Atyraū" and "ATYRAU" agree; so do the
// sex codes "м" and "M"), by the word keys of package names, kept in the
// order written (names.Key sorts them, which suits names but not
// addresses).
func foldText(s string) string { return strings.Join(names.WordKeys(s), " ") }

// textSim returns 1 - distance/max(len) over characters (the "normalised
// string similarity" used for free text such as addresses, where
// Jaro-Winkler rewards a shared prefix too much), with names.Distance as the
// distance. Similarities under min are reported as 0 without finishing the
// computation: random pairs are nearly all far apart, and a bounded
// distance stops early for them.
func textSim(a, b string, min float64) float64 {
	if a == "" || b == "" {
		return 0
	}
	if a == b {
		return 1
	}
	n := max(len(a), len(b))
	if !isASCII(a) || !isASCII(b) {
		n = max(utf8.RuneCountInString(a), utf8.RuneCountInString(b))
	}
	limit := int((1 - min) * float64(n))
	d := names.DistanceAtMost(a, b, limit)
	if d > limit {
		return 0
	}
	return 1 - float64(d)/float64(n)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
