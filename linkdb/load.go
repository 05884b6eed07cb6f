package linkdb

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/names"
)

// deathActs are the act types that end a life: their date and place are a
// victim's death date and place.
var deathActs = map[string]bool{
	"killing_crowd_control": true, "extrajudicial_execution": true, "death_in_custody": true,
	"death_from_torture": true, "killing": true,
}

// victims is what linkage reads of the database.
type victims struct {
	persons map[int64]*qantar.Person // as the actor sees them; those they may not see are left out
	lists   map[int64][]int64        // person → the lists naming them, in the order of lists
	acts    map[int64]*qantar.Act    // person → the act giving their death date and place
	order   []int64                  // the persons linked, listed first, then entered by hand
}

// load reads the persons on the lists, the victims entered by hand, and
// their acts.
func load(ctx context.Context, s qantar.Store, actor qantar.Actor, lists []*qantar.Source) (*victims, error) {
	v := &victims{persons: map[int64]*qantar.Person{}, lists: map[int64][]int64{}, acts: map[int64]*qantar.Act{}}
	read, err := allKinds(ctx, s, actor, qantar.KindPerson, qantar.KindAct, qantar.KindCitation)
	if err != nil {
		return nil, err
	}
	persons, acts, cits := read[0], read[1], read[2]
	for _, r := range persons {
		p, ok := qantar.Visible(actor, r).(*qantar.Person)
		if ok && !qantar.IsPlaceholder(p) {
			v.persons[p.ID] = p
		}
	}
	actByID := map[int64]*qantar.Act{}
	for _, r := range acts {
		a := r.(*qantar.Act)
		actByID[a.ID] = a
		if cur, ok := v.acts[a.VictimID]; !ok || deathActs[a.ActType] && !deathActs[cur.ActType] {
			v.acts[a.VictimID] = a
		}
	}
	isList := map[int64]bool{}
	for _, src := range lists {
		isList[src.ID] = true
	}
	for _, r := range cits {
		c := r.(*qantar.Citation)
		if !isList[c.SourceID] {
			continue
		}
		pid := c.RecordID
		switch c.RecordKind {
		case qantar.KindPerson:
		case qantar.KindAct:
			a, ok := actByID[c.RecordID]
			if !ok {
				continue
			}
			pid = a.VictimID
		default:
			continue
		}
		v.addList(pid, c.SourceID)
	}
	v.orderPersons(lists)
	return v, nil
}

func (v *victims) addList(pid, src int64) {
	for _, l := range v.lists[pid] {
		if l == src {
			return
		}
	}
	v.lists[pid] = append(v.lists[pid], src)
}

// orderPersons lists the persons to link: those on the lists, by id, then
// the victims of acts on no list, by id. A person the actor may not see is
// not among them.
func (v *victims) orderPersons(lists []*qantar.Source) {
	rank := map[int64]int{}
	for i, src := range lists {
		rank[src.ID] = i
	}
	for _, pid := range sortedIDs(v.lists) {
		if _, ok := v.persons[pid]; ok {
			ls := v.lists[pid]
			sortByRank(ls, rank)
			v.order = append(v.order, pid)
		}
	}
	for _, pid := range sortedIDs(v.acts) {
		if _, listed := v.lists[pid]; listed {
			continue
		}
		if _, ok := v.persons[pid]; ok {
			v.order = append(v.order, pid)
		}
	}
}

func sortByRank(ls []int64, rank map[int64]int) {
	for i := 1; i < len(ls); i++ {
		for j := i; j > 0 && rank[ls[j]] < rank[ls[j-1]]; j-- {
			ls[j], ls[j-1] = ls[j-1], ls[j]
		}
	}
}

// entry returns the entry of person pid and its values for the fields.
func (v *victims) entry(pid int64) (Entry, []string) {
	p := v.persons[pid]
	e := Entry{PersonID: pid, Lists: v.lists[pid], Name: p.PrimaryName(), BirthDate: p.BirthDate.String(), SameAsID: p.SameAsID, version: p.Version}
	if len(e.Lists) > 0 {
		e.SourceID = e.Lists[0]
	} else {
		e.HandEntered = true
	}
	place := ""
	if a, ok := v.acts[pid]; ok {
		e.DeathDate = a.Date.String()
		if a.PlaceID != 0 {
			place = strconv.FormatInt(a.PlaceID, 10)
		}
	}
	return e, []string{nameValue(p), e.BirthDate, p.Sex, e.DeathDate, place}
}

// nameValue is every way the person's name is written, each spelling once
// (two spellings with one match key are one): "Иванов Алексей Ivanov
// Aleksei" links with either script and with "Иванов А.".
func nameValue(p *qantar.Person) string {
	var parts []string
	seen := map[string]bool{}
	for _, n := range p.Names {
		k := names.Key(n.Value)
		if k == "" || seen[k] {
			continue
		}
		seen[k] = true
		parts = append(parts, n.Value)
	}
	return strings.Join(parts, " ")
}

// allKinds reads every live record of each kind the actor may read, the
// kinds at once: reading is mostly decoding, which the cores share.
func allKinds(ctx context.Context, s qantar.Store, actor qantar.Actor, kinds ...qantar.Kind) ([][]qantar.Record, error) {
	out := make([][]qantar.Record, len(kinds))
	errs := make([]error, len(kinds))
	var wg sync.WaitGroup
	for i, k := range kinds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i], errs[i] = all(ctx, s, actor, k, nil)
		}()
	}
	wg.Wait()
	return out, errors.Join(errs...)
}

// all returns every live record of kind that the actor may read, as the
// actor sees it (the store's projection for the actor).
func all(ctx context.Context, s qantar.Store, actor qantar.Actor, kind qantar.Kind, where map[string]string) ([]qantar.Record, error) {
	return qantar.ListAll(ctx, s, kind, qantar.Filter{Where: where, Reader: actor})
}
