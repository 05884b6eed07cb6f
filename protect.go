package qantar

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
)

// ProtectedName is shown in place of a person the reader may not see.
const ProtectedName = "Protected person"

// Protection returns the protection level of any record: a person's own
// level; public for every other kind.
func Protection(rec Record) string {
	switch r := rec.(type) {
	case *Person:
		return r.ProtectionLevel()
	case *File:
		return r.ProtectionLevel()
	}
	return Public
}

// ProjectionRules numbers the rules of Project. Stores keep projections
// computed with them; raise it whenever Project (or ProtectionLevel) changes,
// and every store recomputes what it keeps when it next opens.
const ProjectionRules = 5

// Reader classes: every reader sees one of three projections of a record.
// Stores keep the first two ready (see Projections), so that a list is
// matched, filtered, sorted and counted on what its reader may see.
var (
	// PublicReader is how anybody without an account sees a record.
	PublicReader = Anonymous
	// ViewerReader is how a viewer sees it: restricted persons too.
	ViewerReader = Actor{ID: "projection:viewer", Role: RoleViewer}
)

// ClassOf returns the reader whose projection reader sees: PublicReader,
// ViewerReader, or reader itself when it may see everything.
func ClassOf(reader Actor) (Actor, bool) {
	switch {
	case reader.CanSee(Confidential):
		return reader, true
	case reader.CanSee(Restricted):
		return ViewerReader, false
	}
	return PublicReader, false
}

// Visible returns rec as the reader may see it: the record itself, or, for a
// person the reader may not see, a placeholder that keeps only the id and
// version so that their acts are still counted, with no identifying field.
// It knows nothing of other records; Project is the whole rule.
func Visible(reader Actor, rec Record) Record {
	p, ok := rec.(*Person)
	if !ok || reader.CanSee(p.ProtectionLevel()) {
		return rec
	}
	return &Person{
		Meta:       Meta{ID: p.ID, Version: p.Version},
		Names:      []Name{{Value: ProtectedName}},
		Protection: p.ProtectionLevel(),
	}
}

// IsPlaceholder reports whether rec is a placeholder made by Visible.
func IsPlaceholder(rec Record) bool {
	p, ok := rec.(*Person)
	return ok && p.CreatedAt.IsZero() && len(p.Names) == 1 && p.Names[0].Value == ProtectedName && p.ProtectionLevel() != Public
}

// Resolver finds another record, for the protection rules that depend on it.
type Resolver func(kind Kind, id int64) (Record, error)

// StoreResolver is a Resolver over st that reads each record once, for an
// answer that projects many records about the same people.
func StoreResolver(ctx context.Context, st Store) Resolver {
	seen := map[Kind]map[int64]Record{}
	return func(kind Kind, id int64) (Record, error) {
		if rec, ok := seen[kind][id]; ok {
			return rec, nil
		}
		rec, err := st.Get(ctx, kind, id)
		if err != nil {
			return nil, err
		}
		if seen[kind] == nil {
			seen[kind] = map[int64]Record{}
		}
		seen[kind][id] = rec
		return rec, nil
	}
}

// VisibleWith is Project (the name most callers know).
func VisibleWith(reader Actor, rec Record, resolve Resolver) Record {
	return Project(reader, rec, resolve)
}

