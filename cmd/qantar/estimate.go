package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/mse"
)

func init() {
	register(command{name: "estimate", summary: "estimate how many people no list recorded (multiple systems estimation)", run: func(ctx context.Context, m *Main, args []string) error {
		return fromMSE(runEstimate(ctx, m, args))
	}})
}

// fromMSE translates mse's errors, which have no codes, into the command's:
// an input that gives no estimate is an invalid input (exit status 1),
// its message as it was.
func fromMSE(err error) error {
	if _, ok := mse.Message(err); ok {
		return qantar.Errorf(qantar.EINVALID, "%s", err.Error())
	}
	return err
}

// estimateFlags are the options of qantar estimate.
type estimateFlags struct {
	db, by                               string
	method, model, sel, format, interval string
	maxOrder, iterations, burnin, thin   int
	chains, classes, bootstrap, top      int
	seed                                 uint64
	strata                               multiFlag
	refit                                bool
}

func runEstimate(ctx context.Context, m *Main, args []string) error {
	fs, o := newEstimateFlags(m)
	files, set, err := parseEstimateArgs(m, fs, args)
	if err != nil {
		return err
	}
	if o.db != "" {
		if len(files) > 0 {
			return usagef("give --db or a FILE, not both")
		}
		method := ""
		if set["method"] {
			method = o.method
		}
		return runEstimateDB(ctx, m, o.db, method, o.by)
	}
	if len(files) != 1 {
		return usagef("want one FILE.csv (or - for standard input), got %d", len(files))
	}
	method, err := o.method2(set)
	if err != nil {
		return err
	}
	if o.format != "text" && o.format != "json" {
		return usagef("--format %q: want text or json", o.format)
	}
	var r io.Reader = m.Stdin
	if files[0] != "-" {
		f, err := os.Open(files[0])
		if err != nil {
			return qantar.Errorf(qantar.EINVALID, "cannot read %s: %v", files[0], err)
		}
		defer f.Close()
		r = f
	}
	strataCols := o.strataColumns()
	strata, err := readEstimateTable(r, files[0], strataCols)
	if err != nil {
		return err
	}
	if set["model"] {
		mod, err := mse.ParseModel(o.model, strata[0].Table.Lists())
		if err != nil {
			return err
		}
		method.Model = &mod
	}
	out, err := o.estimate(method, strata, strataCols)
	if err != nil {
		return err
	}
	if o.format == "json" {
		enc := json.NewEncoder(m.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	writeEstimateText(m.Stdout, m.say, &out)
	return nil
}

func newEstimateFlags(m *Main) (*flag.FlagSet, *estimateFlags) {
	fs := m.newFlags("estimate", "FILE.csv [flags]   or   qantar estimate --db D [--method M] [--by place]")
	o := &estimateFlags{}
	fs.StringVar(&o.db, "db", "", "estimate from the lists in this database (its Sources of kind list), as the site's /api/v1/estimate does, instead of a FILE")
	fs.StringVar(&o.by, "by", "", "with --db: place, to estimate within each place of death and add the estimates up")
	fs.StringVar(&o.method, "method", "loglinear", "lp, chapman, loglinear or lcmcr")
	fs.StringVar(&o.model, "model", "", "loglinear: the model's interactions by list number or name, e.g. 1:2,2:3 or EXH:ABA (\"main\": independence); without it, a search")
	fs.StringVar(&o.sel, "select", "", "loglinear: search all hierarchical models and choose by aic or bic (default bic)")
	fs.IntVar(&o.maxOrder, "max-order", 2, "loglinear search: highest order of interaction")
	fs.StringVar(&o.interval, "interval", "profile", "loglinear: profile (likelihood) or bootstrap (parametric; with a search, every replicate searches again)")
	fs.IntVar(&o.bootstrap, "bootstrap", 1000, "loglinear: bootstrap replicates")
	fs.BoolVar(&o.refit, "refit-chosen", false, "loglinear search with a bootstrap interval (as every stratified search has): refit the chosen model in each replicate instead of searching again; far faster, but the interval leaves out the uncertainty of choosing the model")
	fs.IntVar(&o.top, "top", 20, "loglinear search: models to list in the ranking (0: all)")
	fs.Uint64Var(&o.seed, "seed", 1, "seed of the sampler or the bootstrap: the same seed gives the same result")
	fs.IntVar(&o.iterations, "iterations", 10000, "lcmcr: sweeps kept per chain, before thinning")
	fs.IntVar(&o.burnin, "burnin", 10000, "lcmcr: sweeps discarded first")
	fs.IntVar(&o.thin, "thin", 10, "lcmcr: keep one sweep in this many")
	fs.IntVar(&o.chains, "chains", 1, "lcmcr: independent chains, run in parallel")
	fs.IntVar(&o.classes, "classes", 5, "lcmcr: latent classes K")
	fs.StringVar(&o.format, "format", "text", "text or json")
	fs.Var(&o.strata, "strata", "a column that holds strata (city, period); repeat for several")
	return fs, o
}

// parseEstimateArgs parses the flags, which may follow the file, and
// returns the files and the names of the flags set.
func parseEstimateArgs(m *Main, fs *flag.FlagSet, args []string) (files []string, set map[string]bool, err error) {
	// Parse, take the positional, parse the rest.
	set = map[string]bool{}
	for {
		if err := m.parseFlags(fs, args); err != nil {
			return nil, nil, err
		}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		if fs.NArg() == 0 {
			return files, set, nil
		}
		files = append(files, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// strataColumns are the columns --strata names, each flag a column or a
// comma-separated list of them.
func (o *estimateFlags) strataColumns() []string {
	var cols []string
	for _, s := range o.strata {
		for _, c := range strings.Split(s, ",") {
			if c = strings.TrimSpace(c); c != "" {
				cols = append(cols, c)
			}
		}
	}
	return cols
}

// readEstimateTable reads the capture histories of file name from r (or
// its clusters, clusterTable), split by the strata columns.
func readEstimateTable(r io.Reader, name string, strataCols []string) ([]mse.Stratum, error) {
	r, err := clusterTable(r, name)
	if err != nil {
		return nil, err
	}
	strata, err := mse.ReadCSV(r, strataCols)
	if err != nil {
		msg, ok := mse.Message(err)
		if !ok {
			msg = err.Error()
		}
		return nil, qantar.Errorf(qantar.EINVALID, "%s: %s", name, msg)
	}
	return strata, nil
}

// estimate runs the method on the one table, or on each stratum.
func (o *estimateFlags) estimate(method mse.Method, strata []mse.Stratum, strataCols []string) (estimateOutput, error) {
	if len(strataCols) == 0 {
		res, err := method.Run(strata[0].Table)
		if err != nil {
			return estimateOutput{}, err
		}
		return resultOutput(res, o.top), nil
	}
	sr, err := mse.Stratified(strata, method)
	if err != nil {
		return estimateOutput{}, err
	}
	return stratifiedOutput(sr, o.top, strataCols), nil
}

// method2 checks that the flags fit the method and builds it.
func (o *estimateFlags) method2(set map[string]bool) (mse.Method, error) {
	meth := mse.Method{Name: o.method}
	only := func(method string, names ...string) error {
		for _, n := range names {
			if set[n] && o.method != method {
				return usagef("--%s applies to --method %s, not %s", n, method, o.method)
			}
		}
		return nil
	}
	switch o.method {
	case "lp", "chapman", "loglinear", "lcmcr":
	default:
		return meth, usagef("--method %q: want lp, chapman, loglinear or lcmcr", o.method)
	}
	if err := only("loglinear", "model", "select", "max-order", "interval", "bootstrap", "top"); err != nil {
		return meth, err
	}
	if err := only("lcmcr", "iterations", "burnin", "thin", "chains", "classes"); err != nil {
		return meth, err
	}
	if set["model"] && set["select"] {
		return meth, usagef("--model fits one model and --select searches them all: give one of them")
	}
	if set["select"] && o.sel != mse.AIC && o.sel != mse.BIC {
		return meth, usagef("--select %q: want aic or bic", o.sel)
	}
	if o.top < 0 {
		return meth, usagef("--top %d: want 0 or more", o.top)
	}
	meth.Search = mse.SearchOptions{
		FitOptions: mse.FitOptions{Interval: o.interval, Bootstrap: o.bootstrap, Seed: o.seed},
		Criterion:  o.sel, MaxOrder: o.maxOrder, RefitChosen: o.refit,
	}
	if o.burnin < 0 {
		return meth, usagef("--burnin %d: want 0 or more", o.burnin)
	}
	if o.burnin == 0 {
		o.burnin = -1 // mse reads 0 as "the default"
	}
	meth.LCMCR = mse.LCMCROptions{K: o.classes, Burnin: o.burnin, Iterations: o.iterations, Thin: o.thin,
		Chains: o.chains, Seed: o.seed}
	return meth, nil
}

// estimateOutput is the JSON document of qantar estimate; the text output
// shows the same fields. Numbers that are infinite (an interval with no
// upper end) are null.
type estimateOutput struct {
	Stratum  string   `json:"stratum,omitempty"`
	Method   string   `json:"method"`
	Lists    []string `json:"lists"`
	Observed int64    `json:"observed"`
	Estimate *float64 `json:"estimate"`
	Lower    *float64 `json:"lower"`
	Upper    *float64 `json:"upper"`
	Level    float64  `json:"level"`
	Interval string   `json:"interval"`
	Mean     *float64 `json:"mean,omitempty"`
	Median   *float64 `json:"median,omitempty"`

	Model        string       `json:"model,omitempty"`
	ModelNumbers *string      `json:"model_numbers,omitempty"`
	Params       int          `json:"params,omitempty"`
	LogLik       *float64     `json:"loglik,omitempty"`
	AIC          *float64     `json:"aic,omitempty"`
	BIC          *float64     `json:"bic,omitempty"`
	EmptyOverlap []string     `json:"empty_overlaps,omitempty"`
	Select       string       `json:"select,omitempty"`
	MaxOrder     int          `json:"max_order,omitempty"`
	Searched     int          `json:"models_searched,omitempty"`
	Excluded     *int         `json:"models_without_estimate,omitempty"`
	Ranking      []rankOutput `json:"ranking,omitempty"`

	Diagnostics *diagOutput `json:"diagnostics,omitempty"`
	Sampler     *samplerOut `json:"sampler,omitempty"`

	Strata []estimateOutput `json:"strata,omitempty"`
}

type rankOutput struct {
	Rank     int      `json:"rank"`
	Model    string   `json:"model"`
	Params   int      `json:"params"`
	Estimate *float64 `json:"estimate"`
	AIC      *float64 `json:"aic"`
	BIC      *float64 `json:"bic"`
}

type diagOutput struct {
	GewekeZ   *float64 `json:"geweke_z"`
	SplitRhat *float64 `json:"split_rhat"`
	ESS       *float64 `json:"ess"`
	Converged bool     `json:"converged"`
}

type samplerOut struct {
	K          int    `json:"classes"`
	Burnin     int    `json:"burnin"`
	Iterations int    `json:"iterations"`
	Thin       int    `json:"thin"`
	Chains     int    `json:"chains"`
	Seed       uint64 `json:"seed"`
	Samples    int    `json:"samples"`
}

// num is x, or nil when x is not a finite number (JSON has no infinity).
func num(x float64) *float64 {
	if math.IsInf(x, 0) || math.IsNaN(x) {
		return nil
	}
	return &x
}

func baseOutput(e *mse.Estimate) estimateOutput {
	return estimateOutput{Method: e.Method, Lists: e.Lists, Observed: e.Observed, Estimate: num(e.Estimate),
		Lower: num(e.Lower), Upper: num(e.Upper), Level: e.Level, Interval: e.Interval}
}

func resultOutput(r *mse.Result, top int) estimateOutput {
	out := baseOutput(r.Estimate)
	fit := r.Fit
	if r.Search != nil {
		s := r.Search
		fit = s.Best
		out.Select, out.MaxOrder, out.Searched = s.Criterion, s.MaxOrder, s.Searched
		excluded := len(s.Excluded)
		out.Excluded = &excluded
		for i, rk := range s.Ranking {
			if top > 0 && i == top {
				break
			}
			out.Ranking = append(out.Ranking, rankOutput{Rank: i + 1, Model: rk.Name, Params: rk.Params,
				Estimate: num(rk.Estimate), AIC: num(rk.AIC), BIC: num(rk.BIC)})
		}
	}
	if fit != nil {
		out.Model = fit.ModelName
		nums := fit.Model.Numbers()
		out.ModelNumbers = &nums
		out.Params, out.LogLik, out.AIC, out.BIC = fit.Params, num(fit.LogLik), num(fit.AIC), num(fit.BIC)
		for _, t := range fit.EmptyOverlaps {
			out.EmptyOverlap = append(out.EmptyOverlap, mse.NewModel(t).Name(fit.Lists))
		}
	}
	if p := r.Posterior; p != nil {
		out.Mean, out.Median = num(p.Mean), num(p.Median)
		d := p.Diagnostics
		out.Diagnostics = &diagOutput{GewekeZ: num(d.GewekeZ), SplitRhat: num(d.SplitRhat), ESS: num(d.ESS), Converged: d.Converged}
		o := p.Options
		out.Sampler = &samplerOut{K: o.K, Burnin: o.Burnin, Iterations: o.Iterations, Thin: o.Thin, Chains: o.Chains, Seed: o.Seed, Samples: len(p.Samples)}
	}
	return out
}

func stratifiedOutput(sr *mse.StratifiedResult, top int, cols []string) estimateOutput {
	out := baseOutput(&sr.Total)
	out.Stratum = "total"
	if sr.Strata[0].Posterior != nil {
		out.Mean, out.Median = num(sr.Mean), num(sr.Median)
	}
	for _, s := range sr.Strata {
		so := resultOutput(s.Result, top)
		so.Stratum = s.Key
		out.Strata = append(out.Strata, so)
	}
	return out
}

func fmtNum(say func(string, ...any) string, x *float64) string {
	if x == nil {
		return say("unbounded")
	}
	return fmt.Sprintf("%.0f", *x)
}

// writeEstimateText writes an estimate for people, its words said by say.
func writeEstimateText(w io.Writer, say func(string, ...any) string, o *estimateOutput) {
	for i := range o.Strata {
		s := &o.Strata[i]
		fmt.Fprintln(w, say("== stratum %s", s.Stratum))
		writeEstimateText(w, say, s)
		fmt.Fprintln(w)
	}
	if o.Stratum == "total" {
		fmt.Fprintln(w, say("== total of %d strata", len(o.Strata)))
	}
	names := map[string]string{"lp": "Lincoln–Petersen", "chapman": "Chapman", "loglinear": "Poisson log-linear model", "lcmcr": "Bayesian latent-class model (LCMCR)"}
	fmt.Fprintln(w, say("Method:    %s", say(names[o.Method])))
	fmt.Fprintln(w, say("Lists:     %s (%d)", strings.Join(o.Lists, ", "), len(o.Lists)))
	fmt.Fprintln(w, say("Recorded:  %d", o.Observed))
	if o.Model != "" {
		fmt.Fprint(w, say("Model:     %s", o.Model))
		if o.ModelNumbers != nil && *o.ModelNumbers != "" && *o.ModelNumbers != o.Model {
			fmt.Fprintf(w, " [%s]", *o.ModelNumbers)
		}
		fmt.Fprintln(w)
		if len(o.EmptyOverlap) > 0 {
			fmt.Fprintln(w, "           "+say("lists that never overlap, fixed at zero: %s", strings.Join(o.EmptyOverlap, ", ")))
		}
	}
	if o.Mean != nil {
		fmt.Fprintln(w, say("Estimate:  %s (posterior mean; median %s)", fmtNum(say, o.Mean), fmtNum(say, o.Median)))
	} else {
		fmt.Fprintln(w, say("Estimate:  %s", fmtNum(say, o.Estimate)))
	}
	fmt.Fprintln(w, say("Interval:  %s – %s (%g%%, %s)", fmtNum(say, o.Lower), fmtNum(say, o.Upper), o.Level*100, say(o.Interval)))
	if o.Estimate != nil {
		fmt.Fprintln(w, say("Not on any list: about %.0f", *o.Estimate-float64(o.Observed)))
	}
	if d := o.Diagnostics; d != nil {
		s := o.Sampler
		fmt.Fprintf(w, "Sampler:   K=%d, %d chain(s), burn-in %d, %d iterations thinned by %d (%d samples), seed %d\n",
			s.K, s.Chains, s.Burnin, s.Iterations, s.Thin, s.Samples, s.Seed)
		fmt.Fprintf(w, "Converged: split R-hat %s, Geweke z %s, effective sample size %s\n", fmtF(d.SplitRhat, 3), fmtF(d.GewekeZ, 2), fmtF(d.ESS, 0))
		if !d.Converged {
			fmt.Fprintln(w, say("WARNING:   the chain may not have converged: run more --iterations or --burnin, or several --chains"))
		}
	}
	if o.Select != "" {
		fmt.Fprintf(w, "Search:    %d hierarchical models up to order %d by %s; %d give no estimate on this table\n",
			o.Searched, o.MaxOrder, strings.ToUpper(o.Select), *o.Excluded)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintf(tw, "rank\t%s\testimate\tparams\t model\n", strings.ToUpper(o.Select))
		for _, r := range o.Ranking {
			c := r.BIC
			if o.Select == mse.AIC {
				c = r.AIC
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t %s\n", r.Rank, fmtF(c, 2), fmtNum(say, r.Estimate), r.Params, r.Model)
		}
		tw.Flush()
	}
}

func fmtF(x *float64, prec int) string {
	if x == nil {
		return "n/a"
	}
	return fmt.Sprintf("%.*f", prec, *x)
}
