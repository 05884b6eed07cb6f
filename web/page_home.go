package web

import (
	"context"
	"crypto/sha256"
	"fmt"
	"net/http"
	"sort"
	"sync"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/report"
)

// homeView shows the headline figures: the official death toll with its
// source beside the deaths documented here and how far accountability has
// gone; the charts; and the latest changes.
type homeView struct {
	base
	Official       *qantar.Figure
	OfficialSource link
	Stats          report.Stats
	ByCity         barChart
	ByDate         barChart
	Deaths         timeChart
	Latest         []change
}

// change is one record in the latest changes.
type change struct {
	Kind    qantar.Kind
	Link    link
	At      time.Time
	Version int
}

// homeData is what the home page needs that is expensive to compute: the
// accountability figures over every record. It is cached until the next
// write, which the log's checkpoint reveals (every write signs a new one).
type homeData struct {
	key      string
	official *qantar.Figure
	source   *qantar.Source
	stats    report.Stats
	places   map[int64]*qantar.Place
	latest   []qantar.Record
}

// homeCache holds the figures and the rendered anonymous page per language.
type homeCache struct {
	mu    sync.Mutex
	data  *homeData
	pages map[string][]byte
}

// stateKey changes whenever any record changes.
func (p *site) stateKey(ctx context.Context) (string, error) {
	if p.srv.log != nil {
		cp, err := p.srv.log.Checkpoint(ctx)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("%x", sha256.Sum256(cp)), nil
	}
	counts, err := p.srv.store.Count(ctx)
	if err != nil {
		return "", err
	}
	return fmt.Sprint(counts), nil
}

// homeState returns the cached figures, computing them again after a write.
// One request computes; the others wait for it rather than repeat it.
func (p *site) homeState(ctx context.Context) (*homeData, bool, error) {
	key, err := p.stateKey(ctx)
	if err != nil {
		return nil, false, err
	}
	c := p.home
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.data != nil && c.data.key == key {
		return c.data, true, nil
	}
	d, err := p.computeHome(ctx, key)
	if err != nil {
		return nil, false, err
	}
	c.data, c.pages = d, map[string][]byte{}
	return d, false, nil
}

// listAll reads every live record of a kind, a page at a time.
func listAll[T qantar.Record](ctx context.Context, s qantar.Store, kind qantar.Kind, reader qantar.Actor) ([]T, error) {
	var out []T
	for off := 0; ; off += qantar.MaxLimit {
		recs, total, err := s.List(ctx, kind, qantar.Filter{Limit: qantar.MaxLimit, Offset: off, Reader: reader})
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			if v, ok := r.(T); ok {
				out = append(out, v)
			}
		}
		if len(recs) == 0 || off+len(recs) >= total {
			return out, nil
		}
	}
}

func (p *site) computeHome(ctx context.Context, key string) (*homeData, error) {
	s := p.srv.store
	var in report.Input
	var err error
	// The figures count everyone, protected persons included: they are
	// counts, never names (package report shows none).
	sys := qantar.System
	if in.Acts, err = listAll[*qantar.Act](ctx, s, qantar.KindAct, sys); err != nil {
		return nil, err
	}
	if in.Cases, err = listAll[*qantar.Case](ctx, s, qantar.KindCase, sys); err != nil {
		return nil, err
	}
	if in.Complaints, err = listAll[*qantar.Complaint](ctx, s, qantar.KindComplaint, sys); err != nil {
		return nil, err
	}
	if in.Figures, err = listAll[*qantar.Figure](ctx, s, qantar.KindFigure, sys); err != nil {
		return nil, err
	}
	if in.Places, err = listAll[*qantar.Place](ctx, s, qantar.KindPlace, sys); err != nil {
		return nil, err
	}
	if in.Events, err = listAll[*qantar.Event](ctx, s, qantar.KindEvent, sys); err != nil {
		return nil, err
	}
	if in.Involvements, err = listAll[*qantar.Involvement](ctx, s, qantar.KindInvolvement, sys); err != nil {
		return nil, err
	}
	d := &homeData{key: key, places: map[int64]*qantar.Place{}}
	d.stats = report.Compute(in, p.srv.cfg.Now(), p.rules)
	for _, pl := range in.Places {
		d.places[pl.ID] = pl
	}
	// The official death toll: the latest official count of deaths for the
	// whole event, as of the latest date.
	for _, f := range in.Figures {
		if f.Measure == "deaths" && f.Official && f.PlaceID == 0 && (d.official == nil || d.official.AsOf.Before(f.AsOf)) {
			d.official = f
		}
	}
	if d.official != nil {
		if src, err := s.Get(ctx, qantar.KindSource, d.official.SourceID); err == nil {
			d.source = src.(*qantar.Source)
		}
	}
	for _, k := range qantar.Kinds {
		recs, _, err := s.List(ctx, k, qantar.Filter{Sort: "-updated_at", Limit: 10, Reader: sys})
		if err != nil {
			return nil, err
		}
		d.latest = append(d.latest, recs...)
	}
	sort.SliceStable(d.latest, func(i, j int) bool {
		return d.latest[i].GetMeta().UpdatedAt.After(d.latest[j].GetMeta().UpdatedAt)
	})
	return d, nil
}

