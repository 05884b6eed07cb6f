package names

import (
	"math/rand/v2"
	"testing"
)

// TestJaroWinklerASCII: on ASCII strings it gives JaroWinkler's value,
// bit for bit.
func TestJaroWinklerASCII(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	word := func() string {
		b := make([]byte, rng.IntN(12))
		for i := range b {
			b[i] = "abcdeiknorstuyz"[rng.IntN(15)]
		}
		return string(b)
	}
	pairs := [][2]string{{"", ""}, {"", "a"}, {"martha", "marhta"}, {"dixon", "dicksonx"}, {"nurlan", "nurlan"}}
	for range 20000 {
		pairs = append(pairs, [2]string{word(), word()})
	}
	for _, p := range pairs {
		if got, want := JaroWinklerASCII(p[0], p[1]), JaroWinkler(p[0], p[1]); got != want {
			t.Fatalf("JaroWinklerASCII(%q, %q) = %v, JaroWinkler %v", p[0], p[1], got, want)
		}
	}
}
