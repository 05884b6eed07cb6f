package names

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

var fuzzSeeds = []string{
	"Тоқаев Қасым-Жомарт Кемелұлы", "Kassym-Zhomart Tokayev", "Jan'ao'zen", "Жаңаөзен",
	"ТОКАEВ", "Toқaeв", "Ol'ga Vasilʹeva", "s\"esh'", "е\u0308", "и\u0306", "Qonaev (Qapşağai)",
	"\xff\xfe", "", " - ", "ǅ ǈ ǋ", "İIıi", "ß ẞ", "a\u0301\u0327", "Кемел ұлы", "2022",
}

// FuzzNormalize: no panic, valid UTF-8, idempotent, no double or edge spaces.
func FuzzNormalize(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		if !utf8.ValidString(n) {
			t.Fatalf("Normalize(%q) = %q: invalid UTF-8", s, n)
		}
		if again := Normalize(n); again != n {
			t.Fatalf("Normalize not idempotent on %q: %q then %q", s, n, again)
		}
		if strings.Contains(n, "  ") || strings.TrimSpace(n) != n {
			t.Fatalf("Normalize(%q) = %q: stray spaces", s, n)
		}
	})
}

// FuzzKey: no panic, valid UTF-8, name order ignored, Normalize changes
// nothing the key sees (when there is no apostrophe, whose 2017 meaning
// Normalize drops), and WordKeys agrees with Key.
func FuzzKey(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k := Key(s)
		if !utf8.ValidString(k) {
			t.Fatalf("Key(%q) = %q: invalid UTF-8", s, k)
		}
		words := WordKeys(s)
		for _, w := range words {
			if w == "" || strings.Contains(w, " ") {
				t.Fatalf("WordKeys(%q) = %q: empty word or space", s, words)
			}
		}
		sorted := slices.Clone(words)
		slices.Sort(sorted)
		if strings.Join(sorted, " ") != k {
			t.Fatalf("Key(%q) = %q but WordKeys = %q", s, k, words)
		}
		fields := strings.Fields(Normalize(s))
		if !strings.ContainsFunc(s, isApostrophe) {
			if kn := Key(Normalize(s)); kn != k {
				t.Fatalf("Key(%q) = %q, Key(Normalize) = Key(%q) = %q", s, k, Normalize(s), kn)
			}
			slices.Reverse(fields)
			if kr := Key(strings.Join(fields, " ")); kr != k && !strings.Contains(k, "uli") && !strings.Contains(k, "kizi") {
				// Reversal can detach a separate ұлы from its stem; otherwise
				// order must not matter.
				t.Fatalf("Key(%q) = %q, reversed %q", s, k, kr)
			}
		}
	})
}
