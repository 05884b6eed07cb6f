package command

import (
	"context"
	"slices"
	"strconv"
	"sync"

	"github.com/qantar-project/qantar"
)

// A question about a place or a unit on a date reads the records around
// it, never the collection: the place; the units whose positions name it
// (through the references to it) and, when it has coordinates, the units
// with a position given by coordinates alone; the sub-units of those whose
// position applies to them, on the date, at every depth; the acts at the
// place (references) and the involvements of those that fall on the date,
// with their units; the chain of command of every unit present (each
// parent read by id); then the posts of the units the answer names, the
// citations of those units, of their commanding posts and of the
// involvements, and the sources cited. NewIndex over these answers At (or
// Tree, Chain, Commanders, SubUnits and Claim of the unit asked about) as
// the index over every record does, since each answer reads only these
// records. Every record is the Source's reader's projection.

// Near is where the web's command questions are answered, one per server:
// it keeps, per state of the records and class of reader, the units with a
// position given by coordinates alone (no reference finds them).
type Near struct {
	mu     sync.Mutex
	state  string
	coords map[string][]*qantar.Unit // by the reader's projection
}

// Place is the index around a place on a date: enough for At(placeID,
// date) to answer as the index over every record the reader sees does.
func (n *Near) Place(ctx context.Context, src Source, placeID int64, date qantar.Date) (*Index, error) {
	l := newLoader(ctx, src)
	pl, err := GetPlace(ctx, src, placeID)
	if err != nil {
		return nil, err
	}
	if pl != nil {
		l.in.Places = []*qantar.Place{pl}
		if pl.Lat != nil && pl.Lon != nil {
			us, err := n.coordUnits(ctx, src)
			if err != nil {
				return nil, err
			}
			l.addUnits(us)
		}
	}
	if err := l.atPlace(placeID, date); err != nil {
		return nil, err
	}
	for _, r := range l.index().positionsAt(placeID) {
		if pos := r.unit.Positions[r.i]; pos.AppliesToSubunits && date.Meets(pos.From, pos.To) {
			if err := l.descend(r.unit.ID, date); err != nil {
				return nil, err
			}
		}
	}
	for _, p := range l.index().At(placeID, date) {
		if err := l.chain(p.UnitID, date); err != nil {
			return nil, err
		}
	}
	if err := l.staff(presentUnits(l.index().At(placeID, date))); err != nil {
		return nil, err
	}
	return l.index(), nil
}

// Unit is the index around a unit on a date: enough for Tree(unitID, date,
// depth, width) and Chain, and the unit's Commanders and Claim, to answer
// as the index over every record does; SubUnits too when depth > 0.
func (n *Near) Unit(ctx context.Context, src Source, unitID int64, date qantar.Date, depth, width int) (*Index, error) {
	l := newLoader(ctx, src)
	if err := l.chain(unitID, date); err != nil {
		return nil, err
	}
	level := []int64{unitID}
	for d := 0; d < depth && len(level) > 0; d++ {
		var next []int64
		for _, id := range level {
			kids, err := l.children(id)
			if err != nil {
				return nil, err
			}
			for _, c := range kids {
				if onDate(c, id, date) {
					next = append(next, c.ID)
				}
			}
		}
		level = next
	}
	if err := l.staff(treeUnits(l.index(), unitID, date, depth, width)); err != nil {
		return nil, err
	}
	return l.index(), nil
}

// coordUnits are the units with a position given by coordinates alone, as
// the source's reader sees them. No filter reads a position's coordinates:
// the text filter on "lat" keeps the units whose JSON has the key (and a
// few that merely hold the letters), each then checked.
func (n *Near) coordUnits(ctx context.Context, src Source) ([]*qantar.Unit, error) {
	class := qantar.PreparedColumn(src.Reader)
	n.mu.Lock()
	us, ok := n.coords[class]
	ok = ok && src.State != "" && n.state == src.State
	n.mu.Unlock()
	if ok {
		return us, nil
	}
	recs, err := src.List(ctx, qantar.KindUnit, qantar.Filter{Q: "lat", Reader: src.Reader})
	if err != nil {
		return nil, err
	}
	us = []*qantar.Unit{}
	for _, u := range only[*qantar.Unit](recs) {
		if slices.ContainsFunc(u.Positions, func(p qantar.UnitPosition) bool { return p.PlaceID == 0 && p.Lat != nil && p.Lon != nil }) {
			us = append(us, u)
		}
	}
	if src.State != "" {
		n.mu.Lock()
		if n.state != src.State {
			n.state, n.coords = src.State, map[string][]*qantar.Unit{}
		}
		n.coords[class] = us
		n.mu.Unlock()
	}
	return us, nil
}

