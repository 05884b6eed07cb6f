package linkdb

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/qantar-project/qantar"
)

// Merge is one confirmation Apply made, or would have made: person
// PersonID is the same human as Into.
type Merge struct {
	PersonID int64   `json:"person_id"`
	Into     int64   `json:"into"`
	P        float64 `json:"probability"` // the most likely linked pair that joined them
	// Skipped says why the merge was not made: an editor undid it before,
	// or the person is already merged elsewhere.
	Skipped string `json:"skipped,omitempty"`
}

// CheckMinProbability checks a --min-probability.
func CheckMinProbability(p float64) error {
	if !(p > 0 && p <= 1) {
		return qantar.FieldErrorf("min_probability", "%g is not a probability above 0 and at most 1", p)
	}
	return nil
}

// Apply confirms as merges the linked pairs of res whose probability is at
// least minP: within each group of persons so joined, every record that is
// not already merged points by same_as_id at the group's first record
// (following merges made before). Each is an update of the person through
// the store, logged and undone by clearing same_as_id; all of them are
// written in one transaction, or none is. A merge an editor undid before
// (a version of the person set same_as_id to a record of the group, a
// later one cleared it) is not made again: it is returned as skipped.
func Apply(ctx context.Context, s qantar.Store, actor qantar.Actor, res *Result, minP float64) ([]Merge, error) {
	if err := CheckMinProbability(minP); err != nil {
		return nil, err
	}
	if !actor.CanWrite() {
		return nil, qantar.Errorf(qantar.EFORBIDDEN, "confirming merges needs an editor")
	}
	comps := components(res.Linked, minP)
	known := make(map[int64]Entry, len(res.Entries))
	for _, e := range res.Entries {
		known[e.PersonID] = e
	}
	var plan []Merge
	for _, c := range comps {
		m, err := planComponent(ctx, s, c, known)
		if err != nil {
			return nil, err
		}
		plan = append(plan, m...)
	}
	err := s.InTx(ctx, func(w qantar.Writer) error {
		for _, m := range plan {
			if m.Skipped != "" {
				continue
			}
			rec, err := w.Get(ctx, qantar.KindPerson, m.PersonID)
			if err != nil {
				return err
			}
			p := rec.(*qantar.Person)
			if p.SameAsID != 0 {
				return qantar.Errorf(qantar.ECONFLICT, "persons/%d was merged into persons/%d meanwhile", p.ID, p.SameAsID)
			}
			p.SameAsID = m.Into
			if err := w.Update(ctx, actor, p); err != nil {
				return fmt.Errorf("merge persons/%d into persons/%d: %w", m.PersonID, m.Into, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return plan, nil
}

// ToReview returns the pairs left to an editor after Apply at minP: the
// uncertain pairs and those a guard refused, and the linked pairs under minP
// (linked, but not surely enough to merge), most likely first.
func (res *Result) ToReview(minP float64) []Pair {
	var out []Pair
	for _, p := range res.Linked {
		if p.P < minP {
			out = append(out, p)
		}
	}
	out = append(out, res.Review...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].P > out[j].P })
	return out
}

// component is a set of persons joined by linked pairs at or above the
// minimum probability, with the best probability of a pair joining each
// person to the rest.
type component struct {
	ids  []int64
	best map[int64]float64
}

// components joins the persons of the pairs at or above minP.
func components(pairs []Pair, minP float64) []component {
	parent := map[int64]int64{}
	var find func(int64) int64
	find = func(x int64) int64 {
		if p, ok := parent[x]; ok && p != x {
			r := find(p)
			parent[x] = r
			return r
		}
		parent[x] = x
		return x
	}
	best := map[int64]float64{}
	for _, p := range pairs {
		a, b := p.A.PersonID, p.B.PersonID
		if p.P < minP || a == b {
			continue
		}
		best[a], best[b] = max(best[a], p.P), max(best[b], p.P)
		ra, rb := find(a), find(b)
		if ra != rb {
			parent[max(ra, rb)] = min(ra, rb)
		}
	}
	byRoot := map[int64]*component{}
	for id := range best {
		r := find(id)
		c, ok := byRoot[r]
		if !ok {
			c = &component{best: map[int64]float64{}}
			byRoot[r] = c
		}
		c.ids = append(c.ids, id)
		c.best[id] = best[id]
	}
	var out []component
	for _, r := range sortedIDs(byRoot) {
		c := byRoot[r]
		sort.Slice(c.ids, func(i, j int) bool { return c.ids[i] < c.ids[j] })
		out = append(out, *c)
	}
	return out
}

// planComponent says which persons of a component to merge into which:
// each member's record at the end of its chain of merges (its canonical
// record) that is not the group's first canonical record is merged into it.
// What linkage read of a person (known) spares reading it again: a person
// merged into nobody is its own canonical record, and a person at its first
// version has no merge an editor undid. Apply's transaction checks again
// that nobody merged them meanwhile.
func planComponent(ctx context.Context, s qantar.Store, c component, known map[int64]Entry) ([]Merge, error) {
	canon := map[int64]int64{}
	for _, id := range c.ids {
		if e, ok := known[id]; ok && e.SameAsID == 0 {
			canon[id] = id
			continue
		}
		r, err := canonical(ctx, s, id)
		if err != nil {
			return nil, err
		}
		canon[id] = r
	}
	target := int64(0)
	for _, r := range canon {
		if target == 0 || r < target {
			target = r
		}
	}
	var out []Merge
	done := map[int64]bool{target: true}
	for _, id := range c.ids {
		r := canon[id]
		if done[r] {
			continue
		}
		done[r] = true
		m := Merge{PersonID: r, Into: target, P: c.best[id]}
		if e, ok := known[r]; !ok || e.version != 1 {
			undone, err := undoneBefore(ctx, s, r, c.ids, target)
			if err != nil {
				return nil, err
			}
			if undone {
				m.Skipped = "an editor undid this merge before"
			}
		}
		out = append(out, m)
	}
	return out, nil
}

// canonical follows same_as_id from person id to the record it ends at (a
// loop ends at its smallest id, as qantar.ResolveSameAs says).
func canonical(ctx context.Context, s qantar.Store, id int64) (int64, error) {
	seen := map[int64]bool{}
	for !seen[id] {
		seen[id] = true
		rec, err := s.Get(ctx, qantar.KindPerson, id)
		if err != nil {
			return 0, err
		}
		next := rec.(*qantar.Person).SameAsID
		if next == 0 {
			return id, nil
		}
		id = next
	}
	low := id
	for m := range seen {
		low = min(low, m)
	}
	return low, nil
}

// undoneBefore reports whether a version of person id once pointed
// same_as_id at target or a member of the group.
func undoneBefore(ctx context.Context, s qantar.Store, id int64, group []int64, target int64) (bool, error) {
	hist, err := s.History(ctx, qantar.KindPerson, id)
	if err != nil {
		return false, err
	}
	inGroup := map[int64]bool{target: true}
	for _, g := range group {
		inGroup[g] = true
	}
	for _, v := range hist {
		var p struct {
			SameAsID int64 `json:"same_as_id"`
		}
		if len(v.Data) == 0 || json.Unmarshal(v.Data, &p) != nil {
			continue
		}
		if inGroup[p.SameAsID] {
			return true, nil
		}
	}
	return false, nil
}
