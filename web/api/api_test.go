package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/law"
	"github.com/qantar-project/qantar/sqlite"
	"github.com/qantar-project/qantar/web/api"
	"github.com/qantar-project/qantar/web/httpx"
)

// Readers of the API tests: the root package's authenticate puts them in
// the request; here each request carries one directly.
var (
	anonymous = qantar.Anonymous
	viewer    = qantar.Actor{ID: "token:1", Role: qantar.RoleViewer}
	editor    = qantar.Actor{ID: "token:2", Role: qantar.RoleEditor}
)

// fixture is the API alone (no pages, no middleware) over a fresh SQLite
// database, or over a store made from it (a mock.Store that fails).
type fixture struct {
	db   *sqlite.DB
	api  http.Handler
	logs *bytes.Buffer
}

func newFixture(t *testing.T, store func(db *sqlite.DB) qantar.Store) *fixture {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "api.db"), sqlite.Options{Synchronous: "NORMAL", Checker: law.Checker{}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	var st qantar.Store = db
	if store != nil {
		st = store(db)
	}
	fx := &fixture{db: db, logs: &bytes.Buffer{}}
	mux := http.NewServeMux()
	api.New(api.Config{Store: st, Log: db, Search: db, Logger: slog.New(slog.NewTextHandler(fx.logs, nil))}).Routes(mux)
	fx.api = mux
	return fx
}

// do sends one request as actor and returns the answer.
func (fx *fixture) do(t *testing.T, actor qantar.Actor, method, path, body string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	r = r.WithContext(httpx.WithActor(r.Context(), actor))
	w := httptest.NewRecorder()
	fx.api.ServeHTTP(w, r)
	return w
}

// errorOf decodes an error answer.
func errorOf(t *testing.T, w *httptest.ResponseRecorder) httpx.APIError {
	t.Helper()
	var e httpx.APIError
	if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil {
		t.Fatalf("not an error answer: %d %q", w.Code, w.Body)
	}
	return e
}

func count(t *testing.T, db *sqlite.DB, kind qantar.Kind) int {
	t.Helper()
	n, err := db.Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n[kind]
}

// A record's life through the API: created with a Location, read, updated
// at its version, refused at a stale one (409, nothing changed), deleted
// with a reason, gone (404), and its history keeps every version.
func TestRecordLifecycle(t *testing.T) {
	fx := newFixture(t, nil)
	w := fx.do(t, editor, "POST", "/api/v1/persons", `{"names":[{"value":"Synthetic Api Person","lang":"en"}],"protection":"public"}`)
	if w.Code != http.StatusCreated || w.Header().Get("Location") != "/api/v1/persons/1" {
		t.Fatalf("create: %d %s %q", w.Code, w.Header().Get("Location"), w.Body)
	}
	w = fx.do(t, anonymous, "GET", "/api/v1/persons/1", "")
	var p qantar.Person
	if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil || w.Code != 200 || p.Version != 1 || p.Names[0].Value != "Synthetic Api Person" {
		t.Fatalf("get: %d %q (%v)", w.Code, w.Body, err)
	}
	w = fx.do(t, editor, "PUT", "/api/v1/persons/1", `{"version":1,"names":[{"value":"Synthetic Api Person Renamed","lang":"en"}],"protection":"public"}`)
	if w.Code != 200 {
		t.Fatalf("update: %d %q", w.Code, w.Body)
	}
	w = fx.do(t, editor, "PUT", "/api/v1/persons/1", `{"version":1,"names":[{"value":"A stale edit","lang":"en"}],"protection":"public"}`)
	if e := errorOf(t, w); w.Code != http.StatusConflict || e.Error.Code != qantar.ECONFLICT {
		t.Fatalf("stale update: %d %q", w.Code, w.Body)
	}
	if w = fx.do(t, anonymous, "GET", "/api/v1/persons/1", ""); !strings.Contains(w.Body.String(), "Renamed") {
		t.Fatalf("the stale edit changed the record: %q", w.Body)
	}
	w = fx.do(t, editor, "DELETE", "/api/v1/persons/1", `{"version":2}`)
	if e := errorOf(t, w); w.Code != http.StatusBadRequest || e.Error.Field != "reason" {
		t.Fatalf("delete without a reason: %d %q", w.Code, w.Body)
	}
	if w = fx.do(t, editor, "DELETE", "/api/v1/persons/1", `{"version":2,"reason":"synthetic duplicate"}`); w.Code >= 300 {
		t.Fatalf("delete: %d %q", w.Code, w.Body)
	}
	if w = fx.do(t, anonymous, "GET", "/api/v1/persons/1", ""); w.Code != http.StatusNotFound || errorOf(t, w).Error.Code != qantar.ENOTFOUND {
		t.Fatalf("after delete: %d %q", w.Code, w.Body)
	}
	w = fx.do(t, anonymous, "GET", "/api/v1/persons/1/history", "")
	var h struct{ Versions []qantar.Version }
	if err := json.Unmarshal(w.Body.Bytes(), &h); err != nil || len(h.Versions) != 3 || h.Versions[2].Op != "delete" {
		t.Fatalf("history: %d %q", w.Code, w.Body)
	}
}

