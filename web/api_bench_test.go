package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

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

// BenchmarkReads measures, with one client setup (loopback HTTP,
// keep-alive, 8 client goroutines), a Go server that does no work (it writes
// the bytes of a record's answer) and Qantar's answers: GET of one public
// record from prepared bytes, the same with If-None-Match (304), the same
// through the path before prepared answers, the home page (and its 304),
// /stats (plain, and gzip-compressed to a client that asks for it and
// decompresses) and a list page (anonymous, from the page cache). On a loaded
// machine a rate measured a minute apart from its reference says little, so
// each case runs in rounds of 500 requests, each round of the case right
// after a round of the no-work server, and reports the median of the
// rounds' ratios (x-nowork) beside its own rate, and the same against a
// no-work server writing as many bytes as the case's answer
// (x-nowork-same-bytes: what is left when the bytes are set aside):
//
//	go test ./web -run '^$' -bench Reads -benchtime 10000x
func BenchmarkReads(b *testing.B) {
	srv, before, first, body := readsServers(b)
	nowork := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Write(body)
	}))
	defer nowork.Close()
	// The same, writing as many bytes as the case's answer.
	var same atomic.Value
	sized := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(same.Load().([]byte))
	}))
	defer sized.Close()
	const n = 10000
	record := func(base string) func(i int) string {
		return func(i int) string { return fmt.Sprintf("%s/api/v1/persons/%d", base, first+int64(i%n)) }
	}
	fixed := func(u string) func(int) string { return func(int) string { return u } }
	for _, c := range []struct {
		name  string
		url   func(int) string
		etags bool
		gzip  bool // the client asks for gzip and decompresses (a browser does)
	}{
		{"record", record(srv.URL), false, false},
		{"record-304", record(srv.URL), true, false},
		{"record-before", record(before.URL), false, false},
		{"home", fixed(srv.URL + "/"), false, false},
		{"home-304", fixed(srv.URL + "/"), true, false},
		{"stats", fixed(srv.URL + "/stats"), false, false},
		{"stats-gzip", fixed(srv.URL + "/stats"), false, true},
		{"list", fixed(srv.URL + "/persons"), false, false},
	} {
		b.Run(c.name, func(b *testing.B) {
			tr := &http.Transport{MaxIdleConnsPerHost: 64, DisableCompression: !c.gzip}
			defer tr.CloseIdleConnections()
			client := &http.Client{Transport: tr}
			tags := benchTags(b, client, c.url, c.etags)
			a := benchGet(b, client, c.url(0), tags[c.url(0)])
			same.Store(a.body)
			var ratios, sameRatios []float64
			var spent time.Duration
			b.ResetTimer()
			for done := 0; done < b.N; done += 500 {
				k := min(500, b.N-done)
				ref := benchRound(b, client, fixed(nowork.URL+"/"), nil, k, done)
				got := benchRound(b, client, c.url, tags, k, done)
				sizedRef := benchRound(b, client, fixed(sized.URL+"/"), nil, k, done)
				spent += got
				ratios = append(ratios, ref.Seconds()/got.Seconds())
				sameRatios = append(sameRatios, sizedRef.Seconds()/got.Seconds())
			}
			b.StopTimer()
			sort.Float64s(ratios)
			sort.Float64s(sameRatios)
			b.ReportMetric(float64(b.N)/spent.Seconds(), "requests/s")
			b.ReportMetric(ratios[len(ratios)/2], "x-nowork")
			b.ReportMetric(sameRatios[len(sameRatios)/2], "x-nowork-same-bytes")
			b.ReportMetric(float64(len(a.body)), "bytes")
		})
	}
}

