package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/qantar-project/qantar/web/httpx"
)

// testAPI serves h as an API route behind the access log, logging at debug
// level into the returned buffer.
func testAPI(h httpx.HandlerFunc) (http.Handler, *bytes.Buffer) {
	var logs bytes.Buffer
	s := &Server{logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})), metrics: newMetrics(time.Now())}
	return s.observe(httpx.API(s.logger, h)), &logs
}

// TestWriteJSONEncodesFirst: an answer that does not encode is a clean 500
// with a JSON error body, not a 200 with half a body, and the encoding
// error is logged once as an internal error.
func TestWriteJSONEncodesFirst(t *testing.T) {
	h, logs := testAPI(func(w http.ResponseWriter, r *http.Request) error {
		httpx.WriteJSON(w, http.StatusOK, map[string]any{"estimate": math.NaN()})
		return nil
	})
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/api/v1/estimate", nil))
	if w.Code != http.StatusInternalServerError {
		t.Fatalf("status %d, want 500; body %q", w.Code, w.Body)
	}
	var body httpx.APIError
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || body.Error.Code != "internal" || body.Error.Message != "internal error" {
		t.Errorf("body %q (%v), want the internal error", w.Body, err)
	}
	if strings.Contains(w.Body.String(), "estimate") {
		t.Errorf("body %q holds part of the answer that failed", w.Body)
	}
	if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type %q", ct)
	}
	if n := strings.Count(logs.String(), "level=ERROR"); n != 1 || !strings.Contains(logs.String(), "encode the JSON answer") || !strings.Contains(logs.String(), "status=500") {
		t.Errorf("%d error lines, want 1 naming the encoding, and the access log's 500:\n%s", n, logs)
	}

	// An answer that encodes is sent whole with its status.
	h, logs = testAPI(func(w http.ResponseWriter, r *http.Request) error {
		httpx.WriteJSON(w, http.StatusCreated, map[string]int{"id": 7})
		return nil
	})
	w = httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/api/v1/persons", nil))
	if w.Code != http.StatusCreated || w.Body.String() != "{\"id\":7}\n" || strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("status %d, body %q, logs:\n%s", w.Code, w.Body, logs)
	}
}

// TestClientLeftIsNoError: a handler that fails because its client left
// (its request's context cancelled) is logged at debug, with no error line
// and no answer; a cancellation that is not the client's is still an
// internal error.
func TestClientLeftIsNoError(t *testing.T) {
	h, logs := testAPI(func(w http.ResponseWriter, r *http.Request) error {
		<-r.Context().Done()
		return r.Context().Err()
	})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/api/v1/stats", nil).WithContext(ctx))
	if w.Code != httpx.StatusClientClosed || w.Body.Len() != 0 {
		t.Errorf("status %d, body %q; want %d and nothing", w.Code, w.Body, httpx.StatusClientClosed)
	}
	if strings.Contains(logs.String(), "level=ERROR") || !strings.Contains(logs.String(), "level=DEBUG msg=\"client left\"") ||
		!strings.Contains(logs.String(), "status=499") {
		t.Errorf("logs:\n%s", logs)
	}

	// context.Canceled from something else, the client still there.
	h, logs = testAPI(func(w http.ResponseWriter, r *http.Request) error {
		return errors.Join(errors.New("a job stopped"), context.Canceled)
	})
	w = httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/api/v1/stats", nil))
	if w.Code != http.StatusInternalServerError || !strings.Contains(logs.String(), "level=ERROR msg=\"internal error\"") {
		t.Errorf("status %d, logs:\n%s", w.Code, logs)
	}
}
