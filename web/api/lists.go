package api

import (
	"net/http"
	"strconv"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/lists"
	"github.com/qantar-project/qantar/web/httpx"
)

// listParam reads a list's id from the query: a source of kind list.
func listParam(m *lists.Membership, r *http.Request, name string) (int64, error) {
	v := r.URL.Query().Get(name)
	id, err := strconv.ParseInt(v, 10, 64)
	if v == "" || err != nil || id <= 0 {
		return 0, qantar.FieldErrorf(name, "give the id of a list (a source of kind list)")
	}
	if _, ok := m.List(id); !ok {
		return 0, qantar.FieldErrorf(name, "sources/%d is not a list", id)
	}
	return id, nil
}

// apiListsCompare says who is on list a and not on list b, and the
// reverse: people the reader may not see are counted, not named.
func (s *Server) apiListsCompare(w http.ResponseWriter, r *http.Request) error {
	m, err := s.figures.Membership(r.Context(), httpx.ActorOf(r))
	if err != nil {
		return err
	}
	a, err := listParam(m, r, "a")
	if err != nil {
		return err
	}
	b, err := listParam(m, r, "b")
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, m.Compare(a, b))
	return nil
}
