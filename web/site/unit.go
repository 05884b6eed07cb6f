package site

import (
	"context"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/chart"
	"github.com/qantar-project/qantar/command"
	"github.com/qantar-project/qantar/web/httpx"
)

// Who was in command here, then (docs/COMMAND.md): the /command page, a
// unit's organisation chart, positions and equipment, and the units at an
// act's place on its day.

// claimView is a claim's status, grade and sources in the reader's words.
type claimView struct {
	Status, Grade string
	Sources       []link
}

type commanderRow struct {
	Person    link
	Role      string
	Title     string
	From, To  string
	Claim     claimView
	Protected bool
}

type levelView struct {
	Unit       link
	Commanders []commanderRow
	Parent     *claimView // the link to the next level up
}

type evidenceRow struct {
	Basis string
	Act   link
	Claim claimView
}

type presentView struct {
	Unit     link
	Evidence []evidenceRow
	Chain    []levelView
	Warning  string
}

func (p *Site) claimView(ctx context.Context, res *resolver, c command.Claim) claimView {
	v := claimView{Status: res.t.Term("claim_status", c.Status), Grade: res.t.S(gradeWords[c.Grade])}
	for _, id := range c.SourceIDs {
		v.Sources = append(v.Sources, res.link(ctx, qantar.KindSource, id))
	}
	return v
}

// gradeWords are the grades as the pages say them (catalogue keys).
var gradeWords = map[string]string{
	command.GradeUnsourced:   "no source",
	command.GradeSingle:      "single source",
	command.GradeIndependent: "two independent sources",
	command.GradeOfficial:    "official confirmation",
}

var basisWords = map[string]string{
	command.BasisPosition:       "its position",
	command.BasisParentPosition: "a position of its parent unit, sourced as applying to sub-units",
	command.BasisAct:            "an act here on this day attributed to it",
}

func (p *Site) commanderRows(ctx context.Context, res *resolver, cs []command.Commander) []commanderRow {
	out := make([]commanderRow, 0, len(cs))
	for _, c := range cs {
		out = append(out, commanderRow{Person: res.link(ctx, qantar.KindPerson, c.PersonID), Role: res.t.Term("post_role", c.Role),
			Title: res.t.Text(c.Title), From: c.FirstCited, To: c.LastCited, Claim: p.claimView(ctx, res, c.Claim)})
	}
	return out
}

func (p *Site) levelViews(ctx context.Context, res *resolver, chain []command.Level) []levelView {
	out := make([]levelView, 0, len(chain))
	for _, l := range chain {
		lv := levelView{Unit: res.link(ctx, qantar.KindUnit, l.UnitID), Commanders: p.commanderRows(ctx, res, l.Commanders)}
		if l.Parent != nil {
			c := p.claimView(ctx, res, *l.Parent)
			lv.Parent = &c
		}
		out = append(out, lv)
	}
	return out
}

func (p *Site) presentViews(ctx context.Context, res *resolver, ps []command.Present) []presentView {
	out := make([]presentView, 0, len(ps))
	for _, u := range ps {
		v := presentView{Unit: res.link(ctx, qantar.KindUnit, u.UnitID), Chain: p.levelViews(ctx, res, u.Chain)}
		if u.Warning != "" {
			v.Warning = res.t.S("the unit hierarchy loops: the chain stops where it turns back")
		}
		for _, e := range u.Evidence {
			row := evidenceRow{Basis: res.t.S(basisWords[e.Basis]), Claim: p.claimView(ctx, res, e.Claim)}
			if e.ActID != 0 {
				row.Act = res.link(ctx, qantar.KindAct, e.ActID)
			}
			v.Evidence = append(v.Evidence, row)
		}
		out = append(out, v)
	}
	return out
}

// commandView is the /command page, and the section of an act's page.
type commandView struct {
	base
	PlaceQ, DateQ string // as typed
	Place         link
	Date          string
	Choices       []link // places the name may mean
	Problem       string
	Units         []presentView
	Asked         bool
}

