package linkage

import (
	"math/rand/v2"
	"testing"

	"github.com/qantar-project/qantar/names"
)

// TestBoundsHold: the bounds that let compareWords skip Jaro-Winkler are
// never under the similarity they bound, on random ASCII words (short
// alphabets, so that words share letters) and on Cyrillic ones.
func TestBoundsHold(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	word := func(alpha []string) string {
		s := ""
		for range rng.IntN(11) {
			s += alpha[rng.IntN(len(alpha))]
		}
		return s
	}
	latin := []string{"a", "e", "n", "r", "s", "t", "k", "l", "i", "u", "b", "z"}
	cyr := []string{"а", "е", "н", "р", "с", "т", "к", "л", "a", "n"}
	var words []string
	for range 400 {
		alpha := latin
		if rng.IntN(8) == 0 {
			alpha = cyr
		}
		if w := word(alpha); w != "" {
			words = append(words, w)
		}
	}
	c := &nameCmp{key: func(s string) string { return s }}
	c.prepare(append([]string(nil), words...))
	for x := range c.tokens {
		for y := range c.tokens {
			if b, s := c.simBound(int32(x), int32(y)), c.tokenSim(int32(x), int32(y)); b < s {
				t.Fatalf("simBound(%q, %q) = %v < tokenSim %v", c.tokens[x], c.tokens[y], b, s)
			}
		}
	}
	for range 200000 {
		x, y1, y2 := words[rng.IntN(len(words))], words[rng.IntN(len(words))], words[rng.IntN(len(words))]
		if b, s := joinBound(x, y1, y2), names.JaroWinkler(x, y1+y2); b < s {
			t.Fatalf("joinBound(%q, %q, %q) = %v < %v", x, y1, y2, b, s)
		}
	}
}
