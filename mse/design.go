package mse

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize/convex/lp"
)

// MaxLogLinearLists bounds log-linear models, which work on all 2^k−1
// observable cells.
const MaxLogLinearLists = 16

// design is a log-linear model laid out on a table: one row per observable
// cell that the model does not fix at zero, one column per parameter. Every
// column is the indicator "the cell contains this term" (the intercept is
// the empty term), so a row is stored as the columns where it is 1.
type design struct {
	cells  []Pattern
	y      []float64
	cols   []Pattern // 0 (intercept), then main effects, then interactions
	start  []int32   // row i is active[start[i]:start[i+1]]
	active []int32
	// empty are the model's interactions whose lists have nobody in common:
	// their parameters are −∞ and the cells containing them are fixed at
	// zero (Chan, Silverman & Vincent 2021), so they are left out.
	empty []Pattern
}

func newDesign(t *Table, m Model) (*design, error) {
	k := t.K()
	if k > MaxLogLinearLists {
		return nil, errorf("%d lists: log-linear models handle at most %d (use lcmcr)", k, MaxLogLinearLists)
	}
	d := &design{cols: make([]Pattern, 0, 1+k+len(m.terms))}
	d.cols = append(d.cols, 0)
	for j := 0; j < k; j++ {
		d.cols = append(d.cols, 1<<uint(j))
	}
	for _, term := range m.terms {
		if containsAny(term, d.empty) {
			d.empty = append(d.empty, term)
			continue
		}
		var overlap int64
		for p, c := range t.counts {
			if p&term == term {
				overlap += c
			}
		}
		if overlap == 0 {
			d.empty = append(d.empty, term)
			continue
		}
		d.cols = append(d.cols, term)
	}
	for p := Pattern(1); p < 1<<uint(k); p++ {
		if containsAny(p, d.empty) {
			continue
		}
		d.cells = append(d.cells, p)
		d.y = append(d.y, float64(t.counts[p]))
	}
	d.index()
	return d, nil
}

// containsAny reports whether p contains one of the terms.
func containsAny(p Pattern, terms []Pattern) bool {
	for _, t := range terms {
		if p&t == t {
			return true
		}
	}
	return false
}

func (d *design) index() {
	d.start = make([]int32, len(d.cells)+1)
	d.active = d.active[:0]
	for i, p := range d.cells {
		for a, c := range d.cols {
			if p&c == c {
				d.active = append(d.active, int32(a))
			}
		}
		d.start[i+1] = int32(len(d.active))
	}
}

// withUnrecorded returns the design with the unrecorded cell added, holding
// y0 people: the complete table the profile likelihood works on.
func (d *design) withUnrecorded(y0 float64) *design {
	c := &design{cols: d.cols, empty: d.empty}
	c.cells = append([]Pattern{0}, d.cells...)
	c.y = append([]float64{y0}, d.y...)
	c.index()
	return c
}

// fullRank reports whether the columns are linearly independent on the
// cells. Without empty overlaps they always are (a hierarchical model short
// of the k-way term is identifiable on the 2^k−1 cells); leaving out the
// cells of an empty overlap can break that.
func (d *design) fullRank() bool {
	if len(d.empty) == 0 {
		return true
	}
	if len(d.cells) < len(d.cols) {
		return false
	}
	x := mat.NewDense(len(d.cells), len(d.cols), nil)
	for i := range d.cells {
		for _, a := range d.active[d.start[i]:d.start[i+1]] {
			x.Set(i, int(a), 1)
		}
	}
	var svd mat.SVD
	if !svd.Factorize(x, mat.SVDNone) {
		return false
	}
	v := svd.Values(nil)
	return v[len(v)-1] > 1e-9*v[0]
}

// poissonFit is the result of maximising the Poisson likelihood.
type poissonFit struct {
	beta      []float64
	mu        []float64
	loglik    float64 // with the log-factorial terms
	converged bool
}

