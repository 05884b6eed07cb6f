package mse

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"sync"

	"gonum.org/v1/gonum/stat/distuv"
)

// LCMCROptions tune LCMCR. Zero values take the defaults of the R package
// LCMCR (lcmCR and lcmCR_PostSampl).
type LCMCROptions struct {
	K          int     // latent classes (truncation of the Dirichlet process), 5
	AlphaShape float64 // Gamma prior on the concentration α: shape, 0.25
	AlphaRate  float64 // and rate, 0.25
	Burnin     int     // sweeps discarded after the 500-sweep warm-up, 10000 (negative: none)
	Iterations int     // sweeps kept per chain, before thinning, 10000
	Thin       int     // keep one sweep in Thin, 10
	Chains     int     // independent chains, run in parallel, 1
	Seed       uint64  // the same seed gives the same samples
	Level      float64 // credible interval, 0.95
}

func (o LCMCROptions) normalize() (LCMCROptions, error) {
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	def(&o.K, 5)
	def(&o.Burnin, 10000)
	o.Burnin = max(o.Burnin, 0)
	def(&o.Iterations, 10000)
	def(&o.Thin, 10)
	def(&o.Chains, 1)
	if o.AlphaShape == 0 {
		o.AlphaShape = 0.25
	}
	if o.AlphaRate == 0 {
		o.AlphaRate = 0.25
	}
	var err error
	if o.Level, err = checkLevel(o.Level); err != nil {
		return o, err
	}
	switch {
	case o.K < 1 || o.K > 1000:
		return o, errorf("latent classes K=%d: want 1 to 1000", o.K)
	case o.Iterations < 1:
		return o, errorf("iterations %d: want 1 or more", o.Iterations)
	case o.Thin < 1:
		return o, errorf("thinning %d: want 1 or more", o.Thin)
	case o.Iterations/o.Thin < 4:
		return o, errorf("%d iterations thinned by %d keep fewer than 4 samples", o.Iterations, o.Thin)
	case o.Chains < 1 || o.Chains > 64:
		return o, errorf("chains %d: want 1 to 64", o.Chains)
	case !(o.AlphaShape > 0) || !(o.AlphaRate > 0):
		return o, errorf("the Gamma prior on α needs a positive shape and rate")
	}
	return o, nil
}

// Posterior summarises the posterior distribution of the population size.
// Estimate is the posterior mean, and Lower and Upper its equal-tailed
// credible interval.
type Posterior struct {
	Estimate
	Mean, Median float64
	// Samples are the kept draws of N, chain after chain.
	Samples     []float64
	Diagnostics Diagnostics
	Options     LCMCROptions
}

