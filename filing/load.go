package filing

import (
	"context"
	"strconv"

	"github.com/qantar-project/qantar"
)

// reader reads records from a store as one reader sees them: every record
// through qantar.Project, each read once.
type reader struct {
	ctx     context.Context
	st      qantar.Store
	actor   qantar.Actor
	resolve qantar.Resolver // each record read once
	// changed holds the kinds of which the projection withheld something
	// from this reader.
	changed map[qantar.Kind]bool
}

func newReader(ctx context.Context, st qantar.Store, actor qantar.Actor) *reader {
	return &reader{ctx: ctx, st: st, actor: actor, resolve: qantar.StoreResolver(ctx, st), changed: map[qantar.Kind]bool{}}
}

// get returns kind/id as the reader sees it.
func (r *reader) get(kind qantar.Kind, id int64) (qantar.Record, error) {
	rec, err := r.resolve(kind, id)
	if err != nil {
		return nil, err
	}
	return r.project(rec), nil
}

// project is Project, noting whether it withheld anything.
func (r *reader) project(rec qantar.Record) qantar.Record {
	p := qantar.Project(r.actor, rec, r.resolve)
	if p != rec {
		r.changed[rec.Kind()] = true
	}
	return p
}

// list returns every live record of a kind that where selects, as the
// reader sees them. where names only fields that every projection keeps
// (qantar.KeptByProjection), so the records selected are those the
// reader's own list would select; each is then projected here, which tells
// what the projection withheld.
func (r *reader) list(kind qantar.Kind, where map[string]string) ([]qantar.Record, error) {
	for f := range where {
		if !qantar.KeptByProjection(kind, f) {
			return nil, qantar.Errorf(qantar.EINTERNAL, "filing: %s.%s is not kept by every projection", kind, f)
		}
	}
	recs, err := qantar.ListAll(r.ctx, r.st, kind, qantar.Filter{Where: where, Reader: qantar.System})
	if err != nil {
		return nil, err
	}
	for i, rec := range recs {
		recs[i] = r.project(rec)
	}
	return recs, nil
}

func (r *reader) person(m map[int64]*qantar.Person, id int64) {
	if id == 0 || m[id] != nil {
		return
	}
	if rec, err := r.get(qantar.KindPerson, id); err == nil {
		m[id] = rec.(*qantar.Person)
	}
}

func (r *reader) source(m map[int64]*qantar.Source, id int64) {
	if id == 0 || m[id] != nil {
		return
	}
	if rec, err := r.get(qantar.KindSource, id); err == nil {
		m[id] = rec.(*qantar.Source)
	}
}

// LoadCase reads a case and what a draft about it needs, as actor sees
// them. A case that is not there is ENOTFOUND, said in lang.
func LoadCase(ctx context.Context, st qantar.Store, actor qantar.Actor, id int64, lang string) (*CaseFile, error) {
	r := newReader(ctx, st, actor)
	rec, err := r.get(qantar.KindCase, id)
	if qantar.ErrorCode(err) == qantar.ENOTFOUND {
		return nil, notFound(lang, "There is no case %d", id)
	}
	if err != nil {
		return nil, err
	}
	cf := &CaseFile{Case: rec.(*qantar.Case), Persons: map[int64]*qantar.Person{}, Units: map[int64]*qantar.Unit{}, Sources: map[int64]*qantar.Source{}}
	for _, aid := range cf.Case.ActIDs {
		a, err := r.get(qantar.KindAct, aid)
		if err != nil {
			return nil, err
		}
		act := a.(*qantar.Act)
		cf.Acts = append(cf.Acts, act)
		r.person(cf.Persons, act.VictimID)
	}
	for _, p := range cf.Case.Participants {
		r.person(cf.Persons, p.PersonID)
	}
	if cf.Case.AuthorityID != 0 {
		if u, err := r.get(qantar.KindUnit, cf.Case.AuthorityID); err == nil {
			cf.Units[u.GetMeta().ID] = u.(*qantar.Unit)
		}
	}
	for _, s := range cf.Case.Steps {
		r.source(cf.Sources, s.SourceID)
	}
	complaints, err := r.list(qantar.KindComplaint, map[string]string{"case_id": strconv.FormatInt(id, 10)})
	if err != nil {
		return nil, err
	}
	for _, c := range complaints {
		cf.Complaints = append(cf.Complaints, c.(*qantar.Complaint))
	}
	return cf, nil
}
