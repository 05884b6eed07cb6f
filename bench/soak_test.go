package bench_test

// soak_test.go is the soak benchmark of issue 21: a real `qantar serve`
// process on a new SQLite database (the bundled dataset, synchronous FULL)
// answers mixed reads and writes sent at a fixed rate, and every interval
// the benchmark writes the latency percentiles of the requests sent in it,
// the server's resident memory, the database's size, a few of the server's
// own metrics and the host's load. It runs only when asked:
//
//	QANTAR_SOAK=10m go test ./bench -run TestSoak -v -timeout 30m
//
// QANTAR_SOAK_RATE (requests a second, default 50) and QANTAR_SOAK_EVERY
// (the interval, default 1m) change the load and the lines; QANTAR_SOAK_OUT
// names a file the table is also written to.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// soakServer is the server process under load.
type soakServer struct {
	base  string
	token string
	db    string
	cmd   *exec.Cmd
}

// startSoakServer builds the qantar binary, makes an editor token on a new
// database and starts `qantar serve` on it (the bundled dataset loaded),
// waiting until /healthz answers. The server's log goes to a file.
func startSoakServer(t *testing.T) *soakServer {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "qantar")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/qantar-project/qantar/cmd/qantar").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	s := &soakServer{db: filepath.Join(dir, "soak.db")}
	out, err := exec.Command(bin, "token", "create", "--db", s.db, "--role", "editor", "--name", "soak").Output()
	if err != nil {
		t.Fatalf("token: %v", err)
	}
	s.token = strings.Fields(string(out))[0]
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	logf, err := os.Create(filepath.Join(dir, "serve.log"))
	if err != nil {
		t.Fatal(err)
	}
	s.cmd = exec.Command(bin, "serve", "--db", s.db, "--addr", addr)
	s.cmd.Stdout, s.cmd.Stderr = logf, logf
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s.cmd.Process.Signal(os.Interrupt)
		s.cmd.Wait()
		logf.Close()
	})
	s.base = "http://" + addr
	for range 300 {
		if r, err := http.Get(s.base + "/healthz"); err == nil {
			r.Body.Close()
			if r.StatusCode == 200 {
				return s
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("the server did not answer /healthz in 30 s")
	return nil
}

// soakOp is one kind of request of the mix.
type soakOp struct {
	name  string
	write bool
	do    func(c *soakClient, rng *rand.Rand) (int, error)
}

// soakClient sends the requests and keeps what the writes made.
type soakClient struct {
	s        *soakServer
	http     *http.Client
	mu       sync.Mutex
	ids      []int64 // persons made through the API
	versions []atomic.Int64
	updates  atomic.Int64
}

func (c *soakClient) send(method, path string, body any, out any) (int, error) {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.s.base+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+c.s.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if out != nil && resp.StatusCode < 300 {
		return resp.StatusCode, json.NewDecoder(resp.Body).Decode(out)
	}
	_, err = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, err
}

// syllables make synthetic names, so that searches match some and not all.
var syllables = []string{"ka", "za", "nur", "bek", "ai", "gul", "tal", "er", "san", "zhan", "mar", "dos", "ul", "tim", "ar"}

func synthName(rng *rand.Rand) string {
	w := func() string {
		var b strings.Builder
		for range 2 + rng.IntN(2) {
			b.WriteString(syllables[rng.IntN(len(syllables))])
		}
		s := b.String()
		return strings.ToUpper(s[:1]) + s[1:]
	}
	return "Synthetic " + w() + " " + w()
}

// createPerson is a write: a new public person with a synthetic name.
func (c *soakClient) createPerson(rng *rand.Rand) (int, error) {
	var got struct {
		ID int64 `json:"id"`
	}
	code, err := c.send("POST", "/api/v1/persons", map[string]any{
		"names": []map[string]string{{"value": synthName(rng)}}, "protection": "public",
		"description": map[string]string{"en": "Synthetic person of the soak benchmark."}}, &got)
	if err == nil && code == 201 {
		c.mu.Lock()
		c.ids = append(c.ids, got.ID)
		c.mu.Unlock()
	}
	return code, err
}

// updatePerson is a write: a new version of one of the first persons made,
// taken in turn so that no two updates of one person overlap.
func (c *soakClient) updatePerson(rng *rand.Rand) (int, error) {
	n := c.updates.Add(1) - 1
	i := int(n % int64(len(c.versions)))
	c.mu.Lock()
	id := c.ids[i]
	c.mu.Unlock()
	v := &c.versions[i]
	var got struct {
		Version int64 `json:"version"`
	}
	code, err := c.send("PUT", fmt.Sprintf("/api/v1/persons/%d", id), map[string]any{
		"version": v.Load(), "names": []map[string]string{{"value": synthName(rng)}}, "protection": "public",
		"description": map[string]string{"en": fmt.Sprintf("Synthetic person of the soak benchmark, update %d.", n)}}, &got)
	if err == nil && code == 200 {
		v.Store(got.Version)
	}
	return code, err
}

// randomID is one of the persons made so far.
func (c *soakClient) randomID(rng *rand.Rand) int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ids[rng.IntN(len(c.ids))]
}

// soakMix is the requests sent, one of each in turn: 8 reads and 2 writes
// in 10.
func soakMix() []soakOp {
	get := func(path func(c *soakClient, rng *rand.Rand) string) func(c *soakClient, rng *rand.Rand) (int, error) {
		return func(c *soakClient, rng *rand.Rand) (int, error) { return c.send("GET", path(c, rng), nil, nil) }
	}
	return []soakOp{
		{"person (API)", false, get(func(c *soakClient, rng *rand.Rand) string { return fmt.Sprintf("/api/v1/persons/%d", c.randomID(rng)) })},
		{"create", true, (*soakClient).createPerson},
		{"search (API)", false, get(func(c *soakClient, rng *rand.Rand) string {
			return "/api/v1/search?q=" + syllables[rng.IntN(len(syllables))] + syllables[rng.IntN(len(syllables))]
		})},
		{"person page", false, get(func(c *soakClient, rng *rand.Rand) string { return fmt.Sprintf("/persons/%d", c.randomID(rng)) })},
		{"list (API)", false, get(func(c *soakClient, rng *rand.Rand) string { return "/api/v1/persons?limit=50" })},
		{"person (API)", false, get(func(c *soakClient, rng *rand.Rand) string { return fmt.Sprintf("/api/v1/persons/%d", c.randomID(rng)) })},
		{"update", true, (*soakClient).updatePerson},
		{"events (API)", false, get(func(c *soakClient, rng *rand.Rand) string { return "/api/v1/events" })},
		{"search page", false, get(func(c *soakClient, rng *rand.Rand) string {
			return "/search?q=" + syllables[rng.IntN(len(syllables))] + syllables[rng.IntN(len(syllables))]
		})},
		{"home page", false, get(func(c *soakClient, rng *rand.Rand) string { return "/" })},
	}
}

// soakResult is one request's outcome, filed under the interval it was
// due in.
type soakResult struct {
	interval int
	op       string
	write    bool
	latency  time.Duration // from when it was due, so a late send counts
	failed   bool
}

// soakSample is what is read of the server and the host at the end of an
// interval.
type soakSample struct {
	rssKiB, dbKiB     int64
	load              string
	heapMiB           float64
	goroutines, leafs int64
}

func TestSoak(t *testing.T) {
	dur, err := time.ParseDuration(os.Getenv("QANTAR_SOAK"))
	if os.Getenv("QANTAR_SOAK") == "" {
		t.Skip("the soak benchmark runs only when asked: QANTAR_SOAK=10m go test ./bench -run TestSoak -v -timeout 30m")
	}
	if err != nil || dur <= 0 {
		t.Fatalf("QANTAR_SOAK=%q: want a duration such as 10m", os.Getenv("QANTAR_SOAK"))
	}
	every, rate := envDuration(t, "QANTAR_SOAK_EVERY", time.Minute), envInt(t, "QANTAR_SOAK_RATE", 50)
	s := startSoakServer(t)
	c := &soakClient{s: s, http: &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 256}}}
	rng := rand.New(rand.NewPCG(1, 2))
	// Persons to read and update before the clock starts (not measured).
	for range 200 {
		if code, err := c.createPerson(rng); err != nil || code != 201 {
			t.Fatalf("warm-up create: %d %v", code, err)
		}
	}
	c.versions = make([]atomic.Int64, 200)
	for i := range c.versions {
		c.versions[i].Store(1)
	}
	intervals := int((dur + every - 1) / every)
	samples := make([]soakSample, intervals)
	start := time.Now()
	ctx, cancel := context.WithCancel(context.Background())
	var sampled sync.WaitGroup
	sampled.Add(1)
	go func() {
		defer sampled.Done()
		for i := range intervals {
			select {
			case <-time.After(time.Until(start.Add(time.Duration(i+1) * every))):
			case <-ctx.Done():
				return
			}
			samples[i] = sampleSoak(c, s.cmd.Process.Pid)
		}
	}()
	results := runSoakLoad(c, start, dur, every, rate)
	sampled.Wait()
	cancel()
	table := soakTable(results, samples, intervals, every, rate)
	t.Log("\n" + table)
	if out := os.Getenv("QANTAR_SOAK_OUT"); out != "" {
		if err := os.WriteFile(out, []byte(table), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range results {
		if r.failed {
			t.Errorf("some requests failed under the soak (see the errors column)")
			break
		}
	}
}

// runSoakLoad sends rate requests a second from start for dur, the mix's
// requests in turn, each on its own goroutine at its due time (an open
// loop: a slow answer does not delay the next request), at most 512 at a
// time, and returns every outcome.
func runSoakLoad(c *soakClient, start time.Time, dur, every time.Duration, rate int) []soakResult {
	mix := soakMix()
	var mu sync.Mutex
	var results []soakResult
	var wg sync.WaitGroup
	sem := make(chan struct{}, 512)
	step := time.Second / time.Duration(rate)
	for i := 0; ; i++ {
		due := start.Add(time.Duration(i) * step)
		if due.Sub(start) >= dur {
			break
		}
		time.Sleep(time.Until(due))
		op := mix[i%len(mix)]
		rng := rand.New(rand.NewPCG(uint64(i), 7))
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			code, err := op.do(c, rng)
			<-sem
			r := soakResult{interval: int(due.Sub(start) / every), op: op.name, write: op.write, latency: time.Since(due),
				failed: err != nil || code >= 400}
			mu.Lock()
			results = append(results, r)
			mu.Unlock()
		}()
	}
	wg.Wait()
	return results
}