// LCMCR samples the posterior of the population size under the Bayesian
// non-parametric latent-class model of Manrique-Vallier (2016), "Bayesian
// population size estimation using Dirichlet process mixtures" (Biometrics
// 72:1246–1254), as the R package LCMCR does: each person belongs to one of
// K latent classes with stick-breaking weights (a truncated Dirichlet
// process with concentration α ~ Gamma(a, b)); within a class the lists
// record independently, with probabilities λ ~ Beta(1, 1); the prior on N
// is ∝ 1/N. Heterogeneity of capture and dependence between lists are
// absorbed by the classes.
func LCMCR(t *Table, opts LCMCROptions) (*Posterior, error) {
	opts, err := opts.normalize()
	if err != nil {
		return nil, err
	}
	if err := t.check(); err != nil {
		return nil, err
	}
	cells := t.Cells()
	chains := make([][]float64, opts.Chains)
	errs := make([]error, opts.Chains)
	var wg sync.WaitGroup
	for c := range chains {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := newSampler(t.K(), cells, opts, uint64(c))
			chains[c], errs[c] = s.run()
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	var all []float64
	for _, ch := range chains {
		all = append(all, ch...)
	}
	sorted := append([]float64(nil), all...)
	sort.Float64s(sorted)
	mean := 0.0
	for _, x := range all {
		mean += x
	}
	mean /= float64(len(all))
	p := &Posterior{
		Estimate: Estimate{Method: "lcmcr", Lists: t.Lists(), Observed: t.Observed(), Estimate: mean,
			Lower: quantile(sorted, (1-opts.Level)/2), Upper: quantile(sorted, 1-(1-opts.Level)/2),
			Level: opts.Level, Interval: "posterior quantiles"},
		Mean: mean, Median: quantile(sorted, 0.5), Samples: all,
		Diagnostics: diagnose(chains), Options: opts,
	}
	return p, nil
}

// sampler is one Gibbs chain. People with the same pattern are exchangeable,
// so it keeps, for each observed pattern, how many of its people are in each
// class (the "Freq" sampler of the R package) rather than one class per
// person.
type sampler struct {
	opts   LCMCROptions
	j, k   int
	cells  []Cell
	n      int64
	rng    *rand.Rand
	src    rand.Source
	lambda []float64 // [j*k + class]: P(list j records | class)
	nu     []float64 // class weights
	logNu  []float64
	alpha  float64
	n0     int64   // unrecorded people
	count0 []int64 // unrecorded people per class
	countZ []int64 // [cell*k + class]
	ones   []int64 // [j*k + class]: people of the class on list j
	totals []int64 // people per class, recorded or not
	probs  []float64
	cum    []float64
	chunks int
	tables []float64 // [(class*chunks + c)*256 + byte]: Π over the chunk's lists
	counts []int64
}

func newSampler(j int, cells []Cell, opts LCMCROptions, chain uint64) *sampler {
	k := opts.K
	src := rand.NewPCG(opts.Seed, 0xda3e39cb94b95bdb^chain)
	s := &sampler{opts: opts, j: j, k: k, cells: cells, rng: rand.New(src), src: src,
		lambda: make([]float64, j*k), nu: make([]float64, k), logNu: make([]float64, k),
		count0: make([]int64, k), countZ: make([]int64, len(cells)*k),
		ones: make([]int64, j*k), totals: make([]int64, k), probs: make([]float64, k), cum: make([]float64, k),
		chunks: (j + 7) / 8, counts: make([]int64, k)}
	s.tables = make([]float64, k*s.chunks*256)
	for _, c := range cells {
		s.n += c.Count
	}
	// Start where the R package starts: every class at the lists' marginal
	// frequencies, most weight on four classes, little concentration.
	for l := 0; l < j; l++ {
		var on int64
		for _, c := range cells {
			if c.Pattern.Has(l) {
				on += c.Count
			}
		}
		for c := 0; c < k; c++ {
			s.lambda[l*k+c] = float64(on) / float64(s.n)
		}
	}
	s.alpha = 0.3 / float64(k)
	for c := 0; c < k; c++ {
		switch {
		case k <= 4:
			s.nu[c] = 1 / float64(k)
		case c < 4:
			s.nu[c] = 0.25 * 0.9
		default:
			s.nu[c] = 0.1 / float64(k-4)
		}
		s.logNu[c] = math.Log(s.nu[c])
	}
	return s
}

// run does the warm-up, burn-in and kept sweeps, and returns the kept N.
func (s *sampler) run() ([]float64, error) {
	for i := 0; i < 500; i++ {
		s.sweep(false)
	}
	s.orderClasses()
	for i := 0; i < s.opts.Burnin; i++ {
		s.sweep(true)
	}
	out := make([]float64, 0, s.opts.Iterations/s.opts.Thin)
	for i := 1; i <= s.opts.Iterations; i++ {
		s.sweep(true)
		if i%s.opts.Thin == 0 {
			out = append(out, float64(s.n+s.n0))
		}
	}
	for _, x := range out {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("lcmcr: the sampler diverged")
		}
	}
	return out, nil
}

