package mse

import (
	"math"
	"math/rand/v2"
)

// Method names an estimator and its options, so that callers (the command
// line, Stratified) can run any of them the same way.
type Method struct {
	Name  string // "lp", "chapman", "loglinear" or "lcmcr"
	Level float64
	// Model is the log-linear model to fit; nil searches (Search options).
	Model  *Model
	Search SearchOptions
	LCMCR  LCMCROptions
}

// Result is the outcome of a Method on one table: Estimate always, and the
// method's own details in one of the other fields.
type Result struct {
	*Estimate
	Fit       *Fit          // a given log-linear model
	Search    *SearchResult // a log-linear search
	Posterior *Posterior    // lcmcr
}

// Run estimates the population of t.
func (m Method) Run(t *Table) (*Result, error) {
	switch m.Name {
	case "lp":
		e, err := LincolnPetersen(t, m.Level)
		return &Result{Estimate: e}, err
	case "chapman":
		e, err := Chapman(t, m.Level)
		return &Result{Estimate: e}, err
	case "loglinear":
		fo := m.Search.FitOptions
		if fo.Level == 0 {
			fo.Level = m.Level
		}
		if m.Model != nil {
			f, err := FitLogLinear(t, *m.Model, fo)
			if err != nil {
				return nil, err
			}
			return &Result{Estimate: &f.Estimate, Fit: f}, nil
		}
		so := m.Search
		so.FitOptions = fo
		r, err := Search(t, so)
		if err != nil {
			return nil, err
		}
		return &Result{Estimate: &r.Best.Estimate, Search: r}, nil
	case "lcmcr":
		o := m.LCMCR
		if o.Level == 0 {
			o.Level = m.Level
		}
		p, err := LCMCR(t, o)
		if err != nil {
			return nil, err
		}
		return &Result{Estimate: &p.Estimate, Posterior: p}, nil
	}
	return nil, errorf("method %q: want lp, chapman, loglinear or lcmcr", m.Name)
}

// draws returns draws of the population from the sampling or posterior
// distribution behind r's interval, for adding strata up: the posterior
// samples, the bootstrap replicates, or for the two-list estimates draws
// from the log-normal their interval assumes.
func (r *Result) draws(seed uint64, count int) []float64 {
	switch {
	case r.Posterior != nil:
		return r.Posterior.Samples
	case r.Fit != nil && r.Fit.Replicates != nil:
		return r.Fit.Replicates
	case r.Search != nil && r.Search.Best.Replicates != nil:
		return r.Search.Best.Replicates
	}
	// Log-normal on the unrecorded count with the interval's spread.
	rng := rand.New(rand.NewPCG(seed, 0x5851f42d4c957f2d))
	n := float64(r.Observed)
	f0 := r.Estimate.Estimate - n
	sigma := 0.0
	if f0 > 0 && r.Upper > r.Estimate.Estimate {
		sigma = math.Log((r.Upper-n)/f0) / normalQuantile(r.Level)
	}
	out := make([]float64, count)
	for i := range out {
		out[i] = n + f0*math.Exp(sigma*rng.NormFloat64())
	}
	return out
}
