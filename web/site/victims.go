package site

import (
	"net/http"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/web/httpx"
)

// victimsView lists acts grouped by the person they were done to.
type victimsView struct {
	base
	Groups []actGroup
	Total  int
	More   bool // more than Total acts (httpx.CountLimit)
	Prev   string
	Next   string
}

func (p *Site) victims(w http.ResponseWriter, r *http.Request) error {
	f, err := httpx.ParseFilter(r, qantar.KindAct)
	if err != nil {
		return err
	}
	clean(f.Where)
	f.Sort = "victim_id"
	recs, total, err := p.listCached(r.Context(), qantar.KindAct, f)
	if err != nil {
		return err
	}
	pg := victimsView{base: p.newBase(r, "")}
	pg.Total, pg.More = httpx.TotalShown(total, f)
	pg.Title = pg.T.S("Victims")
	res := p.newResolver(pg.T, httpx.ActorOf(r))
	for _, rec := range recs {
		a := rec.(*qantar.Act)
		if n := len(pg.Groups); n == 0 || pg.Groups[n-1].Head.Href != recordHref(qantar.KindPerson, a.VictimID) {
			pg.Groups = append(pg.Groups, actGroup{Head: res.link(r.Context(), qantar.KindPerson, a.VictimID)})
		}
		g := &pg.Groups[len(pg.Groups)-1]
		row := p.actRow(r.Context(), res, a)
		if a.EventID != 0 {
			row.Place = res.link(r.Context(), qantar.KindEvent, a.EventID)
		}
		g.Acts = append(g.Acts, row)
	}
	q := r.URL.Query()
	if f.Offset > 0 {
		pg.Prev = pageURL(r.URL.Path, q, max(0, f.Offset-f.Limit))
	}
	pg.Next = nextURL(r.URL.Path, q, f, len(recs), total)
	return p.render(w, r, http.StatusOK, "victims", pg)
}
