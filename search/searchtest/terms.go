// Package searchtest holds what every store's table of indexed keys
// (search_terms, storekit.TermCounts) must do, run by each store's tests
// on a real database: the counts are those of the records as they are
// after every kind of write, and a reader's expansion of a word
// (storekit.NearKeysOf) never offers a key that only records they may not
// see hold.
package searchtest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/names"
	"github.com/qantar-project/qantar/search"
	"github.com/qantar-project/qantar/storekit"
)

var editor = qantar.Actor{ID: "token:1", Role: qantar.RoleEditor}

var (
	public   = []string{qantar.Public}
	viewer   = []string{qantar.Public, qantar.Restricted}
	everyone = []string{qantar.Public, qantar.Restricted, qantar.Confidential}
)

// Synthetic names: the protected person's surname, and a reader's spelling
// of it one letter off, whose expansion finds it when it may.
const (
	secret = "Жасырынбеков"
	typed  = "Zhasyrymbekov"
)

// Run runs the checks on st.
func Run(t *testing.T, st Store) {
	t.Run("ProtectedWordsNotExpanded", func(t *testing.T) { testProtected(t, st.store()) })
	t.Run("CountsAfterBulkAndCopy", func(t *testing.T) { testBulkAndCopy(t, st.store()) })
}

// run is one store and the records a test wrote to it.
type run struct {
	t    *testing.T
	st   *store
	s    qantar.Store
	refs []qantar.Ref
}

func (r *run) create(rec qantar.Record) {
	r.t.Helper()
	if err := r.s.Create(context.Background(), editor, rec); err != nil {
		r.t.Fatalf("create %s: %v", rec.Kind(), err)
	}
	r.refs = append(r.refs, qantar.Ref{Kind: rec.Kind(), ID: rec.GetMeta().ID})
}

func (r *run) update(rec qantar.Record) {
	r.t.Helper()
	if err := r.s.Update(context.Background(), editor, rec); err != nil {
		r.t.Fatalf("update %s/%d: %v", rec.Kind(), rec.GetMeta().ID, err)
	}
}

func (r *run) delete(rec qantar.Record) {
	r.t.Helper()
	m := rec.GetMeta()
	if err := r.s.Delete(context.Background(), editor, rec.Kind(), m.ID, m.Version, "synthetic test"); err != nil {
		r.t.Fatalf("delete %s/%d: %v", rec.Kind(), m.ID, err)
	}
}

// expands checks whether the expansion of typed for a reader of levels
// offers the secret's key.
func (r *run) expands(step string, levels []string, want bool) {
	r.t.Helper()
	key := names.Key(secret)
	near := r.st.near(r.t, r.s, []string{names.Key(typed)}, levels)
	if got := slices.Contains(near, key); got != want {
		r.t.Errorf("%s: the expansion of %q for a reader of %v offers %q: %v, want %v (it offers %q)", step, typed, levels, key, got, want, near)
	}
}

// counts checks search_terms against the keys of the records the test
// wrote, as they are now.
func (r *run) counts(step string) {
	r.t.Helper()
	CheckCounts(r.t, step, r.st.terms(r.t, r.s), r.want())
}

// want is what search_terms must hold: the keys of every live record of
// the test, counted at its level.
func (r *run) want() storekit.TermCounts {
	r.t.Helper()
	return Want(r.t, r.s, r.refs)
}

// Want is what search_terms must hold for the records refs name, as they
// are in s: the keys of each live one's search document, counted at its
// level.
func Want(t *testing.T, s qantar.Writer, refs []qantar.Ref) storekit.TermCounts {
	t.Helper()
	want := storekit.TermCounts{}
	for _, ref := range refs {
		rec, err := s.Get(context.Background(), ref.Kind, ref.ID)
		if qantar.ErrorCode(err) == qantar.ENOTFOUND {
			continue
		} else if err != nil {
			t.Fatal(err)
		}
		if search.Indexed(ref.Kind) {
			d := search.DocOf(rec)
			want.Add(d.Protection, storekit.IndexedTerms(d.Keys), 1)
		}
	}
	return want
}

// CheckCounts checks search_terms as read (got) against want: the same
// keys with the same counts, none of them 0.
func CheckCounts(t *testing.T, step string, got, want storekit.TermCounts) {
	t.Helper()
	for lt, n := range got {
		if n <= 0 {
			t.Errorf("%s: search_terms keeps %v with a count of %d", step, lt, n)
		}
	}
	if !maps.Equal(got, want) {
		var diff []string
		for lt, n := range got {
			if want[lt] != n {
				diff = append(diff, fmt.Sprintf("%s/%q: %d, want %d", lt.Protection, lt.Term, n, want[lt]))
			}
		}
		for lt, n := range want {
			if _, ok := got[lt]; !ok {
				diff = append(diff, fmt.Sprintf("%s/%q: missing, want %d", lt.Protection, lt.Term, n))
			}
		}
		slices.Sort(diff)
		t.Errorf("%s: search_terms (%d rows) is not the records' keys (%d): %q", step, len(got), len(want), diff)
	}
}

