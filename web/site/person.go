package site

import (
	"context"
	"sort"

	"github.com/qantar-project/qantar"
)

// actGroup is acts under one heading: a person's acts by event, an event's
// acts by victim.
type actGroup struct {
	Head link
	Acts []actRow
}

type actRow struct {
	Link   link
	Type   string
	Date   string
	Place  link
	Status string
}

func (p *Site) actRow(ctx context.Context, res *resolver, a *qantar.Act) actRow {
	t := res.t
	return actRow{Link: link{Href: recordHref(qantar.KindAct, a.ID), Title: t.Term("act_type", a.ActType)},
		Type: t.Term("act_type", a.ActType), Date: t.Date(a.Date), Place: res.link(ctx, qantar.KindPlace, a.PlaceID),
		Status: t.Term("victim_status", a.VictimStatus)}
}

// maxActs caps the acts a page lists; the victims list pages through all.
const maxActs = 200

// groupActs groups acts under the record key names, at most maxActs.
func (p *Site) groupActs(ctx context.Context, res *resolver, acts []*qantar.Act, by func(*qantar.Act) (qantar.Kind, int64)) []actGroup {
	var out []actGroup
	index := map[int64]int{}
	for n, a := range acts {
		if n == maxActs {
			break
		}
		kind, id := by(a)
		i, ok := index[id]
		if !ok {
			i = len(out)
			index[id] = i
			g := actGroup{}
			if id != 0 {
				g.Head = res.link(ctx, kind, id)
			} else {
				g.Head = link{Title: res.t.S("No event recorded")}
			}
			out = append(out, g)
		}
		out[i].Acts = append(out[i].Acts, p.actRow(ctx, res, a))
	}
	return out
}

// actsOf returns the acts done to a victim (field victim_id) or in an event
// (event_id), as the reader sees them, oldest first (acts of the same date
// in the order of ids). It reads only those acts: the store's list filtered
// on the field (an indexed reference that every projection keeps), a page
// at a time, each page cached until the next write.
func (p *Site) actsOf(ctx context.Context, res *resolver, field string, id int64) ([]*qantar.Act, error) {
	recs, err := p.listAllCached(ctx, qantar.KindAct, qantar.Filter{Where: map[string]string{field: itoa(id)}, Reader: res.reader})
	if err != nil {
		return nil, err
	}
	acts := make([]*qantar.Act, len(recs))
	for i, rec := range recs {
		acts[i] = rec.(*qantar.Act)
	}
	sort.SliceStable(acts, func(i, j int) bool { return acts[i].Date.Time().Before(acts[j].Date.Time()) })
	return acts, nil
}

// personActs is what was done to a person, by event. A protected person's
// acts are listed too, so that they are still counted, with nothing that
// names them.
func (p *Site) personActs(ctx context.Context, res *resolver, id int64) ([]actGroup, error) {
	acts, err := p.actsOf(ctx, res, "victim_id", id)
	if err != nil {
		return nil, err
	}
	return p.groupActs(ctx, res, acts, func(a *qantar.Act) (qantar.Kind, int64) { return qantar.KindEvent, a.EventID }), nil
}

// eventActs is what was done in an event, by victim.
func (p *Site) eventActs(ctx context.Context, res *resolver, id int64) ([]actGroup, int, error) {
	acts, err := p.actsOf(ctx, res, "event_id", id)
	if err != nil {
		return nil, 0, err
	}
	return p.groupActs(ctx, res, acts, func(a *qantar.Act) (qantar.Kind, int64) { return qantar.KindPerson, a.VictimID }), len(acts), nil
}

// involvementRow is a perpetrator's part in an act.
type involvementRow struct {
	Link        link
	Act         link
	Perpetrator link
	Degree      string
	Confidence  string
}

func (p *Site) involvements(ctx context.Context, res *resolver, where map[string]string) ([]involvementRow, error) {
	recs, _, err := p.listCached(ctx, qantar.KindInvolvement, qantar.Filter{Where: where, Reader: res.reader, Limit: 500})
	if err != nil {
		return nil, err
	}
	out := make([]involvementRow, len(recs))
	for i, rec := range recs {
		v := rec.(*qantar.Involvement)
		row := involvementRow{Link: link{Href: recordHref(qantar.KindInvolvement, v.ID), Title: "#" + itoa(v.ID)},
			Act: res.link(ctx, qantar.KindAct, v.ActID), Degree: res.t.Term("degree", v.Degree), Confidence: res.t.Term("confidence", v.Confidence)}
		if v.PersonID != 0 {
			row.Perpetrator = res.link(ctx, qantar.KindPerson, v.PersonID)
		} else {
			row.Perpetrator = res.link(ctx, qantar.KindUnit, v.UnitID)
		}
		out[i] = row
	}
	return out, nil
}

// postRow is a person in a unit over a time: a unit's posts over time, or a
// person's posts.
type postRow struct {
	Link       link
	Person     link
	Unit       link
	Role       string
	Title      string
	Rank       string
	FirstCited string
	LastCited  string
}

func (p *Site) posts(ctx context.Context, res *resolver, where map[string]string) ([]postRow, error) {
	recs, _, err := p.listCached(ctx, qantar.KindPost, qantar.Filter{Where: where, Reader: res.reader, Limit: 500})
	if err != nil {
		return nil, err
	}
	out := make([]postRow, len(recs))
	for i, rec := range recs {
		x := rec.(*qantar.Post)
		out[i] = postRow{Link: link{Href: recordHref(qantar.KindPost, x.ID), Title: "#" + itoa(x.ID)},
			Person: res.link(ctx, qantar.KindPerson, x.PersonID), Unit: res.link(ctx, qantar.KindUnit, x.UnitID),
			Role: res.t.Term("post_role", x.Role), Title: res.t.Text(x.Title), Rank: x.Rank,
			FirstCited: x.FirstCited.String(), LastCited: x.LastCited.String()}
	}
	// Over time: the earliest first cited first.
	sortPosts(out)
	return out, nil
}