// sampleSoak reads the server's resident memory (/proc/PID/status), the
// database's files, the host's load (/proc/loadavg) and the server's own
// metrics (heap, goroutines, log size; /metrics answers loopback).
func sampleSoak(c *soakClient, pid int) soakSample {
	var s soakSample
	if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid)); err == nil {
		for line := range strings.Lines(string(b)) {
			if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
				s.rssKiB, _ = strconv.ParseInt(f[1], 10, 64)
			}
		}
	}
	for _, suffix := range []string{"", "-wal"} {
		if fi, err := os.Stat(c.s.db + suffix); err == nil {
			s.dbKiB += fi.Size() / 1024
		}
	}
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		s.load = strings.Join(strings.Fields(string(b))[:3], " ")
	}
	resp, err := c.http.Get(c.s.base + "/metrics")
	if err != nil {
		return s
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 2 {
			continue
		}
		v, _ := strconv.ParseFloat(f[1], 64)
		switch f[0] {
		case "qantar_heap_bytes":
			s.heapMiB = v / (1 << 20)
		case "qantar_goroutines":
			s.goroutines = int64(v)
		case "qantar_log_size":
			s.leafs = int64(v)
		}
	}
	return s
}

// soakTable is the figures as a Markdown table, one line an interval.
func soakTable(results []soakResult, samples []soakSample, intervals int, every time.Duration, rate int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d requests a second (8 reads, 2 writes in 10) for %v; latency from each request's due time\n\n", rate, time.Duration(intervals)*every)
	b.WriteString("| until | requests | errors | p50 ms | p99 ms | reads p99 | writes p50 | writes p99 | RSS MiB | heap MiB | goroutines | log leaves | DB+WAL MiB | host load (1/5/15 min) |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	for i := range intervals {
		var all, reads, writes []time.Duration
		errs := 0
		for _, r := range results {
			if r.interval != i {
				continue
			}
			all = append(all, r.latency)
			if r.write {
				writes = append(writes, r.latency)
			} else {
				reads = append(reads, r.latency)
			}
			if r.failed {
				errs++
			}
		}
		sm := samples[i]
		fmt.Fprintf(&b, "| %v | %d | %d | %s | %s | %s | %s | %s | %.0f | %.0f | %d | %d | %.1f | %s |\n",
			time.Duration(i+1)*every, len(all), errs, pct(all, 50), pct(all, 99), pct(reads, 99), pct(writes, 50), pct(writes, 99),
			float64(sm.rssKiB)/1024, sm.heapMiB, sm.goroutines, sm.leafs, float64(sm.dbKiB)/1024, sm.load)
	}
	b.WriteString(soakOpTable(results, intervals))
	return b.String()
}

