package mse

import (
	"errors"
	"math"
	"runtime"
	"sort"
	"strings"
	"sync"
)

// Criteria for Search.
const (
	AIC = "aic"
	BIC = "bic"
)

// SearchOptions tune Search.
type SearchOptions struct {
	FitOptions
	Criterion string // AIC or BIC (default)
	// MaxOrder is the highest order of interaction searched, 2 when zero.
	MaxOrder int
	// MaxModels refuses searches larger than this, 1<<20 when zero.
	MaxModels int
	// RefitChosen, with a bootstrap interval, refits the chosen model in
	// each replicate instead of searching again: a thousand fits instead of
	// a thousand searches (for five lists, a search fits 1,024 models), for
	// an interval that leaves out the uncertainty of choosing the model.
	RefitChosen bool
}

// Ranked is one model of a search.
type Ranked struct {
	Model     Model
	Name      string
	Params    int
	LogLik    float64
	AIC, BIC  float64
	Estimate  float64
	Status    Status
	Detail    string // why a model gives no estimate
	Criterion float64
	detail    *Error // Detail before formatting
}

// SearchResult is the outcome of a search: the chosen model fitted with its
// interval, and every model searched.
type SearchResult struct {
	Best      *Fit
	Criterion string
	MaxOrder  int
	Searched  int
	// Ranking holds the models that give an estimate, best first.
	Ranking []Ranked
	// Excluded holds the models that do not, with the reason.
	Excluded []Ranked
}

type searchSpec struct {
	criterion string
	maxOrder  int
	maxModels int
}

// Search fits every hierarchical model with all main effects and
// interactions up to MaxOrder, ranks those with an estimate by AIC or BIC
// (−2·log-likelihood with its log-factorial terms, plus 2 or ln n per
// parameter, the intercept and any empty overlap included), and returns the
// best one with its interval. With a bootstrap interval, every replicate is
// searched again.
func Search(t *Table, opts SearchOptions) (*SearchResult, error) {
	fo, err := opts.FitOptions.normalize()
	if err != nil {
		return nil, err
	}
	spec, err := opts.spec(t)
	if err != nil {
		return nil, err
	}
	if err := checkLogLinear(t, Model{}); err != nil {
		return nil, err
	}
	r, err := search(t, spec)
	if err != nil {
		return nil, err
	}
	r.Best.Level = fo.Level
	r.Best.fillFitted()
	sel := &spec
	if fo.Interval != IntervalBootstrap || opts.RefitChosen {
		sel = nil
	}
	if err := r.Best.interval(fo, sel); err != nil {
		return nil, err
	}
	if sel == nil && fo.Interval == IntervalBootstrap {
		r.Best.Interval += ", refitting the chosen model"
	}
	return r, nil
}

func (o SearchOptions) spec(t *Table) (searchSpec, error) {
	s := searchSpec{criterion: strings.ToLower(o.Criterion), maxOrder: o.MaxOrder, maxModels: o.MaxModels}
	switch s.criterion {
	case "":
		s.criterion = BIC
	case AIC, BIC:
	default:
		return s, errorf("criterion %q: want aic or bic", s.criterion)
	}
	if s.maxOrder == 0 {
		s.maxOrder = 2
	}
	if s.maxOrder < 1 {
		return s, errorf("maximum order %d: want 1 or more", s.maxOrder)
	}
	if s.maxOrder > t.K()-1 {
		s.maxOrder = t.K() - 1 // the k-way term is never estimable
	}
	if s.maxModels == 0 {
		s.maxModels = 1 << 20
	}
	return s, nil
}

func search(t *Table, s searchSpec) (*SearchResult, error) {
	models, err := hierarchicalModels(t.K(), s.maxOrder, s.maxModels)
	if err != nil {
		return nil, err
	}
	base, err := fitModel(t, Model{}, nil)
	var warm []float64
	if err == nil {
		warm = base.beta
	}
	ranked := make([]Ranked, len(models))
	fits := make([]error, len(models))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				m := models[i]
				r := Ranked{Model: m, Name: m.Name(t.lists), Params: m.Params(t.K())}
				f, err := fitModel(t, m, warm)
				var ne *NotEstimableError
				switch {
				case err == nil:
					r.LogLik, r.AIC, r.BIC, r.Estimate = f.LogLik, f.AIC, f.BIC, f.Estimate.Estimate
					r.Criterion = r.BIC
					if s.criterion == AIC {
						r.Criterion = r.AIC
					}
				case errors.As(err, &ne):
					r.Status, r.Detail, r.detail = ne.Status, ne.Detail, ne.detail
					r.Criterion = math.Inf(1)
				default:
					fits[i] = err
				}
				ranked[i] = r
			}
		}()
	}
	for i := range models {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, err := range fits {
		if err != nil {
			return nil, err
		}
	}
	res := &SearchResult{Criterion: s.criterion, MaxOrder: s.maxOrder, Searched: len(models)}
	for _, r := range ranked {
		if r.Status == Estimable {
			res.Ranking = append(res.Ranking, r)
		} else {
			res.Excluded = append(res.Excluded, r)
		}
	}
	sort.SliceStable(res.Ranking, func(a, b int) bool {
		ra, rb := res.Ranking[a], res.Ranking[b]
		if ra.Criterion != rb.Criterion {
			return ra.Criterion < rb.Criterion
		}
		return ra.Params < rb.Params
	})
	if len(res.Ranking) == 0 {
		x := res.Excluded[0]
		first := &NotEstimableError{Model: x.Name, Status: x.Status, Detail: x.Detail, detail: x.detail}
		return nil, errorf("none of the %d models searched gives an estimate on this table (the first: %s)", len(models), first.message())
	}
	best, err := fitModel(t, res.Ranking[0].Model, warm)
	if err != nil {
		return nil, err
	}
	best.Method = "loglinear"
	res.Best = best
	return res, nil
}

// hierarchicalModels lists every hierarchical model over k lists with all
// main effects and interactions of order 2 to maxOrder: the subsets of those
// interactions that contain, with each term, every term of one order lower
// within it. It refuses to list more than limit.
func hierarchicalModels(k, maxOrder, limit int) ([]Model, error) {
	var cands []Pattern
	for p := Pattern(1); p < 1<<uint(k); p++ {
		if s := p.Size(); s >= 2 && s <= maxOrder {
			cands = append(cands, p)
		}
	}
	sortTerms(cands)
	index := make(map[Pattern]int, len(cands))
	for i, c := range cands {
		index[c] = i
	}
	in := make([]bool, len(cands))
	var models []Model
	tooMany := false
	var walk func(i int)
	walk = func(i int) {
		if tooMany {
			return
		}
		if i == len(cands) {
			if len(models) == limit {
				tooMany = true
				return
			}
			var terms []Pattern
			for j, ok := range in {
				if ok {
					terms = append(terms, cands[j])
				}
			}
			models = append(models, Model{terms: terms})
			return
		}
		walk(i + 1)
		c := cands[i]
		if c.Size() > 2 {
			for r := uint64(c); r != 0; r &= r - 1 {
				if !in[index[c&^Pattern(r&-r)]] {
					return
				}
			}
		}
		in[i] = true
		walk(i + 1)
		in[i] = false
	}
	walk(0)
	if tooMany {
		return nil, errorf("more than %d hierarchical models over %d lists up to order %d: lower the maximum order, or fit a given model", limit, k, maxOrder)
	}
	return models, nil
}
