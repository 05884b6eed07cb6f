package mse

import (
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// benchTable is a synthetic table of k lists: a population of n people in
// three latent classes with different capture probabilities, drawn with a
// fixed seed, so that lists are dependent and most cells are filled.
func benchTable(b *testing.B, k int, n float64) *Table {
	rng := rand.New(rand.NewPCG(uint64(k), 42))
	names := make([]string, k)
	for j := range names {
		names[j] = string(rune('A' + j))
	}
	tab, _ := NewTable(names)
	classes := []struct{ w, p float64 }{{0.5, 0.45}, {0.3, 0.2}, {0.2, 0.06}}
	probs := make([][]float64, len(classes))
	for c := range classes {
		probs[c] = make([]float64, k)
		for j := range probs[c] {
			probs[c][j] = classes[c].p * (0.7 + 0.6*rng.Float64())
		}
	}
	for q := 1; q < 1<<uint(k); q++ {
		mu := 0.0
		for c, cl := range classes {
			v := n * cl.w
			for j := 0; j < k; j++ {
				if q>>uint(j)&1 == 1 {
					v *= probs[c][j]
				} else {
					v *= 1 - probs[c][j]
				}
			}
			mu += v
		}
		tab.Add(Pattern(q), int64(distuv.Poisson{Lambda: mu, Src: rng}.Rand()))
	}
	return tab
}

func benchSearch(b *testing.B, k int) {
	tab := benchTable(b, k, 20000)
	for b.Loop() {
		r, err := Search(tab, SearchOptions{Criterion: BIC, MaxOrder: 2, FitOptions: FitOptions{Interval: IntervalNone}})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(r.Searched), "models")
	}
	b.ReportMetric(float64(len(tab.Cells())), "cells")
}

// BenchmarkSearchBIC5 is the exhaustive BIC search over the 1,024
// hierarchical models of order ≤ 2 on 5 lists.
func BenchmarkSearchBIC5(b *testing.B) { benchSearch(b, 5) }

// BenchmarkSearchBIC6 is the exhaustive BIC search over the 32,768
// hierarchical models of order ≤ 2 on 6 lists.
func BenchmarkSearchBIC6(b *testing.B) { benchSearch(b, 6) }

// BenchmarkSearchBIC4Order3 is the Kosovo-sized search: 113 models of
// order ≤ 3 on 4 lists.
func BenchmarkSearchBIC4Order3(b *testing.B) {
	tab := benchTable(b, 4, 5000)
	for b.Loop() {
		if _, err := Search(tab, SearchOptions{Criterion: BIC, MaxOrder: 3, FitOptions: FitOptions{Interval: IntervalNone}}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLCMCR10 is 100,000 Gibbs sweeps (after the fixed 500-sweep
// warm-up, no further burn-in) of LCMCR with K = 5 on a 10-list table.
func BenchmarkLCMCR10(b *testing.B) {
	tab := benchTable(b, 10, 5000)
	for b.Loop() {
		if _, err := LCMCR(tab, LCMCROptions{Seed: 1, Burnin: -1, Iterations: 100000}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(tab.Cells())), "cells")
	b.ReportMetric(float64(tab.Observed()), "people")
}

// BenchmarkProfileInterval is one profile-likelihood interval on 6 lists.
func BenchmarkProfileInterval(b *testing.B) {
	tab := benchTable(b, 6, 20000)
	m := NewModel(3, 6, 12)
	for b.Loop() {
		if _, err := FitLogLinear(tab, m, FitOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStratifiedRefit10x5: ten strata of five lists, log-linear with
// a bootstrap interval that refits each stratum's chosen model (what the
// application's estimate by place does). The re-selecting bootstrap of the
// same strata is far slower (minutes; docs/bench/mse.md).
func BenchmarkStratifiedRefit10x5(b *testing.B) {
	var strata []Stratum
	for i := range 10 {
		strata = append(strata, Stratum{Key: string(rune('a' + i)), Table: benchTable(b, 5, 800+float64(100*i))})
	}
	m := Method{Name: "loglinear", Level: 0.95, Search: SearchOptions{Criterion: BIC, MaxOrder: 2, RefitChosen: true}}
	for b.Loop() {
		if _, err := Stratified(strata, m); err != nil {
			b.Fatal(err)
		}
	}
}