// commandPage answers /command?place=&date=: the place by name or id.
func (p *Site) commandPage(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	pg := commandView{base: p.newBase(r, ""), PlaceQ: strings.TrimSpace(q.Get("place")), DateQ: strings.TrimSpace(q.Get("date"))}
	pg.Title = pg.T.S("Who was in command here, then")
	if pg.PlaceQ == "" || pg.DateQ == "" {
		return p.render(w, r, http.StatusOK, "command", pg)
	}
	pg.Asked = true
	date, err := qantar.ParseDate(pg.DateQ)
	if err != nil {
		pg.Problem = pg.T.S("The date is written as YYYY-MM-DD, YYYY-MM or YYYY.")
		return p.render(w, r, http.StatusOK, "command", pg)
	}
	ctx, reader := r.Context(), httpx.ActorOf(r)
	res := p.newResolver(pg.T, reader)
	src, err := p.commandSource(ctx, reader)
	if err != nil {
		return err
	}
	places, err := p.placesNamed(ctx, res, src, pg.PlaceQ)
	if err != nil {
		return err
	}
	switch len(places) {
	case 0:
		pg.Problem = pg.T.S("No place is named %q.", pg.PlaceQ)
	case 1:
		pl := places[0]
		pg.Place, pg.Date = res.link(ctx, qantar.KindPlace, pl.ID), pg.T.Date(date)
		pg.Title = pg.T.S("Who was in %s on %s", pg.Place.Title, pg.Date)
		ix, err := p.command.Place(ctx, src, pl.ID, date)
		if err != nil {
			return err
		}
		pg.Units = p.presentViews(ctx, res, ix.At(pl.ID, date))
	default:
		pg.Problem = pg.T.S("Several places have this name: choose one.")
		for _, pl := range places {
			l := res.link(ctx, qantar.KindPlace, pl.ID)
			l.Href = "/command?place=" + itoa(pl.ID) + "&date=" + date.String()
			pg.Choices = append(pg.Choices, l)
		}
	}
	return p.render(w, r, http.StatusOK, "command", pg)
}

// placesNamed finds the places a typed name or id means: an id, the
// places one of whose names it is, else what the search finds.
func (p *Site) placesNamed(ctx context.Context, res *resolver, src command.Source, q string) ([]*qantar.Place, error) {
	if id, err := strconv.ParseInt(q, 10, 64); err == nil {
		pl, err := command.GetPlace(ctx, src, id)
		if pl == nil || err != nil {
			return nil, err
		}
		return []*qantar.Place{pl}, nil
	}
	ps, err := command.FindPlaces(ctx, src, q)
	if err != nil || len(ps) > 0 {
		return ps, err
	}
	recs, err := p.findByName(ctx, res.reader, res.t, qantar.KindPlace, q)
	if err != nil {
		return nil, err
	}
	var out []*qantar.Place
	for _, rec := range recs {
		if pl, err := command.GetPlace(ctx, src, rec.GetMeta().ID); err != nil {
			return nil, err
		} else if pl != nil {
			out = append(out, pl)
		}
	}
	return out, nil
}

// actCommand is who was at an act's place on its day, for the act's page.
func (p *Site) actCommand(ctx context.Context, res *resolver, a *qantar.Act) (*commandView, error) {
	if a.PlaceID == 0 || a.Date.IsZero() {
		return nil, nil
	}
	src, err := p.commandSource(ctx, res.reader)
	if err != nil {
		return nil, err
	}
	ix, err := p.command.Place(ctx, src, a.PlaceID, a.Date)
	if err != nil {
		return nil, err
	}
	v := &commandView{base: base{T: res.t}, Place: res.link(ctx, qantar.KindPlace, a.PlaceID), Date: res.t.Date(a.Date), Asked: true,
		PlaceQ: itoa(a.PlaceID), DateQ: a.Date.String()}
	v.Units = p.presentViews(ctx, res, ix.At(a.PlaceID, a.Date))
	return v, nil
}

// unitView is what a unit's page adds: its organisation on a date, its
// commanders over time, sub-units, positions and equipment with their grades.
type unitView struct {
	Date, DateQ string
	Chart       chart.Org
	Commanders  []commanderRow
	SubUnits    []link
	Positions   []positionRow
	Equipment   []equipmentRow
	Warning     string
}

type positionRow struct {
	Kind, Coords, From, To, Confidence string
	Place                              link
	Subunits                           bool
	Claim                              claimView
}

type equipmentRow struct {
	Text, From, To, Confidence string
	Claim                      claimView
}

// A unit's organisation chart draws its sub-units unitDepth levels down, at
// most unitWidth under each.
const unitDepth, unitWidth = 2, 12

// unitSections fills a unit's page; date is ?date= (today when empty).
func (p *Site) unitSections(ctx context.Context, res *resolver, u *qantar.Unit, dateQ string) (*unitView, error) {
	t := res.t
	date := qantar.DayOf(p.now())
	v := &unitView{}
	if d, err := qantar.ParseDate(dateQ); err == nil && dateQ != "" {
		date = d
	} else if dateQ != "" {
		v.Warning = t.S("The date is written as YYYY-MM-DD, YYYY-MM or YYYY.")
	}
	v.Date, v.DateQ = t.Date(date), date.String()
	src, err := p.commandSource(ctx, res.reader)
	if err != nil {
		return nil, err
	}
	ix, err := p.command.Unit(ctx, src, u.ID, date, unitDepth, unitWidth)
	if err != nil {
		return nil, err
	}
	up, down, err := ix.Tree(u.ID, date, unitDepth, unitWidth)
	if err != nil && qantar.ErrorCode(err) != qantar.ECONFLICT {
		return nil, err
	}
	if err != nil {
		v.Warning = t.S("the unit hierarchy loops: the chain stops where it turns back")
	}
	v.Chart = p.orgChart(ctx, res, up, down, date, dateQ != "")
	v.Commanders = p.commanderRows(ctx, res, ix.Commanders(u.ID))
	for _, c := range ix.SubUnits(u.ID) {
		v.SubUnits = append(v.SubUnits, t.linkTo(c))
	}
	for i, pos := range u.Positions {
		row := positionRow{Kind: t.Term("position_kind", pos.PositionKind), From: t.Date(pos.From), To: t.Date(pos.To),
			Confidence: t.Term("confidence", pos.Confidence), Subunits: pos.AppliesToSubunits,
			Claim: p.claimView(ctx, res, ix.Claim(qantar.KindUnit, u.ID, "positions."+strconv.Itoa(i), pos.Status))}
		if pos.PlaceID != 0 {
			row.Place = res.link(ctx, qantar.KindPlace, pos.PlaceID)
		}
		if pos.Lat != nil && pos.Lon != nil {
			row.Coords = t.S("%s, %s (±%d m)", strconv.FormatFloat(*pos.Lat, 'f', -1, 64), strconv.FormatFloat(*pos.Lon, 'f', -1, 64), pos.PrecisionM)
		}
		v.Positions = append(v.Positions, row)
	}
	for i, e := range u.Equipment {
		v.Equipment = append(v.Equipment, equipmentRow{Text: t.Text(e.Text), From: t.Date(e.From), To: t.Date(e.To),
			Confidence: t.Term("confidence", e.Confidence),
			Claim:      p.claimView(ctx, res, ix.Claim(qantar.KindUnit, u.ID, "equipment."+strconv.Itoa(i), e.Status))})
	}
	return v, nil
}

// orgChart draws the chain above the unit and its sub-units below it. Its
// boxes link to each unit's page on the same date when one was asked for,
// else to the page itself (which the static mirror holds).
func (p *Site) orgChart(ctx context.Context, res *resolver, up []command.Level, down command.Node, date qantar.Date, dated bool) chart.Org {
	t := res.t
	o := chart.Org{Title: t.S("Organisation on %s", t.Date(date))}
	box := func(l command.Level, depth int, current bool) chart.OrgBox {
		b := chart.OrgBox{Name: res.link(ctx, qantar.KindUnit, l.UnitID).Title, Depth: depth, Current: current,
			Href: recordHref(qantar.KindUnit, l.UnitID)}
		if dated {
			b.Href += "?date=" + date.String()
		}
		for _, c := range l.Commanders {
			b.Lines = append(b.Lines, t.Term("post_role", c.Role)+": "+res.link(ctx, qantar.KindPerson, c.PersonID).Title)
		}
		if len(l.Commanders) == 0 {
			b.Lines = append(b.Lines, t.S("commander not documented"))
		}
		return b
	}
	for i := len(up) - 1; i >= 1; i-- {
		o.Boxes = append(o.Boxes, box(up[i], len(up)-1-i, false))
	}
	var walk func(n command.Node, depth int)
	walk = func(n command.Node, depth int) {
		o.Boxes = append(o.Boxes, box(n.Level, depth, depth == len(up)-1))
		for _, c := range n.Children {
			walk(c, depth+1)
		}
		if n.More > 0 {
			o.Boxes = append(o.Boxes, chart.OrgBox{Name: t.S("and %d more units", n.More), Depth: depth + 1})
		}
	}
	walk(down, max(len(up)-1, 0))
	return o
}

// orgSVG is the chart for the template.
func (v *unitView) OrgSVG() template.HTML { return v.Chart.SVG() }
