package api

import (
	"net/http"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/web/httpx"
)

// apiEstimate estimates the total number of deaths from the overlap of the
// lists that recorded them (multiple systems estimation).
func (s *Server) apiEstimate(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	by := q.Get("by")
	if by != "" && by != "place" {
		return qantar.FieldErrorf("by", "%q is not a way to stratify: use by=place, or leave it out for one estimate", by)
	}
	ans, err := s.figures.EstimateBy(r.Context(), q.Get("method"), by)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, ans)
	return nil
}
