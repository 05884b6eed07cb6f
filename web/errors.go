package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/mse"
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

// StatusClientClosed is the status recorded (in the access log and
// /metrics) for a request whose client left before its answer was ready:
// nginx's 499. Nothing is written to the client, who is gone.
const StatusClientClosed = 499

// clientGone reports whether err is the request's own context being
// cancelled: the client closed the connection. That is no fault of the
// server and is not logged as one.
func clientGone(r *http.Request, err error) bool {
	return errors.Is(err, context.Canceled) && r.Context().Err() != nil
}

// fromLibrary translates the errors of the libraries below web that have
// no codes of their own into the code they are to a reader: mse's input
// errors (no estimate from this table or these options) are EINVALID, with
// their message as it is.
func fromLibrary(err error) error {
	if m, ok := mse.Message(err); ok {
		return &qantar.Error{Code: qantar.EINVALID, Message: m}
	}
	return err
}

func (s *Server) writeAPIError(w http.ResponseWriter, r *http.Request, err error) {
	if clientGone(r, err) {
		s.logger.Debug("client left", "method", r.Method, "path", r.URL.Path, "err", err)
		w.WriteHeader(StatusClientClosed)
		return
	}
	err = fromLibrary(bodyError(err))
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

// internalBody is the answer when an answer cannot be encoded.
var internalBody = []byte(`{"error":{"code":"` + qantar.EINTERNAL + `","message":"internal error"}}` + "\n")

// writeJSON encodes v and only then sends status and body, so that a value
// that does not encode (a NaN, a cycle) is answered with a clean 500 rather
// than a success status with half a body. The encoding error is handed to
// the access log (observe), which logs it as an internal error.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(true)
	body := internalBody
	if err := enc.Encode(v); err != nil {
		noteError(w, fmt.Errorf("encode the JSON answer: %w", err))
		status = http.StatusInternalServerError
	} else {
		body = buf.Bytes()
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// noteError records err on the request's statusWriter (observe's), found
// through the writers that wrap it, for the access log to report.
func noteError(w http.ResponseWriter, err error) {
	for w != nil {
		if sw, ok := w.(*statusWriter); ok {
			sw.err = err
			return
		}
		u, ok := w.(interface{ Unwrap() http.ResponseWriter })
		if !ok {
			return
		}
		w = u.Unwrap()
	}
}
