package mse

import (
	"errors"
	"fmt"
	"math"
	"sort"
)

// StratumResult is the estimate of one stratum.
type StratumResult struct {
	Key    string
	Values []string
	*Result
}

// StratifiedResult holds the estimate of each stratum and of their total.
type StratifiedResult struct {
	Strata []StratumResult
	// Total adds up the strata: its Estimate is the sum of theirs, and its
	// interval the quantiles of the sum of independent draws, one from each
	// stratum (posterior samples, bootstrap replicates, or the two-list
	// interval's log-normal).
	Total Estimate
	// Mean and Median of the summed draws (for lcmcr, the posterior of the
	// total).
	Mean, Median float64
}

// Stratified estimates each stratum on its own and adds them up. Estimating
// within strata (city, period) lets capture probabilities differ between
// them, which a pooled table would hide. Log-linear strata get a bootstrap
// interval, the only one whose draws can be added up.
func Stratified(strata []Stratum, m Method) (*StratifiedResult, error) {
	if len(strata) == 0 {
		return nil, errorf("no strata")
	}
	if m.Name == "loglinear" {
		m.Search.Interval = IntervalBootstrap
	}
	level := m.Level
	if level == 0 {
		level = DefaultLevel
	}
	res := &StratifiedResult{}
	var sum []float64
	for i, s := range strata {
		mi := m
		mi.Search.Seed = m.Search.Seed + uint64(i)*0x9e3779b97f4a7c15
		mi.LCMCR.Seed = m.LCMCR.Seed + uint64(i)*0x9e3779b97f4a7c15
		r, err := mi.Run(s.Table)
		if err != nil {
			return nil, prefixStratum(s.Key, err)
		}
		res.Strata = append(res.Strata, StratumResult{Key: s.Key, Values: s.Values, Result: r})
		d := r.draws(mi.LCMCR.Seed, 4000)
		if i == 0 {
			sum = append([]float64(nil), d...)
		} else {
			if len(d) < len(sum) {
				sum = sum[:len(d)]
			}
			for j := range sum {
				sum[j] += d[j]
			}
		}
		res.Total.Estimate += r.Estimate.Estimate
		res.Total.Observed += r.Observed
	}
	first := res.Strata[0].Estimate
	res.Total.Method, res.Total.Lists, res.Total.Level = first.Method, first.Lists, level
	sort.Float64s(sum)
	res.Total.Lower = quantile(sum, (1-level)/2)
	res.Total.Upper = quantile(sum, 1-(1-level)/2)
	res.Total.Interval = fmt.Sprintf("quantiles of the sum of %d independent draws, one per stratum", len(sum))
	res.Median = quantile(sum, 0.5)
	for _, x := range sum {
		res.Mean += x
	}
	res.Mean /= float64(len(sum))
	if math.IsInf(res.Total.Upper, 1) {
		res.Mean = math.Inf(1)
	}
	return res, nil
}

func prefixStratum(key string, err error) error {
	var e *Error
	if errors.As(err, &e) {
		return errorf("stratum %q: %s", key, e)
	}
	return fmt.Errorf("stratum %q: %w", key, err)
}
