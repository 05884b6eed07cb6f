package site_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/locale"
	"github.com/qantar-project/qantar/sqlite"
	"github.com/qantar-project/qantar/web/htmltest"
	"github.com/qantar-project/qantar/web/mock"
	"github.com/qantar-project/qantar/web/site"
)

// When the store fails, a page says so in the reader's language: 503 with
// Retry-After and the storage message from the catalogue for a full disk or
// a database that is away, 500 for anything else, never the machine's own
// words. The pages alone (site.New) over a mock.Store that fails one call
// on demand; assertions by selector on the error page's heading and alert.
func TestPagesWhenStoreFails(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "site.db"), sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Create(ctx, qantar.System, &qantar.Person{Names: []qantar.Name{{Value: "Synthetic Stored Person"}}, Protection: qantar.Public}); err != nil {
		t.Fatal(err)
	}
	cat := locale.Default()
	tests := []struct {
		name, lang, path string
		fail             func(m *mock.Store)
		status           int
		after            string
		title, message   string // catalogue keys; "" message: not checked
	}{
		{"ErrAwayRu", "ru", "/persons/1", func(m *mock.Store) {
			m.GetFn = func(context.Context, qantar.Kind, int64) (qantar.Record, error) {
				return nil, fmt.Errorf("dial 127.0.0.1:5432: %w", syscall.ECONNREFUSED)
			}
		}, 503, "10", "Service Unavailable", qantar.MsgUnavailable},
		{"ErrDiskFullKk", "kk", "/persons/1", func(m *mock.Store) {
			m.GetFn = func(context.Context, qantar.Kind, int64) (qantar.Record, error) {
				return nil, fmt.Errorf("write page 7: %w", syscall.ENOSPC)
			}
		}, 503, "300", "Service Unavailable", qantar.MsgStorageFull},
		{"ErrBugKk", "kk", "/persons/1", func(m *mock.Store) {
			m.GetFn = func(context.Context, qantar.Kind, int64) (qantar.Record, error) {
				return nil, errors.New("synthetic bug in page 7")
			}
		}, 500, "", "Internal Server Error", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := &mock.Store{Real: db}
			tc.fail(m)
			var logs bytes.Buffer
			mux := http.NewServeMux()
			site.New(site.Config{Store: m, Log: db, Logger: slog.New(slog.NewTextHandler(&logs, nil))}).Routes(mux)
			w := httptest.NewRecorder()
			mux.ServeHTTP(w, httptest.NewRequest("GET", tc.path+"?lang="+tc.lang, nil))
			if w.Code != tc.status || w.Header().Get("Retry-After") != tc.after {
				t.Fatalf("%d Retry-After %q, want %d %q", w.Code, w.Header().Get("Retry-After"), tc.status, tc.after)
			}
			doc := htmltest.Parse(t, w.Body.String())
			p := cat.Printer(tc.lang)
			if got, want := htmltest.Text(htmltest.One(t, doc, "main h1")), p.S(tc.title); got != want || got == tc.title {
				t.Errorf("heading %q, want %q in %s", got, want, tc.lang)
			}
			alert := htmltest.Text(htmltest.One(t, doc, "main p.error[role=alert]"))
			if tc.message != "" && (alert != p.S(tc.message) || alert == tc.message) {
				t.Errorf("alert %q, want %q in %s", alert, p.S(tc.message), tc.lang)
			}
			if strings.Contains(w.Body.String(), "page 7") || strings.Contains(w.Body.String(), "5432") {
				t.Errorf("the page shows the machine's error")
			}
			if htmltest.Attr(htmltest.One(t, doc, "html"), "lang") != tc.lang {
				t.Errorf("page not marked %s", tc.lang)
			}
			if !strings.Contains(logs.String(), "level=ERROR") {
				t.Errorf("not logged:\n%s", logs.String())
			}
		})
	}
}
