// Package report computes the accountability figures of Qantar from records:
// how many deaths led to a case, a suspect, a charge, a conviction; how cases
// ended and on what grounds; how many complaints were answered in time; how
// the official counts moved over time beside the count documented here; the
// Minnesota Protocol checklist; and who commanded a unit on a date. Every
// function is pure: records in, figures out, so that the dashboard, the API
// and the static mirror show the same numbers, and a person counting by hand
// can check them. The package draws SVG charts of the figures too.
//
// Figures are counts only; no name of a person appears in them, so a
// protected person is counted like any other and never shown.
package report

import (
	"sort"
	"strconv"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/law"
)

// Input is the records the figures are computed from: live records only,
// as the store returns them. Minnesota holds the Minnesota Protocol answers
// by act id (see Answer); where they are stored is the store's business.
type Input struct {
	Acts         []*qantar.Act
	Cases        []*qantar.Case
	Complaints   []*qantar.Complaint
	Figures      []*qantar.Figure
	Places       []*qantar.Place
	Events       []*qantar.Event
	Persons      []*qantar.Person
	Involvements []*qantar.Involvement
	Minnesota    map[int64][]Answer
}

// Funnel follows the deaths through the investigation. Each count is of
// distinct persons (victims) with at least one act of a killing type
// (qantar.Act.IsKilling) dated on or before the as-of date (or undated):
//
//   - Deaths: all of them.
//   - WithCase: a case that existed by the date lists one of their killing
//     acts in act_ids.
//   - SuspectIdentified: a linked case has, by the date, a participant with
//     role suspect, accused, defendant or convicted; or an Involvement on
//     one of their killing acts names a person as perpetrator (any degree).
//     This one can exceed WithCase: a perpetrator may be known with no case.
//   - Charged: a linked case has a participant accused, defendant or
//     convicted, or counts as Convicted.
//   - Convicted: the latest verdict step of a linked case, by the date, is
//     "convicted"; or, with no verdict step recorded, a participant has the
//     role convicted.
//
// Convicted implies Charged, which implies SuspectIdentified.
type Funnel struct {
	Deaths            int `json:"deaths"`
	WithCase          int `json:"with_case"`
	SuspectIdentified int `json:"suspect_identified"`
	Charged           int `json:"charged"`
	Convicted         int `json:"convicted"`
}

// CaseOutcomes counts cases that existed by the date (opened_on, or else the
// first step, on or before it) by the step they were at on that date (their
// last step dated on or before it; "none" with no step). Terminated and
// Interrupted count the cases currently at that step by ground code
// ("unknown" when the step has none).
type CaseOutcomes struct {
	Total       int            `json:"total"`
	ByStatus    map[string]int `json:"by_status"`
	Terminated  map[string]int `json:"terminated"`
	Interrupted map[string]int `json:"interrupted"`
}

// ComplaintCounts counts complaints filed on or before the date by their
// status on that date (see law.Rules.Status). Unverified counts those whose
// deadline rests on an unverified limit or calendar day (they are also in
// their status); NoDeadline those whose kind is unknown or has no limit
// (they are in Total only).
type ComplaintCounts struct {
	Total          int `json:"total"`
	Pending        int `json:"pending"`
	Overdue        int `json:"overdue"`
	AnsweredInTime int `json:"answered_in_time"`
	AnsweredLate   int `json:"answered_late"`
	Unverified     int `json:"unverified"`
	NoDeadline     int `json:"no_deadline"`
}

// Complaints are the complaint counts, overall and by addressee unit id
// ("unknown" for none).
type Complaints struct {
	ComplaintCounts
	ByAddressee map[string]ComplaintCounts `json:"by_addressee"`
}

// Breakdown is the figures of one city or one date.
type Breakdown struct {
	Funnel     Funnel          `json:"funnel"`
	Cases      CaseOutcomes    `json:"cases"`
	Complaints ComplaintCounts `json:"complaints"`
}

// CityStats is the breakdown of one city. A death belongs to the city of its
// killing act (the earliest, if several); a case to the cities of every act
// it lists; a complaint to those of its case. PlaceID 0 is "place unknown".
// The city of an act is found from its place, or else its event's place (or
// that of the event's parents): the first place of kind city walking up
// region_then_id; a region, or a place with nothing above it, is its own
// bucket.
type CityStats struct {
	PlaceID int64       `json:"place_id"`
	Name    qantar.Text `json:"name,omitempty"`
	Breakdown
}

// DateStats is the breakdown of one date: the date of the act, to the
// precision it is known ("2022-01-05", "2022-01", "unknown"); cases and
// complaints are placed as in CityStats.
type DateStats struct {
	Date string `json:"date"`
	Breakdown
}

// Stats is every figure as of a date.
type Stats struct {
	AsOf       string       `json:"as_of"`
	Funnel     Funnel       `json:"funnel"`
	Cases      CaseOutcomes `json:"cases"`
	Complaints Complaints   `json:"complaints"`
	ByCity     []CityStats  `json:"by_city"`
	ByDate     []DateStats  `json:"by_date"`
	Figures    []Series     `json:"figures"`
	Minnesota  []ItemCount  `json:"minnesota"`
	// Notes say which figures rest on unverified law.
	Notes []string `json:"notes,omitempty"`
}

