package report

import (
	"sort"

	"github.com/qantar-project/qantar"
)

// Level is one unit in a chain of command on a date, with who commanded it.
type Level struct {
	UnitID     int64       `json:"unit_id"`
	Name       qantar.Text `json:"name"`
	Kind       string      `json:"kind,omitempty"`
	Commanders []Commander `json:"commanders"`
	// OtherParents lists further parents the records give for that date,
	// when they give several; the chain follows the most recent one.
	OtherParents []int64 `json:"other_parents,omitempty"`
}

// How a post is known to cover the date (Security Force Monitor's rule: a
// person is known in a post only between the first and last dates a source
// cites them in it).
const (
	BasisCitedSpan   = "cited_span"   // the date is between first and last cited
	BasisCitedBefore = "cited_before" // first cited on or before the date, no last date known
	BasisCitedAfter  = "cited_after"  // last cited on or after the date, no first date known
	BasisUndated     = "undated"      // neither date known
)

// Commander is a person in a commanding post (commander or head) of a unit.
type Commander struct {
	PersonID   int64       `json:"person_id"`
	PostID     int64       `json:"post_id"`
	Role       string      `json:"role"`
	Title      qantar.Text `json:"title,omitempty"`
	Rank       string      `json:"rank,omitempty"`
	FirstCited string      `json:"first_cited,omitempty"`
	LastCited  string      `json:"last_cited,omitempty"`
	Confidence string      `json:"confidence,omitempty"`
	Basis      string      `json:"basis"`
	SourceIDs  []int64     `json:"source_ids,omitempty"` // see AttachSources
}

// CommandChain returns the chain of command of a unit on a date: the unit,
// its parent on that date, and so on to the highest parent, each with the
// persons who held a commanding post there on that date, best-attested
// first. A date known only to the month or year matches anything that
// overlaps it. An unknown unit is ENOTFOUND; a hierarchy that loops is
// ECONFLICT, returned with the chain up to the loop.
func CommandChain(units []*qantar.Unit, posts []*qantar.Post, unitID int64, date qantar.Date) ([]Level, error) {
	if date.IsZero() {
		return nil, qantar.FieldErrorf("date", "is required: a chain of command is always on a date")
	}
	byID := make(map[int64]*qantar.Unit, len(units))
	for _, u := range units {
		if u != nil {
			byID[u.ID] = u
		}
	}
	postsOf := map[int64][]*qantar.Post{}
	for _, p := range posts {
		if p != nil && (p.Role == "commander" || p.Role == "head") {
			postsOf[p.UnitID] = append(postsOf[p.UnitID], p)
		}
	}
	u := byID[unitID]
	if u == nil {
		return nil, qantar.Errorf(qantar.ENOTFOUND, "unit %d is not among the units given", unitID)
	}
	var chain []Level
	seen := map[int64]bool{}
	for u != nil {
		if seen[u.ID] {
			return chain, qantar.Errorf(qantar.ECONFLICT, "the unit hierarchy loops back to unit %d on %s", u.ID, date)
		}
		seen[u.ID] = true
		lv := Level{UnitID: u.ID, Name: u.Name, Kind: u.UnitKind, Commanders: commandersOn(postsOf[u.ID], date)}
		parents := parentsOn(u, date)
		if len(parents) > 1 {
			lv.OtherParents = parents[1:]
		}
		chain = append(chain, lv)
		if len(parents) == 0 {
			break
		}
		next := byID[parents[0]]
		if next == nil {
			// The parent is not among the units given: end the chain
			// with what is known of it.
			chain = append(chain, Level{UnitID: parents[0], Commanders: commandersOn(postsOf[parents[0]], date)})
			break
		}
		u = next
	}
	return chain, nil
}

// parentsOn lists the unit's parents on the date, most recently set first.
func parentsOn(u *qantar.Unit, date qantar.Date) []int64 {
	var ps []qantar.UnitParent
	for _, p := range u.Parents {
		if date.Meets(p.From, p.To) {
			ps = append(ps, p)
		}
	}
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].From.Time().After(ps[j].From.Time()) })
	out := make([]int64, 0, len(ps))
	for _, p := range ps {
		if !containsID(out, p.ParentID) {
			out = append(out, p.ParentID)
		}
	}
	return out
}

func containsID(ids []int64, id int64) bool {
	for _, v := range ids {
		if v == id {
			return true
		}
	}
	return false
}

var basisRank = map[string]int{BasisCitedSpan: 0, BasisCitedBefore: 1, BasisCitedAfter: 1, BasisUndated: 2}
var confidenceRank = map[string]int{"high": 0, "medium": 1, "": 2, "low": 3}

func commandersOn(posts []*qantar.Post, date qantar.Date) []Commander {
	out := []Commander{}
	for _, p := range posts {
		if !date.Meets(p.FirstCited, p.LastCited) {
			continue
		}
		basis := BasisUndated
		switch {
		case !p.FirstCited.IsZero() && !p.LastCited.IsZero():
			basis = BasisCitedSpan
		case !p.FirstCited.IsZero():
			basis = BasisCitedBefore
		case !p.LastCited.IsZero():
			basis = BasisCitedAfter
		}
		out = append(out, Commander{PersonID: p.PersonID, PostID: p.ID, Role: p.Role, Title: p.Title, Rank: p.Rank,
			FirstCited: p.FirstCited.String(), LastCited: p.LastCited.String(), Confidence: p.Confidence, Basis: basis})
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if basisRank[a.Basis] != basisRank[b.Basis] {
			return basisRank[a.Basis] < basisRank[b.Basis]
		}
		if confidenceRank[a.Confidence] != confidenceRank[b.Confidence] {
			return confidenceRank[a.Confidence] < confidenceRank[b.Confidence]
		}
		return a.PostID < b.PostID
	})
	return out
}

// AttachSources fills each commander's SourceIDs from the citations of
// their post, so the chain shows on what evidence each person stands there.
func AttachSources(chain []Level, citations []*qantar.Citation) {
	byPost := map[int64][]int64{}
	for _, c := range citations {
		if c != nil && c.RecordKind == qantar.KindPost && !containsID(byPost[c.RecordID], c.SourceID) {
			byPost[c.RecordID] = append(byPost[c.RecordID], c.SourceID)
		}
	}
	for i := range chain {
		for j := range chain[i].Commanders {
			cm := &chain[i].Commanders[j]
			cm.SourceIDs = byPost[cm.PostID]
		}
	}
}
