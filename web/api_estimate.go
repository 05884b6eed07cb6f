package web

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"sort"
	"strconv"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/mse"
)

// estimateAnswer is the estimated total of deaths beside the documented and
// official counts.
type estimateAnswer struct {
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
	Strata []stratumAnswer `json:"strata,omitempty"`
}

// stratumAnswer is the estimate within one place of death. PlaceID 0 holds
// the dead whose place is not recorded.
type stratumAnswer struct {
	PlaceID    int64    `json:"place_id"`
	Place      string   `json:"place"`
	Observed   int64    `json:"observed"`
	Estimate   *float64 `json:"estimate,omitempty"`
	Lower      *float64 `json:"lower,omitempty"`
	Upper      *float64 `json:"upper,omitempty"`
	Interval   string   `json:"interval,omitempty"`
	Model      string   `json:"model,omitempty"`
	NoEstimate string   `json:"no_estimate,omitempty"`
}

// mseAssumptions says in plain words what an estimate rests on.
var mseAssumptions = []string{
	"Each list is a Source of kind \"list\"; a person is on a list when the list cites the person (a citation of the person or of their act).",
	"The lists must first be linked: one person recorded once, however many lists name them. Unlinked duplicates inflate the estimate.",
	"Everyone counted died in the events the lists cover (a closed population), and each person could have been recorded by each list.",
	"The log-linear model allows for dependence between lists that its interaction terms capture; dependence it does not capture biases the estimate. The latent-class model (LCMCR) allows for people who differ in how likely they were to be recorded.",
	"The interval is the 95% interval of the method; it does not cover errors in linkage or in the lists themselves.",
}

// apiEstimate estimates the total number of deaths from the overlap of the
// lists that recorded them (multiple systems estimation).
func (s *Server) apiEstimate(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	by := q.Get("by")
	if by != "" && by != "place" {
		return qantar.FieldErrorf("by", "%q is not a way to stratify: use by=place, or leave it out for one estimate", by)
	}
	ans, err := s.estimateBy(r.Context(), q.Get("method"), by)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ans)
	return nil
}

// estimateBy computes what /api/v1/estimate answers, for the API and the
// dashboard alike: one estimate, or with by "place" one per place of death
// and their sum. method "" picks chapman for two lists, loglinear otherwise.
func (s *Server) estimateBy(ctx context.Context, method, by string) (*estimateAnswer, error) {
	sys := qantar.System // counting only; no name leaves this handler
	lists, _, err := s.store.List(ctx, qantar.KindSource, qantar.Filter{Where: map[string]string{"kind": "list"}, Limit: 62, Reader: sys})
	if err != nil {
		return nil, err
	}
	acts, err := loadTyped[*qantar.Act](ctx, s, qantar.KindAct, sys)
	if err != nil {
		return nil, err
	}
	persons, err := loadTyped[*qantar.Person](ctx, s, qantar.KindPerson, sys)
	if err != nil {
		return nil, err
	}
	// Persons merged after record linkage count once.
	same := qantar.ResolveSameAs(persons)
	one := func(id int64) int64 {
		if to, ok := same[id]; ok {
			return to
		}
		return id
	}
	deaths := map[int64]bool{}
	actVictim := map[int64]int64{}
	placeOf := map[int64]int64{} // the dead → where they were killed (0: not recorded)
	var eventPlace map[int64]int64
	if by == "place" {
		events, err := loadTyped[*qantar.Event](ctx, s, qantar.KindEvent, sys)
		if err != nil {
			return nil, err
		}
		eventPlace = map[int64]int64{}
		for _, e := range events {
			eventPlace[e.ID] = e.PlaceID
		}
	}
	for _, a := range acts {
		actVictim[a.ID] = one(a.VictimID)
		if a.IsKilling() {
			v := one(a.VictimID)
			deaths[v] = true
			if _, ok := placeOf[v]; !ok || placeOf[v] == 0 {
				pl := a.PlaceID
				if pl == 0 {
					pl = eventPlace[a.EventID]
				}
				placeOf[v] = pl
			}
		}
	}
	ans := estimateAnswer{Documented: len(deaths), Assumptions: mseAssumptions, Lists: []string{}, ListSources: []int64{}}
	// Which lists name each dead person.
	onLists := map[int64]mse.Pattern{}
	for j, l := range lists {
		src := l.(*qantar.Source)
		ans.Lists = append(ans.Lists, src.Title.String())
		ans.ListSources = append(ans.ListSources, src.ID)
		cits, _, err := s.store.List(ctx, qantar.KindCitation, qantar.Filter{Where: map[string]string{"source_id": strconv.FormatInt(src.ID, 10)}, Limit: qantar.MaxLimit, Reader: sys})
		if err != nil {
			return nil, err
		}
		for _, c := range cits {
			c := c.(*qantar.Citation)
			pid := int64(0)
			switch c.RecordKind {
			case qantar.KindPerson:
				pid = one(c.RecordID)
			case qantar.KindAct:
				pid = actVictim[c.RecordID]
			}
			if deaths[pid] {
				onLists[pid] |= 1 << uint(j)
			}
		}
	}
	figs, _, err := s.store.List(ctx, qantar.KindFigure, qantar.Filter{Where: map[string]string{"measure": "deaths", "official": "true"}, Sort: "-as_of", Limit: 5, Reader: sys})
	if err != nil {
		return nil, err
	}
	for _, f := range figs {
		ans.Official = append(ans.Official, f.(*qantar.Figure))
	}
	if len(lists) < 2 {
		ans.NoEstimate = fmt.Sprintf("an estimate needs at least two lists (Sources of kind \"list\") that cite the dead; there are %d", len(lists))
		return &ans, nil
	}
	t, err := overlapTable(ans.Lists, onLists, func(int64) bool { return true })
	if err != nil {
		return nil, err
	}
	ans.Observed = t.Observed()
	if method == "" {
		method = "loglinear"
		if len(lists) == 2 {
			method = "chapman"
		}
	}
	m := mse.Method{Name: method, Level: 0.95, Search: mse.SearchOptions{Criterion: mse.BIC, MaxOrder: 2}}
	switch method {
	case "lp", "chapman", "loglinear":
	case "lcmcr":
		m.LCMCR = mse.LCMCROptions{Seed: 1, Iterations: 10000, Burnin: 2000}
	default:
		return nil, qantar.FieldErrorf("method", "%q is not lp, chapman, loglinear or lcmcr", method)
	}
	ans.Method = method
	if by == "place" {
		return s.estimatePlaces(ctx, &ans, m, onLists, placeOf)
	}
	res, err := m.Run(t)
	if err != nil {
		if qantar.ErrorCode(err) != qantar.EINVALID {
			return nil, err
		}
		ans.NoEstimate = qantar.ErrorMessage(err)
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
		return nil, err
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
			return nil, err
		}
	}
	return t, nil
}

