// Package lists says who is on which list: the people each Source of kind
// "list" names (a citation of the person, or of an act of which they are the
// victim), counted once after the merges record linkage confirmed
// (same_as_id), and what two lists have and lack of each other. It works on
// records already loaded and projected for their reader (qantar.Project), so
// that an answer is computed from what that reader may see only: a person
// they may not see is a placeholder, counted under its own id (a merge it
// is part of is not followed, since that would tell whom it was merged
// with), never named.
package lists

import (
	"sort"

	"github.com/qantar-project/qantar"
)

// Records are the records the membership is computed from, as one reader
// sees them.
type Records struct {
	Sources   []*qantar.Source
	Citations []*qantar.Citation
	Persons   []*qantar.Person
	Acts      []*qantar.Act
}

// Membership is which people each list names.
type Membership struct {
	// Lists are the sources of kind list, by id.
	Lists []*qantar.Source
	// On holds, per list id, the people it names (ids after merges).
	On map[int64]map[int64]bool
	// Person is each person by id (the record merged into, for a merge).
	Person map[int64]*qantar.Person
	// Death is the first killing act of each person, if any.
	Death map[int64]*qantar.Act
}

// Load computes who is on which list.
func Load(r Records) *Membership {
	m := &Membership{On: map[int64]map[int64]bool{}, Person: make(map[int64]*qantar.Person, len(r.Persons)), Death: map[int64]*qantar.Act{}}
	same := qantar.ResolveSameAs(r.Persons)
	one := func(id int64) int64 {
		if to, ok := same[id]; ok {
			return to
		}
		return id
	}
	for _, p := range r.Persons {
		m.Person[p.ID] = p
	}
	victim := make(map[int64]int64, len(r.Acts))
	for _, a := range r.Acts {
		v := one(a.VictimID)
		victim[a.ID] = v
		if d, ok := m.Death[v]; a.IsKilling() && (!ok || a.ID < d.ID) {
			m.Death[v] = a
		}
	}
	for _, s := range r.Sources {
		if s.SourceKind == "list" {
			m.Lists = append(m.Lists, s)
			m.On[s.ID] = map[int64]bool{}
		}
	}
	sort.Slice(m.Lists, func(i, j int) bool { return m.Lists[i].ID < m.Lists[j].ID })
	for _, c := range r.Citations {
		on, ok := m.On[c.SourceID]
		if !ok {
			continue
		}
		var pid int64
		switch c.RecordKind {
		case qantar.KindPerson:
			pid = one(c.RecordID)
		case qantar.KindAct:
			pid = victim[c.RecordID]
		}
		if _, ok := m.Person[pid]; ok {
			on[pid] = true
		}
	}
	return m
}

// List returns the list with the given id.
func (m *Membership) List(id int64) (*qantar.Source, bool) {
	for _, s := range m.Lists {
		if s.ID == id {
			return s, true
		}
	}
	return nil, false
}

// Distinct is how many people the lists name together, each once.
func (m *Membership) Distinct() int {
	all := map[int64]bool{}
	for _, on := range m.On {
		for id := range on {
			all[id] = true
		}
	}
	return len(all)
}

// Entry is a person as a reader may see them on a comparison.
type Entry struct {
	PersonID  int64  `json:"person_id"`
	Name      string `json:"name"`
	DeathDate string `json:"death_date,omitempty"`
	PlaceID   int64  `json:"place_id,omitempty"`
}

// Side is the people on one list and not on the other: the ones the reader
// may see named, and how many more are protected.
type Side struct {
	Count     int     `json:"count"`
	Named     []Entry `json:"named"`
	Protected int     `json:"protected"`
}

// Comparison is what two lists have and lack of each other.
type Comparison struct {
	A     int64 `json:"a"`
	B     int64 `json:"b"`
	OnA   int   `json:"on_a"`
	OnB   int   `json:"on_b"`
	Both  int   `json:"on_both"`
	OnlyA Side  `json:"only_on_a"`
	OnlyB Side  `json:"only_on_b"`
}

// Compare says who is on list a and not on b, and the reverse: a person
// the records' reader may not see is counted, not named.
func (m *Membership) Compare(a, b int64) Comparison {
	c := Comparison{A: a, B: b, OnA: len(m.On[a]), OnB: len(m.On[b])}
	for id := range m.On[a] {
		if m.On[b][id] {
			c.Both++
		}
	}
	c.OnlyA = m.side(m.On[a], m.On[b])
	c.OnlyB = m.side(m.On[b], m.On[a])
	return c
}

func (m *Membership) side(on, not map[int64]bool) Side {
	s := Side{Named: []Entry{}}
	for id := range on {
		if !not[id] {
			s.Count++
			p := m.Person[id]
			if qantar.IsPlaceholder(p) {
				s.Protected++
				continue
			}
			e := Entry{PersonID: id, Name: p.PrimaryName()}
			if d := m.Death[id]; d != nil {
				e.DeathDate, e.PlaceID = d.Date.String(), d.PlaceID
			}
			s.Named = append(s.Named, e)
		}
	}
	sort.Slice(s.Named, func(i, j int) bool {
		if s.Named[i].Name != s.Named[j].Name {
			return s.Named[i].Name < s.Named[j].Name
		}
		return s.Named[i].PersonID < s.Named[j].PersonID
	})
	return s
}
