package mse

import (
	"errors"
	"fmt"
	"math"
	"strings"
)

// Status says whether a log-linear model gives an estimate on a table.
type Status int

const (
	// Estimable: the maximum likelihood estimate exists and is identifiable.
	Estimable Status = iota
	// NoMLE: zero cells push the fit to the boundary, the maximum likelihood
	// estimate does not exist and the estimate of the unrecorded is not
	// finite (Fienberg & Rinaldo 2012).
	NoMLE
	// NotIdentifiable: lists that never overlap leave fewer cells than
	// parameters, so the data cannot determine the unrecorded count.
	NotIdentifiable
)

func (s Status) String() string {
	switch s {
	case Estimable:
		return "ok"
	case NoMLE:
		return "no MLE"
	case NotIdentifiable:
		return "not identifiable"
	}
	return "unknown"
}

// ErrNoMLE and ErrNotIdentifiable are what a NotEstimableError matches with
// errors.Is.
var (
	ErrNoMLE           = errors.New("the maximum likelihood estimate does not exist")
	ErrNotIdentifiable = errors.New("the estimate is not identifiable")
)

// NotEstimableError says why a model gives no estimate on a table. It is an
// EINVALID qantar error: the fault is in what the data can support.
type NotEstimableError struct {
	Model  string
	Status Status
	Detail string
	detail *Error // Detail before formatting, when the package made it
}

func (e *NotEstimableError) Error() string { return e.message().Message }

// message is the error as an *Error, its detail kept as an argument to be
// said in a reader's language.
func (e *NotEstimableError) message() *Error {
	var model, detail any = e.Model, e.Detail
	if e.Model == MainEffects {
		model = errorf("main effects") // a name in words, said as a key
	}
	if e.detail != nil {
		detail = e.detail
	}
	switch e.Status {
	case NotIdentifiable:
		return errorf("model %s: the estimate is not identifiable: %s; no number can be given for this model", model, detail)
	default:
		return errorf("model %s: the maximum likelihood estimate does not exist (the estimate is not finite): %s; no number can be given for this model", model, detail)
	}
}

// Unwrap lets errors.Is find ErrNoMLE or ErrNotIdentifiable, and errors.As
// an *Error (the input gives no estimate).
func (e *NotEstimableError) Unwrap() []error {
	sentinel := ErrNoMLE
	if e.Status == NotIdentifiable {
		sentinel = ErrNotIdentifiable
	}
	return []error{sentinel, e.message()}
}

func notEstimable(model string, status Status, detail *Error) *NotEstimableError {
	return &NotEstimableError{Model: model, Status: status, Detail: detail.Message, detail: detail}
}

// Fit is a log-linear model fitted to a table. Estimate is the number
// recorded plus the fitted count of the unrecorded cell, exp(intercept).
type Fit struct {
	Estimate
	Model      Model
	ModelName  string
	Params     int     // parameters, counting the intercept and any empty overlap
	LogLik     float64 // Poisson log-likelihood, with its log-factorial terms
	AIC, BIC   float64
	Unrecorded float64 // fitted count of the unrecorded cell
	// EmptyOverlaps are the model's interactions whose lists have nobody in
	// common; the cells containing them are fixed at zero.
	EmptyOverlaps []Pattern
	// Fitted holds the fitted count of every observable cell.
	Fitted map[Pattern]float64
	// Replicates are the bootstrap estimates, in the order drawn, when the
	// interval is a bootstrap one.
	Replicates []float64

	design *design
	beta   []float64
	mu     []float64
}

// Interval methods for log-linear estimates.
const (
	IntervalProfile   = "profile"
	IntervalBootstrap = "bootstrap"
	IntervalNone      = "none"
)

// FitOptions tune FitLogLinear and Search.
type FitOptions struct {
	Level     float64 // interval coverage, 0.95 when zero
	Interval  string  // IntervalProfile (default), IntervalBootstrap or IntervalNone
	Bootstrap int     // bootstrap replicates, 1000 when zero
	Seed      uint64  // seed of the bootstrap
}

func (o FitOptions) normalize() (FitOptions, error) {
	var err error
	if o.Level, err = checkLevel(o.Level); err != nil {
		return o, err
	}
	switch o.Interval {
	case "":
		o.Interval = IntervalProfile
	case IntervalProfile, IntervalBootstrap, IntervalNone:
	default:
		return o, errorf("interval %q: want profile, bootstrap or none", o.Interval)
	}
	if o.Bootstrap == 0 {
		o.Bootstrap = 1000
	}
	if o.Bootstrap < 0 {
		return o, errorf("bootstrap replicates %d: want a positive number", o.Bootstrap)
	}
	return o, nil
}

