package command

import (
	"sort"
	"strconv"

	"github.com/qantar-project/qantar"
)

// Commander is a person in a commanding post (commander or head) of a unit,
// with the claim of the post.
type Commander struct {
	PersonID   int64       `json:"person_id"`
	PostID     int64       `json:"post_id"`
	Role       string      `json:"role"`
	Title      qantar.Text `json:"title,omitempty"`
	Rank       string      `json:"rank,omitempty"`
	FirstCited string      `json:"first_cited,omitempty"`
	LastCited  string      `json:"last_cited,omitempty"`
	Confidence string      `json:"confidence,omitempty"`
	// Basis is how the post is known to cover a date (Security Force
	// Monitor's rule: a person is known in a post only between the first
	// and last dates a source cites them in it).
	Basis string `json:"basis"`
	Claim Claim  `json:"claim"`
}

// The bases of a commander on a date.
const (
	BasisCitedSpan   = "cited_span"   // the date is between first and last cited
	BasisCitedBefore = "cited_before" // first cited on or before the date, no last date known
	BasisCitedAfter  = "cited_after"  // last cited on or after the date, no first date known
	BasisUndated     = "undated"      // neither date known
)

// basis says how the post's cited dates bound it.
func basis(p *qantar.Post) string {
	switch first, last := !p.FirstCited.IsZero(), !p.LastCited.IsZero(); {
	case first && last:
		return BasisCitedSpan
	case first:
		return BasisCitedBefore
	case last:
		return BasisCitedAfter
	}
	return BasisUndated
}

// Level is one unit of a chain of command on a date.
type Level struct {
	UnitID     int64       `json:"unit_id"`
	Name       qantar.Text `json:"name"`
	Kind       string      `json:"kind,omitempty"`
	Commanders []Commander `json:"commanders"`
	// Parent is the claim that this unit was under the next level on the
	// date (the parent link's status, grade and sources); nil at the top.
	Parent *Claim `json:"parent_claim,omitempty"`
	// OtherParents are further parents the records give for the date; the
	// chain follows the one most recently begun.
	OtherParents []int64 `json:"other_parents,omitempty"`
}

// Chain returns the chain of command of a unit on a date, from the unit up
// to the highest parent. A parent the reader cannot see ends the chain
// with its id alone. A hierarchy that loops (written before the stores
// refused loops) is ECONFLICT, returned with the chain up to the loop.
func (ix *Index) Chain(unitID int64, date qantar.Date) ([]Level, error) {
	u := ix.units[unitID]
	if u == nil {
		return nil, qantar.Errorf(qantar.ENOTFOUND, "unit %d does not exist", unitID)
	}
	var chain []Level
	seen := map[int64]bool{}
	for u != nil {
		if seen[u.ID] {
			return chain, qantar.Errorf(qantar.ECONFLICT, "the unit hierarchy loops back to unit %d on %s", u.ID, date)
		}
		seen[u.ID] = true
		lv := ix.level(u, date)
		ps := parentsOn(u, date)
		if len(ps) == 0 {
			return append(chain, lv), nil
		}
		for _, i := range ps[1:] {
			lv.OtherParents = append(lv.OtherParents, u.Parents[i].ParentID)
		}
		p := u.Parents[ps[0]]
		c := ix.claim(qantar.KindUnit, u.ID, parentField(ps[0]), p.Status)
		lv.Parent = &c
		chain = append(chain, lv)
		if u = ix.units[p.ParentID]; u == nil {
			chain = append(chain, Level{UnitID: p.ParentID, Commanders: []Commander{}})
		}
	}
	return chain, nil
}

func parentField(i int) string { return "parents." + strconv.Itoa(i) }

// level is a unit with its commanders on a date.
func (ix *Index) level(u *qantar.Unit, date qantar.Date) Level {
	lv := Level{UnitID: u.ID, Name: u.Name, Kind: u.UnitKind, Commanders: []Commander{}}
	for _, p := range ix.commanders[u.ID] {
		if date.Meets(p.FirstCited, p.LastCited) {
			lv.Commanders = append(lv.Commanders, ix.commander(p))
		}
	}
	// The one most recently named to the post first.
	sort.SliceStable(lv.Commanders, func(i, j int) bool { return lv.Commanders[i].FirstCited > lv.Commanders[j].FirstCited })
	return lv
}

func (ix *Index) commander(p *qantar.Post) Commander {
	return Commander{PersonID: p.PersonID, PostID: p.ID, Role: p.Role, Title: p.Title, Rank: p.Rank,
		FirstCited: p.FirstCited.String(), LastCited: p.LastCited.String(), Confidence: p.Confidence, Basis: basis(p),
		Claim: ix.claim(qantar.KindPost, p.ID, "", p.Status)}
}

// Commanders is a unit's commanders over time, earliest first cited first.
func (ix *Index) Commanders(unitID int64) []Commander {
	out := []Commander{}
	for _, p := range ix.commanders[unitID] {
		out = append(out, ix.commander(p))
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].FirstCited < out[j].FirstCited })
	return out
}

// PostsOf is a person's posts across units, earliest first cited first.
func (ix *Index) PostsOf(personID int64) []*qantar.Post { return ix.byPerson[personID] }

// parentsOn lists the indexes of the unit's parent links on the date, the
// most recently begun first.
func parentsOn(u *qantar.Unit, date qantar.Date) []int {
	var out []int
	for i, p := range u.Parents {
		if date.Meets(p.From, p.To) {
			out = append(out, i)
		}
	}
	sort.SliceStable(out, func(a, b int) bool {
		return u.Parents[out[a]].From.Time().After(u.Parents[out[b]].From.Time())
	})
	return out
}

// childrenOn lists the units under id on the date, by id.
func (ix *Index) childrenOn(id int64, date qantar.Date) []*qantar.Unit {
	var out []*qantar.Unit
	for _, cid := range ix.children[id] {
		c := ix.units[cid]
		if c == nil {
			continue
		}
		for _, p := range c.Parents {
			if p.ParentID == id && date.Meets(p.From, p.To) {
				out = append(out, c)
				break
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Node is a unit in an organisation chart with its sub-units on the date.
type Node struct {
	Level
	Children []Node `json:"children,omitempty"`
	More     int    `json:"more,omitempty"` // sub-units not drawn
}

// Tree is a unit's organisation chart on a date: its chain of command
// upwards and its sub-units down to depth levels, at most width per unit.
func (ix *Index) Tree(unitID int64, date qantar.Date, depth, width int) (up []Level, down Node, err error) {
	up, err = ix.Chain(unitID, date)
	if err != nil && qantar.ErrorCode(err) != qantar.ECONFLICT {
		return nil, Node{}, err
	}
	down = ix.node(ix.units[unitID], date, depth, width, map[int64]bool{})
	return up, down, err
}

func (ix *Index) node(u *qantar.Unit, date qantar.Date, depth, width int, seen map[int64]bool) Node {
	n := Node{Level: ix.level(u, date)}
	seen[u.ID] = true
	if depth == 0 {
		return n
	}
	for _, c := range ix.childrenOn(u.ID, date) {
		if seen[c.ID] {
			continue
		}
		if len(n.Children) == width {
			n.More++
			continue
		}
		n.Children = append(n.Children, ix.node(c, date, depth-1, width, seen))
	}
	return n
}

// SubUnits lists every unit that was ever under id, by id.
func (ix *Index) SubUnits(id int64) []*qantar.Unit {
	var out []*qantar.Unit
	for _, c := range ix.children[id] {
		if u := ix.units[c]; u != nil {
			out = append(out, u)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}
