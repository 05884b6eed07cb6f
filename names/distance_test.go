package names

import (
	"math"
	"strings"
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

// TestDistanceAtMost: the bounded distance is the distance when within the
// limit and limit+1 otherwise, over pairs of every kind (ASCII, Cyrillic,
// mixed, swaps, empty).
func TestDistanceAtMost(t *testing.T) {
	words := []string{"", "a", "ab", "ba", "abc", "ca", "kitten", "sitting", "taldikorgan", "tladikorgan",
		"janaozen", "janaozn", "жаңаөзен", "жанаөзен", "жanaozen", "tokaev", "tokaeva", "abdulaev", "abdullaiev",
		"abcdef", "badcfe", "bacdfe", "xxabcdef"}
	for _, a := range words {
		for _, b := range words {
			full := naiveOSA([]rune(a), []rune(b))
			if got := Distance(a, b); got != full {
				t.Errorf("Distance(%q, %q) = %d, want %d", a, b, got, full)
			}
			for limit := 0; limit <= 4; limit++ {
				want := min(full, limit+1)
				if got := DistanceAtMost(a, b, limit); got != want {
					t.Errorf("DistanceAtMost(%q, %q, %d) = %d, want %d", a, b, limit, got, want)
				}
			}
		}
	}
}

// naiveOSA is the textbook full-matrix optimal string alignment distance.
func naiveOSA(a, b []rune) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

// TestJaroWinklerScripts: the ASCII and rune paths give the same value for
// the same letters, and the measure is symmetric.
func TestJaroWinklerScripts(t *testing.T) {
	// The same shapes written in Latin and in Cyrillic letters.
	lat := []string{"martha", "marhta", "dwayne", "duane", "abcdefgh", "hgfedcba", "nurlan", "nurlna"}
	toCyr := strings.NewReplacer("a", "а", "b", "б", "c", "ц", "d", "д", "e", "е", "f", "ф", "g", "г", "h", "х",
		"l", "л", "m", "м", "n", "н", "r", "р", "t", "т", "u", "у", "w", "ш", "y", "ы")
	for _, a := range lat {
		for _, b := range lat {
			ascii, cyr := JaroWinkler(a, b), JaroWinkler(toCyr.Replace(a), toCyr.Replace(b))
			if math.Abs(ascii-cyr) > 1e-12 {
				t.Errorf("JaroWinkler(%q, %q) = %.4f in Latin, %.4f in Cyrillic", a, b, ascii, cyr)
			}
			if rev := JaroWinkler(b, a); math.Abs(ascii-rev) > 1e-12 {
				t.Errorf("JaroWinkler(%q, %q) = %.4f, reversed %.4f", a, b, ascii, rev)
			}
		}
	}
	if got := JaroWinkler("нурлан", "нурлaн"); got < 0.85 || got >= 1 { // a Latin a among Cyrillic letters
		t.Errorf("JaroWinkler(нурлан, нурлaн) = %.4f, want in [0.85, 1)", got)
	}
}
