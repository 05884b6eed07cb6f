package web

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/tlog"
	"github.com/qantar-project/qantar/web/httpx"
)

// DefaultMetricsFrom is who may read /metrics without a token: loopback.
var DefaultMetricsFrom = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}

// ParseMetricsFrom reads `qantar serve --metrics-from`: addresses or CIDR
// prefixes separated by commas ("127.0.0.1,10.0.0.0/8"); "none" or an empty
// string admits no address (an admin token still does).
func ParseMetricsFrom(s string) ([]netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "none" {
		return []netip.Prefix{}, nil
	}
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if strings.Contains(f, "/") {
			p, err := netip.ParsePrefix(f)
			if err != nil {
				return nil, fmt.Errorf("%q is not an address or CIDR prefix", f)
			}
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("%q is not an address or CIDR prefix", f)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

// PoolStater is a store that can say how its connection pool is used
// (postgres.DB and sqlite.DB are).
type PoolStater interface {
	PoolStat() (inUse, idle, max int32)
}

// GroupCommitStater is a store that commits single writes in groups and
// counts their sizes (sqlite.DB is): bucket bounds, cumulative counts,
// writes held and commits.
type GroupCommitStater interface {
	GroupCommitStat() (bounds []int, cumulative []uint64, writes, commits uint64)
}

// latencyBuckets are the upper bounds, in seconds, of the request latency
// histogram.
var latencyBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// requestKey is one series of qantar_http_requests_total.
type requestKey struct {
	route, method, code string
}

// histogram is one route's latency histogram.
type histogram struct {
	counts []uint64 // per bucket, not cumulative; the last is +Inf
	sum    float64
	count  uint64
}

// metrics is what the server counts of its requests, for /metrics.
type metrics struct {
	start    time.Time
	inFlight atomic.Int64

	mu       sync.Mutex
	requests map[requestKey]uint64
	latency  map[string]*histogram // by route
	bytes    map[string]uint64     // response bytes by route
	writes   map[string]uint64     // write requests (POST, PUT, DELETE…) by outcome
}

func newMetrics(now time.Time) *metrics {
	return &metrics{start: now, requests: map[requestKey]uint64{}, latency: map[string]*histogram{},
		bytes: map[string]uint64{}, writes: map[string]uint64{}}
}

// knownMethods keep the method label bounded: anything else is "other".
var knownMethods = map[string]bool{"GET": true, "HEAD": true, "POST": true, "PUT": true, "DELETE": true, "PATCH": true, "OPTIONS": true}

func (m *metrics) observe(route, method string, status int, d time.Duration, n int64) {
	if !knownMethods[method] {
		method = "other"
	}
	code := strconv.Itoa(status)
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests[requestKey{route, method, code}]++
	h := m.latency[route]
	if h == nil {
		h = &histogram{counts: make([]uint64, len(latencyBuckets)+1)}
		m.latency[route] = h
	}
	sec := d.Seconds()
	i := sort.SearchFloat64s(latencyBuckets, sec) // first bound >= sec
	h.counts[i]++
	h.sum += sec
	h.count++
	m.bytes[route] += uint64(max(n, 0))
	if method != "GET" && method != "HEAD" && method != "OPTIONS" {
		outcome := "ok"
		if status >= 400 {
			outcome = "error"
		}
		m.writes[outcome]++
	}
}

// routeHolder carries the matched route pattern from inside the mux out to
// the access log (the request the mux sees is a copy made further in).
type routeHolder struct{ pattern string }

type routeHolderKey struct{}

// capturePattern wraps the mux: after it has served, the pattern it matched
// is recorded for observe.
func capturePattern(mux http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mux.ServeHTTP(w, r)
		if h, ok := r.Context().Value(routeHolderKey{}).(*routeHolder); ok {
			h.pattern = r.Pattern
		}
	})
}

// statusWriter records an answer's status and size.
type statusWriter struct {
	http.ResponseWriter
	status int
	n      int64
	err    error // an internal error met after the handler chose its answer (writeJSON)
}

func (w *statusWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.n += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// NoteError keeps err for the access log (httpx.NoteError).
func (w *statusWriter) NoteError(err error) { w.err = err }

// observe counts every request for /metrics and writes its access log
// line: method, route pattern (never the path or query, which may hold a
// searched name), status, duration and bytes. The reader's address is not
// logged.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		s.metrics.inFlight.Add(1)
		defer s.metrics.inFlight.Add(-1)
		holder := &routeHolder{}
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), routeHolderKey{}, holder)))
		d := time.Since(start)
		route := holder.pattern
		if route == "" {
			route = "unmatched" // no route (a 404 of the mux) or refused before routing
		}
		status := sw.status
		if status == 0 {
			status = http.StatusOK
		}
		s.metrics.observe(route, r.Method, status, d, sw.n)
		if sw.err != nil {
			s.logger.Error("internal error", "method", r.Method, "path", r.URL.Path, "err", sw.err)
		}
		s.logger.Info("request", "method", r.Method, "route", route, "status", status,
			"duration_ms", float64(d.Microseconds())/1000, "bytes", sw.n)
	})
}