// Bad input is refused with the field at fault and changes nothing.
func TestBadInputChangesNothing(t *testing.T) {
	fx := newFixture(t, nil)
	tests := []struct {
		name, method, path, body, field string
		status                          int
	}{
		{"ErrUnknownKind", "POST", "/api/v1/martians", `{}`, "kind", 404},
		{"ErrUnknownField", "POST", "/api/v1/persons", `{"names":[{"value":"x"}],"colour":"red"}`, "colour", 400},
		{"ErrNoName", "POST", "/api/v1/persons", `{"names":[]}`, "names", 400},
		{"ErrIDGiven", "POST", "/api/v1/persons", `{"id":5,"names":[{"value":"x"}]}`, "id", 400},
		{"ErrBadID", "GET", "/api/v1/persons/-1", ``, "id", 404},
		{"ErrBadLimit", "GET", "/api/v1/persons?limit=0", ``, "limit", 400},
		{"ErrBadDay", "GET", "/api/v1/deadline?kind=cpc-105&from=yesterday", ``, "from", 400},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := fx.do(t, editor, tc.method, tc.path, tc.body)
			if e := errorOf(t, w); w.Code != tc.status || e.Error.Field != tc.field || e.Error.Message == "" {
				t.Fatalf("%d %q, want %d naming %q", w.Code, w.Body, tc.status, tc.field)
			}
		})
	}
	if n := count(t, fx.db, qantar.KindPerson); n != 0 {
		t.Fatalf("%d persons after refused writes", n)
	}
}

// Writing needs a writer: anonymous is 401 with the Bearer challenge, a
// viewer 403; neither creates anything.
func TestWritesNeedAWriter(t *testing.T) {
	fx := newFixture(t, nil)
	body := `{"names":[{"value":"Synthetic Unwritten","lang":"en"}]}`
	w := fx.do(t, anonymous, "POST", "/api/v1/persons", body)
	if w.Code != http.StatusUnauthorized || !strings.HasPrefix(w.Header().Get("WWW-Authenticate"), "Bearer") {
		t.Fatalf("anonymous: %d %v", w.Code, w.Header())
	}
	if w = fx.do(t, viewer, "POST", "/api/v1/persons", body); w.Code != http.StatusForbidden || errorOf(t, w).Error.Code != qantar.EFORBIDDEN {
		t.Fatalf("viewer: %d %q", w.Code, w.Body)
	}
	if n := count(t, fx.db, qantar.KindPerson); n != 0 {
		t.Fatalf("%d persons written", n)
	}
}

// A person without a protection level or consent is restricted: an
// anonymous reader gets the placeholder (no name, no description) from a
// read, a list, a search by the name and the history; an editor the person.
func TestProtectedPersonOnlyAsProjection(t *testing.T) {
	fx := newFixture(t, nil)
	const secret = "Synthetic Hidden Witness"
	w := fx.do(t, editor, "POST", "/api/v1/persons", `{"names":[{"value":"`+secret+`","lang":"en"}],"description":{"en":"`+secret+` saw it"}}`)
	if w.Code != http.StatusCreated {
		t.Fatalf("create: %d %q", w.Code, w.Body)
	}
	for _, path := range []string{"/api/v1/persons/1", "/api/v1/persons", "/api/v1/persons?q=Hidden", "/api/v1/persons/1/history"} {
		w := fx.do(t, anonymous, "GET", path, "")
		if w.Code != 200 || strings.Contains(w.Body.String(), secret) || strings.Contains(w.Body.String(), "Hidden") {
			t.Errorf("%s: %d %q", path, w.Code, w.Body)
		}
	}
	if w := fx.do(t, anonymous, "GET", "/api/v1/search?q=Hidden+Witness", ""); w.Code != 200 || !strings.Contains(w.Body.String(), `"results":[]`) {
		t.Errorf("search: %d %q", w.Code, w.Body)
	}
	if w := fx.do(t, editor, "GET", "/api/v1/search?q=Hidden+Witness", ""); !strings.Contains(w.Body.String(), secret) {
		t.Errorf("an editor's search misses the person: %q", w.Body)
	}
	if w := fx.do(t, anonymous, "GET", "/api/v1/persons?q=Hidden", ""); !strings.Contains(w.Body.String(), `"total":0`) {
		t.Errorf("a hidden name is matched: %q", w.Body)
	}
	if w := fx.do(t, editor, "GET", "/api/v1/persons/1", ""); !strings.Contains(w.Body.String(), secret) {
		t.Errorf("editor: %q", w.Body)
	}
}

// An unknown endpoint under /api/ is a JSON 404, not a page.
func TestUnknownEndpoint(t *testing.T) {
	fx := newFixture(t, nil)
	w := fx.do(t, anonymous, "GET", "/api/v2/persons", "")
	if w.Code != 404 || errorOf(t, w).Error.Code != qantar.ENOTFOUND || !strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
		t.Fatalf("%d %v %q", w.Code, w.Header(), w.Body)
	}
}

// The history of a version served without its salt names its writer only
// as the log leaf does (the class), never the account; its editors see who.
func TestHistoryWriterOfHiddenVersions(t *testing.T) {
	fx := newFixture(t, nil)
	id := fx.mk(t, "persons", `{"names":[{"value":"Synthetic Restricted Witness","lang":"en"}],"protection":"restricted"}`)
	actors := func(actor qantar.Actor) []string {
		w := fx.do(t, actor, "GET", "/api/v1/persons/"+strconv.FormatInt(id, 10)+"/history", "")
		var h struct{ Versions []qantar.Version }
		if err := json.Unmarshal(w.Body.Bytes(), &h); err != nil || len(h.Versions) != 1 {
			t.Fatalf("history: %d %q", w.Code, w.Body)
		}
		return []string{h.Versions[0].Actor, h.Versions[0].Salt}
	}
	if got := actors(anonymous); got[0] != "editor" || got[1] != "" {
		t.Fatalf("anonymous reader: writer %q, salt %q", got[0], got[1])
	}
	if got := actors(editor); got[0] != editor.ID {
		t.Fatalf("editor: writer %q", got[0])
	}
}
