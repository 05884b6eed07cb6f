package api

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/web/httpx"
)

// searchPage is the JSON answer of a search.
type searchPage struct {
	Query   string                `json:"query"`
	Results []qantar.SearchResult `json:"results"`
}

// parseSearch reads q, kind (comma-separated) and limit.
func parseSearch(r *http.Request, lang string) (qantar.SearchQuery, error) {
	v := r.URL.Query()
	q := qantar.SearchQuery{Q: v.Get("q"), Reader: httpx.ActorOf(r), Lang: lang, Limit: 20}
	if kinds := v.Get("kind"); kinds != "" {
		for _, k := range strings.Split(kinds, ",") {
			kind, err := qantar.ParseKind(strings.TrimSpace(k))
			if err != nil {
				return q, qantar.FieldErrorf("kind", "%s", qantar.ErrorMessage(err))
			}
			q.Kinds = append(q.Kinds, kind)
		}
	}
	if l := v.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 100 {
			return q, qantar.FieldErrorf("limit", "must be an integer from 1 to 100")
		}
		q.Limit = n
	}
	return q, nil
}

func (s *Server) apiSearch(w http.ResponseWriter, r *http.Request) error {
	if s.search == nil {
		return qantar.Errorf(qantar.ENOTFOUND, "search is not available on this store")
	}
	q, err := parseSearch(r, r.URL.Query().Get("lang"))
	if err != nil {
		return err
	}
	res, err := s.search.Search(r.Context(), q)
	if err != nil {
		return err
	}
	if res == nil {
		res = []qantar.SearchResult{}
	}
	httpx.WriteJSON(w, http.StatusOK, searchPage{Query: q.Q, Results: res})
	return nil
}