// sweep is one Gibbs scan, in the order of the R package: classes of the
// recorded, list probabilities, class weights, then the unrecorded (their
// number, then their classes), then α (not during warm-up).
func (s *sampler) sweep(withAlpha bool) {
	s.sampleClasses()
	s.sampleLambda()
	s.sampleNu()
	p0 := s.probUnrecorded()
	s.sampleN0(p0)
	s.sampleClassesUnrecorded()
	if withAlpha {
		shape := s.opts.AlphaShape + float64(s.k) - 1
		rate := s.opts.AlphaRate - s.logNu[s.k-1]
		s.alpha = distuv.Gamma{Alpha: shape, Beta: rate, Src: s.src}.Rand()
		if s.alpha < 1e-300 {
			s.alpha = 1e-300
		}
	}
}

// buildTables precomputes, for each class and each chunk of 8 lists, the
// probability of every on/off combination of those lists, so that the
// probability of a pattern given a class costs one product per chunk.
func (s *sampler) buildTables() {
	for c := 0; c < s.k; c++ {
		for ch := 0; ch < s.chunks; ch++ {
			tab := s.tables[(c*s.chunks+ch)*256:][:256]
			tab[0] = 1
			size := 1
			for l := ch * 8; l < min(s.j, ch*8+8); l++ {
				lam := s.lambda[l*s.k+c]
				for m := 0; m < size; m++ {
					tab[m+size] = tab[m] * lam
					tab[m] *= 1 - lam
				}
				size *= 2
			}
		}
	}
}

func (s *sampler) patternProb(c int, p Pattern) float64 {
	prob := s.nu[c]
	for ch := 0; ch < s.chunks; ch++ {
		prob *= s.tables[(c*s.chunks+ch)*256+int(uint64(p)>>(8*uint(ch))&0xff)]
	}
	return prob
}

func (s *sampler) sampleClasses() {
	s.buildTables()
	for m, cell := range s.cells {
		for c := 0; c < s.k; c++ {
			s.probs[c] = s.patternProb(c, cell.Pattern)
		}
		s.multinomial(cell.Count, s.probs, s.countZ[m*s.k:][:s.k])
	}
}

func (s *sampler) sampleLambda() {
	clear(s.ones)
	copy(s.totals, s.count0)
	for m, cell := range s.cells {
		z := s.countZ[m*s.k:][:s.k]
		for c, nz := range z {
			if nz == 0 {
				continue
			}
			s.totals[c] += nz
			for r := uint64(cell.Pattern); r != 0; r &= r - 1 {
				l := trailingZeros(r)
				s.ones[l*s.k+c] += nz
			}
		}
	}
	for l := 0; l < s.j; l++ {
		for c := 0; c < s.k; c++ {
			on := s.ones[l*s.k+c]
			off := s.totals[c] - on
			s.lambda[l*s.k+c] = distuv.Beta{Alpha: 1 + float64(on), Beta: 1 + float64(off), Src: s.src}.Rand()
		}
	}
}

// sampleNu draws the stick-breaking weights V_k ~ Beta(1 + n_k, α + Σ_{l>k}
// n_l) in log space, so that a tiny α cannot round a weight to zero.
func (s *sampler) sampleNu() {
	acc := int64(0)
	logRest := 0.0
	total := s.n + s.n0
	for c := 0; c < s.k-1; c++ {
		acc += s.totals[c]
		g1 := s.logGamma(1 + float64(s.totals[c]))
		g2 := s.logGamma(s.alpha + float64(total-acc))
		sum := logSumExp(g1, g2)
		s.logNu[c] = g1 - sum + logRest
		logRest += g2 - sum
		s.nu[c] = math.Exp(s.logNu[c])
	}
	s.logNu[s.k-1] = logRest
	s.nu[s.k-1] = math.Exp(logRest)
}

func (s *sampler) probUnrecorded() float64 {
	p0 := 0.0
	for c := 0; c < s.k; c++ {
		q := s.nu[c]
		for l := 0; l < s.j; l++ {
			q *= 1 - s.lambda[l*s.k+c]
		}
		s.probs[c] = q
		p0 += q
	}
	return p0
}