// loader gathers an Input from a Source, each record once.
type loader struct {
	ctx     context.Context
	src     Source
	in      Input
	units   map[int64]*qantar.Unit // read (nil: there is none)
	kids    map[int64][]*qantar.Unit
	staffed map[int64]bool
	cited   map[citeKey]bool
	sources map[int64]bool
}

func newLoader(ctx context.Context, src Source) *loader {
	return &loader{ctx: ctx, src: src, units: map[int64]*qantar.Unit{}, kids: map[int64][]*qantar.Unit{},
		staffed: map[int64]bool{}, cited: map[citeKey]bool{}, sources: map[int64]bool{}}
}

// index is NewIndex over what was read, the units in the order of ids (as
// a list gives them, which orders the evidence of a unit under several).
func (l *loader) index() *Index {
	slices.SortFunc(l.in.Units, func(a, b *qantar.Unit) int { return cmpID(a.ID, b.ID) })
	return NewIndex(l.in)
}

func cmpID(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (l *loader) addUnits(us []*qantar.Unit) {
	for _, u := range us {
		if u != nil && l.units[u.ID] == nil {
			l.units[u.ID] = u
			l.in.Units = append(l.in.Units, u)
		}
	}
}

// unit reads a unit by id (nil when there is none).
func (l *loader) unit(id int64) (*qantar.Unit, error) {
	if u, ok := l.units[id]; ok {
		return u, nil
	}
	rec, err := l.src.Get(l.ctx, qantar.KindUnit, id)
	if qantar.ErrorCode(err) == qantar.ENOTFOUND {
		l.units[id] = nil
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	u, _ := rec.(*qantar.Unit)
	l.addUnits([]*qantar.Unit{u})
	return u, nil
}

// children reads every unit that was ever under id.
func (l *loader) children(id int64) ([]*qantar.Unit, error) {
	if kids, ok := l.kids[id]; ok {
		return kids, nil
	}
	recs, err := l.src.Referrers(l.ctx, qantar.KindUnit, id, qantar.KindUnit)
	if err != nil {
		return nil, err
	}
	kids := only[*qantar.Unit](recs)
	l.addUnits(kids)
	l.kids[id] = kids
	return kids, nil
}

// onDate reports whether u was under parent on the date (childrenOn's rule).
func onDate(u *qantar.Unit, parent int64, date qantar.Date) bool {
	return slices.ContainsFunc(u.Parents, func(p qantar.UnitParent) bool { return p.ParentID == parent && date.Meets(p.From, p.To) })
}

// descend reads the units under id on the date, at every depth.
func (l *loader) descend(id int64, date qantar.Date) error {
	seen := map[int64]bool{id: true}
	todo := []int64{id}
	for len(todo) > 0 {
		cur := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		kids, err := l.children(cur)
		if err != nil {
			return err
		}
		for _, c := range kids {
			if !seen[c.ID] && onDate(c, cur, date) {
				seen[c.ID] = true
				todo = append(todo, c.ID)
			}
		}
	}
	return nil
}

// chain reads a unit and its chain of command on the date (Chain's walk).
func (l *loader) chain(id int64, date qantar.Date) error {
	seen := map[int64]bool{}
	for id != 0 && !seen[id] {
		seen[id] = true
		u, err := l.unit(id)
		if err != nil || u == nil {
			return err
		}
		id = 0
		if ps := parentsOn(u, date); len(ps) > 0 {
			id = u.Parents[ps[0]].ParentID
		}
	}
	return nil
}

// atPlace reads the units whose positions name the place, the acts there,
// the involvements of those on the date and their units.
func (l *loader) atPlace(placeID int64, date qantar.Date) error {
	us, err := l.src.Referrers(l.ctx, qantar.KindPlace, placeID, qantar.KindUnit)
	if err != nil {
		return err
	}
	l.addUnits(only[*qantar.Unit](us))
	acts, err := l.src.Referrers(l.ctx, qantar.KindPlace, placeID, qantar.KindAct)
	if err != nil {
		return err
	}
	for _, a := range only[*qantar.Act](acts) {
		if a.PlaceID != placeID || a.Date.IsZero() || !date.Meets(a.Date, a.Date) {
			continue // At skips it
		}
		l.in.Acts = append(l.in.Acts, a)
		vs, err := l.src.List(l.ctx, qantar.KindInvolvement, qantar.Filter{Where: map[string]string{"act_id": strconv.FormatInt(a.ID, 10)}, Reader: l.src.Reader})
		if err != nil {
			return err
		}
		for _, v := range only[*qantar.Involvement](vs) {
			l.in.Involvements = append(l.in.Involvements, v)
			if err := l.cites(qantar.KindInvolvement, v.ID); err != nil {
				return err
			}
			if v.UnitID == 0 {
				continue
			}
			if _, err := l.unit(v.UnitID); err != nil {
				return err
			}
		}
	}
	return nil
}

// staff reads the posts of each unit, the citations of the unit and of its
// commanding posts (the only posts an answer grades), and their sources.
func (l *loader) staff(ids []int64) error {
	for _, id := range ids {
		if id == 0 || l.staffed[id] {
			continue
		}
		l.staffed[id] = true
		recs, err := l.src.List(l.ctx, qantar.KindPost, qantar.Filter{Where: map[string]string{"unit_id": strconv.FormatInt(id, 10)}, Reader: l.src.Reader})
		if err != nil {
			return err
		}
		posts := only[*qantar.Post](recs)
		l.in.Posts = append(l.in.Posts, posts...)
		if err := l.cites(qantar.KindUnit, id); err != nil {
			return err
		}
		for _, p := range posts {
			if p.Role != "commander" && p.Role != "head" {
				continue
			}
			if err := l.cites(qantar.KindPost, p.ID); err != nil {
				return err
			}
		}
	}
	return nil
}

// cites reads the citations of a record and the sources they cite.
func (l *loader) cites(kind qantar.Kind, id int64) error {
	if l.cited[citeKey{kind, id}] {
		return nil
	}
	l.cited[citeKey{kind, id}] = true
	recs, err := l.src.List(l.ctx, qantar.KindCitation, qantar.Filter{Reader: l.src.Reader,
		Where: map[string]string{"record_kind": string(kind), "record_id": strconv.FormatInt(id, 10)}})
	if err != nil {
		return err
	}
	for _, c := range only[*qantar.Citation](recs) {
		l.in.Citations = append(l.in.Citations, c)
		if l.sources[c.SourceID] {
			continue
		}
		l.sources[c.SourceID] = true
		src, err := l.src.Get(l.ctx, qantar.KindSource, c.SourceID)
		if err == nil {
			if s, ok := src.(*qantar.Source); ok {
				l.in.Sources = append(l.in.Sources, s)
			}
		} else if qantar.ErrorCode(err) != qantar.ENOTFOUND {
			return err
		}
	}
	return nil
}

// presentUnits are the units an answer of At names: those present and
// every level of their chains.
func presentUnits(ps []Present) []int64 {
	var out []int64
	for _, x := range ps {
		out = append(out, x.UnitID)
		out = append(out, levelUnits(x.Chain)...)
	}
	return out
}

// treeUnits are the units Tree names: the unit, its chain up and its
// sub-units down as it draws them.
func treeUnits(ix *Index, unitID int64, date qantar.Date, depth, width int) []int64 {
	up, down, _ := ix.Tree(unitID, date, depth, width)
	out := append([]int64{unitID}, levelUnits(up)...)
	var walk func(n Node)
	walk = func(n Node) {
		out = append(out, n.UnitID)
		for _, c := range n.Children {
			walk(c)
		}
	}
	walk(down)
	return out
}

func levelUnits(ls []Level) []int64 {
	out := make([]int64, len(ls))
	for i, l := range ls {
		out[i] = l.UnitID
	}
	return out
}