// fit maximises the Poisson log-likelihood by Newton's method with step
// halving, starting from beta (nil: a flat start). The likelihood is concave,
// so Newton converges whenever the maximum exists; when it does not, the
// fitted means of some zero cells run to zero, which the caller checks.
func (d *design) fit(beta []float64) poissonFit {
	p, n := len(d.cols), len(d.cells)
	b := make([]float64, p)
	if len(beta) > 0 {
		copy(b, beta) // a warm start: the parameters of a submodel, the rest zero
	} else {
		var s float64
		for _, y := range d.y {
			s += y
		}
		b[0] = math.Log(math.Max(s/float64(n), 0.5))
	}
	eta := make([]float64, n)
	mu := make([]float64, n)
	g := make([]float64, p)
	h := make([]float64, p*p)
	step := make([]float64, p)
	trial := make([]float64, p)
	ll := d.kernel(b, eta, mu)
	converged := false
	for iter := 0; iter < 200; iter++ {
		clear(g)
		clear(h)
		for i := range d.cells {
			r := d.y[i] - mu[i]
			act := d.active[d.start[i]:d.start[i+1]]
			for x, a := range act {
				g[a] += r
				row := h[int(a)*p:]
				for _, c := range act[:x+1] {
					row[c] += mu[i]
				}
			}
		}
		if !cholSolve(h, g, step, p) {
			break
		}
		dec := 0.0
		for a := range g {
			dec += g[a] * step[a]
		}
		t := 1.0
		var nl float64
		for half := 0; half < 40; half++ {
			for a := range b {
				trial[a] = b[a] + t*step[a]
			}
			nl = d.kernel(trial, eta, mu)
			if nl >= ll-1e-12*math.Abs(ll) {
				break
			}
			t /= 2
		}
		if !(nl >= ll-1e-12*math.Abs(ll)) {
			d.kernel(b, eta, mu)
			break
		}
		copy(b, trial)
		ll = nl
		if dec < 1e-10 {
			converged = true
			break
		}
	}
	full := 0.0
	for i, y := range d.y {
		if y > 0 {
			lg, _ := math.Lgamma(y + 1)
			full += y*math.Log(mu[i]) - lg
		}
		full -= mu[i]
	}
	return poissonFit{beta: b, mu: mu, loglik: full, converged: converged}
}

// kernel fills eta and mu for beta and returns Σ y·η − μ.
func (d *design) kernel(beta, eta, mu []float64) float64 {
	ll := 0.0
	for i := range d.cells {
		e := 0.0
		for _, a := range d.active[d.start[i]:d.start[i+1]] {
			e += beta[a]
		}
		eta[i] = e
		mu[i] = math.Exp(e)
		ll += d.y[i]*e - mu[i]
	}
	if math.IsNaN(ll) {
		return math.Inf(-1)
	}
	return ll
}

// cholSolve solves H x = g for the symmetric positive definite H, of which
// only the lower triangle (h[i*p+j], j ≤ i) is filled; it overwrites h.
func cholSolve(h, g, x []float64, p int) bool {
	for j := 0; j < p; j++ {
		s := h[j*p+j]
		for k := 0; k < j; k++ {
			s -= h[j*p+k] * h[j*p+k]
		}
		if !(s > 1e-300) {
			return false
		}
		s = math.Sqrt(s)
		h[j*p+j] = s
		for i := j + 1; i < p; i++ {
			v := h[i*p+j]
			for k := 0; k < j; k++ {
				v -= h[i*p+k] * h[j*p+k]
			}
			h[i*p+j] = v / s
		}
	}
	for i := 0; i < p; i++ {
		v := g[i]
		for k := 0; k < i; k++ {
			v -= h[i*p+k] * x[k]
		}
		x[i] = v / h[i*p+i]
	}
	for i := p - 1; i >= 0; i-- {
		v := x[i]
		for k := i + 1; k < p; k++ {
			v -= h[k*p+i] * x[k]
		}
		x[i] = v / h[i*p+i]
	}
	return true
}

