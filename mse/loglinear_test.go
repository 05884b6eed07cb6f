package mse

import (
	"errors"
	"math"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// Two lists under independence: the estimate is Lincoln–Petersen,
// n + n10·n01/n11.
func TestLogLinearTwoListsIsLincolnPetersen(t *testing.T) {
	tab := tableOf(t, "A,B", "11 20", "10 80", "01 60")
	f, err := FitLogLinear(tab, Model{}, FitOptions{Interval: IntervalNone})
	if err != nil {
		t.Fatal(err)
	}
	if want := 100.0 * 80 / 20; !near(f.Estimate.Estimate, want, 1e-9) {
		t.Errorf("estimate %v, want n1·n2/m = %v", f.Estimate.Estimate, want)
	}
}

// Three lists, all two-way interactions: the model is saturated on the seven
// observed cells and the unrecorded cell is n100·n010·n001·n111 /
// (n110·n101·n011).
func TestLogLinearAllPairsClosedForm(t *testing.T) {
	tab := tableOf(t, "A,B,C", "111 7", "110 21", "101 13", "011 9", "100 55", "010 40", "001 33")
	m, _ := ParseModel("1:2,1:3,2:3", tab.Lists())
	f, err := FitLogLinear(tab, m, FitOptions{Interval: IntervalNone})
	if err != nil {
		t.Fatal(err)
	}
	want := float64(tab.Observed()) + 55.0*40*33*7/(21*13*9)
	if !near(f.Estimate.Estimate, want, 1e-8) {
		t.Errorf("estimate %v, want %v", f.Estimate.Estimate, want)
	}
	// Saturated: the log-likelihood is that of the observed counts.
	ll := 0.0
	for _, c := range tab.Cells() {
		ll += distuv.Poisson{Lambda: float64(c.Count)}.LogProb(float64(c.Count))
	}
	if math.Abs(f.LogLik-ll) > 1e-6 {
		t.Errorf("log-likelihood %v, want %v", f.LogLik, ll)
	}
	if want := -2*ll + 7*math.Log(float64(tab.Observed())); math.Abs(f.BIC-want) > 1e-6 {
		t.Errorf("BIC %v, want %v", f.BIC, want)
	}
}

// The profile interval for two lists, checked against a direct scan of the
// multinomial profile likelihood, whose fit on the complete 2×2 table is in
// closed form (row total × column total / N).
func TestProfileIntervalTwoLists(t *testing.T) {
	a, b, c := 54.0, 413.0, 396.0
	tab := tableOf(t, "A,B", "11 54", "10 413", "01 396")
	f, err := FitLogLinear(tab, Model{}, FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	n := a + b + c
	prof := func(N float64) float64 {
		r1, r2, d := a+b, a+c, N-n
		l := a*math.Log(r1*r2/N/N) + b*math.Log(r1*(N-r2)/N/N) + c*math.Log((N-r1)*r2/N/N)
		if d > 0 {
			l += d * math.Log((N-r1)*(N-r2)/N/N)
		}
		lgN, _ := math.Lgamma(N + 1)
		lgd, _ := math.Lgamma(d + 1)
		return lgN - lgd + l
	}
	top := math.Inf(-1)
	for N := n; N < 20000; N += 0.25 {
		top = math.Max(top, prof(N))
	}
	lo, hi := 0.0, 0.0
	for N := n; N < 20000; N += 0.25 {
		if 2*(top-prof(N)) <= 3.841458820694124 {
			if lo == 0 {
				lo = N
			}
			hi = N
		}
	}
	if math.Abs(f.Lower-lo) > 0.5 || math.Abs(f.Upper-hi) > 0.5 {
		t.Errorf("profile interval [%.2f, %.2f], scan gives [%.2f, %.2f]", f.Lower, f.Upper, lo, hi)
	}
}

// A synthetic table with the zero pattern of Chan, Silverman & Vincent's
// artificial example: A and B overlap, C overlaps neither.
func TestExistenceCodes(t *testing.T) {
	tab := tableOf(t, "A,B,C", "110 3", "100 25", "010 17", "001 11")
	for _, c := range []struct {
		name, model string
		want        error
	}{
		{"AllPairsNotIdentifiable", "1:2,1:3,2:3", ErrNotIdentifiable},
		{"ABNoMLE", "1:2", ErrNoMLE},
		{"ACBCEstimable", "1:3,2:3", nil},
		{"MainEffectsEstimable", "main", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			m, err := ParseModel(c.model, tab.Lists())
			if err != nil {
				t.Fatal(err)
			}
			f, err := FitLogLinear(tab, m, FitOptions{})
			if c.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				// The likelihood equations: fitted list totals are observed ones.
				for j := 0; j < 3; j++ {
					fit := 0.0
					for p, mu := range f.Fitted {
						if p.Has(j) {
							fit += mu
						}
					}
					if !near(fit, float64(tab.ListTotal(j)), 1e-8) {
						t.Errorf("list %d: fitted total %v, observed %d", j, fit, tab.ListTotal(j))
					}
				}
				return
			}
			if !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
			if _, ok := Message(err); !ok {
				t.Errorf("error %v is not an *Error", err)
			}
		})
	}
}

