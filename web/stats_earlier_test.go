package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/sqlite"
	"github.com/qantar-project/qantar/web"
)

// gatedDB is a real store whose records at a checkpoint (and what a stretch
// of its log changed) are read only while its gate is open: the figures of a new checkpoint stay being computed for
// as long as a test holds it shut.
type gatedDB struct {
	*sqlite.DB
	mu   sync.Mutex
	gate chan struct{} // nil: open
}

// wait returns when the gate is open.
func (g *gatedDB) wait() {
	g.mu.Lock()
	gate := g.gate
	g.mu.Unlock()
	if gate != nil {
		<-gate
	}
}

func (g *gatedDB) RecordsAt(ctx context.Context, kind qantar.Kind, size int64) ([]qantar.Record, error) {
	g.wait()
	return g.DB.RecordsAt(ctx, kind, size)
}

func (g *gatedDB) EachRecordAt(ctx context.Context, kind qantar.Kind, size int64, fn func(qantar.Record) error) error {
	g.wait()
	return g.DB.EachRecordAt(ctx, kind, size, fn)
}

// ChangesAt is gated too: the figures of a new checkpoint read what the
// log changed since the records they keep.
func (g *gatedDB) ChangesAt(ctx context.Context, kind qantar.Kind, from, to int64) ([]qantar.Change, error) {
	g.wait()
	return g.DB.ChangesAt(ctx, kind, from, to)
}

func (g *gatedDB) shut() { g.mu.Lock(); g.gate = make(chan struct{}); g.mu.Unlock() }
func (g *gatedDB) open() { g.mu.Lock(); close(g.gate); g.gate = nil; g.mu.Unlock() }

func (g *gatedDB) dead(t *testing.T, protection, name string) {
	t.Helper()
	p := &qantar.Person{Names: []qantar.Name{{Value: name, Lang: "en"}}, Protection: protection}
	if err := g.Create(context.Background(), qantar.System, p); err != nil {
		t.Fatal(err)
	}
	a := &qantar.Act{VictimID: p.ID, ActType: "killing_crowd_control", VictimStatus: "dead", Date: qantar.MustDate("2022-01-06")}
	if err := g.Create(context.Background(), qantar.System, a); err != nil {
		t.Fatal(err)
	}
}

// statsAnswer is what a test reads of /api/v1/stats.
type statsAnswer struct {
	Checkpoint struct{ Size int64 } `json:"as_of_checkpoint"`
	Funnel     struct{ Deaths int } `json:"funnel"`
}

// within serves one GET (headers in pairs), failing when it takes longer
// than d.
func within(t *testing.T, h http.Handler, d time.Duration, target string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	ch := make(chan *httptest.ResponseRecorder, 1)
	go func() {
		r := httptest.NewRequest("GET", target, nil)
		for i := 0; i+1 < len(header); i += 2 {
			r.Header.Set(header[i], header[i+1])
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		ch <- w
	}()
	select {
	case w := <-ch:
		return w
	case <-time.After(d):
		t.Fatalf("%s took longer than %v", target, d)
		return nil
	}
}

func statsOf(t *testing.T, w *httptest.ResponseRecorder) statsAnswer {
	t.Helper()
	var st statsAnswer
	if err := json.Unmarshal(w.Body.Bytes(), &st); w.Code != 200 || err != nil {
		t.Fatalf("/api/v1/stats: %d %v\n%s", w.Code, err, w.Body)
	}
	if strings.Contains(w.Body.String(), "Synthetic Hidden Victim") {
		t.Fatalf("the figures name the restricted victim:\n%s", w.Body)
	}
	return st
}

// After a write, anonymous readers of /api/v1/stats and /stats are answered
// at once the figures of the previous checkpoint, which say which one it
// is, while the new ones are computed; a signed-in reader waits for the new
// ones; once computed, anonymous readers get them too, kept and tagged.
// Nothing protected is named in either.
func TestStatsEarlierWhileComputing(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "s.db"), sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	_, viewer, err := db.CreateToken(ctx, "viewer", qantar.RoleViewer)
	if err != nil {
		t.Fatal(err)
	}
	g := &gatedDB{DB: db}
	g.dead(t, qantar.Public, "Synthetic Public Victim")
	g.dead(t, qantar.Restricted, "Synthetic Hidden Victim")
	h := web.New(web.Config{Store: g, Tokens: db, Log: db, Search: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}).Handler()
	first := statsOf(t, within(t, h, 30*time.Second, "/api/v1/stats"))
	within(t, h, 30*time.Second, "/stats")
	g.dead(t, qantar.Public, "Synthetic Later Victim")
	g.shut()
	for range 3 {
		if st := statsOf(t, within(t, h, 5*time.Second, "/api/v1/stats")); st != first {
			t.Fatalf("while the new figures are computed: %+v, want the previous %+v", st, first)
		}
		page := within(t, h, 5*time.Second, "/stats").Body.String()
		if !strings.Contains(page, fmt.Sprintf("Computed at checkpoint %d of the log", first.Checkpoint.Size)) || strings.Contains(page, "Synthetic Hidden Victim") {
			t.Fatalf("/stats while the new figures are computed does not name checkpoint %d:\n%s", first.Checkpoint.Size, page)
		}
	}
	signed := make(chan *httptest.ResponseRecorder, 1)
	go func() {
		r := httptest.NewRequest("GET", "/api/v1/stats", nil)
		r.Header.Set("Authorization", "Bearer "+viewer)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		signed <- w
	}()
	select {
	case w := <-signed:
		t.Fatalf("a signed-in reader was answered before the new figures were computed: %s", w.Body)
	case <-time.After(100 * time.Millisecond):
	}
	g.open()
	newest := statsOf(t, <-signed)
	if newest.Funnel.Deaths != 3 || newest.Checkpoint.Size <= first.Checkpoint.Size {
		t.Fatalf("the signed-in reader's figures: %+v, after %+v", newest, first)
	}
	w := within(t, h, 5*time.Second, "/api/v1/stats")
	if st := statsOf(t, w); st != newest || w.Header().Get("ETag") == "" {
		t.Fatalf("after the computation: %+v (ETag %q), want %+v", st, w.Header().Get("ETag"), newest)
	}
	if again := within(t, h, 5*time.Second, "/api/v1/stats", "If-None-Match", w.Header().Get("ETag")); again.Code != http.StatusNotModified {
		t.Fatalf("the new figures are not kept: %d", again.Code)
	}
	if page := within(t, h, 5*time.Second, "/stats").Body.String(); !strings.Contains(page, fmt.Sprintf("Computed at checkpoint %d of the log", newest.Checkpoint.Size)) {
		t.Fatalf("/stats after the computation does not name checkpoint %d", newest.Checkpoint.Size)
	}
}
