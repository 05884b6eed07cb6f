package mse

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// The number of hierarchical models, checked against brute force: every
// subset of the candidate terms that contains, with each term, its subsets.
func TestHierarchicalModelCount(t *testing.T) {
	for _, c := range []struct{ k, order int }{{3, 2}, {4, 2}, {4, 3}, {5, 2}} {
		var cands []Pattern
		for p := Pattern(1); p < 1<<uint(c.k); p++ {
			if s := p.Size(); s >= 2 && s <= c.order {
				cands = append(cands, p)
			}
		}
		want := 0
		for set := uint64(0); set < 1<<uint(len(cands)); set++ {
			in := map[Pattern]bool{}
			for i, p := range cands {
				if set>>uint(i)&1 == 1 {
					in[p] = true
				}
			}
			closed := true
			for p := range in {
				for r := uint64(p); r != 0; r &= r - 1 {
					if sub := p &^ Pattern(r&-r); sub.Size() >= 2 && !in[sub] {
						closed = false
					}
				}
			}
			if closed {
				want++
			}
		}
		got := len(mustModels(t, c.k, c.order))
		if got != want {
			t.Errorf("k=%d order %d: %d models, brute force %d", c.k, c.order, got, want)
		}
	}
}

// expectedTable is a table whose counts are the expected counts (rounded) of
// a population of size n under a log-linear model with list probabilities p
// and an extra log-odds ratio between lists 0 and 1.
func expectedTable(t testing.TB, n float64, p []float64, assoc float64, rng *rand.Rand) *Table {
	names := []string{"A", "B", "C", "D", "E", "F", "G", "H", "I", "J"}[:len(p)]
	tab, _ := NewTable(names)
	k := len(p)
	w := make([]float64, 1<<uint(k))
	total := 0.0
	for q := 0; q < 1<<uint(k); q++ {
		v := 1.0
		for j := 0; j < k; j++ {
			if q>>uint(j)&1 == 1 {
				v *= p[j]
			} else {
				v *= 1 - p[j]
			}
		}
		if q&3 == 3 {
			v *= math.Exp(assoc)
		}
		w[q] = v
		total += v
	}
	for q := 1; q < 1<<uint(k); q++ {
		mu := n * w[q] / total
		c := math.Round(mu)
		if rng != nil {
			c = distuv.Poisson{Lambda: mu, Src: rng}.Rand()
		}
		tab.Add(Pattern(q), int64(c))
	}
	return tab
}

// With a strong association between lists A and B and a large population,
// BIC must find A:B and the estimate the population.
func TestSearchFindsTheModel(t *testing.T) {
	tab := expectedTable(t, 100000, []float64{0.3, 0.25, 0.2, 0.35}, 1.5, nil)
	for _, crit := range []string{AIC, BIC} {
		r, err := Search(tab, SearchOptions{Criterion: crit, FitOptions: FitOptions{Interval: IntervalNone}})
		if err != nil {
			t.Fatal(err)
		}
		if r.Best.ModelName != "A:B" {
			t.Errorf("%s chose %s, want A:B", crit, r.Best.ModelName)
		}
		if !near(r.Best.Estimate.Estimate, 100000, 0.01) {
			t.Errorf("%s estimate %.0f, want about 100000", crit, r.Best.Estimate.Estimate)
		}
		if r.Searched != 64 || len(r.Ranking)+len(r.Excluded) != 64 {
			t.Errorf("searched %d, ranked %d + %d excluded, want 64", r.Searched, len(r.Ranking), len(r.Excluded))
		}
		for i := 1; i < len(r.Ranking); i++ {
			if r.Ranking[i].Criterion < r.Ranking[i-1].Criterion {
				t.Fatalf("ranking not sorted at %d", i)
			}
		}
	}
}

func TestSearchTooManyModels(t *testing.T) {
	tab := expectedTable(t, 10000, []float64{0.3, 0.3, 0.3, 0.3, 0.3}, 0, nil)
	if _, err := Search(tab, SearchOptions{MaxOrder: 2, MaxModels: 100}); err == nil {
		t.Error("a search of 1024 models with a limit of 100 ran")
	}
}

// TestSearchRefitChosen: a bootstrap that refits the chosen model keeps the
// search's model and point estimate, gives an interval around it, says how
// it was made, and serves Stratified.
func TestSearchRefitChosen(t *testing.T) {
	tab, err := NewTable([]string{"A", "B", "C"})
	if err != nil {
		t.Fatal(err)
	}
	for p, c := range map[Pattern]int64{1: 30, 2: 20, 3: 10, 4: 25, 5: 8, 6: 6, 7: 4} {
		if err := tab.Add(p, c); err != nil {
			t.Fatal(err)
		}
	}
	plain, err := Search(tab, SearchOptions{Criterion: BIC, FitOptions: FitOptions{Interval: IntervalNone}})
	if err != nil {
		t.Fatal(err)
	}
	refit, err := Search(tab, SearchOptions{Criterion: BIC, RefitChosen: true, FitOptions: FitOptions{Interval: IntervalBootstrap, Bootstrap: 300, Seed: 7}})
	if err != nil {
		t.Fatal(err)
	}
	b := refit.Best
	if b.ModelName != plain.Best.ModelName || b.Estimate.Estimate != plain.Best.Estimate.Estimate {
		t.Fatalf("refit: %s %.3f, search: %s %.3f", b.ModelName, b.Estimate.Estimate, plain.Best.ModelName, plain.Best.Estimate.Estimate)
	}
	if !(b.Lower <= b.Estimate.Estimate && b.Estimate.Estimate <= b.Upper) || b.Lower == b.Upper || len(b.Replicates) == 0 {
		t.Fatalf("interval [%v, %v] around %v, %d replicates", b.Lower, b.Upper, b.Estimate.Estimate, len(b.Replicates))
	}
	if !strings.Contains(b.Interval, "refitting the chosen model") || strings.Contains(b.Interval, "re-selecting") {
		t.Fatalf("interval described as %q", b.Interval)
	}
	res, err := Stratified([]Stratum{{Key: "a", Table: tab}, {Key: "b", Table: tab}},
		Method{Name: "loglinear", Level: 0.95, Search: SearchOptions{Criterion: BIC, RefitChosen: true, FitOptions: FitOptions{Bootstrap: 300}}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := res.Total.Estimate, 2*plain.Best.Estimate.Estimate; math.Abs(got-want) > 1e-9 {
		t.Fatalf("stratified total %v, want %v", got, want)
	}
}
