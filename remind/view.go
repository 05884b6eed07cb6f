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
	ctx    context.Context
	st     qantar.Store
	reader qantar.Actor
	raw    map[qantar.Kind]map[int64]qantar.Record
}

func newView(ctx context.Context, st qantar.Store, reader qantar.Actor) *view {
	return &view{ctx: ctx, st: st, reader: reader, raw: map[qantar.Kind]map[int64]qantar.Record{}}
}

// resolve is the Resolver Project asks about other records.
func (r *view) resolve(kind qantar.Kind, id int64) (qantar.Record, error) {
	if rec, ok := r.raw[kind][id]; ok {
		return rec, nil
	}
	rec, err := r.st.Get(r.ctx, kind, id)
	if err != nil {
		return nil, err
	}
	if r.raw[kind] == nil {
		r.raw[kind] = map[int64]qantar.Record{}
	}
	r.raw[kind][id] = rec
	return rec, nil
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
// victim.
func (r *view) personComplaints(d *Digest, id int64) ([]qantar.Record, error) {
	p, err := r.personOf(id)
	if err != nil {
		return nil, err
	}
	if p == nil {
		return nil, qantar.Errorf(qantar.ENOTFOUND, "There is no person %d", id)
	}
	d.Person = p
	out, err := r.list(qantar.KindComplaint, map[string]string{"filer_id": idString(id)})
	if err != nil {
		return nil, err
	}
	seen := map[int64]bool{}
	for _, c := range out {
		seen[c.GetMeta().ID] = true
	}
	cases, err := r.casesAbout(id)
	if err != nil {
		return nil, err
	}
	for _, cid := range cases {
		more, err := r.list(qantar.KindComplaint, map[string]string{"case_id": idString(cid)})
		if err != nil {
			return nil, err
		}
		for _, c := range more {
			if !seen[c.GetMeta().ID] {
				seen[c.GetMeta().ID] = true
				out = append(out, c)
			}
		}
	}
	return out, nil
}

// casesAbout lists the cases in which person id takes part or that concern
// an act of which they are the victim, in the order of ids.
func (r *view) casesAbout(id int64) ([]int64, error) {
	acts, err := r.list(qantar.KindAct, map[string]string{"victim_id": idString(id)})
	if err != nil {
		return nil, err
	}
	theirs := map[int64]bool{}
	for _, a := range acts {
		theirs[a.GetMeta().ID] = true
	}
	cases, err := r.list(qantar.KindCase, nil)
	if err != nil {
		return nil, err
	}
	var out []int64
	for _, rec := range cases {
		c := rec.(*qantar.Case)
		if concerns(c, id, theirs) {
			out = append(out, c.ID)
		}
	}
	return out, nil
}

func concerns(c *qantar.Case, person int64, acts map[int64]bool) bool {
	for _, p := range c.Participants {
		if p.PersonID == person {
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
