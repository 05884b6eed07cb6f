package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/seed"
	"github.com/qantar-project/qantar/sqlite"
	"github.com/qantar-project/qantar/web"
)

// BenchmarkAPIGetRecord: GET /api/v1/persons/{id} over loopback HTTP with
// keep-alive, from several client goroutines, against 10,000 synthetic persons.
func BenchmarkAPIGetRecord(b *testing.B) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "b.db"), sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	const n = 10000
	ed := qantar.Actor{ID: "token:1", Role: qantar.RoleEditor}
	err = db.InTx(ctx, func(w qantar.Writer) error {
		for i := 0; i < n; i++ {
			p := &qantar.Person{Names: []qantar.Name{{Value: fmt.Sprintf("Синтетический Человек %d", i), Lang: "ru"}}}
			if err := w.Create(ctx, ed, p); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(web.New(web.Config{Store: db, Tokens: db, Log: db, Search: db}).Handler())
	defer srv.Close()
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	client := &http.Client{Transport: tr}
	b.SetParallelism(4)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			resp, err := client.Get(fmt.Sprintf("%s/api/v1/persons/%d", srv.URL, i%n+1))
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				b.Fatalf("status %d", resp.StatusCode)
			}
			i += 7
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "requests/s")
}

// plainStore hides the store's GetPrepared: the API answers a record as it
// did before prepared answers (Get, Project, encode).
type plainStore struct{ qantar.Store }

// BenchmarkReads measures, in one run and with one client setup (loopback
// HTTP, keep-alive, 4 goroutines per core), a Go server that does no work
// (it writes the bytes of a record's answer) and then Qantar's answers: GET
// of one public record from prepared bytes, the same with If-None-Match
// (304), the same through the path before prepared answers, the home page,
// /stats and a list page (anonymous, from the page cache), each reported
// with its ratio to the no-work server (x-nowork):
//
//	go test ./web -run '^$' -bench Reads -benchtime 20000x
func BenchmarkReads(b *testing.B) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "b.db"), sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	f, err := seed.Bundled()
	if err != nil {
		b.Fatal(err)
	}
	if _, err := seed.Load(ctx, db, f); err != nil {
		b.Fatal(err)
	}
	const n = 10000
	var first int64
	err = db.InTx(ctx, func(w qantar.Writer) error {
		for i := 0; i < n; i++ {
			p := &qantar.Person{Names: []qantar.Name{{Value: fmt.Sprintf("Синтетический Человек %d", i), Lang: "ru"},
				{Value: fmt.Sprintf("Synthetic Person %d", i), Lang: "en"}}, Sex: "male", Protection: qantar.Public}
			if err := w.Create(ctx, qantar.System, p); err != nil {
				return err
			}
			if first == 0 {
				first = p.ID
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := httptest.NewServer(web.New(web.Config{Store: db, Tokens: db, Log: db, Search: db, Logger: logger}).Handler())
	defer srv.Close()
	before := httptest.NewServer(web.New(web.Config{Store: plainStore{db}, Tokens: db, Log: db, Search: db, Logger: logger}).Handler())
	defer before.Close()
	rec := benchGet(b, http.DefaultClient, srv.URL+fmt.Sprintf("/api/v1/persons/%d", first), "")
	nowork := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Write(rec.body)
	}))
	defer nowork.Close()
	record := func(base string) func(i int) string {
		return func(i int) string { return fmt.Sprintf("%s/api/v1/persons/%d", base, first+int64(i%n)) }
	}
	fixed := func(u string) func(int) string { return func(int) string { return u } }
	rates := map[string]float64{}
	for _, c := range []struct {
		name  string
		url   func(int) string
		etags bool
	}{
		{"nowork", fixed(nowork.URL + "/"), false},
		{"record", record(srv.URL), false},
		{"record-304", record(srv.URL), true},
		{"record-before", record(before.URL), false},
		{"home", fixed(srv.URL + "/"), false},
		{"home-304", fixed(srv.URL + "/"), true},
		{"stats", fixed(srv.URL + "/stats"), false},
		{"list", fixed(srv.URL + "/persons"), false},
	} {
		b.Run(c.name, func(b *testing.B) {
			rate := benchParallel(b, c.url, c.etags)
			rates[c.name] = rate
			b.ReportMetric(rate, "requests/s")
			if c.name != "nowork" && rates["nowork"] > 0 {
				b.ReportMetric(rate/rates["nowork"], "x-nowork")
			}
		})
	}
}

// benchAnswer is one answer's status, ETag and body.
type benchAnswer struct {
	status int
	etag   string
	body   []byte
}

func benchGet(b *testing.B, c *http.Client, url, inm string) benchAnswer {
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		b.Fatal(err)
	}
	if inm != "" {
		req.Header.Set("If-None-Match", inm)
	}
	resp, err := c.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return benchAnswer{resp.StatusCode, resp.Header.Get("ETag"), body}
}

// benchParallel GETs url(i) from 4 goroutines per core and returns
// requests per second; with etags, each URL's ETag is fetched first and
// sent back, and every answer must be a 304.
func benchParallel(b *testing.B, url func(int) string, etags bool) float64 {
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	tags := map[string]string{}
	if etags {
		for i := 0; i < 10000; i++ {
			u := url(i)
			if _, ok := tags[u]; ok {
				break
			}
			if tags[u] = benchGet(b, client, u, "").etag; tags[u] == "" {
				b.Fatalf("%s has no ETag", u)
			}
		}
	}
	want := http.StatusOK
	if etags {
		want = http.StatusNotModified
	}
	b.SetParallelism(4)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			u := url(i)
			if a := benchGet(b, client, u, tags[u]); a.status != want {
				b.Errorf("%s: status %d", u, a.status)
				return
			}
			i += 7
		}
	})
	return float64(b.N) / b.Elapsed().Seconds()
}
