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
	// person is each person on a list, by id (the record merged into,
	// for a merge).
	person map[int64]member
	// death is the first killing act of each person on a list, if any.
	death map[int64]death
}

// member is what a comparison shows of a person: their name, unless the
// reader may not see them (a placeholder, qantar.IsPlaceholder).
type member struct {
	name      string
	protected bool
}

// death is what a comparison shows of a killing act.
type death struct {
	act   int64
	date  qantar.Date
	place int64
}

// Load computes who is on which list.
func Load(r Records) *Membership {
	b := NewBuilder(r.Sources)
	for _, c := range r.Citations {
		b.Citation(c)
	}
	for _, p := range r.Persons {
		b.Person(p)
	}
	for _, a := range r.Acts {
		b.Act(a)
	}
	return b.Membership()
}

// Builder computes a Membership from records given one at a time, as one
// reader sees them, keeping of each only what the answer needs, so that no
// kind is held whole: the lists first (NewBuilder), then their citations,
// then persons and acts in any order.
type Builder struct {
	m      *Membership
	cited  []*qantar.Citation // of a person or an act, on a list
	acts   map[int64]bool     // the acts the lists cite
	next   map[int64]int64    // each merged person's same_as_id
	people map[int64]member   // every person
	victim map[int64]int64    // each cited act's victim
	deaths []killing          // every killing act
}

// killing is a killing act as the builder keeps it.
type killing struct {
	victim int64
	death
}

// NewBuilder starts the membership of the sources of kind list among
// sources.
func NewBuilder(sources []*qantar.Source) *Builder {
	b := &Builder{m: &Membership{On: map[int64]map[int64]bool{}}, acts: map[int64]bool{},
		next: map[int64]int64{}, people: map[int64]member{}, victim: map[int64]int64{}}
	for _, s := range sources {
		if s.SourceKind == "list" {
			b.m.Lists = append(b.m.Lists, s)
			b.m.On[s.ID] = map[int64]bool{}
		}
	}
	sort.Slice(b.m.Lists, func(i, j int) bool { return b.m.Lists[i].ID < b.m.Lists[j].ID })
	return b
}

// Citation notes a citation; one of a person or an act on a list counts.
func (b *Builder) Citation(c *qantar.Citation) {
	if _, ok := b.m.On[c.SourceID]; !ok {
		return
	}
	switch c.RecordKind {
	case qantar.KindAct:
		b.acts[c.RecordID] = true
	case qantar.KindPerson:
	default:
		return
	}
	b.cited = append(b.cited, c)
}

// NeedsPeople reports whether persons and acts can change the answer: not
// when no list cites anyone, so that a reader of every person may skip them.
func (b *Builder) NeedsPeople() bool { return len(b.cited) > 0 }

// Person notes a person: their merge, and their name or that they are
// protected.
func (b *Builder) Person(p *qantar.Person) {
	if p.SameAsID != 0 {
		b.next[p.ID] = p.SameAsID
	}
	if qantar.IsPlaceholder(p) {
		b.people[p.ID] = member{protected: true}
	} else {
		b.people[p.ID] = member{name: p.PrimaryName()}
	}
}

// Act notes an act: its victim if a list cites it, and its date and place
// if it killed.
func (b *Builder) Act(a *qantar.Act) {
	if b.acts[a.ID] {
		b.victim[a.ID] = a.VictimID
	}
	if a.IsKilling() {
		b.deaths = append(b.deaths, killing{a.VictimID, death{a.ID, a.Date, a.PlaceID}})
	}
}

// Membership is who is on which list, of the records given; b is spent.
func (b *Builder) Membership() *Membership {
	m := b.m
	m.person, m.death = map[int64]member{}, map[int64]death{}
	one := func(id int64) int64 { return qantar.SameAsEnd(b.next, id) }
	for _, c := range b.cited {
		pid := one(c.RecordID)
		if c.RecordKind == qantar.KindAct {
			pid = one(b.victim[c.RecordID])
		}
		if p, ok := b.people[pid]; ok {
			m.On[c.SourceID][pid] = true
			m.person[pid] = p
		}
	}
	for _, d := range b.deaths {
		v := one(d.victim)
		if _, on := m.person[v]; !on {
			continue
		}
		if first, ok := m.death[v]; !ok || d.act < first.act {
			m.death[v] = d.death
		}
	}
	*b = Builder{}
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
			p := m.person[id]
			if p.protected {
				s.Protected++
				continue
			}
			e := Entry{PersonID: id, Name: p.name}
			if d, ok := m.death[id]; ok {
				e.DeathDate, e.PlaceID = d.date.String(), d.place
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