// Every zero pattern of a three-list table, every model: the existence test
// must agree with what Newton's method does (converge with every fitted mean
// away from zero, or run a zero cell's mean to zero).
func TestExistenceAgreesWithNewton(t *testing.T) {
	base := []int64{0, 30, 20, 7, 25, 6, 5, 3} // by pattern bits CBA
	for zeros := 0; zeros < 1<<7; zeros++ {
		tab, _ := NewTable([]string{"A", "B", "C"})
		for p := 1; p < 8; p++ {
			if zeros>>(p-1)&1 == 0 {
				tab.Add(Pattern(p), base[p])
			}
		}
		if tab.check() != nil {
			continue
		}
		for _, m := range mustModels(t, 3, 2) {
			d, _ := newDesign(tab, m)
			if !d.fullRank() {
				continue
			}
			ok, err := d.mleExists()
			if err != nil {
				t.Fatal(err)
			}
			pf := d.fit(nil)
			minMu := math.Inf(1)
			for _, mu := range pf.mu {
				minMu = math.Min(minMu, mu)
			}
			newton := pf.converged && minMu > 1e-6
			if ok != newton {
				t.Errorf("zeros %07b model %s: existence test %v, Newton converged %v (min mean %g)", zeros, m.Numbers(), ok, pf.converged, minMu)
			}
		}
	}
}

func mustModels(t *testing.T, k, order int) []Model {
	ms, err := hierarchicalModels(k, order, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

func TestBootstrapReproducible(t *testing.T) {
	tab := tableOf(t, "A,B,C", "111 7", "110 21", "101 13", "011 9", "100 55", "010 40", "001 33")
	m, _ := ParseModel("1:2", tab.Lists())
	run := func(seed uint64) *Fit {
		f, err := FitLogLinear(tab, m, FitOptions{Interval: IntervalBootstrap, Bootstrap: 200, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	a, b, c := run(7), run(7), run(8)
	if a.Lower != b.Lower || a.Upper != b.Upper {
		t.Errorf("same seed, different intervals: [%v %v] and [%v %v]", a.Lower, a.Upper, b.Lower, b.Upper)
	}
	if a.Lower == c.Lower && a.Upper == c.Upper {
		t.Errorf("different seeds, same interval")
	}
	if !(a.Lower < a.Estimate.Estimate && a.Estimate.Estimate < a.Upper) {
		t.Errorf("bootstrap interval [%v, %v] misses the estimate %v", a.Lower, a.Upper, a.Estimate.Estimate)
	}
}

func TestLogLinearErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		tab  *Table
		m    Model
	}{
		{"OneList", tableOf(t, "A", "1 10"), Model{}},
		{"EmptyList", tableOf(t, "A,B,C", "100 10", "010 5", "110 2"), Model{}},
		{"AllWayTerm", tableOf(t, "A,B", "11 2", "10 5", "01 4"), NewModel(3)},
		{"TermBeyondLists", tableOf(t, "A,B,C", "111 1", "110 2", "100 5", "010 4", "001 3"), NewModel(1 | 8)},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := FitLogLinear(c.tab, c.m, FitOptions{})
			if _, ok := Message(err); !ok {
				t.Errorf("got %v, want an invalid-input error", err)
			}
		})
	}
}