// mleExists is the test of Fienberg and Rinaldo (2012), as Chan, Silverman
// and Vincent (2021) apply it: the maximum likelihood estimate exists if and
// only if the margins the model fits, Xᵀy, are also the margins of a table
// that is positive in every cell, that is, if some ν with Xᵀν = 0 is
// positive on every zero cell (then y + εν is that table). The positive
// cells' ν is free, so when they alone determine every parameter the answer
// is yes; otherwise what remains is a small linear program on the zero
// cells: find ν_Z ≥ 1 with Vᵀ X_Zᵀ ν_Z = 0, V spanning the parameter
// directions the positive cells leave undetermined.
func (d *design) mleExists() (bool, error) {
	var pos, zero []int
	for i, y := range d.y {
		if y > 0 {
			pos = append(pos, i)
		} else {
			zero = append(zero, i)
		}
	}
	if len(zero) == 0 {
		return true, nil
	}
	null, err := d.undetermined(pos)
	if err != nil || null == nil {
		return err == nil, err
	}
	return d.zeroCellsFeasible(null, zero)
}

// rows is the design matrix of the cells idx.
func (d *design) rows(idx []int) *mat.Dense {
	x := mat.NewDense(len(idx), len(d.cols), nil)
	for r, i := range idx {
		for _, a := range d.active[d.start[i]:d.start[i+1]] {
			x.Set(r, int(a), 1)
		}
	}
	return x
}

// undetermined returns a basis V (by columns) of the parameter directions
// that the positive cells pos leave undetermined, nil when they determine
// every parameter.
func (d *design) undetermined(pos []int) (*mat.Dense, error) {
	p := len(d.cols)
	if len(pos) == 0 {
		null := mat.NewDense(p, p, nil)
		for a := 0; a < p; a++ {
			null.Set(a, a, 1)
		}
		return null, nil
	}
	var svd mat.SVD
	if !svd.Factorize(d.rows(pos), mat.SVDFullV) {
		return nil, fmt.Errorf("singular value decomposition failed")
	}
	vals := svd.Values(nil)
	r := 0
	for _, v := range vals {
		if v > 1e-9*vals[0] {
			r++
		}
	}
	if r == p {
		return nil, nil
	}
	var v mat.Dense
	svd.VTo(&v)
	return mat.DenseCopyOf(v.Slice(0, p, r, p)), nil
}

// zeroCellsFeasible solves the linear program on the zero cells: is there
// ν_Z ≥ 1 with Vᵀ X_Zᵀ ν_Z = 0, V being null?
func (d *design) zeroCellsFeasible(null *mat.Dense, zero []int) (bool, error) {
	var a mat.Dense
	a.Mul(null.T(), d.rows(zero).T()) // (p−r) × |Z|
	// Keep an orthonormal basis of a's row space: Simplex wants full row
	// rank, and a zero cell whose column vanishes is unconstrained.
	var svd mat.SVD
	if !svd.Factorize(&a, mat.SVDThin) {
		return false, fmt.Errorf("singular value decomposition failed")
	}
	vals := svd.Values(nil)
	var w mat.Dense
	svd.VTo(&w) // |Z| × min
	var keep []int
	for i, v := range vals {
		if v > 1e-9*math.Max(vals[0], 1) {
			keep = append(keep, i)
		}
	}
	if len(keep) == 0 {
		return true, nil
	}
	var cols []int
	for z := range zero {
		for _, i := range keep {
			if math.Abs(w.At(z, i)) > 1e-12 {
				cols = append(cols, z)
				break
			}
		}
	}
	if len(cols) < len(keep) {
		// Fewer constrained cells than independent constraints: only ν = 0
		// on them satisfies all, and ν ≥ 1 is impossible.
		return false, nil
	}
	return simplexFeasible(&w, keep, cols)
}

// simplexFeasible solves Wᵀ(1 + u) = 0 with u ≥ 0, over the constrained
// cells cols and the kept directions keep.
func simplexFeasible(w *mat.Dense, keep, cols []int) (bool, error) {
	lpA := mat.NewDense(len(keep), len(cols), nil)
	b := make([]float64, len(keep))
	for r, i := range keep {
		for c, z := range cols {
			lpA.Set(r, c, w.At(z, i))
			b[r] -= w.At(z, i)
		}
	}
	cost := make([]float64, len(cols))
	for i := range cost {
		cost[i] = 1
	}
	_, _, err := lp.Simplex(cost, lpA, b, 1e-10, nil)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, lp.ErrInfeasible):
		return false, nil
	}
	return false, fmt.Errorf("existence check: %w", err)
}
