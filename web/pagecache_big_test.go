package web_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/web"
)

// The figures' JSON is kept even when it is bigger than any other answer
// kept (11 MB at 1,000,000 records, re-encoded for every reader before):
// with the limit lowered under its size, /api/v1/stats is still tagged,
// answered 304 and given gzip-compressed, while a list page over the limit
// is written through, untagged; after a write the kept answer is dropped.
func TestPagesKeepTheFigures(t *testing.T) {
	f := newPagesFixture(t)
	srv := web.New(web.Config{Store: f.db, Tokens: f.db, Log: f.db, Search: f.db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	web.SetPagesMaxAnswer(srv, 1024)
	f.h = srv.Handler()
	f.person(t, "Synthetic Big Person", qantar.Public)
	if w := f.get("/persons"); w.Code != 200 || w.Body.Len() <= 1024 || w.Header().Get("ETag") != "" {
		t.Fatalf("/persons, %d bytes over the limit: %d, ETag %q", w.Body.Len(), w.Code, w.Header().Get("ETag"))
	}
	w := f.get("/api/v1/stats")
	etag := w.Header().Get("ETag")
	if w.Code != 200 || w.Body.Len() <= 1024 || etag == "" {
		t.Fatalf("/api/v1/stats, %d bytes: %d, ETag %q", w.Body.Len(), w.Code, etag)
	}
	if c := f.get("/api/v1/stats", "If-None-Match", etag); c.Code != http.StatusNotModified {
		t.Fatalf("with its ETag: %d", c.Code)
	}
	z := f.get("/api/v1/stats", "Accept-Encoding", "gzip")
	zr, err := gzip.NewReader(bytes.NewReader(z.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := io.ReadAll(zr); err != nil || !bytes.Equal(got, w.Body.Bytes()) || z.Header().Get("ETag") != etag {
		t.Fatalf("gzip: %v, the same bytes %v, ETag %q", err, bytes.Equal(got, w.Body.Bytes()), z.Header().Get("ETag"))
	}
	if err := f.db.Create(context.Background(), qantar.System, &qantar.Act{VictimID: 1, ActType: "killing", VictimStatus: "dead", Date: qantar.MustDate("2022-01-06")}); err != nil {
		t.Fatal(err)
	}
	// Meanwhile the figures of the checkpoint before may be answered
	// (figures.AllowEarlier), and not kept.
	for range 100 {
		time.Sleep(100 * time.Millisecond)
		if after := f.get("/api/v1/stats", "If-None-Match", etag); after.Code == 200 {
			if after.Header().Get("ETag") == etag || bytes.Equal(after.Body.Bytes(), w.Body.Bytes()) {
				t.Fatalf("after a write: the same answer, ETag %q", after.Header().Get("ETag"))
			}
			return
		}
	}
	t.Fatal("after a write, the kept answer is still answered 304")
}
