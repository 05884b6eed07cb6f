package figures

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strconv"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/mse"
	"github.com/qantar-project/qantar/web/httpx"
)

// EstimateAnswer is the estimated total of deaths beside the documented and
// official counts.
type EstimateAnswer struct {
	Method      string           `json:"method"`
	Lists       []string         `json:"lists"`
	ListSources []int64          `json:"list_sources"`
	Observed    int64            `json:"observed"`
	Estimate    *float64         `json:"estimate,omitempty"`
	Lower       *float64         `json:"lower,omitempty"`
	Upper       *float64         `json:"upper,omitempty"`
	Interval    string           `json:"interval,omitempty"`
	Model       string           `json:"model,omitempty"`
	NoEstimate  string           `json:"no_estimate,omitempty"` // why no number is given
	Documented  int              `json:"documented_deaths"`
	Official    []*qantar.Figure `json:"official"`
	Assumptions []string         `json:"assumptions"`
	// By is "place" when the total adds up estimates made within each
	// place of death (stratification), with each place's in Strata.
	By     string          `json:"by,omitempty"`
	Strata []StratumAnswer `json:"strata,omitempty"`
	// Seed is the seed of the method's random draws (bootstrap, LCMCR),
	// and CodeVersion the version of the code that computed the estimate:
	// with the records at a checkpoint, what it takes to compute it again.
	Seed        uint64 `json:"seed"`
	CodeVersion string `json:"code_version"`
	// Why is NoEstimate as a catalogue key with its arguments, for the
	// pages to say in the reader's language; the JSON keeps the English.
	Why *mse.Error `json:"-"`
}

// StratumAnswer is the estimate within one place of death. PlaceID 0 holds
// the dead whose place is not recorded.
type StratumAnswer struct {
	PlaceID    int64      `json:"place_id"`
	Place      string     `json:"place"`
	Observed   int64      `json:"observed"`
	Estimate   *float64   `json:"estimate,omitempty"`
	Lower      *float64   `json:"lower,omitempty"`
	Upper      *float64   `json:"upper,omitempty"`
	Interval   string     `json:"interval,omitempty"`
	Model      string     `json:"model,omitempty"`
	NoEstimate string     `json:"no_estimate,omitempty"`
	Why        *mse.Error `json:"-"` // NoEstimate as a catalogue key, for the pages
}

// reasonf is a reason of the web's own for giving no number: its English
// text (the API's no_estimate) with the catalogue key and arguments that
// say it on a page.
func reasonf(format string, args ...any) *mse.Error {
	return &mse.Error{Message: fmt.Sprintf(format, args...), Format: format, Args: args}
}

// noEstimate says why there is no number: in English and, for the pages,
// keyed.
func (a *EstimateAnswer) noEstimate(why *mse.Error) { a.NoEstimate, a.Why = why.Message, why }

