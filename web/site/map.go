package site

import (
	"context"
	"html/template"
	"net/http"
	"strings"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/chart"
	"github.com/qantar-project/qantar/web/httpx"
)

// mapView is /map: the jurisdiction's regions with the places, unit
// positions and acts the reader may see that have coordinates (their own
// or their place's), on a date or at any time, and the same as a table.
type mapView struct {
	base
	DateQ   string
	Date    string
	Problem string
	SVG     template.HTML
	Outline bool
	Rows    []mapRow
}

type mapRow struct {
	Kind  string
	Link  link
	Where link
	When  string
}

// mapPage answers /map?date=D.
func (p *Site) mapPage(w http.ResponseWriter, r *http.Request) error {
	pg := mapView{base: p.newBase(r, ""), DateQ: strings.TrimSpace(r.URL.Query().Get("date"))}
	pg.Title = pg.T.S("Map")
	var date qantar.Date
	if pg.DateQ != "" {
		d, err := qantar.ParseDate(pg.DateQ)
		if err != nil {
			pg.Problem = pg.T.S("The date is written as YYYY-MM-DD, YYYY-MM or YYYY.")
			return p.render(w, r, http.StatusOK, "map", pg)
		}
		date, pg.Date = d, pg.T.Date(d)
		pg.Title = pg.T.S("Map on %s", pg.Date)
	}
	pts, rows, err := p.mapPoints(r.Context(), pg.T, httpx.ActorOf(r), date)
	if err != nil {
		return err
	}
	pg.Rows = rows
	m := chart.Map{Title: pg.Title, Regions: p.outline.Regions, Points: pts}
	pg.SVG, pg.Outline = m.SVG(), len(p.outline.Regions) > 0
	return p.render(w, r, http.StatusOK, "map", pg)
}

// mapPoints gathers what the map draws, as the reader sees it.
func (p *Site) mapPoints(ctx context.Context, t tr, reader qantar.Actor, date qantar.Date) ([]chart.MapPoint, []mapRow, error) {
	all := map[qantar.Kind][]qantar.Record{}
	for _, k := range []qantar.Kind{qantar.KindPlace, qantar.KindUnit, qantar.KindAct} {
		recs, err := qantar.ListAll(ctx, p.store, k, qantar.Filter{Reader: reader})
		if err != nil {
			return nil, nil, err
		}
		all[k] = recs
	}
	places := map[int64]*qantar.Place{}
	for _, r := range all[qantar.KindPlace] {
		if pl, ok := r.(*qantar.Place); ok {
			places[pl.ID] = pl
		}
	}
	g := mapGather{t: t, places: places, date: date}
	for _, pl := range places {
		g.place(pl)
	}
	for _, r := range all[qantar.KindUnit] {
		if u, ok := r.(*qantar.Unit); ok {
			g.unit(u)
		}
	}
	for _, r := range all[qantar.KindAct] {
		if a, ok := r.(*qantar.Act); ok {
			g.act(a)
		}
	}
	return g.pts, g.rows, nil
}

// mapGather collects points and rows.
type mapGather struct {
	t      tr
	places map[int64]*qantar.Place
	date   qantar.Date
	pts    []chart.MapPoint
	rows   []mapRow
}

func (g *mapGather) add(kind string, word string, l link, lat, lon *float64, where link, when string) {
	if lat == nil || lon == nil {
		return
	}
	g.pts = append(g.pts, chart.MapPoint{Lat: *lat, Lon: *lon, Kind: kind, Label: l.Title, Href: l.Href})
	g.rows = append(g.rows, mapRow{Kind: g.t.S(word), Link: l, Where: where, When: when})
}

func (g *mapGather) place(pl *qantar.Place) {
	if g.date.IsZero() {
		g.add("place", "Place", g.t.linkTo(pl), pl.Lat, pl.Lon, link{}, "")
	}
}

func (g *mapGather) unit(u *qantar.Unit) {
	for _, pos := range u.Positions {
		if !g.date.IsZero() && !g.date.Meets(pos.From, pos.To) {
			continue
		}
		lat, lon, where := pos.Lat, pos.Lon, link{}
		if pl := g.places[pos.PlaceID]; pl != nil {
			where = g.t.linkTo(pl)
			if lat == nil {
				lat, lon = pl.Lat, pl.Lon
			}
		}
		g.add("unit", "Unit", g.t.linkTo(u), lat, lon, where, g.t.period(pos.From, pos.To))
	}
}

func (g *mapGather) act(a *qantar.Act) {
	pl := g.places[a.PlaceID]
	if pl == nil || (!g.date.IsZero() && (a.Date.IsZero() || !g.date.Meets(a.Date, a.Date))) {
		return
	}
	g.add("act", "Act", g.t.linkTo(a), pl.Lat, pl.Lon, g.t.linkTo(pl), g.t.Date(a.Date))
}

// period writes a period as recorded, "from – to", unknown ends as words.
func (t tr) period(from, to qantar.Date) string {
	if from.IsZero() && to.IsZero() {
		return ""
	}
	return t.Date(from) + " – " + t.Date(to)
}
