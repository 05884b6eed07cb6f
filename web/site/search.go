package site

import (
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/web/httpx"
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
	// Snippets, by hit, when the store's search gives them.
	Snippets []template.HTML
}

// searchStore asks the store's multilingual search (names in any spelling
// and script, stems). Each hit is looked up again through visible, so that
// only what the reader may see is named, and a snippet is shown only when it
// is escaped text with <mark> highlights and nothing else.
func (p *Site) searchStore(r *http.Request, searcher qantar.Searcher, pg *searchView) error {
	reader := httpx.ActorOf(r)
	results, err := searcher.Search(r.Context(), qantar.SearchQuery{Q: pg.Q, Limit: 50, Lang: pg.T.Lang, Reader: reader})
	if err != nil {
		return err
	}
	index := map[qantar.Kind]int{}
	for _, res := range results {
		rec, err := p.get(r.Context(), reader, res.Kind, res.ID)
		if err != nil || qantar.IsPlaceholder(rec) {
			continue
		}
		i, ok := index[res.Kind]
		if !ok {
			i = len(pg.Groups)
			index[res.Kind] = i
			pg.Groups = append(pg.Groups, searchGroup{Kind: res.Kind, Label: pg.T.KindLabel(res.Kind)})
		}
		g := &pg.Groups[i]
		g.Hits = append(g.Hits, pg.T.linkTo(rec))
		g.Snippets = append(g.Snippets, safeSnippet(res.Snippet))
		g.Total++
		pg.Total++
	}
	return nil
}

// safeSnippet passes a search snippet as HTML only if, without its <mark>
// tags, it holds no markup at all; otherwise it is dropped.
func safeSnippet(s string) template.HTML {
	bare := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(s)
	if strings.ContainsAny(bare, "<>") {
		return ""
	}
	return template.HTML(s) // #nosec: checked above: escaped text and <mark> only
}

func (p *Site) search(w http.ResponseWriter, r *http.Request) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	pg := searchView{base: p.newBase(r, ""), Q: q}
	pg.Title = pg.T.S("Search")
	if q != "" {
		pg.Title = pg.T.S("Search: %s", q)
		if len(q) > qantar.MaxShort {
			return qantar.FieldErrorf("q", "is longer than %d bytes", qantar.MaxShort)
		}
		if searcher, ok := p.store.(qantar.Searcher); ok {
			if err := p.searchStore(r, searcher, &pg); err != nil {
				return err
			}
			return p.render(w, r, http.StatusOK, "search", pg)
		}
		for _, k := range qantar.Kinds {
			recs, total, err := p.store.List(r.Context(), k, qantar.Filter{Q: q, Limit: 10, Reader: httpx.ActorOf(r)})
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