// Project returns rec as the reader may see it; it is the one protection
// function, and every answer a reader gets (pages, API, lists, their filters
// and totals, search, downloads, the mirror, exports) is computed from its
// result only. A person the reader may not see becomes a placeholder; a record
// about such a person keeps what counts it (ids, type, dates, places) and
// loses what describes or identifies them:
//   - an act loses its description, method and the notes of its checklists
//     (Minnesota, Istanbul);
//   - a post loses its unit, role, title, rank, dates and description;
//   - an involvement loses its notes;
//   - a complaint filed by them loses its subject and the notes of its responses;
//   - a case loses the dates of their participation;
//   - a citation of any of these loses its quote, note, page, time code, archive and field.
//
// A file the reader may not see (its own level) keeps its id, source, size
// and type, and loses its name, hash, metadata and note (see redactFile); a
// file's origin (when, where and on what device it was made) is never shown
// to a public reader, nor the hash of the restricted original a stripped
// copy was made from.
//
// A person who cannot be looked up is treated as hidden.
func Project(reader Actor, rec Record, resolve Resolver) Record {
	rec = Visible(reader, rec)
	if reader.CanSee(Confidential) {
		return rec
	}
	h := hider{reader: reader, resolve: resolve}
	switch r := rec.(type) {
	case *Citation:
		if h.aboutHidden(r.RecordKind, r.RecordID) {
			c := *r
			c.Quote, c.Page, c.TimeCode, c.ArchiveURL, c.Field, c.Note = "", "", "", "", "", nil
			return &c
		}
	case *Act:
		if h.person(r.VictimID) {
			return redactAct(r)
		}
	case *Post:
		if h.person(r.PersonID) {
			return &Post{Meta: r.Meta, PersonID: r.PersonID}
		}
	case *Involvement:
		if h.involvement(r) {
			v := *r
			v.Notes = nil
			return &v
		}
	case *Complaint:
		if h.person(r.FilerID) {
			return redactComplaint(r)
		}
	case *Case:
		return h.redactCase(r)
	case *File:
		if !reader.CanSee(r.ProtectionLevel()) {
			return redactFile(r)
		}
		if !reader.CanSee(Restricted) && (r.Origin != nil || r.Derivation == "stripped" && r.DerivedFrom != "") {
			// The original of a stripped copy is kept restricted: its
			// hash is not the public's either.
			f := *r
			f.Origin = nil
			if f.Derivation == "stripped" {
				f.DerivedFrom = ""
			}
			return &f
		}
	}
	return rec
}

func redactAct(r *Act) *Act {
	a := *r
	a.Description, a.Method = nil, ""
	a.Minnesota = append([]ChecklistAnswer(nil), r.Minnesota...)
	for i := range a.Minnesota {
		a.Minnesota[i].Note = ""
	}
	a.Istanbul = append([]ChecklistAnswer(nil), r.Istanbul...)
	for i := range a.Istanbul {
		a.Istanbul[i].Note = ""
	}
	return &a
}

func redactComplaint(r *Complaint) *Complaint {
	c := *r
	c.Subject = nil
	c.Responses = append([]Response(nil), r.Responses...)
	for i := range c.Responses {
		c.Responses[i].Note = nil
	}
	return &c
}

// hider answers whether a record is about someone the reader may not see.
type hider struct {
	reader  Actor
	resolve Resolver
}

// person reports whether person id (0: nobody) is hidden from the reader.
func (h hider) person(id int64) bool {
	if id == 0 {
		return false
	}
	p, err := h.resolve(KindPerson, id)
	return err != nil || IsPlaceholder(Visible(h.reader, p))
}

func (h hider) involvement(v *Involvement) bool {
	return h.person(v.PersonID) || h.record(KindAct, v.ActID, func(r Record) bool {
		a, ok := r.(*Act)
		return ok && h.person(a.VictimID)
	})
}

// record resolves kind/id and asks about it; a record that cannot be looked
// up is treated as about someone hidden.
func (h hider) record(kind Kind, id int64, about func(Record) bool) bool {
	r, err := h.resolve(kind, id)
	return err != nil || about(r)
}

// aboutHidden reports whether the record kind/id, as a citation names it,
// is about a person the reader may not see.
func (h hider) aboutHidden(kind Kind, id int64) bool {
	switch kind {
	case KindPerson:
		return h.person(id)
	case KindAct:
		return h.record(kind, id, func(r Record) bool { a, ok := r.(*Act); return ok && h.person(a.VictimID) })
	case KindPost:
		return h.record(kind, id, func(r Record) bool { p, ok := r.(*Post); return ok && h.person(p.PersonID) })
	case KindInvolvement:
		return h.record(kind, id, func(r Record) bool { v, ok := r.(*Involvement); return ok && h.involvement(v) })
	case KindComplaint:
		return h.record(kind, id, func(r Record) bool { c, ok := r.(*Complaint); return ok && h.person(c.FilerID) })
	}
	return false
}

func (h hider) redactCase(r *Case) Record {
	var c *Case
	for i, p := range r.Participants {
		if p.Since.IsZero() || !h.person(p.PersonID) {
			continue
		}
		if c == nil {
			cc := *r
			cc.Participants = append([]Participant(nil), r.Participants...)
			c = &cc
		}
		c.Participants[i].Since = Date{}
	}
	if c == nil {
		return r
	}
	return c
}

