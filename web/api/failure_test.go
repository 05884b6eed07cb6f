package api_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/sqlite"
	"github.com/qantar-project/qantar/web/httpx"
	"github.com/qantar-project/qantar/web/mock"
)

// When the store fails, the API says which way: a full disk and a database
// that is away are 503 with the storage code, its message and Retry-After
// (300 s for a person to act, 10 s for a restart), logged for the operator;
// anything else is a 500 that shows nothing of the machine and is logged as
// an internal error. A failed write changes nothing. The failures come from
// a mock.Store over the real database that fails one call on demand, with
// the errors a driver returns (ENOSPC, ECONNREFUSED) rather than codes.
func TestStoreFailures(t *testing.T) {
	diskFull := fmt.Errorf("write page 7: %w", syscall.ENOSPC)
	away := fmt.Errorf("dial tcp 127.0.0.1:5432: %w", syscall.ECONNREFUSED)
	bug := errors.New("synthetic bug: index 3 out of range")
	tests := []struct {
		name         string
		fail         func(m *mock.Store)
		method, path string
		body         string
		status       int
		code, after  string
		message      string
		logged       string
	}{
		{"ErrDiskFullOnRead", func(m *mock.Store) {
			m.GetFn = func(context.Context, qantar.Kind, int64) (qantar.Record, error) { return nil, diskFull }
		}, "GET", "/api/v1/persons/1", "", 503, qantar.ESTORAGEFULL, "300", qantar.MsgStorageFull, "storage failure"},
		{"ErrAwayOnCreate", func(m *mock.Store) {
			m.CreateFn = func(context.Context, qantar.Actor, qantar.Record) error { return away }
		}, "POST", "/api/v1/persons", `{"names":[{"value":"Synthetic Unsaved"}]}`, 503, qantar.EUNAVAILABLE, "10", qantar.MsgUnavailable, "storage failure"},
		{"ErrBugOnList", func(m *mock.Store) {
			m.ListFn = func(context.Context, qantar.Kind, qantar.Filter) ([]qantar.Record, int, error) { return nil, 0, bug }
		}, "GET", "/api/v1/persons", "", 500, qantar.EINTERNAL, "", "internal error", "internal error"},
		{"ErrBugOnHistory", func(m *mock.Store) {
			m.HistoryFn = func(context.Context, qantar.Kind, int64) ([]qantar.Version, error) { return nil, bug }
		}, "GET", "/api/v1/persons/1/history", "", 500, qantar.EINTERNAL, "", "internal error", "internal error"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fx := newFixture(t, func(db *sqlite.DB) qantar.Store {
				m := &mock.Store{Real: db}
				tc.fail(m)
				return m
			})
			if err := fx.db.Create(context.Background(), qantar.System, &qantar.Person{Names: []qantar.Name{{Value: "Synthetic Stored"}}, Protection: qantar.Public}); err != nil {
				t.Fatal(err)
			}
			w := fx.do(t, editor, tc.method, tc.path, tc.body)
			e := errorOf(t, w)
			if w.Code != tc.status || e.Error.Code != tc.code || e.Error.Message != tc.message || w.Header().Get("Retry-After") != tc.after {
				t.Fatalf("%d %q Retry-After %q; want %d %s %q Retry-After %q", w.Code, w.Body, w.Header().Get("Retry-After"), tc.status, tc.code, tc.message, tc.after)
			}
			for _, leak := range []string{"synthetic bug", "5432", "page 7"} {
				if strings.Contains(w.Body.String(), leak) {
					t.Errorf("the answer shows the machine's error: %q", w.Body)
				}
			}
			if n := strings.Count(fx.logs.String(), "level=ERROR msg=\""+tc.logged+"\""); n != 1 {
				t.Errorf("%d error lines %q, want 1:\n%s", n, tc.logged, fx.logs)
			}
			if n := count(t, fx.db, qantar.KindPerson); n != 1 {
				t.Errorf("%d persons, want the one stored before", n)
			}
		})
	}
}

// A client that leaves while the store works is no error: nothing is
// answered, the status noted is 499, and nothing is logged as an error.
func TestClientLeftWhileStoreWorks(t *testing.T) {
	started := make(chan struct{})
	fx := newFixture(t, func(db *sqlite.DB) qantar.Store {
		return &mock.Store{Real: db, ListFn: func(ctx context.Context, _ qantar.Kind, _ qantar.Filter) ([]qantar.Record, int, error) {
			close(started)
			<-ctx.Done()
			return nil, 0, fmt.Errorf("list: %w", ctx.Err())
		}}
	})
	ctx, cancel := context.WithCancel(context.Background())
	r := httptest.NewRequest("GET", "/api/v1/persons", nil).WithContext(httpx.WithActor(ctx, viewer))
	w := httptest.NewRecorder()
	go func() { <-started; cancel() }()
	fx.api.ServeHTTP(w, r)
	if w.Code != httpx.StatusClientClosed || w.Body.Len() != 0 || strings.Contains(fx.logs.String(), "level=ERROR") {
		t.Fatalf("%d %q\n%s", w.Code, w.Body, fx.logs)
	}
	if w.Code == http.StatusOK {
		t.Fatal("answered a client that left")
	}
}