// mseReason is the *mse.Error in err's chain, or nil when it holds none
// (a failure of the machine, not a reason).
func mseReason(err error) *mse.Error {
	var e *mse.Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// Assumptions says in plain words what an estimate rests on: the
// sentences of every answer's assumptions, in their order.
func Assumptions() []string { return append([]string(nil), mseAssumptions...) }

// mseAssumptions are the Assumptions.
var mseAssumptions = []string{
	"Each list is a Source of kind \"list\"; a person is on a list when the list cites the person (a citation of the person or of their act).",
	"The lists must first be linked: one person recorded once, however many lists name them. Unlinked duplicates inflate the estimate.",
	"Everyone counted died in the events the lists cover (a closed population), and each person could have been recorded by each list.",
	"The log-linear model allows for dependence between lists that its interaction terms capture; dependence it does not capture biases the estimate. The latent-class model (LCMCR) allows for people who differ in how likely they were to be recorded.",
	"The interval is the 95% interval of the method; it does not cover errors in linkage or in the lists themselves.",
}

// EstimateBy computes what /api/v1/estimate?method=&by= answers, for the
// API and the dashboard alike, from the records at the latest checkpoint:
// one estimate, or with by "place" one per place of death and their sum.
// method "" picks chapman for two lists, loglinear otherwise.
func (f *Figures) EstimateBy(ctx context.Context, method, by string) (*EstimateAnswer, error) {
	return f.EstimateAt(ctx, -1, method, by)
}

// EstimateAt is EstimateBy from the records at a log size (negative: the
// latest checkpoint), read as the figures read them (kept, slim), and kept
// until the log grows: the records at a checkpoint never change, and
// fitting a model again for every reader would be wasted work.
func (f *Figures) EstimateAt(ctx context.Context, size int64, method, by string) (*EstimateAnswer, error) {
	p, src, err := f.LogAt(ctx, size)
	if err != nil {
		return nil, err
	}
	at, key := fmt.Sprintf("%d %x", p.Size, p.Root), method+" "+by
	f.mu.Lock()
	ans := f.estimates[key]
	if f.estimatesAt != at {
		ans = nil
	}
	f.mu.Unlock()
	if ans != nil {
		return ans, nil
	}
	if ans, err = EstimateFrom(ctx, src, method, by); err != nil {
		return nil, err
	}
	f.mu.Lock()
	if f.estimatesAt != at {
		f.estimatesAt, f.estimates = at, map[string]*EstimateAnswer{}
	}
	f.estimates[key] = ans
	f.mu.Unlock()
	return ans, nil
}

// deathIndex is who died (persons merged after record linkage count once)
// and where each of the dead was killed (0: not recorded).
type deathIndex struct {
	deaths  map[int64]bool
	placeOf map[int64]int64
	one     func(int64) int64
}

func loadDeaths(ctx context.Context, src Source, by string) (*deathIndex, error) {
	acts, err := Typed[*qantar.Act](ctx, src, qantar.KindAct)
	if err != nil {
		return nil, err
	}
	persons, err := Typed[*qantar.Person](ctx, src, qantar.KindPerson)
	if err != nil {
		return nil, err
	}
	next := qantar.SameAsNext(persons)
	d := &deathIndex{deaths: map[int64]bool{}, placeOf: map[int64]int64{},
		one: func(id int64) int64 { return qantar.SameAsEnd(next, id) }}
	eventPlace := map[int64]int64{}
	if by == "place" {
		events, err := Typed[*qantar.Event](ctx, src, qantar.KindEvent)
		if err != nil {
			return nil, err
		}
		for _, e := range events {
			eventPlace[e.ID] = e.PlaceID
		}
	}
	for _, a := range acts {
		v := d.one(a.VictimID)
		if !a.IsKilling() {
			continue
		}
		d.deaths[v] = true
		if pl, ok := d.placeOf[v]; !ok || pl == 0 {
			pl = a.PlaceID
			if pl == 0 {
				pl = eventPlace[a.EventID]
			}
			d.placeOf[v] = pl
		}
	}
	return d, nil
}

// maxLists is the most lists an estimate takes (an mse.Pattern's bits).
const maxLists = 62

// onLists names the lists (the first maxLists sources of kind "list") in
// ans and returns which of them name each of the dead (package lists: a
// citation of the person or of their act, merges followed).
func onLists(ctx context.Context, src Source, ans *EstimateAnswer, d *deathIndex) (map[int64]mse.Pattern, error) {
	m, err := membershipFrom(ctx, src)
	if err != nil {
		return nil, err
	}
	out := map[int64]mse.Pattern{}
	for _, l := range m.Lists {
		if len(ans.Lists) == maxLists {
			break
		}
		j := len(ans.Lists)
		ans.Lists = append(ans.Lists, l.Title.String())
		ans.ListSources = append(ans.ListSources, l.ID)
		for pid := range m.On[l.ID] {
			if d.deaths[pid] {
				out[pid] |= 1 << uint(j)
			}
		}
	}
	return out, nil
}

// officialDeaths is the five latest official counts of deaths.
func officialDeaths(ctx context.Context, src Source) ([]*qantar.Figure, error) {
	figs, err := Typed[*qantar.Figure](ctx, src, qantar.KindFigure)
	if err != nil {
		return nil, err
	}
	var out []*qantar.Figure
	for _, f := range figs {
		if f.Measure == "deaths" && f.Official {
			out = append(out, f)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if a, b := out[i].AsOf.String(), out[j].AsOf.String(); a != b {
			return a > b
		}
		return out[i].ID > out[j].ID
	})
	return out[:min(len(out), 5)], nil
}

// estimateMethod is the method an estimate runs: chapman for two lists and
// loglinear for more when none is asked for.
func estimateMethod(method string, lists int) (mse.Method, error) {
	if method == "" {
		method = "loglinear"
		if lists == 2 {
			method = "chapman"
		}
	}
	m := mse.Method{Name: method, Level: 0.95, Search: mse.SearchOptions{Criterion: mse.BIC, MaxOrder: 2}}
	switch method {
	case "lp", "chapman", "loglinear":
	case "lcmcr":
		m.LCMCR = mse.LCMCROptions{Seed: 1, Iterations: 10000, Burnin: 2000}
	default:
		return m, qantar.FieldErrorf("method", "%q is not lp, chapman, loglinear or lcmcr", method)
	}
	return m, nil
}

// EstimateFrom computes the estimate from the records src gives.
func EstimateFrom(ctx context.Context, src Source, method, by string) (*EstimateAnswer, error) {
	d, err := loadDeaths(ctx, src, by)
	if err != nil {
		return nil, err
	}
	ans := EstimateAnswer{Documented: len(d.deaths), Assumptions: Assumptions(), Lists: []string{}, ListSources: []int64{},
		CodeVersion: CodeVersion()}
	on, err := onLists(ctx, src, &ans, d)
	if err != nil {
		return nil, err
	}
	if ans.Official, err = officialDeaths(ctx, src); err != nil {
		return nil, err
	}
	if len(ans.Lists) < 2 {
		ans.noEstimate(reasonf("an estimate needs at least two lists (Sources of kind \"list\") that cite the dead; there are %d", len(ans.Lists)))
		return &ans, nil
	}
	t, err := overlapTable(ans.Lists, on, func(int64) bool { return true })
	if err != nil {
		return nil, err
	}
	ans.Observed = t.Observed()
	m, err := estimateMethod(method, len(ans.Lists))
	if err != nil {
		return nil, err
	}
	ans.Method, ans.Seed = m.Name, m.Search.Seed
	if m.Name == "lcmcr" {
		ans.Seed = m.LCMCR.Seed
	}
	if by == "place" {
		return estimatePlaces(ctx, src, &ans, m, on, d.placeOf)
	}
	res, err := m.Run(t)
	if err != nil {
		why := mseReason(err)
		if why == nil {
			return nil, err
		}
		ans.noEstimate(why)
		return &ans, nil
	}
	est, lo, hi := res.Estimate.Estimate, res.Estimate.Lower, res.Estimate.Upper
	ans.Estimate = &est
	ans.Lower = &lo
	if !math.IsInf(hi, 1) {
		ans.Upper = &hi
	}
	ans.Interval = res.Estimate.Interval
	if res.Search != nil {
		ans.Model = res.Search.Best.ModelName
	}
	return &ans, nil
}

// overlapTable counts, for the persons keep accepts, how many were recorded
// by each combination of lists.
func overlapTable(lists []string, onLists map[int64]mse.Pattern, keep func(person int64) bool) (*mse.Table, error) {
	t, err := mse.NewTable(lists)
	if err != nil {
		return nil, httpx.FromLibrary(err)
	}
	counts := map[mse.Pattern]int64{}
	for pid, p := range onLists {
		if keep(pid) {
			counts[p]++
		}
	}
	pats := make([]mse.Pattern, 0, len(counts))
	for p := range counts {
		pats = append(pats, p)
	}
	sort.Slice(pats, func(i, j int) bool { return pats[i] < pats[j] })
	for _, p := range pats {
		if err := t.Add(p, counts[p]); err != nil {
			return nil, httpx.FromLibrary(err)
		}
	}
	return t, nil
}

// placeNames names each place of src.
func placeNames(ctx context.Context, src Source) (map[int64]string, error) {
	places, err := Typed[*qantar.Place](ctx, src, qantar.KindPlace)
	if err != nil {
		return nil, err
	}
	out := map[int64]string{}
	for _, p := range places {
		out[p.ID] = p.Name.String()
	}
	return out, nil
}

// MaxStrata is the most places an estimate by place is made for: each is a
// model fitted and bootstrapped, and a collection of 10,000,000 records
// with its dead at 200,000 places took minutes and gigabytes for strata of
// a few people each, which support no estimate anyway.
const MaxStrata = 100

// estimatePlaces estimates within each place of death and adds the places
// up (mse.Stratified): capture by the lists may differ from city to city,
// which one pooled table would hide. A place whose table supports no
// estimate says why, and then there is no total.
func estimatePlaces(ctx context.Context, src Source, ans *EstimateAnswer, m mse.Method, onLists map[int64]mse.Pattern, placeOf map[int64]int64) (*EstimateAnswer, error) {
	ans.By = "place"
	placeName, err := placeNames(ctx, src)
	if err != nil {
		return nil, err
	}
	// The dead on the lists grouped by place once: a table a place read
	// every one of them (places × dead: at 10,000,000 records, 200,000
	// places and a million dead).
	atPlace := map[int64]map[int64]mse.Pattern{}
	for pid, p := range onLists {
		pl := placeOf[pid]
		if atPlace[pl] == nil {
			atPlace[pl] = map[int64]mse.Pattern{}
		}
		atPlace[pl][pid] = p
	}
	ids := slices.Sorted(maps.Keys(atPlace))
	if len(ids) > MaxStrata {
		ans.noEstimate(reasonf("no estimate by place: the dead on the lists are at %d places, more than %d; pool places or leave out by=place", len(ids), MaxStrata))
		return ans, nil
	}
	var strata []mse.Stratum
	failed := ""
	for _, pl := range ids {
		t, err := overlapTable(ans.Lists, atPlace[pl], func(int64) bool { return true })
		if err != nil {
			return nil, err
		}
		st := StratumAnswer{PlaceID: pl, Observed: t.Observed(), Place: placeName[pl]}
		if pl == 0 {
			st.Place = "place not recorded"
		}
		key := strconv.FormatInt(pl, 10)
		strata = append(strata, mse.Stratum{Key: key, Values: []string{st.Place}, Table: t})
		res, err := m.Run(t)
		switch {
		case err == nil:
			est, lo := res.Estimate.Estimate, res.Estimate.Lower
			st.Estimate, st.Lower, st.Interval = &est, &lo, res.Estimate.Interval
			if hi := res.Estimate.Upper; !math.IsInf(hi, 1) {
				st.Upper = &hi
			}
			if res.Search != nil {
				st.Model = res.Search.Best.ModelName
			}
		case mseReason(err) != nil:
			st.Why = mseReason(err)
			st.NoEstimate = st.Why.Message
			if failed == "" {
				failed = st.Place
			}
		default:
			return nil, err
		}
		ans.Strata = append(ans.Strata, st)
	}
	if failed != "" {
		ans.noEstimate(reasonf("no total by place: the lists support no estimate for %s (see its stratum); pool places or leave out by=place", failed))
		return ans, nil
	}
	// Each place's bootstrap refits the model its search chose rather than
	// searching again per replicate: for five lists and ten places that is
	// seconds instead of many minutes, for an interval that leaves out the
	// uncertainty of choosing each place's model (its description says so).
	m.Search.RefitChosen = true
	res, err := mse.Stratified(strata, m)
	if err != nil {
		why := mseReason(err)
		if why == nil {
			return nil, err
		}
		ans.noEstimate(why)
		return ans, nil
	}
	est, lo := res.Total.Estimate, res.Total.Lower
	ans.Estimate, ans.Lower, ans.Interval = &est, &lo, res.Total.Interval
	if hi := res.Total.Upper; !math.IsInf(hi, 1) {
		ans.Upper = &hi
	}
	return ans, nil
}