// metricsAllowed reports whether the request may read /metrics: an admin,
// or a direct connection from a configured address. A request that came
// through a proxy (it carries a forwarding header) is never admitted by
// address: behind a proxy on the same machine every reader comes from
// loopback.
func (s *Server) metricsAllowed(r *http.Request) bool {
	if httpx.ActorOf(r).Role == qantar.RoleAdmin {
		return true
	}
	if r.Header.Get("X-Forwarded-For") != "" || r.Header.Get("Forwarded") != "" || r.Header.Get("X-Real-IP") != "" {
		return false
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	a = a.Unmap()
	for _, p := range s.metricsFrom {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// guarded serves h only to those metricsAllowed admits; anyone else gets a
// 404, as if there were nothing there.
func (s *Server) guarded(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.metricsAllowed(r) {
			s.writeAPIError(w, r, qantar.Errorf(qantar.ENOTFOUND, "not found"))
			return
		}
		h.ServeHTTP(w, r)
	})
}

// serveMetrics writes the metrics in the Prometheus text exposition format
// (version 0.0.4).
func (s *Server) serveMetrics(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	b := bufio.NewWriter(w)
	defer b.Flush()
	s.metrics.writeRequests(b)
	s.writeLogMetrics(ctx, b)
	s.writeStoreMetrics(b)
	s.writeWitnessMetrics(b)
	header(b, "qantar_goroutines", "gauge", "Goroutines of the server process.")
	fmt.Fprintf(b, "qantar_goroutines %d\n", runtime.NumGoroutine())
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	header(b, "qantar_heap_bytes", "gauge", "Bytes of allocated heap objects.")
	fmt.Fprintf(b, "qantar_heap_bytes %d\n", ms.HeapAlloc)
	header(b, "qantar_start_time_seconds", "gauge", "Unix time the server started.")
	fmt.Fprintf(b, "qantar_start_time_seconds %d\n", s.metrics.start.Unix())
}

// writeRequests writes the counts of the requests answered and in flight.
func (m *metrics) writeRequests(b *bufio.Writer) {
	m.mu.Lock()
	defer m.mu.Unlock()
	keys := make([]requestKey, 0, len(m.requests))
	for k := range m.requests {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, c := keys[i], keys[j]
		if a.route != c.route {
			return a.route < c.route
		}
		if a.method != c.method {
			return a.method < c.method
		}
		return a.code < c.code
	})
	header(b, "qantar_http_requests_total", "counter", "HTTP requests answered, by route pattern, method and status code.")
	for _, k := range keys {
		fmt.Fprintf(b, "qantar_http_requests_total{route=%s,method=%s,code=%s} %d\n", quote(k.route), quote(k.method), quote(k.code), m.requests[k])
	}
	routes := make([]string, 0, len(m.latency))
	for r := range m.latency {
		routes = append(routes, r)
	}
	sort.Strings(routes)
	header(b, "qantar_http_request_duration_seconds", "histogram", "Time to answer an HTTP request, by route pattern.")
	for _, route := range routes {
		h := m.latency[route]
		var cum uint64
		for i, le := range latencyBuckets {
			cum += h.counts[i]
			fmt.Fprintf(b, "qantar_http_request_duration_seconds_bucket{route=%s,le=%s} %d\n", quote(route), quote(formatFloat(le)), cum)
		}
		cum += h.counts[len(latencyBuckets)]
		fmt.Fprintf(b, "qantar_http_request_duration_seconds_bucket{route=%s,le=\"+Inf\"} %d\n", quote(route), cum)
		fmt.Fprintf(b, "qantar_http_request_duration_seconds_sum{route=%s} %s\n", quote(route), formatFloat(h.sum))
		fmt.Fprintf(b, "qantar_http_request_duration_seconds_count{route=%s} %d\n", quote(route), h.count)
	}
	header(b, "qantar_http_response_bytes_total", "counter", "Bytes of HTTP answer bodies, by route pattern.")
	for _, route := range routes {
		fmt.Fprintf(b, "qantar_http_response_bytes_total{route=%s} %d\n", quote(route), m.bytes[route])
	}
	header(b, "qantar_http_write_requests_total", "counter", "Requests that may write (POST, PUT, DELETE, PATCH), by outcome: ok (status below 400) or error.")
	for _, o := range []string{"error", "ok"} {
		fmt.Fprintf(b, "qantar_http_write_requests_total{outcome=%s} %d\n", quote(o), m.writes[o])
	}
	header(b, "qantar_http_requests_in_flight", "gauge", "HTTP requests being answered now.")
	fmt.Fprintf(b, "qantar_http_requests_in_flight %d\n", m.inFlight.Load())
}

