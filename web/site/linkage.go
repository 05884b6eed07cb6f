package site

import (
	"context"
	"net/http"
	"strconv"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/web/figures"
	"github.com/qantar-project/qantar/web/httpx"
)

// dupRow is an existing person whose name matches one being created: what
// an editor needs to tell whether it is the same person.
type dupRow struct {
	Person     link
	BirthYear  string
	BirthPlace link
}

// maxDuplicates bounds the warning: past a handful, the name is common and
// the list is the search page's job.
const maxDuplicates = 10

// duplicates finds the persons the reader may see whose names match one of
// pr's names by the search's match keys (any script or spelling, within a
// typo or two). A name the search cannot parse is skipped: the warning is a
// help, never a reason to refuse the save.
func (p *Site) duplicates(ctx context.Context, reader qantar.Actor, t tr, pr *qantar.Person) ([]dupRow, error) {
	if p.searcher() == nil {
		return nil, nil
	}
	seen := map[int64]bool{}
	var out []dupRow
	for i, n := range pr.Names {
		if i == 3 || len(out) == maxDuplicates {
			break
		}
		res, err := p.searcher().Search(ctx, qantar.SearchQuery{Q: n.Value, Kinds: []qantar.Kind{qantar.KindPerson},
			Limit: maxDuplicates, Lang: t.Lang, Reader: reader})
		if err != nil {
			if qantar.ErrorCode(err) == qantar.EINVALID {
				continue
			}
			return nil, err
		}
		for _, h := range res {
			if h.Kind != qantar.KindPerson || seen[h.ID] || len(out) == maxDuplicates {
				continue
			}
			seen[h.ID] = true
			rec, err := p.get(ctx, reader, qantar.KindPerson, h.ID)
			if err != nil || qantar.IsPlaceholder(rec) {
				continue // deleted since indexed, or not the reader's to see
			}
			row := dupRow{Person: t.linkTo(rec)}
			if other, ok := rec.(*qantar.Person); ok {
				if !other.BirthDate.IsZero() {
					row.BirthYear = strconv.Itoa(other.BirthDate.Time().Year())
				}
				if other.BirthPlace != 0 {
					if pl, err := p.get(ctx, reader, qantar.KindPlace, other.BirthPlace); err == nil {
						row.BirthPlace = t.linkTo(pl)
					}
				}
			}
			out = append(out, row)
		}
	}
	return out, nil
}

// linkageView lists what record linkage proposes over every list source:
// groups of person records likely to be one human being, and uncertain pairs
// side by side. Each pair has a "same person" button; a merge sets
// same_as_id on the later record, an ordinary logged update, and can be
// undone the same way.
type linkageView struct {
	base
	Entries, Candidates int
	HandEntered         int // victims entered by hand, compared with the lists' persons
	Merges              []linkPairView
	Review              []linkPairView
	Problem             string
	Conflict            *conflict
}

// linkPairView is two records side by side; Later will point at Earlier.
type linkPairView struct {
	T              tr
	Earlier, Later linkSide
	P              string // the match probability, for review pairs
	Merged         bool   // Later is already merged into Earlier
}

type linkSide struct {
	Person    link
	Source    link
	Name      string
	BirthDate string
	ID        int64
	Version   int
	// HandEntered says the person was entered by hand, not from a list.
	HandEntered bool
}

func (p *Site) linkageReview(w http.ResponseWriter, r *http.Request) error {
	if _, err := httpx.RequireWriter(r); err != nil {
		return err
	}
	pg, err := p.newLinkage(r)
	if err != nil {
		return err
	}
	return p.render(w, r, http.StatusOK, "linkage", pg)
}