// BenchmarkReadsCPU is the server's own cost of each case of BenchmarkReads
// (the handler called in the process, no HTTP, no client): the process's
// CPU time per request (cpu-µs/op, from getrusage), which the machine's
// load changes much less than a rate:
//
//	go test ./web -run '^$' -bench ReadsCPU -benchtime 20000x
func BenchmarkReadsCPU(b *testing.B) {
	srv, before, first, _ := readsServers(b)
	h, old := srv.Config.Handler, before.Config.Handler
	for _, c := range []struct {
		name string
		h    http.Handler
		path func(i int) string
	}{
		{"record", h, func(i int) string { return fmt.Sprintf("/api/v1/persons/%d", first+int64(i%10000)) }},
		{"record-before", old, func(i int) string { return fmt.Sprintf("/api/v1/persons/%d", first+int64(i%10000)) }},
		{"home", h, func(int) string { return "/" }},
		{"stats", h, func(int) string { return "/stats" }},
		{"list", h, func(int) string { return "/persons" }},
	} {
		b.Run(c.name, func(b *testing.B) {
			c.h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", c.path(0), nil))
			b.ResetTimer()
			t0 := cpuTime()
			for i := range b.N {
				w := httptest.NewRecorder()
				c.h.ServeHTTP(w, httptest.NewRequest("GET", c.path(i*7), nil))
				if w.Code != 200 {
					b.Fatalf("%s: %d", c.path(i*7), w.Code)
				}
			}
			b.ReportMetric(float64((cpuTime()-t0).Microseconds())/float64(b.N), "cpu-µs/op")
		})
	}
}

// cpuTime is the process's user and system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// readsServers builds the database (the bundled dataset and 10,000 public
// persons) and returns the server, one answering as before prepared
// answers, the first person's id and the bytes of its answer.
func readsServers(b *testing.B) (srv, before *httptest.Server, first int64, body []byte) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "b.db"), sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	f, err := seed.Bundled()
	if err != nil {
		b.Fatal(err)
	}
	if _, err := seed.Load(ctx, db, f); err != nil {
		b.Fatal(err)
	}
	err = db.InTx(ctx, func(w qantar.Writer) error {
		for i := 0; i < 10000; i++ {
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
	srv = httptest.NewServer(web.New(web.Config{Store: db, Tokens: db, Log: db, Search: db, Logger: logger}).Handler())
	b.Cleanup(srv.Close)
	before = httptest.NewServer(web.New(web.Config{Store: plainStore{db}, Tokens: db, Log: db, Search: db, Logger: logger}).Handler())
	b.Cleanup(before.Close)
	a := benchGet(b, http.DefaultClient, srv.URL+fmt.Sprintf("/api/v1/persons/%d", first), "")
	if a.status != 200 || a.etag == "" {
		b.Fatalf("first person: %d %q", a.status, a.etag)
	}
	return srv, before, first, a.body
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

// benchTags returns each URL's ETag, when the case sends them back (nil
// otherwise).
func benchTags(b *testing.B, client *http.Client, url func(int) string, etags bool) map[string]string {
	if !etags {
		return nil
	}
	tags := map[string]string{}
	for i := 0; i < 10000; i++ {
		u := url(i)
		if _, ok := tags[u]; ok {
			break
		}
		if tags[u] = benchGet(b, client, u, "").etag; tags[u] == "" {
			b.Fatalf("%s has no ETag", u)
		}
	}
	return tags
}

// benchRound GETs url(from+i) for i < k from 8 goroutines and returns the
// time it took; with tags, each request sends its URL's ETag back and must
// be answered 304, else 200.
func benchRound(b *testing.B, client *http.Client, url func(int) string, tags map[string]string, k, from int) time.Duration {
	want := http.StatusOK
	if tags != nil {
		want = http.StatusNotModified
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	t0 := time.Now()
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1)) - 1; i < k; i = int(next.Add(1)) - 1 {
				u := url((from + i) * 7)
				if a := benchGet(b, client, u, tags[u]); a.status != want {
					b.Errorf("%s: status %d", u, a.status)
					return
				}
			}
		}()
	}
	wg.Wait()
	return time.Since(t0)
}