// writeLogMetrics writes the log's size and how old its latest checkpoint is.
func (s *Server) writeLogMetrics(ctx context.Context, b *bufio.Writer) {
	if p, ok := s.latestLog(ctx); ok {
		header(b, "qantar_log_size", "gauge", "Leaves (record versions) in the Merkle log's latest checkpoint.")
		fmt.Fprintf(b, "qantar_log_size %d\n", p.Size)
		if !p.Time.IsZero() {
			header(b, "qantar_log_last_leaf_timestamp_seconds", "gauge", "Unix time of the last leaf of the latest checkpoint.")
			fmt.Fprintf(b, "qantar_log_last_leaf_timestamp_seconds %d\n", p.Time.Unix())
			header(b, "qantar_log_checkpoint_age_seconds", "gauge", "Seconds since the last leaf of the latest checkpoint (the last write).")
			fmt.Fprintf(b, "qantar_log_checkpoint_age_seconds %s\n", formatFloat(s.cfg.Now().Sub(p.Time).Seconds()))
		}
	}
}

// writeWitnessMetrics writes, on a server with witnesses, the size each
// last cosigned, when, and how many requests to it failed in a row.
func (s *Server) writeWitnessMetrics(b *bufio.Writer) {
	if s.cfg.Witness == nil {
		return
	}
	states := s.cfg.Witness.States()
	header(b, "qantar_witness_cosigned_size", "gauge", "The log size each witness last cosigned.")
	for _, st := range states {
		fmt.Fprintf(b, "qantar_witness_cosigned_size{witness=%s} %d\n", quote(st.Name), st.Size)
	}
	header(b, "qantar_witness_failures", "gauge", "Requests to each witness that failed in a row.")
	for _, st := range states {
		fmt.Fprintf(b, "qantar_witness_failures{witness=%s} %d\n", quote(st.Name), st.Failures)
	}
	header(b, "qantar_witness_last_cosigned_timestamp_seconds", "gauge", "Unix time each witness last cosigned (0: never, in this process).")
	for _, st := range states {
		var t int64
		if !st.LastCosigned.IsZero() {
			t = st.LastCosigned.Unix()
		}
		fmt.Fprintf(b, "qantar_witness_last_cosigned_timestamp_seconds{witness=%s} %d\n", quote(st.Name), t)
	}
}

// writeStoreMetrics writes the database pool's and group commit's figures,
// for a store that keeps them.
func (s *Server) writeStoreMetrics(b *bufio.Writer) {
	if ps, ok := s.store.(PoolStater); ok {
		inUse, idle, maxConns := ps.PoolStat()
		header(b, "qantar_db_pool_connections", "gauge", "Database connections of the pool (SQLite: its read pool), by state: in_use, idle, max.")
		fmt.Fprintf(b, "qantar_db_pool_connections{state=\"in_use\"} %d\n", inUse)
		fmt.Fprintf(b, "qantar_db_pool_connections{state=\"idle\"} %d\n", idle)
		fmt.Fprintf(b, "qantar_db_pool_connections{state=\"max\"} %d\n", maxConns)
	}
	if gs, ok := s.store.(GroupCommitStater); ok {
		bounds, cum, writes, commits := gs.GroupCommitStat()
		header(b, "qantar_db_group_commit_size", "histogram", "Single writes committed together in one transaction (group commit).")
		for i, le := range bounds {
			fmt.Fprintf(b, "qantar_db_group_commit_size_bucket{le=\"%d\"} %d\n", le, cum[i])
		}
		fmt.Fprintf(b, "qantar_db_group_commit_size_bucket{le=\"+Inf\"} %d\n", commits)
		fmt.Fprintf(b, "qantar_db_group_commit_size_sum %d\n", writes)
		fmt.Fprintf(b, "qantar_db_group_commit_size_count %d\n", commits)
	}
}

// latestLog is the log at its latest checkpoint, or false when it cannot be
// read now (the metrics still answer, without it).
func (s *Server) latestLog(ctx context.Context) (qantar.LogPoint, bool) {
	if at, ok := s.store.(qantar.AtReader); ok {
		p, err := at.LogAt(ctx, -1)
		if err != nil {
			s.logger.Warn("metrics: log", "err", err)
			return p, false
		}
		return p, true
	}
	if s.log == nil {
		return qantar.LogPoint{}, false
	}
	signed, err := s.log.Checkpoint(ctx)
	if err != nil {
		s.logger.Warn("metrics: checkpoint", "err", err)
		return qantar.LogPoint{}, false
	}
	cp, err := tlog.OpenCheckpoint(signed, s.log.LogKey())
	if err != nil {
		s.logger.Warn("metrics: checkpoint", "err", err)
		return qantar.LogPoint{}, false
	}
	return qantar.LogPoint{Size: int64(cp.Size)}, true
}

func header(b *bufio.Writer, name, typ, help string) {
	fmt.Fprintf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, typ)
}

// quote writes a label value: backslash, double quote and newline escaped.
func quote(v string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(v) + `"`
}

func formatFloat(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }
