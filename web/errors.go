package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/qantar-project/qantar"
)

// statusOf is the one table from error code to HTTP status.
var statusOf = map[string]int{
	qantar.EINVALID:      http.StatusBadRequest,
	qantar.ENOTFOUND:     http.StatusNotFound,
	qantar.ECONFLICT:     http.StatusConflict,
	qantar.EUNAUTHORIZED: http.StatusUnauthorized,
	qantar.EFORBIDDEN:    http.StatusForbidden,
	qantar.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	qantar.EINTERNAL:     http.StatusInternalServerError,
	qantar.ESTORAGEFULL:  http.StatusServiceUnavailable,
	qantar.EUNAVAILABLE:  http.StatusServiceUnavailable,
}

// retryAfter is how many seconds a client is asked to wait after each
// storage code: a database restarting is back in seconds, a full disk
// needs a person.
var retryAfter = map[string]string{
	qantar.ESTORAGEFULL: "300",
	qantar.EUNAVAILABLE: "10",
}

// storageError logs a storage failure for the operator and sets
// Retry-After; it reports whether err was one.
func (s *Server) storageError(w http.ResponseWriter, r *http.Request, err error, code string) bool {
	after, ok := retryAfter[code]
	if !ok {
		return false
	}
	s.logger.Error("storage failure", "code", code, "method", r.Method, "path", r.URL.Path, "err", err)
	w.Header().Set("Retry-After", after)
	return true
}

// apiError is the JSON body of every error answer.
type apiError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Field   string `json:"field,omitempty"`
	} `json:"error"`
}

// bodyError turns a failed body read into the error to answer.
func bodyError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return &qantar.Error{Code: qantar.ETOOLARGE, Field: "body", Message: fmt.Sprintf("request body is over %d bytes", mbe.Limit)}
	}
	return err
}

func (s *Server) writeAPIError(w http.ResponseWriter, r *http.Request, err error) {
	err = bodyError(err)
	code := qantar.ErrorCode(err)
	if code == qantar.EINTERNAL {
		s.logger.Error("internal error", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	s.storageError(w, r, err, code)
	var body apiError
	body.Error.Code, body.Error.Message, body.Error.Field = code, qantar.ErrorMessage(err), qantar.ErrorField(err)
	if code == qantar.EUNAUTHORIZED {
		w.Header().Set("WWW-Authenticate", `Bearer realm="qantar"`)
	}
	writeJSON(w, statusOf[code], body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	_ = enc.Encode(v)
}
