package report

import (
	"sort"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/law"
)

const unknownDate = "unknown"

// maxWalk bounds every walk up a hierarchy of places, events or units, so
// that a cycle in the data cannot hang a report.
const maxWalk = 32

// index holds the records by id and what Compute derives from them once.
type index struct {
	asOf     time.Time
	places   map[int64]*qantar.Place
	events   map[int64]*qantar.Event
	acts     map[int64]*actInfo // acts dated on or before asOf, or undated
	cityMemo map[int64]int64
	// Cities and dates are numbered as they are met, so that the
	// breakdowns are slices rather than maps.
	cityIDs   []int64
	cityIdx   map[int64]int
	dateKeys  []string
	dateIdx   map[string]int
	cases     []*caseInfo
	caseByID  map[int64]*caseInfo
	victims   []*victim
	deadlines map[deadlineKey]deadlineMemo
}

// actInfo is an act with what the figures need of it, in one map entry.
type actInfo struct {
	act        *qantar.Act
	city       int64
	date       string
	cityI      int // index in index.cityIDs
	dateI      int // index in index.dateKeys
	when       time.Time
	personPerp bool // an involvement names a person as perpetrator
	cases      []*caseInfo
}

// victim is a person with at least one killing act.
type victim struct {
	id   int64
	acts []*actInfo // killing acts, earliest first: the first places the death
}

// caseInfo is a case as it stood on the as-of date.
type caseInfo struct {
	status, ground              string
	suspect, charged, convicted bool
	cities                      []int // indices in index.cityIDs
	dates                       []int // indices in index.dateKeys
}

// progress is how far the investigation of one death went.
type progress struct{ withCase, suspect, charged, convicted bool }

func newIndex(in Input, asOf time.Time) *index {
	ix := &index{asOf: asOf,
		places: make(map[int64]*qantar.Place, len(in.Places)), events: make(map[int64]*qantar.Event, len(in.Events)),
		acts: make(map[int64]*actInfo, len(in.Acts)), cityMemo: map[int64]int64{},
		cityIdx: map[int64]int{}, dateIdx: map[string]int{},
		caseByID: make(map[int64]*caseInfo, len(in.Cases)), deadlines: map[deadlineKey]deadlineMemo{}}
	for _, p := range in.Places {
		if p != nil {
			ix.places[p.ID] = p
		}
	}
	for _, e := range in.Events {
		if e != nil {
			ix.events[e.ID] = e
		}
	}
	byVictim := map[int64]*victim{}
	infos := make([]actInfo, len(in.Acts)) // one allocation for all
	for i, a := range in.Acts {
		if a == nil {
			continue
		}
		when := ix.dateOfAct(a)
		if !when.IsZero() && when.Time().After(asOf) {
			continue
		}
		ai := &infos[i]
		*ai = actInfo{act: a, city: ix.cityOf(ix.placeOfAct(a)), date: dateKey(when), when: when.Time()}
		ai.cityI, ai.dateI = ix.internCity(ai.city), ix.internDate(ai.date)
		ix.acts[a.ID] = ai
		if !a.IsKilling() {
			continue
		}
		v := byVictim[a.VictimID]
		if v == nil {
			v = &victim{id: a.VictimID}
			byVictim[a.VictimID] = v
			ix.victims = append(ix.victims, v)
		}
		v.acts = append(v.acts, ai)
	}
	for _, v := range ix.victims {
		if len(v.acts) > 1 {
			sort.Slice(v.acts, func(i, j int) bool {
				ti, tj := v.acts[i].when, v.acts[j].when
				if ti.IsZero() != tj.IsZero() {
					return tj.IsZero() // undated last
				}
				if !ti.Equal(tj) {
					return ti.Before(tj)
				}
				return v.acts[i].act.ID < v.acts[j].act.ID
			})
		}
	}
	sort.Slice(ix.victims, func(i, j int) bool { return ix.victims[i].id < ix.victims[j].id })
	for _, inv := range in.Involvements {
		if inv == nil || inv.PersonID == 0 {
			continue
		}
		if ai := ix.acts[inv.ActID]; ai != nil {
			ai.personPerp = true
		}
	}
	for _, c := range in.Cases {
		if c == nil {
			continue
		}
		ci := ix.caseAsOf(c)
		if ci == nil {
			continue
		}
		ix.cases = append(ix.cases, ci)
		ix.caseByID[c.ID] = ci
		for _, id := range c.ActIDs {
			ai := ix.acts[id]
			if ai == nil {
				continue
			}
			ai.cases = append(ai.cases, ci)
			if !containsInt(ci.cities, ai.cityI) {
				ci.cities = append(ci.cities, ai.cityI)
			}
			if !containsInt(ci.dates, ai.dateI) {
				ci.dates = append(ci.dates, ai.dateI)
			}
		}
	}
	return ix
}

// caseAsOf returns the case as it stood on the as-of date, nil if it did not
// exist yet.
func (ix *index) caseAsOf(c *qantar.Case) *caseInfo {
	if !c.OpenedOn.IsZero() {
		if c.OpenedOn.Time().After(ix.asOf) {
			return nil
		}
	} else if len(c.Steps) > 0 && c.Steps[0].Date.Time().After(ix.asOf) {
		return nil
	}
	ci := &caseInfo{status: "none"}
	verdict := ""
	for _, s := range c.Steps {
		if s.Date.Time().After(ix.asOf) {
			break // steps are in date order (qantar.Case.Validate)
		}
		ci.status, ci.ground = s.Step, s.Ground
		if s.Step == "verdict" {
			verdict = s.Verdict
		}
	}
	if ci.ground == "" {
		ci.ground = "unknown"
	}
	convictedParticipant := false
	for _, p := range c.Participants {
		if !p.Since.IsZero() && p.Since.Time().After(ix.asOf) {
			continue
		}
		switch p.Role {
		case "suspect":
			ci.suspect = true
		case "accused", "defendant":
			ci.charged = true
		case "convicted":
			// Convicted at some point: charged, whatever a later
			// verdict says.
			convictedParticipant = true
			ci.charged = true
		}
	}
	ci.convicted = verdict == "convicted" || verdict == "" && convictedParticipant
	ci.charged = ci.charged || ci.convicted
	ci.suspect = ci.suspect || ci.charged
	return ci
}

