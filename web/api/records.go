package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/web/httpx"
)

func (s *Server) apiNotFound(w http.ResponseWriter, r *http.Request) error {
	return qantar.Errorf(qantar.ENOTFOUND, "no such API endpoint: %s %s", r.Method, r.URL.Path)
}

func (s *Server) apiVocabularies(w http.ResponseWriter, r *http.Request) error {
	httpx.WriteJSON(w, http.StatusOK, qantar.Vocabularies)
	return nil
}

// pathKind parses the {kind} path value.
func pathKind(r *http.Request) (qantar.Kind, error) {
	k, err := qantar.ParseKind(r.PathValue("kind"))
	if err != nil {
		return "", &qantar.Error{Code: qantar.ENOTFOUND, Field: "kind", Message: qantar.ErrorMessage(err)}
	}
	return k, nil
}

// pathRecord parses {kind} and {id}.
func pathRecord(r *http.Request) (qantar.Kind, int64, error) {
	k, err := pathKind(r)
	if err != nil {
		return "", 0, err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return "", 0, &qantar.Error{Code: qantar.ENOTFOUND, Field: "id", Message: "a record id is a positive integer"}
	}
	return k, id, nil
}

// listPage is the JSON answer of a list.
type listPage struct {
	Items []qantar.Record `json:"items"`
	Total int             `json:"total"`
	// TotalAtLeast says that more than Total records match: a list counts
	// up to httpx.CountLimit.
	TotalAtLeast bool `json:"total_at_least,omitempty"`
	Limit        int  `json:"limit"`
	Offset       int  `json:"offset"`
}

func (s *Server) apiList(w http.ResponseWriter, r *http.Request) error {
	kind, err := pathKind(r)
	if err != nil {
		return err
	}
	f, err := httpx.ParseFilter(r, kind)
	if err != nil {
		return err
	}
	items, total, err := s.store.List(r.Context(), kind, f)
	if err != nil {
		return err
	}
	if items == nil {
		items = []qantar.Record{}
	}
	total, more := httpx.TotalShown(total, f)
	if kind == qantar.KindComplaint {
		views := make([]any, len(items))
		for i, it := range items {
			if views[i], err = s.complaintView(r, it.(*qantar.Complaint)); err != nil {
				return err
			}
		}
		page := map[string]any{"items": views, "total": total, "limit": f.Limit, "offset": f.Offset}
		if more {
			page["total_at_least"] = true
		}
		httpx.WriteJSON(w, http.StatusOK, page)
		return nil
	}
	s.auth.AuditShown(r, items...)
	httpx.WriteJSON(w, http.StatusOK, listPage{Items: items, Total: total, TotalAtLeast: more, Limit: f.Limit, Offset: f.Offset})
	return nil
}

func (s *Server) apiGet(w http.ResponseWriter, r *http.Request) error {
	kind, id, err := pathRecord(r)
	if err != nil {
		return err
	}
	if s.getPrepared(w, r, kind, id) {
		return nil
	}
	rec, err := s.store.Get(r.Context(), kind, id)
	if err != nil {
		return err
	}
	// Everything below sees only the reader's projection.
	vis := s.figures.Visible(r, rec)
	if c, ok := vis.(*qantar.Complaint); ok {
		view, err := s.complaintView(r, c)
		if err != nil {
			return err
		}
		httpx.WriteJSON(w, http.StatusOK, view)
		return nil
	}
	s.auth.AuditShown(r, vis)
	httpx.WriteJSON(w, http.StatusOK, vis)
	return nil
}

// decodeBody reads a record of kind from the request body.
func decodeBody(r *http.Request, kind qantar.Kind) (qantar.Record, error) {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return nil, &qantar.Error{Code: qantar.EINVALID, Field: "Content-Type", Message: fmt.Sprintf("must be application/json, not %q", ct)}
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, httpx.BodyError(err)
	}
	return qantar.DecodeBytes(kind, body)
}

func (s *Server) apiCreate(w http.ResponseWriter, r *http.Request) error {
	actor, err := httpx.RequireWriter(r)
	if err != nil {
		return err
	}
	kind, err := pathKind(r)
	if err != nil {
		return err
	}
	rec, err := decodeBody(r, kind)
	if err != nil {
		return err
	}
	if m := rec.GetMeta(); m.ID != 0 || m.Version != 0 {
		return qantar.FieldErrorf("id", "a new record has no id or version; the server assigns them")
	}
	if err := s.store.Create(r.Context(), actor, rec); err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/"+string(kind)+"/"+strconv.FormatInt(rec.GetMeta().ID, 10))
	httpx.WriteJSON(w, http.StatusCreated, rec)
	return nil
}

func (s *Server) apiUpdate(w http.ResponseWriter, r *http.Request) error {
	actor, err := httpx.RequireWriter(r)
	if err != nil {
		return err
	}
	kind, id, err := pathRecord(r)
	if err != nil {
		return err
	}
	rec, err := decodeBody(r, kind)
	if err != nil {
		return err
	}
	m := rec.GetMeta()
	if m.ID != 0 && m.ID != id {
		return qantar.FieldErrorf("id", "the body's id %d is not the id in the path %d", m.ID, id)
	}
	m.ID = id
	if err := s.store.Update(r.Context(), actor, rec); err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, rec)
	return nil
}

// deleteRequest is the body of a DELETE (or its query: ?version=&reason=).
type deleteRequest struct {
	Version int    `json:"version"`
	Reason  string `json:"reason"`
}

func (s *Server) apiDelete(w http.ResponseWriter, r *http.Request) error {
	actor, err := httpx.RequireWriter(r)
	if err != nil {
		return err
	}
	kind, id, err := pathRecord(r)
	if err != nil {
		return err
	}
	var req deleteRequest
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return httpx.BodyError(err)
	}
	if len(strings.TrimSpace(string(body))) > 0 {
		dec := json.NewDecoder(strings.NewReader(string(body)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&req); err != nil {
			var te *json.UnmarshalTypeError
			if errors.As(err, &te) {
				return qantar.FieldErrorf(te.Field, "has the wrong type")
			}
			return qantar.Errorf(qantar.EINVALID, "malformed JSON: %v", err)
		}
	} else {
		q := r.URL.Query()
		req.Reason = q.Get("reason")
		if v := q.Get("version"); v != "" {
			if req.Version, err = strconv.Atoi(v); err != nil {
				return qantar.FieldErrorf("version", "must be an integer")
			}
		}
	}
	if err := s.store.Delete(r.Context(), actor, kind, id, req.Version, req.Reason); err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"kind": kind, "id": id, "version": req.Version + 1, "deleted": true})
	return nil
}

func (s *Server) apiHistory(w http.ResponseWriter, r *http.Request) error {
	kind, id, err := pathRecord(r)
	if err != nil {
		return err
	}
	versions, err := s.store.History(r.Context(), kind, id)
	if err != nil {
		return err
	}
	versions, err = s.figures.VisibleHistory(r, kind, versions)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"kind": kind, "id": id, "versions": versions})
	return nil
}
