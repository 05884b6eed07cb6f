package remind

import (
	"context"
	"strconv"

	"github.com/qantar-project/qantar"
)

// view reads records as one reader may see them: lists through the store's
// projection for that reader (Filter.Reader, which matches and counts only
// what the reader may see), single records through qantar.Project.
type view struct {
	ctx     context.Context
	st      qantar.Store
	reader  qantar.Actor
	resolve qantar.Resolver // each record read once
}

func newView(ctx context.Context, st qantar.Store, reader qantar.Actor) *view {
	return &view{ctx: ctx, st: st, reader: reader, resolve: qantar.StoreResolver(ctx, st)}
}

// get returns kind/id as the reader sees it.
func (r *view) get(kind qantar.Kind, id int64) (qantar.Record, error) {
	rec, err := r.resolve(kind, id)
	if err != nil {
		return nil, err
	}
	return qantar.Project(r.reader, rec, r.resolve), nil
}

// list returns every live record of kind that where selects, as the
// reader's own list gives them.
func (r *view) list(kind qantar.Kind, where map[string]string) ([]qantar.Record, error) {
	return qantar.ListAll(r.ctx, r.st, kind, qantar.Filter{Where: where, Reader: r.reader})
}

// optional returns kind/id as the reader sees it, nil for id 0 or a record
// that is gone.
func (r *view) optional(kind qantar.Kind, id int64) (qantar.Record, error) {
	if id == 0 {
		return nil, nil
	}
	rec, err := r.get(kind, id)
	if qantar.ErrorCode(err) == qantar.ENOTFOUND {
		return nil, nil
	}
	return rec, err
}

func (r *view) caseOf(id int64) (*qantar.Case, error) {
	rec, err := r.optional(qantar.KindCase, id)
	if rec == nil {
		return nil, err
	}
	return rec.(*qantar.Case), nil
}

func (r *view) personOf(id int64) (*qantar.Person, error) {
	rec, err := r.optional(qantar.KindPerson, id)
	if rec == nil {
		return nil, err
	}
	return rec.(*qantar.Person), nil
}

func (r *view) unitOf(id int64) (*qantar.Unit, error) {
	rec, err := r.optional(qantar.KindUnit, id)
	if rec == nil {
		return nil, err
	}
	return rec.(*qantar.Unit), nil
}

func idString(id int64) string { return strconv.FormatInt(id, 10) }

// caseComplaints reads the case (the digest's target) and its complaints.
func (r *view) caseComplaints(d *Digest, id int64) ([]qantar.Record, error) {
	c, err := r.caseOf(id)
	if err != nil {
		return nil, err
	}
	if c == nil {
		return nil, qantar.Errorf(qantar.ENOTFOUND, "There is no case %d", id)
	}
	d.Case = c
	return r.list(qantar.KindComplaint, map[string]string{"case_id": idString(id)})
}

// personComplaints reads the person (the digest's target) and the
// complaints about them: those they filed, and those filed in a case in
// which they take part or that concerns an act of which they are the
// victim. A person merged into another (same_as_id) is the same person:
// the records of every person of the merge count, as far as the reader
// sees the merge.
func (r *view) personComplaints(d *Digest, id int64) ([]qantar.Record, error) {
	p, err := r.personOf(id)
	if err != nil {
		return nil, err
	}
	if p == nil {
		return nil, qantar.Errorf(qantar.ENOTFOUND, "There is no person %d", id)
	}
	d.Person = p
	same, err := r.samePerson(p)
	if err != nil {
		return nil, err
	}
	var out []qantar.Record
	seen := map[int64]bool{}
	add := func(where map[string]string) error {
		more, err := r.list(qantar.KindComplaint, where)
		for _, c := range more {
			if !seen[c.GetMeta().ID] {
				seen[c.GetMeta().ID] = true
				out = append(out, c)
			}
		}
		return err
	}
	for _, pid := range same {
		if err := add(map[string]string{"filer_id": idString(pid)}); err != nil {
			return nil, err
		}
	}
	cases, err := r.casesAbout(same)
	if err != nil {
		return nil, err
	}
	for _, cid := range cases {
		if err := add(map[string]string{"case_id": idString(cid)}); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// samePerson returns the ids of the persons merged with p (p's own first):
// those whose same_as_id leads to the person p was merged into, as the
// reader's projections of persons say (a hidden person's merge is not
// seen).
func (r *view) samePerson(p *qantar.Person) ([]int64, error) {
	root := p
	for hops := 0; root.SameAsID != 0 && hops < 16; hops++ {
		next, err := r.personOf(root.SameAsID)
		if err != nil || next == nil {
			break
		}
		root = next
	}
	out := []int64{p.ID}
	queued := map[int64]bool{root.ID: true}
	for queue := []int64{root.ID}; len(queue) > 0; queue = queue[1:] {
		id := queue[0]
		if id != p.ID {
			out = append(out, id)
		}
		merged, err := r.list(qantar.KindPerson, map[string]string{"same_as_id": idString(id)})
		if err != nil {
			return nil, err
		}
		for _, m := range merged {
			if mid := m.GetMeta().ID; !queued[mid] {
				queued[mid] = true
				queue = append(queue, mid)
			}
		}
	}
	return out, nil
}

// casesAbout lists the cases in which one of persons takes part or that
// concern an act of which one of them is the victim, in the order of ids.
func (r *view) casesAbout(persons []int64) ([]int64, error) {
	theirs, them := map[int64]bool{}, map[int64]bool{}
	for _, id := range persons {
		them[id] = true
		acts, err := r.list(qantar.KindAct, map[string]string{"victim_id": idString(id)})
		if err != nil {
			return nil, err
		}
		for _, a := range acts {
			theirs[a.GetMeta().ID] = true
		}
	}
	cases, err := r.list(qantar.KindCase, nil)
	if err != nil {
		return nil, err
	}
	var out []int64
	for _, rec := range cases {
		c := rec.(*qantar.Case)
		if concerns(c, them, theirs) {
			out = append(out, c.ID)
		}
	}
	return out, nil
}

func concerns(c *qantar.Case, persons, acts map[int64]bool) bool {
	for _, p := range c.Participants {
		if persons[p.PersonID] {
			return true
		}
	}
	for _, a := range c.ActIDs {
		if acts[a] {
			return true
		}
	}
	return false
}
