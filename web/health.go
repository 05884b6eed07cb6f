package web

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/web/httpx"
)

// Readier is a store that can tell whether writes work now, by trying one
// that changes nothing (sqlite.DB and postgres.DB are).
type Readier interface {
	Ready(ctx context.Context) error
}

// readyTimeout bounds a readiness probe: a database that takes longer to
// take a write lock is not ready.
const readyTimeout = 3 * time.Second

// healthStatus is the JSON body of /healthz and /readyz.
type healthStatus struct {
	Status  string `json:"status"`            // "ok", or "unavailable"
	Code    string `json:"code,omitempty"`    // storage_full, database_unavailable, internal
	Message string `json:"message,omitempty"` // in plain words
	Detail  string `json:"detail,omitempty"`  // for the operator: what the probe found
}

// healthz is liveness: the process is up and serving. It does not touch
// the database, so that a supervisor does not restart a server whose disk
// is full (restarting would not help; /readyz says what would).
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	httpx.WriteJSON(w, http.StatusOK, healthStatus{Status: "ok"})
}

// readyz is readiness: whether a write would work now. It tries one that
// changes nothing (Readier), or, for a store that cannot, reads a count.
// Not ready is 503 with the storage code and Retry-After; the server needs
// no restart when the cause goes away: the next probe says ready.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
	defer cancel()
	var err error
	if rd, ok := s.store.(Readier); ok {
		err = rd.Ready(ctx)
	} else {
		_, err = s.store.Count(ctx)
	}
	if err == nil {
		httpx.WriteJSON(w, http.StatusOK, healthStatus{Status: "ok"})
		return
	}
	code := qantar.ErrorCode(err)
	if _, storage := httpx.RetryAfter(code); !storage && ctx.Err() != nil {
		code = qantar.EUNAVAILABLE // no answer in time: locked or unreachable
	}
	st := healthStatus{Status: "unavailable", Code: code}
	switch code {
	case qantar.ESTORAGEFULL:
		st.Message = qantar.MsgStorageFull
	case qantar.EUNAVAILABLE:
		st.Message = qantar.MsgUnavailable
	default:
		st.Message = "the readiness probe failed; see the server's log"
	}
	var qe *qantar.Error
	if errors.As(err, &qe) {
		st.Detail = qe.Message
	}
	s.logger.Warn("not ready", "code", code, "err", err)
	after, ok := httpx.RetryAfter(code)
	if !ok {
		after, _ = httpx.RetryAfter(qantar.EUNAVAILABLE)
	}
	w.Header().Set("Retry-After", after)
	httpx.WriteJSON(w, http.StatusServiceUnavailable, st)
}
