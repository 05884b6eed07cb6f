package api

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/web/figures"
	"github.com/qantar-project/qantar/web/httpx"
)

// apiLinkage links the persons cited by list sources, for editors: every
// group of distinct person records that are likely one human, and the
// uncertain pairs side by side. It changes nothing; a confirmed merge is an
// ordinary, logged update of the person (same_as_id), undone by clearing it.
func (s *Server) apiLinkage(w http.ResponseWriter, r *http.Request) error {
	actor, err := httpx.RequireWriter(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	var req figures.LinkageRequest
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return httpx.BodyError(err)
	}
	if len(strings.TrimSpace(string(body))) > 0 {
		dec := json.NewDecoder(strings.NewReader(string(body)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&req); err != nil {
			return &qantar.Error{Code: qantar.EINVALID, Field: "body", Message: fmt.Sprintf("malformed request: %v", err)}
		}
	}
	if req.Threshold == 0 {
		req.Threshold = 0.5
	}
	if req.Threshold <= 0 || req.Threshold >= 1 {
		return qantar.FieldErrorf("threshold", "must be between 0 and 1")
	}
	ans, err := s.figures.Link(ctx, actor, req)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, ans)
	return nil
}
