package command

import (
	"sort"
	"strconv"

	"github.com/qantar-project/qantar"
)

// How a unit is known to have been at a place on a date.
const (
	BasisPosition       = "position"        // one of its positions
	BasisParentPosition = "parent_position" // a position of a parent, sourced as applying to sub-units
	BasisAct            = "act"             // an act there that day is attributed to it
)

var basisRank = map[string]int{BasisPosition: 0, BasisParentPosition: 1, BasisAct: 2}

// Evidence is one reason to place a unit at the place on the date.
type Evidence struct {
	Basis        string `json:"basis"`
	UnitID       int64  `json:"unit_id"`         // whose position or involvement it is
	Field        string `json:"field,omitempty"` // the cited field: positions.2
	PositionKind string `json:"position_kind,omitempty"`
	ActID        int64  `json:"act_id,omitempty"`
	Claim        Claim  `json:"claim"`
}

// Present is a unit at the place on the date, with why, and its chain of
// command on the date.
type Present struct {
	UnitID   int64       `json:"unit_id"`
	Name     qantar.Text `json:"name"`
	Kind     string      `json:"kind,omitempty"`
	Evidence []Evidence  `json:"evidence"`
	Chain    []Level     `json:"chain"`
	Warning  string      `json:"warning,omitempty"`
}

// CoordRadiusM is how near a place a position given by coordinates alone
// must be to count as at that place, when its own precision is finer.
const CoordRadiusM = 250

// At returns the units present at place on date: those with a position
// there, the sub-units of those whose position is sourced as applying to
// them, and those an act there that day is attributed to; by unit id.
func (ix *Index) At(placeID int64, date qantar.Date) []Present {
	found := map[int64]*Present{}
	var order []int64
	add := func(u *qantar.Unit, e Evidence) {
		p := found[u.ID]
		if p == nil {
			p = &Present{UnitID: u.ID, Name: u.Name, Kind: u.UnitKind}
			found[u.ID] = p
			order = append(order, u.ID)
		}
		p.Evidence = append(p.Evidence, e)
	}
	for _, r := range ix.positionsAt(placeID) {
		pos := r.unit.Positions[r.i]
		if !date.Meets(pos.From, pos.To) {
			continue
		}
		field := "positions." + strconv.Itoa(r.i)
		e := Evidence{Basis: BasisPosition, UnitID: r.unit.ID, Field: field, PositionKind: pos.PositionKind,
			Claim: ix.claim(qantar.KindUnit, r.unit.ID, field, pos.Status)}
		add(r.unit, e)
		if pos.AppliesToSubunits {
			e.Basis = BasisParentPosition
			for _, c := range ix.descendants(r.unit.ID, date) {
				add(c, e)
			}
		}
	}
	for _, a := range ix.actsAt[placeID] {
		if a.Date.IsZero() || !date.Meets(a.Date, a.Date) {
			continue
		}
		for _, v := range ix.actUnits[a.ID] {
			if u := ix.units[v.UnitID]; u != nil {
				add(u, Evidence{Basis: BasisAct, UnitID: u.ID, ActID: a.ID, Claim: ix.claim(qantar.KindInvolvement, v.ID, "", "")})
			}
		}
	}
	sort.Slice(order, func(i, j int) bool { return order[i] < order[j] })
	out := make([]Present, 0, len(order))
	for _, id := range order {
		p := found[id]
		sort.SliceStable(p.Evidence, func(i, j int) bool { return basisRank[p.Evidence[i].Basis] < basisRank[p.Evidence[j].Basis] })
		chain, err := ix.Chain(id, date)
		p.Chain = chain
		if err != nil {
			p.Warning = qantar.ErrorMessage(err)
		}
		out = append(out, *p)
	}
	return out
}

// positionsAt lists the positions naming the place, and those given by
// coordinates alone within their precision (at least CoordRadiusM) of it.
func (ix *Index) positionsAt(placeID int64) []posRef {
	out := ix.atPlace[placeID]
	pl := ix.places[placeID]
	if pl == nil || pl.Lat == nil || pl.Lon == nil || len(ix.byCoords) == 0 {
		return out
	}
	out = append([]posRef(nil), out...)
	for _, r := range ix.byCoords {
		pos := r.unit.Positions[r.i]
		if metresBetween(*pl.Lat, *pl.Lon, *pos.Lat, *pos.Lon) <= float64(max(pos.PrecisionM, CoordRadiusM)) {
			out = append(out, r)
		}
	}
	return out
}

// descendants lists every unit under id on the date, at any depth.
func (ix *Index) descendants(id int64, date qantar.Date) []*qantar.Unit {
	var out []*qantar.Unit
	seen := map[int64]bool{id: true}
	todo := []int64{id}
	for len(todo) > 0 {
		cur := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		for _, c := range ix.childrenOn(cur, date) {
			if !seen[c.ID] {
				seen[c.ID] = true
				out = append(out, c)
				todo = append(todo, c.ID)
			}
		}
	}
	return out
}