// soakOpTable is each kind of request's p50 and p99 in the first and the
// last interval, and its errors over the run: which requests grew.
func soakOpTable(results []soakResult, intervals int) string {
	var b strings.Builder
	b.WriteString("\n| request | first p50 ms | first p99 ms | last p50 ms | last p99 ms | errors |\n|---|---|---|---|---|---|\n")
	seen := map[string]bool{}
	for _, op := range soakMix() {
		if seen[op.name] {
			continue
		}
		seen[op.name] = true
		var first, last []time.Duration
		errs := 0
		for _, r := range results {
			switch {
			case r.op != op.name:
				continue
			case r.interval == 0:
				first = append(first, r.latency)
			case r.interval == intervals-1:
				last = append(last, r.latency)
			}
			if r.failed {
				errs++
			}
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %d |\n", op.name, pct(first, 50), pct(first, 99), pct(last, 50), pct(last, 99), errs)
	}
	return b.String()
}

// pct is the p-th percentile of ds in milliseconds (nearest rank).
func pct(ds []time.Duration, p int) string {
	if len(ds) == 0 {
		return "–"
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := (len(s)*p + 99) / 100
	return fmt.Sprintf("%.1f", float64(s[max(i-1, 0)])/float64(time.Millisecond))
}

func envDuration(t *testing.T, name string, def time.Duration) time.Duration {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		t.Fatalf("%s=%q: want a duration", name, v)
	}
	return d
}

func envInt(t *testing.T, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		t.Fatalf("%s=%q: want a positive number", name, v)
	}
	return n
}
