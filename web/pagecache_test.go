package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/sqlite"
	"github.com/qantar-project/qantar/web"
)

type pagesFixture struct {
	db     *sqlite.DB
	h      http.Handler
	viewer string
}

func newPagesFixture(t *testing.T) *pagesFixture {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "p.db"), sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f := &pagesFixture{db: db}
	if _, f.viewer, err = db.CreateToken(ctx, "viewer", qantar.RoleViewer); err != nil {
		t.Fatal(err)
	}
	f.h = web.New(web.Config{Store: db, Tokens: db, Log: db, Search: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}).Handler()
	return f
}

// get serves one GET with headers in pairs.
func (f *pagesFixture) get(target string, header ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest("GET", target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	f.h.ServeHTTP(w, r)
	return w
}

func (f *pagesFixture) person(t *testing.T, name, level string) *qantar.Person {
	t.Helper()
	p := &qantar.Person{Names: []qantar.Name{{Value: name, Lang: "en"}}, Protection: level}
	if err := f.db.Create(context.Background(), qantar.System, p); err != nil {
		t.Fatal(err)
	}
	return p
}

// Anonymous answers of the home page, /stats and the lists carry an ETag
// (a hash of the answer) and are answered 304 with no body when it is sent
// back; in another language, or for a signed-in reader, the answer differs
// and a viewer's is neither tagged nor kept.
func TestPagesConditional(t *testing.T) {
	f := newPagesFixture(t)
	f.person(t, "Synthetic Pages Person", qantar.Public)
	place := &qantar.Place{Name: qantar.Text{"en": "Synthetic Square"}, PlaceKind: "site"}
	unit := &qantar.Unit{Name: qantar.Text{"en": "Synthetic Unit"}, UnitKind: "police"}
	for _, rec := range []qantar.Record{place, unit} {
		if err := f.db.Create(context.Background(), qantar.System, rec); err != nil {
			t.Fatal(err)
		}
	}
	asked := "?place=" + itoa(place.ID) + "&date=2022-01-06"
	for _, path := range []string{"/", "/stats", "/persons", "/persons?sort=-updated_at", "/api/v1/persons", "/api/v1/stats", "/acts",
		"/command" + asked, "/api/v1/command" + asked, "/api/v1/units/" + itoa(unit.ID) + "/command?date=2022-01-06"} {
		w := f.get(path)
		etag := w.Header().Get("ETag")
		if w.Code != 200 || etag == "" || w.Header().Get("Cache-Control") != "no-cache" {
			t.Fatalf("%s: %d ETag %q Cache-Control %q", path, w.Code, etag, w.Header().Get("Cache-Control"))
		}
		again := f.get(path)
		if again.Body.String() != w.Body.String() || again.Header().Get("ETag") != etag {
			t.Fatalf("%s: the kept answer differs from the first", path)
		}
		if c := f.get(path, "If-None-Match", etag); c.Code != http.StatusNotModified || c.Body.Len() != 0 || c.Header().Get("ETag") != etag {
			t.Fatalf("%s with its ETag: %d %q", path, c.Code, c.Body)
		}
		if !strings.HasPrefix(path, "/api/") {
			ru := f.get(path, "Accept-Language", "ru", "If-None-Match", etag)
			if ru.Code != 200 || ru.Header().Get("ETag") == etag || ru.Header().Get("Content-Language") != "ru" {
				t.Fatalf("%s in Russian with the English ETag: %d %q", path, ru.Code, ru.Header().Get("ETag"))
			}
		}
		v := f.get(path, "Authorization", "Bearer "+f.viewer, "If-None-Match", etag)
		if v.Code != 200 || v.Header().Get("ETag") != "" || !strings.Contains(v.Header().Get("Cache-Control"), "no-store") {
			t.Fatalf("%s as a viewer: %d ETag %q Cache-Control %q", path, v.Code, v.Header().Get("ETag"), v.Header().Get("Cache-Control"))
		}
	}
	for _, path := range []string{"/complaints", "/api/v1/complaints", "/api/v1/files", "/persons?format=csv"} {
		if w := f.get(path); w.Header().Get("ETag") != "" {
			t.Errorf("%s is tagged (%d)", path, w.Code)
		}
	}
}

// A kept answer lasts only while the log does not move: a new person is on
// the list and a person protected since is not, and the old ETag is no more
// answered 304.
func TestPagesFollowTheLog(t *testing.T) {
	f := newPagesFixture(t)
	p := f.person(t, "Synthetic Visible Person", qantar.Public)
	for _, path := range []string{"/persons", "/api/v1/persons"} {
		w := f.get(path)
		if !strings.Contains(w.Body.String(), "Synthetic Visible Person") {
			t.Fatalf("%s: %s", path, w.Body)
		}
	}
	old := map[string]string{"/persons": f.get("/persons").Header().Get("ETag"), "/api/v1/persons": f.get("/api/v1/persons").Header().Get("ETag")}
	f.person(t, "Synthetic Newer Person", qantar.Public)
	p.Protection = qantar.Confidential
	if err := f.db.Update(context.Background(), qantar.System, p); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // anonymous readers see the state key of the last 250 ms
	for path, etag := range old {
		w := f.get(path, "If-None-Match", etag)
		body := w.Body.String()
		if w.Code != 200 || w.Header().Get("ETag") == etag || !strings.Contains(body, "Synthetic Newer Person") ||
			strings.Contains(body, "Synthetic Visible Person") {
			t.Fatalf("%s after a write: %d %q\n%s", path, w.Code, w.Header().Get("ETag"), body)
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