func (p *Site) newLinkage(r *http.Request) (linkageView, error) {
	ctx, actor := r.Context(), httpx.ActorOf(r)
	pg := linkageView{base: p.newBase(r, "")}
	t := pg.T
	pg.Title, pg.NoIndex = t.S("Record linkage: same person?"), true
	ans, err := p.figures.Link(ctx, actor, figures.LinkageRequest{Threshold: 0.5})
	if err != nil {
		return pg, err
	}
	pg.Entries, pg.Candidates, pg.HandEntered = ans.Entries, ans.Candidates, ans.HandEntered
	side := func(e figures.LinkageEntry) linkSide {
		s := linkSide{Name: e.Name, BirthDate: e.BirthDate, ID: e.PersonID, Person: link{Title: "#" + itoa(e.PersonID)}, HandEntered: e.HandEntered}
		if rec, err := p.get(ctx, actor, qantar.KindPerson, e.PersonID); err == nil {
			s.Person, s.Version = t.linkTo(rec), rec.GetMeta().Version
		}
		if e.SourceID == 0 {
			return s
		}
		if src, err := p.get(ctx, actor, qantar.KindSource, e.SourceID); err == nil {
			s.Source = t.linkTo(src)
		}
		return s
	}
	pair := func(a, b figures.LinkageEntry) linkPairView {
		if a.PersonID > b.PersonID {
			a, b = b, a
		}
		v := linkPairView{T: t, Earlier: side(a), Later: side(b)}
		if rec, err := p.store.Get(ctx, qantar.KindPerson, b.PersonID); err == nil {
			// The version the merge will be made at: the store's, not
			// a cached one, so that a fresh page never gives a 409.
			v.Later.Version = rec.GetMeta().Version
			if pr, ok := rec.(*qantar.Person); ok && pr.SameAsID == a.PersonID {
				v.Merged = true
			}
		}
		return v
	}
	for _, g := range ans.Merges {
		// Each record of a group against the group's earliest.
		first := g.Entries[0]
		for _, e := range g.Entries[1:] {
			if e.PersonID < first.PersonID {
				first = e
			}
		}
		for _, e := range g.Entries {
			if e.PersonID != first.PersonID {
				pg.Merges = append(pg.Merges, pair(first, e))
			}
		}
	}
	for _, rp := range ans.Review {
		v := pair(rp.A, rp.B)
		v.P = strconv.FormatFloat(rp.P, 'f', 2, 64)
		pg.Review = append(pg.Review, v)
	}
	return pg, nil
}

// linkageMerge records that the later person is the earlier one (or, with
// undo=1, that it is not), at the version the editor saw.
func (p *Site) linkageMerge(w http.ResponseWriter, r *http.Request) error {
	actor, err := httpx.RequireWriter(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return httpx.BodyError(err)
	}
	id, err := strconv.ParseInt(r.PostFormValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return qantar.FieldErrorf("id", "must be the number of a person")
	}
	into, err := strconv.ParseInt(r.PostFormValue("into"), 10, 64)
	if err != nil || into <= 0 {
		return qantar.FieldErrorf("into", "must be the number of a person")
	}
	version, err := strconv.Atoi(r.PostFormValue("version"))
	if err != nil || version <= 0 {
		return qantar.FieldErrorf("version", "must be the version of the person the page showed")
	}
	rec, err := p.store.Get(r.Context(), qantar.KindPerson, id)
	if err != nil {
		return err
	}
	pr := rec.(*qantar.Person)
	if r.PostFormValue("undo") == "1" {
		pr.SameAsID = 0
	} else {
		pr.SameAsID = into
	}
	pr.Version = version
	err = p.store.Update(r.Context(), actor, pr)
	if err == nil {
		http.Redirect(w, r, "/linkage", http.StatusSeeOther)
		return nil
	}
	code := qantar.ErrorCode(err)
	if code != qantar.ECONFLICT && code != qantar.EINVALID {
		return err
	}
	pg, lerr := p.newLinkage(r)
	if lerr != nil {
		return lerr
	}
	if code == qantar.ECONFLICT {
		cur := 0
		if c, gerr := p.store.Get(r.Context(), qantar.KindPerson, id); gerr == nil {
			cur = c.GetMeta().Version
		}
		pg.Conflict = &conflict{Current: cur, Href: recordHref(qantar.KindPerson, id)}
	} else {
		pg.Problem = pg.T.Err(err)
		if f := qantar.ErrorField(err); f != "" {
			pg.Problem = f + ": " + pg.Problem
		}
	}
	return p.render(w, r, httpx.Status(code), "linkage", pg)
}