// KeptByProjection reports whether field (a list filter or sort field of
// kind, see FilterFields) has the same value in every projection of every
// record as in the record itself, so that a store may match it on the
// record's own column and index. A test holds Project to it.
func KeptByProjection(kind Kind, field string) bool {
	switch kind {
	case KindPerson:
		return field == "protection"
	case KindPost:
		return field == "person_id" || field == "external_key"
	case KindCitation:
		return field != "field"
	case KindFile:
		return field != "sha256" && field != "derived_from"
	}
	return true
}

// SubjectKinds are the kinds whose change can change how records that refer
// to them are projected (see Project): a store that keeps projections
// recomputes those of the records referring to a changed record of these
// kinds, and of the records referring to those.
var SubjectKinds = map[Kind]bool{KindPerson: true, KindAct: true, KindPost: true, KindInvolvement: true, KindComplaint: true}

// Projections returns the JSON of rec as PublicReader and ViewerReader see it,
// for a store to keep beside the record's own JSON (data, as json.Marshal
// wrote it); each is nil when it is data itself.
func Projections(rec Record, data []byte, resolve Resolver) (pub, view []byte, err error) {
	enc := func(reader Actor) ([]byte, error) {
		p := Project(reader, rec, resolve)
		if p == rec {
			return nil, nil
		}
		b, err := json.Marshal(p)
		if err != nil || bytes.Equal(b, data) {
			return nil, err
		}
		return b, nil
	}
	if pub, err = enc(PublicReader); err != nil {
		return nil, nil, err
	}
	if view, err = enc(ViewerReader); err != nil {
		return nil, nil, err
	}
	return pub, view, nil
}

// Reprojector is what ReprojectReferrers needs of a store's transaction.
type Reprojector interface {
	// Referrers lists the live records that refer to kind/id.
	Referrers(kind Kind, id int64) ([]Ref, error)
	// Reproject makes again the kept protection and projections of one
	// live record.
	Reproject(kind Kind, id int64) error
}

// ReprojectAfter makes again, after kind/id changed, the projections of the
// records that refer to it and of those that refer to them (a citation of an
// act of a person): the one rule of which records a change can reveal or
// hide, for every store.
func ReprojectAfter(p Reprojector, kind Kind, id int64) error {
	return reprojectReferrers(p, kind, id, 2)
}

// ChangesReferrers reports whether a change of a record from old to new can
// change how a record that refers to it is projected (see Project): for a
// person, its protection level; for an act, post, involvement or complaint,
// the person or act it is about. A store re-projects the referrers of an
// update (ReprojectAfter) only when it can: a merge or a corrected name
// changes nobody else's projection.
func ChangesReferrers(old, new Record) bool {
	switch n := new.(type) {
	case *Person:
		o, ok := old.(*Person)
		return !ok || o.ProtectionLevel() != n.ProtectionLevel()
	case *Act:
		o, ok := old.(*Act)
		return !ok || o.VictimID != n.VictimID
	case *Post:
		o, ok := old.(*Post)
		return !ok || o.PersonID != n.PersonID
	case *Involvement:
		o, ok := old.(*Involvement)
		return !ok || o.PersonID != n.PersonID || o.ActID != n.ActID
	case *Complaint:
		o, ok := old.(*Complaint)
		return !ok || o.FilerID != n.FilerID
	}
	return SubjectKinds[new.Kind()]
}

func reprojectReferrers(p Reprojector, kind Kind, id int64, depth int) error {
	if !SubjectKinds[kind] || depth == 0 {
		return nil
	}
	from, err := p.Referrers(kind, id)
	if err != nil {
		return fmt.Errorf("referrers of %s/%d: %w", kind, id, err)
	}
	for _, r := range from {
		if err := p.Reproject(r.Kind, r.ID); err != nil {
			return err
		}
		if err := reprojectReferrers(p, r.Kind, r.ID, depth-1); err != nil {
			return err
		}
	}
	return nil
}

// VisibleLevels are the protection levels whose records a reader may see
// whole, least protected first: a store's search reads only their indexes.
func VisibleLevels(reader Actor) []string {
	var out []string
	for _, l := range []string{Public, Restricted, Confidential} {
		if reader.CanSee(l) {
			out = append(out, l)
		}
	}
	return out
}
