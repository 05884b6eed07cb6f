package mse

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// profile sets a profile-likelihood interval for the population N (Cormack
// 1992; the method of Rcapture): the unrecorded cell is given N − n people,
// the model is refitted to the complete table, and N is in the interval
// while the multinomial profile log-likelihood
//
//	log N! − log (N−n)! + Σ y·log(μ̂/N)
//
// stays within χ²₁(level)/2 of its maximum. The upper end is +Inf when the
// likelihood never falls that far.
func (f *Fit) profile(level float64) error {
	n := float64(f.Observed)
	cd := f.design.withUnrecorded(f.Unrecorded)
	warm := append([]float64(nil), f.beta...)
	evals := 0
	ll := func(N float64) float64 {
		evals++
		y0 := math.Max(N-n, 1e-9)
		cd.y[0] = y0
		pf := cd.fit(warm)
		if pf.converged {
			copy(warm, pf.beta)
		}
		lgN, _ := math.Lgamma(N + 1)
		lg0, _ := math.Lgamma(y0 + 1)
		s := lgN - lg0
		for i, y := range cd.y {
			if y > 0 {
				s += y * math.Log(pf.mu[i]/N)
			}
		}
		return s
	}
	// The profile peaks near, not exactly at, the conditional estimate.
	est := f.Estimate.Estimate
	a, b := n+1e-9, est+2*(est-n)+1
	for ll(b) > ll(est) {
		b = n + 2*(b-n)
		if b > 1e15 {
			return fmt.Errorf("model %s: the profile likelihood has no maximum", f.ModelName)
		}
	}
	const gr = 0.6180339887498949
	x1, x2 := b-gr*(b-a), a+gr*(b-a)
	l1, l2 := ll(x1), ll(x2)
	for i := 0; i < 200 && b-a > 1e-7*math.Max(1, b); i++ {
		if l1 > l2 {
			b, x2, l2 = x2, x1, l1
			x1 = b - gr*(b-a)
			l1 = ll(x1)
		} else {
			a, x1, l1 = x1, x2, l2
			x2 = a + gr*(b-a)
			l2 = ll(x2)
		}
	}
	top, ltop := x1, l1
	if l2 > l1 {
		top, ltop = x2, l2
	}
	crit := distuv.ChiSquared{K: 1}.Quantile(level) / 2
	drop := func(N float64) float64 { return ltop - ll(N) - crit }
	root := func(lo, hi float64) float64 { // drop(lo) and drop(hi) differ in sign
		dlo := drop(lo)
		for i := 0; i < 200 && hi-lo > 1e-7*math.Max(1, hi); i++ {
			mid := (lo + hi) / 2
			if dm := drop(mid); (dm > 0) == (dlo > 0) {
				lo, dlo = mid, dm
			} else {
				hi = mid
			}
		}
		return (lo + hi) / 2
	}
	f.Lower = n
	if drop(n+1e-9) > 0 {
		f.Lower = root(n+1e-9, top)
	}
	hi := top + math.Max(top-n, 1)
	for drop(hi) < 0 {
		hi = n + 2*(hi-n)
		if hi > 1e15 {
			f.Upper = math.Inf(1)
			break
		}
	}
	if !math.IsInf(f.Upper, 1) {
		f.Upper = root(top, hi)
	}
	f.Level = level
	f.Interval = "profile likelihood"
	return nil
}
