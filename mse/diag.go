package mse

import (
	"math"
	"math/bits"
)

func trailingZeros(x uint64) int { return bits.TrailingZeros64(x) }

// Diagnostics are convergence diagnostics of the chains of N.
type Diagnostics struct {
	// GewekeZ compares the mean of the first 10% of each chain with the
	// mean of its last 50% (Geweke 1992); |z| above 2 hints that the chain
	// had not settled. With several chains, the largest |z|.
	GewekeZ float64
	// SplitRhat is the potential scale reduction of Gelman et al. (2013)
	// over the halves of every chain; above 1.05 the chains disagree.
	SplitRhat float64
	// ESS is the effective sample size of the kept draws, over all chains.
	ESS float64
	// Converged is SplitRhat < 1.05, |GewekeZ| < 3 and ESS ≥ 100.
	Converged bool
}

func diagnose(chains [][]float64) Diagnostics {
	var d Diagnostics
	var halves [][]float64
	for _, ch := range chains {
		h := len(ch) / 2
		halves = append(halves, ch[:h], ch[len(ch)-h:])
		if z := geweke(ch); math.Abs(z) > math.Abs(d.GewekeZ) || math.IsNaN(z) {
			d.GewekeZ = z
		}
		d.ESS += ess(ch)
	}
	d.SplitRhat = rhat(halves)
	d.Converged = d.SplitRhat < 1.05 && math.Abs(d.GewekeZ) < 3 && d.ESS >= 100
	return d
}

func meanVar(xs []float64) (m, v float64) {
	for _, x := range xs {
		m += x
	}
	m /= float64(len(xs))
	for _, x := range xs {
		v += (x - m) * (x - m)
	}
	if len(xs) > 1 {
		v /= float64(len(xs) - 1)
	}
	return m, v
}

// ess is the effective sample size by Geyer's initial positive sequence of
// autocorrelations.
func ess(xs []float64) float64 {
	n := len(xs)
	m, v := meanVar(xs)
	if n < 4 || v == 0 {
		return float64(n)
	}
	acf := func(lag int) float64 {
		s := 0.0
		for i := 0; i+lag < n; i++ {
			s += (xs[i] - m) * (xs[i+lag] - m)
		}
		return s / float64(n) / (v * float64(n-1) / float64(n))
	}
	sum := 0.0
	for lag := 1; lag+1 < n; lag += 2 {
		pair := acf(lag) + acf(lag+1)
		if pair < 0 {
			break
		}
		sum += pair
	}
	tau := 1 + 2*sum
	if tau < 1 {
		tau = 1
	}
	return float64(n) / tau
}

// geweke is Geweke's z, the variance of each segment's mean estimated from
// its effective sample size.
func geweke(xs []float64) float64 {
	n := len(xs)
	a, b := xs[:n/10], xs[n/2:]
	if len(a) < 2 || len(b) < 2 {
		return math.NaN()
	}
	ma, va := meanVar(a)
	mb, vb := meanVar(b)
	se := math.Sqrt(va/ess(a) + vb/ess(b))
	if se == 0 {
		if ma == mb {
			return 0
		}
		return math.Inf(1)
	}
	return (ma - mb) / se
}

// rhat is the potential scale reduction factor over chains of equal length.
func rhat(chains [][]float64) float64 {
	m := len(chains)
	if m < 2 || len(chains[0]) < 2 {
		return math.NaN()
	}
	n := float64(len(chains[0]))
	means := make([]float64, m)
	w := 0.0
	for i, ch := range chains {
		var v float64
		means[i], v = meanVar(ch)
		w += v
	}
	w /= float64(m)
	_, b := meanVar(means)
	b *= n
	if w == 0 {
		if b == 0 {
			return 1
		}
		return math.Inf(1)
	}
	return math.Sqrt(((n-1)/n*w + b/n) / w)
}
