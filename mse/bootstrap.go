package mse

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sort"
	"sync"

	"gonum.org/v1/gonum/stat/distuv"
)

// bootstrap sets a parametric bootstrap percentile interval: each replicate
// draws every observable cell from a Poisson with the fitted mean, fits the
// same model again (or, for a search, searches again, so that the interval
// carries the uncertainty of choosing the model), and records its estimate.
// A replicate whose estimate does not exist counts as infinite; one that is
// not identifiable, or chooses no model, is left out and counted.
func (f *Fit) bootstrap(opts FitOptions, sel *searchSpec) error {
	d := f.design
	seeds := rand.New(rand.NewPCG(opts.Seed, 0x9e3779b97f4a7c15))
	type job struct {
		i    int
		seed uint64
	}
	reps := make([]float64, opts.Bootstrap)
	failed := make([]bool, opts.Bootstrap)
	jobs := make(chan job)
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	if sel != nil {
		workers = 1 // the search inside is parallel already
	}
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				src := rand.NewPCG(j.seed, uint64(j.i))
				t, _ := NewTable(f.Lists)
				for i, p := range d.cells {
					if mu := f.mu[i]; mu > 0 {
						t.counts[p] = int64(distuv.Poisson{Lambda: mu, Src: src}.Rand())
					}
				}
				var est float64
				var err error
				if t.check() != nil {
					err = ErrNotIdentifiable
				} else if sel != nil {
					var r *SearchResult
					r, err = search(t, *sel)
					if err == nil {
						est = r.Best.Estimate.Estimate
					}
				} else {
					var g *Fit
					g, err = fitModel(t, f.Model, f.beta)
					if err == nil {
						est = g.Estimate.Estimate
					}
				}
				switch {
				case err == nil:
					reps[j.i] = est
				case errors.Is(err, ErrNoMLE):
					reps[j.i] = math.Inf(1)
				default:
					failed[j.i] = true
				}
			}
		}()
	}
	for i := range reps {
		jobs <- job{i, seeds.Uint64()}
	}
	close(jobs)
	wg.Wait()
	var kept []float64
	infinite := 0
	for i, r := range reps {
		if failed[i] {
			continue
		}
		if math.IsInf(r, 1) {
			infinite++
		}
		kept = append(kept, r)
	}
	if len(kept) < len(reps)/2 {
		return fmt.Errorf("model %s: %d of %d bootstrap replicates gave no estimate; the interval cannot be trusted", f.ModelName, len(reps)-len(kept), len(reps))
	}
	// Replicates stay in draw order: Stratified adds them up index by index,
	// which needs independent draws, not order statistics.
	f.Replicates = kept
	sorted := append([]float64(nil), kept...)
	sort.Float64s(sorted)
	f.Lower = quantile(sorted, (1-opts.Level)/2)
	f.Upper = quantile(sorted, 1-(1-opts.Level)/2)
	f.Interval = fmt.Sprintf("parametric bootstrap percentile, %d replicates", len(reps))
	if sel != nil {
		f.Interval += " re-selecting the model"
	}
	if infinite > 0 || len(kept) < len(reps) {
		f.Interval += fmt.Sprintf(" (%d with no finite estimate, %d left out)", infinite, len(reps)-len(kept))
	}
	return nil
}

// quantile is the q-quantile of sorted xs, interpolating linearly between
// order statistics (R's type 7, the default of quantile()).
func quantile(xs []float64, q float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	h := q * float64(len(xs)-1)
	lo := int(math.Floor(h))
	if lo >= len(xs)-1 {
		return xs[len(xs)-1]
	}
	if math.IsInf(xs[lo+1], 1) {
		if h == float64(lo) {
			return xs[lo]
		}
		return math.Inf(1)
	}
	return xs[lo] + (h-float64(lo))*(xs[lo+1]-xs[lo])
}
