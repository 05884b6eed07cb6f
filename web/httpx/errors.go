// Package httpx is what the JSON API and the pages share about HTTP: the one
// table from error code to status, the JSON writer, the request's actor, the
// reader's language and the checks of paths and connections. It holds no
// state: everything it needs is passed in.
package httpx

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/mse"
)

// HandlerFunc is a handler that returns its error; the API answers it as
// JSON (API), the pages as a page.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// Status is the HTTP status of an error code: the one table from code to
// status, for the API and the pages alike.
func Status(code string) int {
	switch code {
	case qantar.EINVALID:
		return http.StatusBadRequest
	case qantar.ENOTFOUND:
		return http.StatusNotFound
	case qantar.ECONFLICT:
		return http.StatusConflict
	case qantar.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case qantar.EFORBIDDEN:
		return http.StatusForbidden
	case qantar.ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	case qantar.ESTORAGEFULL, qantar.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// RetryAfter is how many seconds a client is asked to wait after each
// storage code: a database restarting is back in seconds, a full disk
// needs a person. ok is false for a code that is no storage failure.
func RetryAfter(code string) (seconds string, ok bool) {
	switch code {
	case qantar.ESTORAGEFULL:
		return "300", true
	case qantar.EUNAVAILABLE:
		return "10", true
	}
	return "", false
}

// StorageError logs a storage failure for the operator and sets
// Retry-After; it reports whether err was one.
func StorageError(w http.ResponseWriter, r *http.Request, logger *slog.Logger, err error, code string) bool {
	after, ok := RetryAfter(code)
	if !ok {
		return false
	}
	logger.Error("storage failure", "code", code, "method", r.Method, "path", r.URL.Path, "err", err)
	w.Header().Set("Retry-After", after)
	return true
}

// APIError is the JSON body of every error answer.
type APIError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Field   string `json:"field,omitempty"`
	} `json:"error"`
}

// BodyError turns a failed body read into the error to answer.
func BodyError(err error) error {
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

// ClientGone reports whether err is the request's own context being
// cancelled: the client closed the connection. That is no fault of the
// server and is not logged as one.
func ClientGone(r *http.Request, err error) bool {
	return errors.Is(err, context.Canceled) && r.Context().Err() != nil
}

// FromLibrary translates the errors of the libraries below web that have
// no codes of their own into the code they are to a reader: mse's input
// errors (no estimate from this table or these options) are EINVALID, with
// their message as it is.
func FromLibrary(err error) error {
	if m, ok := mse.Message(err); ok {
		return &qantar.Error{Code: qantar.EINVALID, Message: m}
	}
	return err
}

// API adapts a HandlerFunc whose errors are answered as JSON.
func API(logger *slog.Logger, h HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			WriteAPIError(w, r, logger, err)
		}
	})
}

// WriteAPIError answers err as JSON with its code's status; an internal
// error and a storage failure are logged, a client that left is not.
func WriteAPIError(w http.ResponseWriter, r *http.Request, logger *slog.Logger, err error) {
	if ClientGone(r, err) {
		logger.Debug("client left", "method", r.Method, "path", r.URL.Path, "err", err)
		w.WriteHeader(StatusClientClosed)
		return
	}
	err = FromLibrary(BodyError(err))
	code := qantar.ErrorCode(err)
	if code == qantar.EINTERNAL {
		logger.Error("internal error", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	StorageError(w, r, logger, err, code)
	var body APIError
	body.Error.Code, body.Error.Message, body.Error.Field = code, qantar.ErrorMessage(err), qantar.ErrorField(err)
	if code == qantar.EUNAUTHORIZED {
		w.Header().Set("WWW-Authenticate", `Bearer realm="qantar"`)
	}
	WriteJSON(w, Status(code), body)
}

// internalBody is the answer when an answer cannot be encoded.
const internalBody = `{"error":{"code":"` + qantar.EINTERNAL + `","message":"internal error"}}` + "\n"

// WriteJSON encodes v and only then sends status and body, so that a value
// that does not encode (a NaN, a cycle) is answered with a clean 500 rather
// than a success status with half a body. The encoding error is handed to
// the access log (NoteError), which logs it as an internal error.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(true)
	body := []byte(internalBody)
	if err := enc.Encode(v); err != nil {
		NoteError(w, fmt.Errorf("encode the JSON answer: %w", err))
		status = http.StatusInternalServerError
	} else {
		body = buf.Bytes()
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// ErrorNoter is a response writer that keeps an error for the access log
// (the root package's statusWriter).
type ErrorNoter interface {
	NoteError(err error)
}

// NoteError records err on the request's access-log writer, found through
// the writers that wrap it, for the access log to report.
func NoteError(w http.ResponseWriter, err error) {
	for w != nil {
		if n, ok := w.(ErrorNoter); ok {
			n.NoteError(err)
			return
		}
		u, ok := w.(interface{ Unwrap() http.ResponseWriter })
		if !ok {
			return
		}
		w = u.Unwrap()
	}
}