// FitLogLinear fits the hierarchical model m to the table by maximum
// likelihood over all 2^k−1 observable cells, zeros included, and estimates
// the population with an interval. It returns a *NotEstimableError when the
// estimate does not exist or is not identifiable.
func FitLogLinear(t *Table, m Model, opts FitOptions) (*Fit, error) {
	opts, err := opts.normalize()
	if err != nil {
		return nil, err
	}
	if err := checkLogLinear(t, m); err != nil {
		return nil, err
	}
	f, err := fitModel(t, m, nil)
	if err != nil {
		return nil, err
	}
	f.Level = opts.Level
	f.fillFitted()
	if err := f.interval(opts, nil); err != nil {
		return nil, err
	}
	return f, nil
}

func checkLogLinear(t *Table, m Model) error {
	if err := t.check(); err != nil {
		return err
	}
	if t.K() > MaxLogLinearLists {
		return errorf("%d lists: log-linear models handle at most %d (use lcmcr)", t.K(), MaxLogLinearLists)
	}
	all := Pattern(1)<<uint(t.K()) - 1
	for _, term := range m.terms {
		if term&^all != 0 {
			return errorf("model %s names a list beyond the table's %d lists", m.Numbers(), t.K())
		}
		if term == all {
			return errorf("model %s: the interaction of all %d lists cannot be estimated, it is confounded with the unrecorded cell", m.Name(t.lists), t.K())
		}
	}
	return nil
}

// fitModel fits without an interval: the part Search repeats for every
// model. warm, when it has one value per parameter, starts Newton's method.
func fitModel(t *Table, m Model, warm []float64) (*Fit, error) {
	d, err := newDesign(t, m)
	if err != nil {
		return nil, err
	}
	name := m.Name(t.lists)
	if !d.fullRank() {
		return nil, notEstimable(name, NotIdentifiable,
			errorf("lists that never overlap (%s) leave %d cells for %d parameters that they cannot all determine", termNames(d.empty, t.lists), len(d.cells), len(d.cols)))
	}
	ok, err := d.mleExists()
	if err != nil {
		return nil, fmt.Errorf("model %s: checking that the estimate exists: %w", name, err)
	}
	if !ok {
		return nil, notEstimable(name, NoMLE,
			errorf("the zero cells %s cannot be fitted by a positive table with the model's margins", zeroCells(t, d)))
	}
	pf := d.fit(warm)
	if !pf.converged {
		return nil, fmt.Errorf("model %s: the fit did not converge", name)
	}
	n := t.Observed()
	k := t.K()
	f := &Fit{
		Estimate: Estimate{Method: "loglinear", Lists: t.Lists(), Observed: n,
			Interval: "none"},
		Model: m, ModelName: name, Params: m.Params(k), LogLik: pf.loglik,
		EmptyOverlaps: d.empty, design: d, beta: pf.beta,
	}
	f.Unrecorded = math.Exp(pf.beta[0])
	f.Estimate.Estimate = float64(n) + f.Unrecorded
	f.Lower, f.Upper = f.Estimate.Estimate, f.Estimate.Estimate
	f.AIC = -2*f.LogLik + 2*float64(f.Params)
	f.BIC = -2*f.LogLik + float64(f.Params)*math.Log(float64(n))
	f.mu = pf.mu
	return f, nil
}

// fillFitted publishes the fitted counts, which Search skips for the models
// it does not choose.
func (f *Fit) fillFitted() {
	f.Fitted = make(map[Pattern]float64, len(f.design.cells))
	for i, p := range f.design.cells {
		f.Fitted[p] = f.mu[i]
	}
}

func zeroCells(t *Table, d *design) string {
	var zs []string
	for i, y := range d.y {
		if y == 0 {
			zs = append(zs, "("+t.PatternString(d.cells[i])+")")
			if len(zs) == 8 {
				zs = append(zs, "…")
				break
			}
		}
	}
	return strings.Join(zs, " ")
}

func termNames(ts []Pattern, lists []string) string {
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = termName(t, lists)
	}
	return strings.Join(s, ", ")
}

// interval fills Lower and Upper as opts ask. sel, when not nil, refits
// each bootstrap replicate by the same model search.
func (f *Fit) interval(opts FitOptions, sel *searchSpec) error {
	switch opts.Interval {
	case IntervalNone:
		return nil
	case IntervalBootstrap:
		return f.bootstrap(opts, sel)
	}
	return f.profile(opts.Level)
}