// Compute returns every figure as of a date. Records dated after asOf (acts,
// case steps, participants, complaints, responses, figures) are left out, so
// the figures are those that could have been counted on that day. rules
// gives each complaint its deadline by its jurisdiction; nil means the
// default Kazakh rules.
func Compute(in Input, asOf time.Time, rules *law.Registry) Stats {
	if rules == nil {
		rules = law.DefaultRegistry()
	}
	y, m, d := asOf.Date()
	asOf = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	ix := newIndex(in, asOf)
	st := Stats{AsOf: asOf.Format(time.DateOnly), Cases: newOutcomes(), Complaints: Complaints{ByAddressee: map[string]ComplaintCounts{}}}
	cities := newBreakdowns(len(ix.cityIDs))
	dates := newBreakdowns(len(ix.dateKeys))

	// The funnel, person by person.
	for _, v := range ix.victims {
		p := ix.progressOf(v)
		st.Funnel.add(p)
		cities[v.acts[0].cityI].Funnel.add(p)
		dates[v.acts[0].dateI].Funnel.add(p)
	}

	// Case outcomes.
	for _, c := range ix.cases {
		st.Cases.add(c)
		for _, i := range c.cities {
			cities[i].Cases.add(c)
		}
		for _, i := range c.dates {
			dates[i].Cases.add(c)
		}
	}

	if ix.countComplaints(&st.Complaints, in.Complaints, rules, asOf, cities, dates) {
		st.Notes = append(st.Notes, "some complaint deadlines rest on a time limit or calendar day that is not verified; they are counted in complaints.unverified")
	}
	st.ByCity = ix.byCity(cities)
	st.ByDate = ix.byDate(dates)
	st.Figures = figureSeries(in.Figures, ix, asOf)
	st.Minnesota = CountMinnesota(ix.killingActsByVictim(), in.Minnesota)
	return st
}

// newBreakdowns returns n empty breakdowns, their maps made.
func newBreakdowns(n int) []Breakdown {
	bs := make([]Breakdown, n)
	for i := range bs {
		bs[i].Cases = newOutcomes()
	}
	return bs
}

// countComplaints counts the complaints filed by asOf into all, by
// addressee, and into the cities and dates of their cases; it reports
// whether any deadline rests on unverified law.
func (ix *index) countComplaints(all *Complaints, complaints []*qantar.Complaint, rules *law.Registry, asOf time.Time, cities, dates []Breakdown) (unverified bool) {
	byAddressee := map[int64]*ComplaintCounts{}
	for _, cp := range complaints {
		if cp == nil || cp.FiledOn.IsZero() || cp.FiledOn.Time().After(asOf) {
			continue
		}
		status, verified, ok := ix.complaintStatus(rules, cp)
		unverified = unverified || (ok && !verified)
		all.ComplaintCounts.add(status, verified, ok)
		a := byAddressee[cp.AddresseeID]
		if a == nil {
			a = &ComplaintCounts{}
			byAddressee[cp.AddresseeID] = a
		}
		a.add(status, verified, ok)
		if c := ix.caseByID[cp.CaseID]; c != nil {
			for _, i := range c.cities {
				cities[i].Complaints.add(status, verified, ok)
			}
			for _, i := range c.dates {
				dates[i].Complaints.add(status, verified, ok)
			}
		}
	}
	for id, a := range byAddressee {
		key := "unknown"
		if id != 0 {
			key = strconv.FormatInt(id, 10)
		}
		all.ByAddressee[key] = *a
	}
	return unverified
}

// byCity is the cities that count anything, the most deaths first and
// the unknown place last.
func (ix *index) byCity(cities []Breakdown) []CityStats {
	var out []CityStats
	for i, b := range cities {
		if b.empty() {
			continue
		}
		cs := CityStats{PlaceID: ix.cityIDs[i], Breakdown: b}
		if p := ix.places[cs.PlaceID]; p != nil {
			cs.Name = p.Name
		}
		out = append(out, cs)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if (a.PlaceID == 0) != (b.PlaceID == 0) {
			return b.PlaceID == 0 // unknown last
		}
		if a.Funnel.Deaths != b.Funnel.Deaths {
			return a.Funnel.Deaths > b.Funnel.Deaths
		}
		return a.PlaceID < b.PlaceID
	})
	return out
}

// byDate is the dates that count anything, in order, the unknown date
// last.
func (ix *index) byDate(dates []Breakdown) []DateStats {
	var out []DateStats
	for i, b := range dates {
		if !b.empty() {
			out = append(out, DateStats{Date: ix.dateKeys[i], Breakdown: b})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i].Date, out[j].Date
		if (a == unknownDate) != (b == unknownDate) {
			return b == unknownDate
		}
		return a < b
	})
	return out
}

func (b *Breakdown) empty() bool {
	return b.Funnel.Deaths == 0 && b.Cases.Total == 0 && b.Complaints.Total == 0
}

func newOutcomes() CaseOutcomes {
	return CaseOutcomes{ByStatus: map[string]int{}, Terminated: map[string]int{}, Interrupted: map[string]int{}}
}

func (f *Funnel) add(p progress) {
	f.Deaths++
	if p.withCase {
		f.WithCase++
	}
	if p.suspect {
		f.SuspectIdentified++
	}
	if p.charged {
		f.Charged++
	}
	if p.convicted {
		f.Convicted++
	}
}

func (o *CaseOutcomes) add(c *caseInfo) {
	o.Total++
	o.ByStatus[c.status]++
	switch c.status {
	case "terminated":
		o.Terminated[c.ground]++
	case "interrupted":
		o.Interrupted[c.ground]++
	}
}

func (c *ComplaintCounts) add(status string, verified, ok bool) {
	c.Total++
	if !ok {
		c.NoDeadline++
		return
	}
	if !verified {
		c.Unverified++
	}
	switch status {
	case law.StatusPending:
		c.Pending++
	case law.StatusOverdue:
		c.Overdue++
	case law.StatusAnsweredInTime:
		c.AnsweredInTime++
	case law.StatusAnsweredLate:
		c.AnsweredLate++
	}
}
