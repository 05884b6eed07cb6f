package names

import (
	"math"
	"testing"
)

func TestDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"abc", "", 3}, {"", "ab", 2},
		{"kitten", "sitting", 3}, // the textbook Levenshtein example
		{"ca", "abc", 3},         // OSA, not full Damerau-Levenshtein (which gives 2)
		{"taldikorgan", "tladikorgan", 1},
		{"janaozen", "janaozn", 1},
		{"tokaev", "tokaeva", 1},
		{"жаңаөзен", "жанаөзен", 1}, // runes, not bytes
	}
	for _, tt := range tests {
		if got := Distance(tt.a, tt.b); got != tt.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := Distance(tt.b, tt.a); got != tt.want {
			t.Errorf("Distance(%q, %q) = %d, want %d (symmetry)", tt.b, tt.a, got, tt.want)
		}
	}
}

// The Jaro-Winkler values are those published by Winkler (1990) and used as
// the standard check of implementations.
func TestJaroWinkler(t *testing.T) {
	tests := []struct {
		a, b string
		want float64
	}{
		{"MARTHA", "MARHTA", 0.961},
		{"DWAYNE", "DUANE", 0.840},
		{"DIXON", "DICKSONX", 0.813},
		{"abc", "abc", 1},
		{"abc", "xyz", 0},
		{"", "abc", 0},
	}
	for _, tt := range tests {
		if got := JaroWinkler(tt.a, tt.b); math.Abs(got-tt.want) > 0.0005 {
			t.Errorf("JaroWinkler(%q, %q) = %.4f, want %.3f", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestMatch(t *testing.T) {
	tests := []struct {
		name        string
		query, full string
		ok          bool
	}{
		{"Surname", "Tokayev", "Тоқаев Қасым-Жомарт Кемелұлы", true},
		{"AnyOrder", "Kemelevich Tokayev", "Тоқаев Қасым-Жомарт Кемелұлы", true},
		{"Typo", "Tokaaev Kasim", "Тоқаев Қасым-Жомарт", true},
		{"QueryLonger", "Tokayev Kasym Jomart Kemeluly Extra", "Тоқаев Қасым-Жомарт Кемелұлы", false},
		{"SameWordTwice", "Tokayev Tokayev", "Тоқаев Қасым", false},
		{"ShortNoTypo", "Ali", "Әлі", true},
		{"ShortTypo", "Ali", "Олі", false},
		{"Empty", "", "Тоқаев", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, ok := Match(tt.query, tt.full); ok != tt.ok {
				t.Errorf("Match(%q, %q) ok = %v, want %v", tt.query, tt.full, ok, tt.ok)
			}
		})
	}
	full, _ := Match("Tokayev", "Тоқаев")
	part, _ := Match("Tokayev", "Тоқаев Қасым-Жомарт")
	if !(full > part) {
		t.Errorf("a full-name match scores %.3f, a partial one %.3f: want full higher", full, part)
	}
}
