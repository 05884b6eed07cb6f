package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/qantar-project/qantar"
)

// searchView shows the records of every kind that match a query. Matching
// is the store's plain case-insensitive match for now; the store leaves out
// protected persons for a reader who may not see them, so a search by a
// hidden name finds nothing rather than a placeholder.
type searchView struct {
	base
	Q      string
	Groups []searchGroup
	Total  int
}

type searchGroup struct {
	Kind  qantar.Kind
	Label string
	Total int
	More  string
	Hits  []link
}

func (p *site) search(w http.ResponseWriter, r *http.Request) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	pg := searchView{base: p.newBase(r, ""), Q: q}
	pg.Title = pg.T.S("Search")
	if q != "" {
		pg.Title = pg.T.S("Search: %s", q)
		if len(q) > qantar.MaxShort {
			return qantar.FieldErrorf("q", "is longer than %d bytes", qantar.MaxShort)
		}
		for _, k := range qantar.Kinds {
			recs, total, err := p.srv.store.List(r.Context(), k, qantar.Filter{Q: q, Limit: 10, Reader: actorOf(r)})
			if err != nil {
				return err
			}
			if total == 0 {
				continue
			}
			g := searchGroup{Kind: k, Label: pg.T.KindLabel(k), Total: total}
			for _, rec := range recs {
				if qantar.IsPlaceholder(rec) {
					continue // never a placeholder found by its hidden text
				}
				g.Hits = append(g.Hits, pg.T.linkTo(rec))
			}
			if total > len(recs) {
				g.More = "/" + string(k) + "?q=" + url.QueryEscape(q)
			}
			pg.Total += total
			pg.Groups = append(pg.Groups, g)
		}
	}
	return p.render(w, r, http.StatusOK, "search", pg)
}