// estimatePlaces estimates within each place of death and adds the places
// up (mse.Stratified): capture by the lists may differ from city to city,
// which one pooled table would hide. A place whose table supports no
// estimate says why, and then there is no total.
func (s *Server) estimatePlaces(ctx context.Context, ans *estimateAnswer, m mse.Method, onLists map[int64]mse.Pattern, placeOf map[int64]int64) (*estimateAnswer, error) {
	ans.By = "place"
	var places []int64
	seen := map[int64]bool{}
	for pid := range onLists {
		if pl := placeOf[pid]; !seen[pl] {
			seen[pl] = true
			places = append(places, pl)
		}
	}
	sort.Slice(places, func(i, j int) bool { return places[i] < places[j] })
	var strata []mse.Stratum
	failed := ""
	for _, pl := range places {
		t, err := overlapTable(ans.Lists, onLists, func(pid int64) bool { return placeOf[pid] == pl })
		if err != nil {
			return nil, err
		}
		st := stratumAnswer{PlaceID: pl, Observed: t.Observed()}
		if pl == 0 {
			st.Place = "place not recorded"
		} else if rec, err := s.store.Get(ctx, qantar.KindPlace, pl); err == nil {
			st.Place = rec.(*qantar.Place).Name.String()
		} else if qantar.ErrorCode(err) != qantar.ENOTFOUND {
			return nil, err
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
		case qantar.ErrorCode(err) == qantar.EINVALID:
			st.NoEstimate = qantar.ErrorMessage(err)
			if failed == "" {
				failed = st.Place
			}
		default:
			return nil, err
		}
		ans.Strata = append(ans.Strata, st)
	}
	if failed != "" {
		ans.NoEstimate = fmt.Sprintf("no total by place: the lists support no estimate for %s (see its stratum); pool places or leave out by=place", failed)
		return ans, nil
	}
	// Each place's bootstrap refits the model its search chose rather than
	// searching again per replicate: for five lists and ten places that is
	// seconds instead of many minutes, for an interval that leaves out the
	// uncertainty of choosing each place's model (its description says so).
	m.Search.RefitChosen = true
	res, err := mse.Stratified(strata, m)
	if err != nil {
		if qantar.ErrorCode(err) != qantar.EINVALID {
			return nil, err
		}
		ans.NoEstimate = qantar.ErrorMessage(err)
		return ans, nil
	}
	est, lo := res.Total.Estimate, res.Total.Lower
	ans.Estimate, ans.Lower, ans.Interval = &est, &lo, res.Total.Interval
	if hi := res.Total.Upper; !math.IsInf(hi, 1) {
		ans.Upper = &hi
	}
	return ans, nil
}