func (p *site) index(w http.ResponseWriter, r *http.Request) error {
	d, _, err := p.homeState(r.Context())
	if err != nil {
		return err
	}
	reader := actorOf(r)
	lang := pickLang(r)
	anonymous := reader.ID == ""
	if anonymous {
		p.home.mu.Lock()
		b, ok := p.home.pages[lang]
		p.home.mu.Unlock()
		if ok && p.home.data == d {
			return p.writeCached(w, r, b)
		}
	}
	pg := homeView{base: p.newBase(r, ""), Official: d.official, Stats: d.stats}
	t := pg.T
	pg.Title = t.S("Qantar: documenting the January 2022 events")
	if d.source != nil {
		pg.OfficialSource = t.linkTo(d.source)
	}
	pg.ByCity, pg.ByDate = p.cityChart(t, d), dateChart(t, d.stats)
	pg.Deaths = deathsChart(t, d.stats)
	for _, rec := range d.latest {
		if len(pg.Latest) == 10 {
			break
		}
		v := qantar.Visible(reader, rec)
		if qantar.IsPlaceholder(v) {
			continue // not even the time of a change to a protected person
		}
		m := v.GetMeta()
		pg.Latest = append(pg.Latest, change{Kind: v.Kind(), Link: t.linkTo(v), At: m.UpdatedAt, Version: m.Version})
	}
	if !anonymous {
		return p.render(w, r, http.StatusOK, "home", pg)
	}
	rec := &bufferWriter{header: http.Header{}}
	if err := p.render(rec, r, http.StatusOK, "home", pg); err != nil {
		return err
	}
	p.home.mu.Lock()
	if p.home.data == d {
		p.home.pages[lang] = rec.buf
	}
	p.home.mu.Unlock()
	return p.writeCached(w, r, rec.buf)
}

func (p *site) writeCached(w http.ResponseWriter, r *http.Request, b []byte) error {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("Content-Language", pickLang(r))
	_, err := w.Write(b)
	return err
}

// bufferWriter collects a rendered page for the cache.
type bufferWriter struct {
	header http.Header
	buf    []byte
}

func (b *bufferWriter) Header() http.Header         { return b.header }
func (b *bufferWriter) WriteHeader(int)             {}
func (b *bufferWriter) Write(p []byte) (int, error) { b.buf = append(b.buf, p...); return len(p), nil }

// cityChart shows deaths by city, most first.
func (p *site) cityChart(t tr, d *homeData) barChart {
	var bars []bar
	for _, c := range d.stats.ByCity {
		if c.Funnel.Deaths == 0 {
			continue
		}
		label := t.S("place unknown")
		href := ""
		if c.PlaceID != 0 {
			label, href = t.Text(c.Name), recordHref(qantar.KindPlace, c.PlaceID)
		}
		bars = append(bars, bar{Label: label, Value: c.Funnel.Deaths, Href: href})
	}
	sort.SliceStable(bars, func(i, j int) bool { return bars[i].Value > bars[j].Value })
	return newBarChart(t.S("Deaths by city"), bars, 15)
}

// dateChart shows deaths by date, in date order.
func dateChart(t tr, st report.Stats) barChart {
	var bars []bar
	for _, d := range st.ByDate {
		if d.Funnel.Deaths == 0 {
			continue
		}
		label := d.Date
		if label == "unknown" {
			label = t.S("date unknown")
		}
		bars = append(bars, bar{Label: label, Value: d.Funnel.Deaths})
	}
	return newBarChart(t.S("Deaths by date"), bars, 31)
}

// deathsChart shows the claimed death tolls over time beside the count
// documented here.
func deathsChart(t tr, st report.Stats) timeChart {
	for _, s := range st.Figures {
		if s.Measure != "deaths" || s.PlaceID != 0 {
			continue
		}
		var vals []timeValue
		for _, pt := range s.Points {
			d, err := qantar.ParseDate(pt.AsOf)
			if err != nil {
				continue
			}
			vals = append(vals, timeValue{At: d.Time(), Value: pt.Value, Official: pt.Official,
				Label: fmt.Sprintf("%s: %s (%s)", pt.AsOf, t.Num(int(pt.Value)), t.Text(pt.ClaimedBy)),
				Href:  recordHref(qantar.KindFigure, pt.FigureID)})
		}
		c := newTimeChart(t.S("Death toll over time"), vals, s.Documented)
		c.Official, c.Independent, c.DocumentedLabel = t.S("official count"), t.S("independent count"), t.S("documented in Qantar")
		return c
	}
	return timeChart{}
}
