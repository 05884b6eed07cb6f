package site

import (
	"net/http"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/chart"
	"github.com/qantar-project/qantar/report"
	"github.com/qantar-project/qantar/web/figures"
	"github.com/qantar-project/qantar/web/httpx"
)

// homeView shows the headline figures: the official death toll with its
// source beside the deaths documented here and how far accountability has
// gone; the charts; and the latest changes.
type homeView struct {
	base
	Official       *qantar.Figure
	OfficialSource link
	Stats          report.Stats
	Checkpoint     figures.CheckpointRef
	ByCity         chart.Bars
	ByDate         chart.Bars
	Deaths         chart.Time
	Latest         []change
}

// change is one record in the latest changes.
type change struct {
	Kind    qantar.Kind
	Link    link
	At      time.Time
	Version int
}

func (p *Site) index(w http.ResponseWriter, r *http.Request) error {
	reader := httpx.ActorOf(r)
	d, err := p.state(r.Context(), reader.ID == "")
	if err != nil {
		return err
	}
	lang := httpx.PickLang(r)
	anonymous := reader.ID == ""
	// The rendered page is cached under the figures' state and the current
	// state: while the figures are recomputed after a write, the page is
	// rendered again once (its persons looked up afresh below), so that a
	// person protected a moment ago does not stay on a cached page.
	p.home.mu.Lock()
	cacheKey := d.key + "|" + p.home.key + "|" + lang
	b, ok := p.home.pages[cacheKey]
	p.home.mu.Unlock()
	if anonymous && ok {
		return p.writeCached(w, r, b)
	}
	pg := homeView{base: p.newBase(r, ""), Official: d.official, Stats: d.stats, Checkpoint: d.checkpoint}
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
		if rec.Kind() == qantar.KindPerson {
			// Afresh: the figures may be older than the person's protection.
			if v, err = p.get(r.Context(), reader, qantar.KindPerson, rec.GetMeta().ID); err != nil {
				continue
			}
		}
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
	if len(p.home.pages) > 32 {
		clear(p.home.pages)
	}
	p.home.pages[cacheKey] = rec.buf
	p.home.mu.Unlock()
	return p.writeCached(w, r, rec.buf)
}

func (p *Site) writeCached(w http.ResponseWriter, r *http.Request, b []byte) error {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("Content-Language", httpx.PickLang(r))
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