func person(name, level string) *qantar.Person {
	return &qantar.Person{Names: []qantar.Name{{Value: name, Lang: "kk", Script: "Cyrl"}}, Protection: level}
}

// testProtected: a word only in a protected person's name is offered to
// the readers who may see them, and to nobody once they are protected
// further, renamed or deleted; a public reader gets it while they are
// public; a word two persons share stays for the level that still has it.
func testProtected(t *testing.T, st *store) {
	r := &run{t: t, st: st, s: st.open(t)}
	r.create(person("Синтетика Ашықова", qantar.Public))
	hidden := person("Синтетика "+secret, qantar.Restricted)
	r.create(hidden)
	r.expands("restricted", public, false)
	r.expands("restricted", viewer, true)
	r.counts("restricted")
	hidden.Protection = qantar.Public
	r.update(hidden)
	r.expands("made public", public, true)
	r.counts("made public")
	hidden.Protection = qantar.Confidential
	r.update(hidden)
	r.expands("made confidential", public, false)
	r.expands("made confidential", viewer, false)
	r.expands("made confidential", everyone, true)
	r.counts("made confidential")
	hidden.Names = []qantar.Name{{Value: "Синтетика Басқаова", Lang: "kk", Script: "Cyrl"}}
	r.update(hidden)
	r.expands("renamed", everyone, false)
	r.counts("renamed")
	hidden.Names, hidden.Protection = []qantar.Name{{Value: "Синтетика " + secret, Lang: "kk", Script: "Cyrl"}}, qantar.Restricted
	r.update(hidden)
	namesake := person("Ерлан "+secret, qantar.Public)
	r.create(namesake)
	r.expands("a public namesake", public, true)
	r.counts("a public namesake")
	r.delete(namesake)
	r.expands("the namesake deleted", public, false)
	r.expands("the namesake deleted", viewer, true)
	r.counts("the namesake deleted")
	r.delete(hidden)
	r.expands("deleted", everyone, false)
	r.counts("deleted")
}

// testBulkAndCopy: after a bulk import of persons of every level, sources
// and places, and after a copy of the store, search_terms holds exactly
// their keys.
func testBulkAndCopy(t *testing.T, st *store) {
	r := &run{t: t, st: st, s: st.open(t)}
	levels := []string{qantar.Public, qantar.Restricted, qantar.Confidential, ""}
	given := []string{"Айгерім", "Нұрлан", "Ерлан", "Гүлнар"}
	var recs []qantar.Record
	for i := range 60 {
		recs = append(recs, person(fmt.Sprintf("%s Синтетов%d", given[i%len(given)], i%7), levels[i%len(levels)]))
		if i%5 == 0 {
			recs = append(recs, &qantar.Source{SourceKind: "news", Title: qantar.Text{"ru": fmt.Sprintf("Синтетическое сообщение %d о задержании", i)}})
		}
	}
	recs = append(recs, &qantar.Place{Name: qantar.Text{"kk": "Синтетауыл", "ru": "Синтетаул"}, PlaceKind: "site"})
	n, err := qantar.CreateAll(context.Background(), r.s, editor, recs)
	if err != nil || n != len(recs) {
		t.Fatalf("bulk: %d of %d: %v", n, len(recs), err)
	}
	for _, rec := range recs {
		r.refs = append(r.refs, qantar.Ref{Kind: rec.Kind(), ID: rec.GetMeta().ID})
	}
	r.counts("bulk")
	// A write after the bulk, then the copy.
	p := recs[0].(*qantar.Person)
	p.Protection = qantar.Confidential
	r.update(p)
	r.counts("after bulk, an update")
	c := &run{t: t, st: st, s: st.copy(t, r.s), refs: r.refs}
	c.counts("copy")
	CheckCounts(t, "copy against its source", st.terms(t, c.s), st.terms(t, r.s))
}

// WriteMixed writes persons of every level, moves one to another level,
// renames one and deletes two: an index with documents replaced and
// deleted.
func WriteMixed(t *testing.T, w qantar.Writer) {
	t.Helper()
	ctx := context.Background()
	levels := []string{qantar.Public, qantar.Restricted, qantar.Confidential}
	var ps []*qantar.Person
	for i, name := range []string{"Айгерім Синтетова", "Нұрлан Синтетов", "Ерлан Жасырынов", "Гүлнар Жасырынова", "Серік Синтетов", "Әсел Ашықова"} {
		p := person(name, levels[i%3])
		ps = append(ps, p)
		noErr(t, w.Create(ctx, editor, p))
	}
	ps[0].Protection = qantar.Confidential
	noErr(t, w.Update(ctx, editor, ps[0]))
	ps[1].Names = []qantar.Name{{Value: "Нұрлан Басқаов", Lang: "kk", Script: "Cyrl"}}
	noErr(t, w.Update(ctx, editor, ps[1]))
	noErr(t, w.Delete(ctx, editor, qantar.KindPerson, ps[2].ID, ps[2].Version, "synthetic test"))
	noErr(t, w.Delete(ctx, editor, qantar.KindPerson, ps[5].ID, ps[5].Version, "synthetic test"))
}

func noErr(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
