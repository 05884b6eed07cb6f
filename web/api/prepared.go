package api

import (
	"net/http"
	"strconv"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/web/httpx"
)

// getPrepared answers GET of one record with the bytes the store keeps for
// the reader's class (qantar.PreparedReader): one indexed read and a write,
// byte for byte the answer apiGet would encode. It answers only what apiGet
// would answer without an audit entry or a computed field: a public record,
// or a person shown as a placeholder, to an anonymous reader or a viewer;
// not a complaint (its status is computed at each answer), nor an editor.
// It reports false, having written nothing, when apiGet must answer
// (including every error, so that its message stays apiGet's).
func (s *Server) getPrepared(w http.ResponseWriter, r *http.Request, kind qantar.Kind, id int64) bool {
	pr, ok := s.store.(qantar.PreparedReader)
	if !ok || kind == qantar.KindComplaint {
		return false
	}
	reader := httpx.ActorOf(r)
	class, all := qantar.ClassOf(reader)
	if all {
		return false
	}
	p, err := pr.GetPrepared(r.Context(), kind, id, reader)
	if err != nil {
		return false
	}
	placeholder := kind == qantar.KindPerson && !class.CanSee(p.Protection)
	if p.Protection != qantar.Public && !placeholder {
		return false // shown whole to a viewer: apiGet audits it
	}
	etag := RecordETag(kind, id, class, p.Data)
	h := w.Header()
	h.Set("ETag", etag)
	if reader.ID == "" {
		// Kept, but asked again each time (as the pages are): a record's
		// projection may change at any write.
		h.Set("Cache-Control", "no-cache")
	}
	if r.Method == http.MethodGet && MatchETag(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return true
	}
	body := append(p.Data, '\n') // as json.Encoder ends what it writes
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
	return true
}