// sampleN0 draws the unrecorded count from its negative binomial full
// conditional NB(n, 1 − p0): the failures before n successes, which is what
// the prior ∝ 1/N gives. It is drawn as a Poisson with a Gamma mean.
func (s *sampler) sampleN0(p0 float64) {
	if p0 <= 0 {
		s.n0 = 0
		return
	}
	if p0 >= 1-1e-12 {
		p0 = 1 - 1e-12
	}
	g := distuv.Gamma{Alpha: float64(s.n), Beta: (1 - p0) / p0, Src: s.src}.Rand()
	if g <= 0 {
		s.n0 = 0
		return
	}
	s.n0 = int64(distuv.Poisson{Lambda: g, Src: s.src}.Rand())
}

func (s *sampler) sampleClassesUnrecorded() {
	// probs still holds ν_k Π(1 − λ) from probUnrecorded.
	s.multinomial(s.n0, s.probs, s.count0)
}

// multinomial draws n people into classes with weights w (not normalised).
func (s *sampler) multinomial(n int64, w []float64, out []int64) {
	clear(out)
	if n == 0 {
		return
	}
	total := 0.0
	for _, x := range w {
		total += x
	}
	if !(total > 0) { // every class impossible numerically: spread evenly
		for i := range w {
			w[i] = 1
		}
		total = float64(len(w))
	}
	if n <= 32 {
		// Few people: one categorical draw each costs less than a binomial
		// per class.
		cum := s.cum[:len(w)]
		acc := 0.0
		for c, x := range w {
			acc += x
			cum[c] = acc
		}
		// Each 64-bit draw gives two 32-bit uniforms: ample resolution for
		// a handful of classes, at half the cost of the generator.
		var bitsLeft uint64
		for i := int64(0); i < n; i++ {
			var r uint64
			if i%2 == 0 {
				bitsLeft = s.rng.Uint64()
				r = bitsLeft >> 32
			} else {
				r = bitsLeft & 0xffffffff
			}
			u := (float64(r) + 0.5) * (1.0 / (1 << 32)) * acc
			c := 0
			for c < len(w)-1 && u >= cum[c] {
				c++
			}
			out[c]++
		}
		return
	}
	left := n
	for c := 0; c < len(w)-1 && left > 0; c++ {
		p := w[c] / total
		var x int64
		switch {
		case p >= 1:
			x = left
		case p > 0:
			x = int64(distuv.Binomial{N: float64(left), P: p, Src: s.src}.Rand())
		}
		out[c] = x
		left -= x
		total -= w[c]
		if !(total > 0) {
			break
		}
	}
	out[len(w)-1] += left
}

// logGamma returns the log of a Gamma(a, 1) draw, exact for small a where
// the draw itself would underflow: G(a) = G(a+1)·U^(1/a).
func (s *sampler) logGamma(a float64) float64 {
	if a < 1 {
		return math.Log(distuv.Gamma{Alpha: a + 1, Beta: 1, Src: s.src}.Rand()) + math.Log(1-s.rng.Float64())/a
	}
	return math.Log(distuv.Gamma{Alpha: a, Beta: 1, Src: s.src}.Rand())
}

// orderClasses relabels the classes by decreasing weight after the warm-up,
// as the R package does, so that the stick-breaking order matches the data.
func (s *sampler) orderClasses() {
	idx := make([]int, s.k)
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return s.nu[idx[a]] > s.nu[idx[b]] })
	perm := func(xs []float64) {
		tmp := make([]float64, len(xs))
		for i, o := range idx {
			tmp[i] = xs[o]
		}
		copy(xs, tmp)
	}
	permInt := func(xs []int64) {
		tmp := make([]int64, len(xs))
		for i, o := range idx {
			tmp[i] = xs[o]
		}
		copy(xs, tmp)
	}
	perm(s.nu)
	perm(s.logNu)
	permInt(s.count0)
	permInt(s.totals)
	for l := 0; l < s.j; l++ {
		perm(s.lambda[l*s.k:][:s.k])
		permInt(s.ones[l*s.k:][:s.k])
	}
	for m := range s.cells {
		permInt(s.countZ[m*s.k:][:s.k])
	}
}

func logSumExp(a, b float64) float64 {
	if a < b {
		a, b = b, a
	}
	return a + math.Log1p(math.Exp(b-a))
}