func (ix *index) progressOf(v *victim) progress {
	var p progress
	for _, a := range v.acts {
		p.suspect = p.suspect || a.personPerp
		for _, c := range a.cases {
			p.withCase = true
			p.suspect = p.suspect || c.suspect
			p.charged = p.charged || c.charged
			p.convicted = p.convicted || c.convicted
		}
	}
	return p
}

func (ix *index) killingActsByVictim() map[int64][]int64 {
	out := make(map[int64][]int64, len(ix.victims))
	for _, v := range ix.victims {
		ids := make([]int64, len(v.acts))
		for i, a := range v.acts {
			ids[i] = a.act.ID
		}
		out[v.id] = ids
	}
	return out
}

// dateOfAct is the act's date, else its event's start.
func (ix *index) dateOfAct(a *qantar.Act) qantar.Date {
	if !a.Date.IsZero() {
		return a.Date
	}
	if e := ix.events[a.EventID]; e != nil {
		return e.Start
	}
	return qantar.Date{}
}

// placeOfAct is the act's place, else that of its event or the nearest
// event above it.
func (ix *index) placeOfAct(a *qantar.Act) int64 {
	if a.PlaceID != 0 {
		return a.PlaceID
	}
	e := ix.events[a.EventID]
	for i := 0; e != nil && i < maxWalk; i++ {
		if e.PlaceID != 0 {
			return e.PlaceID
		}
		e = ix.events[e.ParentID]
	}
	return 0
}

// cityOf walks up from a place to the first city; a region or a place with
// nothing above it is its own bucket; 0 is "place unknown".
func (ix *index) cityOf(id int64) int64 {
	if id == 0 {
		return 0
	}
	if c, ok := ix.cityMemo[id]; ok {
		return c
	}
	cur := id
	for i := 0; i < maxWalk; i++ {
		p := ix.places[cur]
		if p == nil || p.PlaceKind == "city" || p.PlaceKind == "region" || p.PlaceKind == "country" {
			break
		}
		up := p.RegionThenID
		if up == 0 {
			up = p.RegionNowID
		}
		if up == 0 {
			break
		}
		cur = up
	}
	ix.cityMemo[id] = cur
	return cur
}

// dateKey writes a date to the precision it is known, without estimate mark
// or time of day.
func dateKey(d qantar.Date) string {
	switch {
	case d.IsZero():
		return unknownDate
	case d.HasDay():
		return d.Time().Format(time.DateOnly)
	case d.Precision == qantar.PrecisionMonth:
		return d.Time().Format("2006-01")
	}
	return d.Time().Format("2006")
}

// deadlineKey memoises deadlines: many complaints share a kind and a day.
type deadlineKey struct {
	rules *law.Rules
	kind  string
	filed int64 // Unix seconds of the filing day
}

type deadlineMemo struct {
	d   law.Deadline
	err error
}

// complaintStatus returns a complaint's status on the as-of date, whether
// its deadline is verified, and false if it has no deadline.
func (ix *index) complaintStatus(g *law.Registry, c *qantar.Complaint) (string, bool, bool) {
	r, err := g.Get(c.Jurisdiction)
	if err != nil || !c.FiledOn.HasDay() {
		return "", false, false
	}
	filed := c.FiledOn.Time()
	key := deadlineKey{r, c.ComplaintKind, filed.Unix()}
	m, ok := ix.deadlines[key]
	if !ok {
		m.d, m.err = r.Deadline(c.ComplaintKind, filed)
		ix.deadlines[key] = m
	}
	if m.err != nil {
		return "", false, false
	}
	// The plain case, no response by the date, needs no more than the
	// deadline; anything else goes through the rules' own Status.
	if !hasResponseBy(c, ix.asOf) {
		if ix.asOf.After(m.d.Date) {
			return law.StatusOverdue, m.d.Verified, true
		}
		return law.StatusPending, m.d.Verified, true
	}
	st, err := r.Status(c, ix.asOf)
	if err != nil {
		return "", false, false
	}
	return st.Status, st.Deadline.Verified, true
}

func hasResponseBy(c *qantar.Complaint, asOf time.Time) bool {
	for _, r := range c.Responses {
		if !r.ReceivedOn.Time().After(asOf) {
			return true
		}
	}
	return false
}

func containsInt(list []int, n int) bool {
	for _, v := range list {
		if v == n {
			return true
		}
	}
	return false
}

func (ix *index) internCity(id int64) int {
	i, ok := ix.cityIdx[id]
	if !ok {
		i = len(ix.cityIDs)
		ix.cityIdx[id] = i
		ix.cityIDs = append(ix.cityIDs, id)
	}
	return i
}

func (ix *index) internDate(k string) int {
	i, ok := ix.dateIdx[k]
	if !ok {
		i = len(ix.dateKeys)
		ix.dateIdx[k] = i
		ix.dateKeys = append(ix.dateKeys, k)
	}
	return i
}
