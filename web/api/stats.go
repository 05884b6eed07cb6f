package api

import (
	"encoding/json"
	"net/http"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/law"
	"github.com/qantar-project/qantar/web/httpx"
)

// apiStats answers every published figure at a checkpoint (at=SIZE, the
// latest by default), as of the day of its last leaf unless as_of says.
func (s *Server) apiStats(w http.ResponseWriter, r *http.Request) error {
	asOf, err := httpx.ParseOptionalDay(r, "as_of")
	if err != nil {
		return err
	}
	size, err := httpx.ParseSize(r, "at")
	if err != nil {
		return err
	}
	st, err := s.figures.Pinned(r.Context(), size, asOf)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, st)
	return nil
}

// deadlineAnswer is the lawyer's calculator's answer.
type deadlineAnswer struct {
	Rules    string        `json:"rules"`
	Kind     string        `json:"kind"`
	From     string        `json:"from"`
	Deadline law.Deadline  `json:"deadline"`
	Verified bool          `json:"verified"`
	Warning  string        `json:"warning,omitempty"`
	Extended *law.Deadline `json:"extended,omitempty"`
}

func (s *Server) apiDeadline(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	code := q.Get("rules")
	rules, err := s.rules.Get(code)
	if err != nil {
		return &qantar.Error{Code: qantar.EINVALID, Field: "rules", Message: qantar.ErrorMessage(err)}
	}
	kind := q.Get("kind")
	if kind == "" {
		return qantar.FieldErrorf("kind", "is required (one of %v)", rules.KindCodes())
	}
	if q.Get("from") == "" {
		return qantar.FieldErrorf("from", "is required: the day the complaint was received (YYYY-MM-DD)")
	}
	from, err := httpx.ParseDay(r, "from", s.cfg.Now())
	if err != nil {
		return err
	}
	d, err := rules.Deadline(kind, from)
	if err != nil {
		if qantar.ErrorField(err) == "" {
			return &qantar.Error{Code: qantar.ErrorCode(err), Field: "kind", Message: qantar.ErrorMessage(err)}
		}
		return err
	}
	ans := deadlineAnswer{Rules: code, Kind: kind, From: from.Format("2006-01-02"), Deadline: d, Verified: d.Verified}
	if ans.Rules == "" {
		ans.Rules = "kz"
	}
	if !d.Verified {
		ans.Warning = "UNVERIFIED: this limit or a calendar day it depends on is not verified against the law; check before relying on it"
	}
	httpx.WriteJSON(w, http.StatusOK, ans)
	return nil
}

// complaintView is a complaint with its deadline and status as of a day.
func (s *Server) complaintView(r *http.Request, c *qantar.Complaint) (any, error) {
	asOf, err := httpx.ParseDay(r, "as_of", s.cfg.Now())
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(c)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	st, err := s.rules.Status(c, asOf)
	if err != nil {
		m["status"] = "unknown"
		m["status_note"] = qantar.ErrorMessage(err)
		return m, nil
	}
	m["as_of"] = asOf.Format("2006-01-02")
	m["deadline"] = st.Deadline.Date.Format("2006-01-02")
	m["deadline_verified"] = st.Deadline.Verified
	m["deadline_basis"] = st.Deadline.Basis.EN
	m["status"] = st.Status
	if st.EscalatesTo != "" {
		m["escalates_to"] = st.EscalatesTo
		m["escalation_from"] = st.EscalationFrom.Format("2006-01-02")
	}
	if len(st.Notes) > 0 || !st.Deadline.Verified {
		m["notes"] = append(law.NotesIn("en", st.Notes), law.NotesIn("en", st.Deadline.Notes)...)
	}
	return m, nil
}
