package mse

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// Independent lists are a latent-class model with one class: the posterior
// must cover the true population.
func TestLCMCRIndependentLists(t *testing.T) {
	tab := expectedTable(t, 3000, []float64{0.3, 0.25, 0.35, 0.3}, 0, nil)
	p, err := LCMCR(tab, LCMCROptions{Seed: 1, Iterations: 20000, Burnin: 2000})
	if err != nil {
		t.Fatal(err)
	}
	if !(p.Lower < 3000 && 3000 < p.Upper) {
		t.Errorf("interval [%v, %v] misses the population 3000", p.Lower, p.Upper)
	}
	if !near(p.Mean, 3000, 0.03) {
		t.Errorf("posterior mean %.0f, want about 3000", p.Mean)
	}
	if !(p.Lower <= p.Median && p.Median <= p.Upper) || p.Estimate.Estimate != p.Mean {
		t.Errorf("summaries out of order: %+v", p.Estimate)
	}
	if len(p.Samples) != 2000 {
		t.Errorf("%d samples, want 20000/10", len(p.Samples))
	}
}

// Two groups with different capture probabilities: heterogeneity that an
// independence model underestimates and latent classes recover.
func TestLCMCRHeterogeneity(t *testing.T) {
	a := expectedTable(t, 2000, []float64{0.5, 0.45, 0.5, 0.4, 0.5}, 0, nil)
	b := expectedTable(t, 2000, []float64{0.08, 0.1, 0.06, 0.1, 0.08}, 0, nil)
	tab, _ := Merge([]Stratum{{Table: a}, {Table: b}})
	p, err := LCMCR(tab, LCMCROptions{Seed: 3, Iterations: 20000, Burnin: 5000})
	if err != nil {
		t.Fatal(err)
	}
	ind, err := FitLogLinear(tab, Model{}, FitOptions{Interval: IntervalNone})
	if err != nil {
		t.Fatal(err)
	}
	if !(math.Abs(p.Mean-4000) < math.Abs(ind.Estimate.Estimate-4000)) {
		t.Errorf("LCMCR %.0f is no closer to 4000 than independence %.0f", p.Mean, ind.Estimate.Estimate)
	}
	if !(p.Lower < 4000 && 4000 < p.Upper) {
		t.Errorf("interval [%.0f, %.0f] misses 4000", p.Lower, p.Upper)
	}
}

func TestLCMCRReproducible(t *testing.T) {
	tab := expectedTable(t, 800, []float64{0.3, 0.4, 0.2}, 0.5, rand.New(rand.NewPCG(5, 5)))
	run := func(seed uint64, chains int) *Posterior {
		p, err := LCMCR(tab, LCMCROptions{Seed: seed, Iterations: 2000, Burnin: 200, Chains: chains})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	if a, b := run(9, 2), run(9, 2); !slices.Equal(a.Samples, b.Samples) {
		t.Error("the same seed gave different samples")
	}
	if a, b := run(9, 1), run(10, 1); slices.Equal(a.Samples, b.Samples) {
		t.Error("different seeds gave the same samples")
	}
}

func TestLCMCROptionErrors(t *testing.T) {
	tab := tableOf(t, "A,B", "11 20", "10 80", "01 60")
	for _, c := range []struct {
		name string
		o    LCMCROptions
	}{
		{"NegativeK", LCMCROptions{K: -1}},
		{"TooFewSamples", LCMCROptions{Iterations: 10, Thin: 10}},
		{"BadLevel", LCMCROptions{Level: 1.5}},
		{"NegativeThin", LCMCROptions{Thin: -2}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := LCMCR(tab, c.o); err == nil {
				t.Error("no error")
			}
		})
	}
	if _, err := LCMCR(tableOf(t, "A", "1 5"), LCMCROptions{}); err == nil {
		t.Error("one list accepted")
	}
}

func TestDiagnostics(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	iid := func(n int, shift float64) []float64 {
		x := make([]float64, n)
		for i := range x {
			x[i] = rng.NormFloat64() + shift
		}
		return x
	}
	same := diagnose([][]float64{iid(2000, 0), iid(2000, 0)})
	if same.SplitRhat > 1.02 || !same.Converged || math.Abs(same.GewekeZ) > 4 {
		t.Errorf("iid chains look unconverged: %+v", same)
	}
	if same.ESS < 2000 || same.ESS > 6000 {
		t.Errorf("iid ESS %.0f, want about 4000", same.ESS)
	}
	apart := diagnose([][]float64{iid(2000, 0), iid(2000, 3)})
	if apart.SplitRhat < 1.5 || apart.Converged {
		t.Errorf("chains 3 sd apart look converged: %+v", apart)
	}
	trend := make([]float64, 2000)
	for i := range trend {
		trend[i] = float64(i)/200 + rng.NormFloat64()
	}
	if d := diagnose([][]float64{trend}); math.Abs(d.GewekeZ) < 3 || d.Converged {
		t.Errorf("a trending chain looks converged: %+v", d)
	}
}

func TestStratified(t *testing.T) {
	a := tableOf(t, "A,B", "11 20", "10 80", "01 60")
	b := tableOf(t, "A,B", "11 10", "10 30", "01 50")
	strata := []Stratum{{Key: "Almaty", Table: a}, {Key: "Taraz", Table: b}}
	for _, name := range []string{"chapman", "loglinear", "lcmcr"} {
		t.Run(name, func(t *testing.T) {
			m := Method{Name: name, Search: SearchOptions{FitOptions: FitOptions{Bootstrap: 400}}, LCMCR: LCMCROptions{Iterations: 4000, Burnin: 500}}
			r, err := Stratified(strata, m)
			if err != nil {
				t.Fatal(err)
			}
			sum, lo, hi := 0.0, 0.0, 0.0
			for _, s := range r.Strata {
				sum += s.Estimate.Estimate
				lo += s.Lower
				hi += s.Upper
			}
			if !near(r.Total.Estimate, sum, 1e-12) {
				t.Errorf("total %v, sum of strata %v", r.Total.Estimate, sum)
			}
			// Independent errors partly cancel: the total's interval is
			// inside the sum of the strata's bounds, and around the total.
			if !(lo <= r.Total.Lower && r.Total.Lower < r.Total.Estimate && r.Total.Estimate < r.Total.Upper && r.Total.Upper <= hi) {
				t.Errorf("total interval [%.0f, %.0f] around %.0f, strata add to [%.0f, %.0f]", r.Total.Lower, r.Total.Upper, r.Total.Estimate, lo, hi)
			}
			if r.Total.Observed != a.Observed()+b.Observed() {
				t.Errorf("observed %d", r.Total.Observed)
			}
		})
	}
	_, err := Stratified([]Stratum{{Key: "Almaty", Table: a}, {Key: "Shymkent", Table: tableOf(t, "A,B", "10 4")}}, Method{Name: "chapman"})
	if err == nil || !strings.Contains(err.Error(), `stratum "Shymkent"`) {
		t.Errorf("got %v, want an error naming the stratum", err)
	}
}
