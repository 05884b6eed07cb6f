package site

import (
	"net/http"
	"strconv"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/lists"
	"github.com/qantar-project/qantar/web/httpx"
)

// listsView compares two lists: who is on one and not on the other, people
// the reader may not see counted, not named.
type listsView struct {
	base
	ListsA, ListsB []option
	NameA, NameB   string
	Distinct       int
	Cmp            *lists.Comparison
	OnlyA, OnlyB   listSide
	Problem        string
}

// listSide is the people on one list and not on the other.
type listSide struct {
	T         tr
	Title     string
	Entries   []listEntry
	Protected int
}

// listEntry is a person on a comparison as a page shows them.
type listEntry struct {
	Person    link
	DeathDate string
	Place     string
}

func (p *Site) listsCompare(w http.ResponseWriter, r *http.Request) error {
	ctx, reader := r.Context(), httpx.ActorOf(r)
	pg := listsView{base: p.newBase(r, "")}
	pg.Title = pg.T.S("Lists compared")
	m, err := p.figures.Membership(ctx, reader)
	if err != nil {
		return err
	}
	pg.Distinct = m.Distinct()
	q := r.URL.Query()
	a, _ := strconv.ParseInt(q.Get("a"), 10, 64)
	b, _ := strconv.ParseInt(q.Get("b"), 10, 64)
	for _, s := range m.Lists {
		name := pg.T.Text(s.Title)
		pg.ListsA = append(pg.ListsA, option{Value: itoa(s.ID), Label: name, Selected: s.ID == a})
		pg.ListsB = append(pg.ListsB, option{Value: itoa(s.ID), Label: name, Selected: s.ID == b})
		if s.ID == a {
			pg.NameA = name
		}
		if s.ID == b {
			pg.NameB = name
		}
	}
	status := http.StatusOK
	switch {
	case q.Get("a") == "" && q.Get("b") == "":
	case pg.NameA == "" || pg.NameB == "":
		pg.Problem, status = pg.T.S("Choose two lists."), http.StatusBadRequest
	default:
		c := m.Compare(a, b)
		pg.Cmp = &c
		pg.OnlyA = listSide{T: pg.T, Title: pg.T.S("On %s, not on %s: %d", pg.NameA, pg.NameB, c.OnlyA.Count),
			Entries: p.listEntries(r, pg.T, c.OnlyA), Protected: c.OnlyA.Protected}
		pg.OnlyB = listSide{T: pg.T, Title: pg.T.S("On %s, not on %s: %d", pg.NameB, pg.NameA, c.OnlyB.Count),
			Entries: p.listEntries(r, pg.T, c.OnlyB), Protected: c.OnlyB.Protected}
	}
	return p.render(w, r, status, "lists", pg)
}

// listEntries links each named person and names their place of death.
func (p *Site) listEntries(r *http.Request, t tr, s lists.Side) []listEntry {
	out := make([]listEntry, 0, len(s.Named))
	for _, e := range s.Named {
		le := listEntry{Person: link{Title: e.Name, Href: "/persons/" + itoa(e.PersonID)}, DeathDate: e.DeathDate}
		if e.PlaceID != 0 {
			if rec, err := p.get(r.Context(), httpx.ActorOf(r), qantar.KindPlace, e.PlaceID); err == nil {
				le.Place = t.Text(rec.(*qantar.Place).Name)
			}
		}
		out = append(out, le)
	}
	return out
}
