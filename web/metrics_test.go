package web_test

import (
	"bytes"
	"context"
	"fmt"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/sqlite"
	"github.com/qantar-project/qantar/web"
)

// metricsFixture is a server on an empty SQLite database whose logger
// writes to a buffer, with an admin and an editor token.
type metricsFixture struct {
	h             http.Handler
	admin, editor string
	mu            sync.Mutex
	logs          bytes.Buffer
}

func (f *metricsFixture) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.logs.Write(p)
}

func newMetricsFixture(t *testing.T, from []netip.Prefix) *metricsFixture {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "m.db"), sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f := &metricsFixture{}
	if _, f.admin, err = db.CreateToken(ctx, "ops", qantar.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	if _, f.editor, err = db.CreateToken(ctx, "ed", qantar.RoleEditor); err != nil {
		t.Fatal(err)
	}
	f.h = web.New(web.Config{Store: db, Tokens: db, Log: db, Search: db, MetricsFrom: from,
		Logger: slog.New(slog.NewTextHandler(f, nil))}).Handler()
	return f
}

// do serves one request from remote (host:port), with headers in pairs.
func (f *metricsFixture) do(method, target, remote string, header ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, nil)
	r.RemoteAddr = remote
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	f.h.ServeHTTP(w, r)
	return w
}

// sample is one line of the text format.
type sample struct {
	name   string
	labels map[string]string
	value  float64
}

var (
	metricName = regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*$`)
	labelName  = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)
)

// parseExposition parses the Prometheus text exposition format (0.0.4)
// strictly, line by line: HELP and TYPE once per family and before its
// samples, each family's samples together, known types, a histogram's
// samples only _bucket (with le), _sum and _count, well-formed and escaped
// label values, float values, no series twice, every line ending in a
// newline. It returns the samples and the type of each family.
func parseExposition(text string) ([]sample, map[string]string, error) {
	if text == "" || !strings.HasSuffix(text, "\n") {
		return nil, nil, fmt.Errorf("the exposition does not end in a newline")
	}
	types := map[string]string{}
	helps := map[string]bool{}
	seen := map[string]bool{}
	done := map[string]bool{} // families whose samples are over
	var samples []sample
	current := ""
	for i, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		n := i + 1
		if line == "" {
			return nil, nil, fmt.Errorf("line %d: empty", n)
		}
		if strings.HasPrefix(line, "#") {
			f := strings.SplitN(line, " ", 4)
			if len(f) < 3 || f[0] != "#" {
				return nil, nil, fmt.Errorf("line %d: comment %q is neither HELP nor TYPE", n, line)
			}
			name := f[2]
			if !metricName.MatchString(name) {
				return nil, nil, fmt.Errorf("line %d: bad metric name %q", n, name)
			}
			switch f[1] {
			case "HELP":
				if helps[name] {
					return nil, nil, fmt.Errorf("line %d: second HELP for %s", n, name)
				}
				helps[name] = true
			case "TYPE":
				if len(f) != 4 {
					return nil, nil, fmt.Errorf("line %d: TYPE without a type", n)
				}
				if _, ok := types[name]; ok {
					return nil, nil, fmt.Errorf("line %d: second TYPE for %s", n, name)
				}
				switch f[3] {
				case "counter", "gauge", "histogram", "summary", "untyped":
				default:
					return nil, nil, fmt.Errorf("line %d: unknown type %q", n, f[3])
				}
				types[name] = f[3]
			default:
				return nil, nil, fmt.Errorf("line %d: comment %q is neither HELP nor TYPE", n, line)
			}
			continue
		}
		s, key, err := parseSample(line)
		if err != nil {
			return nil, nil, fmt.Errorf("line %d: %v", n, err)
		}
		family := s.name
		if _, ok := types[family]; !ok {
			for _, suf := range []string{"_bucket", "_sum", "_count"} {
				if base, ok := strings.CutSuffix(s.name, suf); ok && types[base] == "histogram" {
					family = base
					if suf == "_bucket" {
						if _, ok := s.labels["le"]; !ok {
							return nil, nil, fmt.Errorf("line %d: bucket without le", n)
						}
					}
				}
			}
		}
		typ, ok := types[family]
		if !ok {
			return nil, nil, fmt.Errorf("line %d: sample of %s before its TYPE", n, s.name)
		}
		if typ == "histogram" && family == s.name {
			return nil, nil, fmt.Errorf("line %d: histogram %s sampled without a suffix", n, s.name)
		}
		if typ == "counter" && (s.value < 0 || math.IsNaN(s.value)) {
			return nil, nil, fmt.Errorf("line %d: counter %s is %v", n, s.name, s.value)
		}
		if family != current {
			if done[family] {
				return nil, nil, fmt.Errorf("line %d: samples of %s are not together", n, family)
			}
			if current != "" {
				done[current] = true
			}
			current = family
		}
		if seen[key] {
			return nil, nil, fmt.Errorf("line %d: series %s twice", n, key)
		}
		seen[key] = true
		samples = append(samples, s)
	}
	return samples, types, nil
}

// parseSample parses `name{label="value",...} value`, returning a key of
// the series (name and sorted labels).
func parseSample(line string) (sample, string, error) {
	s := sample{labels: map[string]string{}}
	i := strings.IndexAny(line, "{ ")
	if i < 0 {
		return s, "", fmt.Errorf("no value in %q", line)
	}
	s.name = line[:i]
	if !metricName.MatchString(s.name) {
		return s, "", fmt.Errorf("bad metric name %q", s.name)
	}
	rest := line[i:]
	var names []string
	if strings.HasPrefix(rest, "{") {
		rest = rest[1:]
		for !strings.HasPrefix(rest, "}") {
			eq := strings.Index(rest, `="`)
			if eq < 0 {
				return s, "", fmt.Errorf("bad label in %q", line)
			}
			ln := rest[:eq]
			if !labelName.MatchString(ln) {
				return s, "", fmt.Errorf("bad label name %q", ln)
			}
			if _, dup := s.labels[ln]; dup {
				return s, "", fmt.Errorf("label %s twice", ln)
			}
			rest = rest[eq+2:]
			var v strings.Builder
			closed := false
			for j := 0; j < len(rest); j++ {
				c := rest[j]
				if c == '\\' {
					if j+1 >= len(rest) {
						return s, "", fmt.Errorf("dangling escape in %q", line)
					}
					switch rest[j+1] {
					case '\\':
						v.WriteByte('\\')
					case '"':
						v.WriteByte('"')
					case 'n':
						v.WriteByte('\n')
					default:
						return s, "", fmt.Errorf("bad escape in %q", line)
					}
					j++
					continue
				}
				if c == '"' {
					rest = rest[j+1:]
					closed = true
					break
				}
				v.WriteByte(c)
			}
			if !closed {
				return s, "", fmt.Errorf("unterminated label value in %q", line)
			}
			s.labels[ln] = v.String()
			names = append(names, ln)
			if strings.HasPrefix(rest, ",") {
				rest = rest[1:]
			} else if !strings.HasPrefix(rest, "}") {
				return s, "", fmt.Errorf("expected , or } in %q", line)
			}
		}
		rest = rest[1:]
	}
	f := strings.Split(rest, " ")
	if len(f) < 2 || len(f) > 3 || f[0] != "" {
		return s, "", fmt.Errorf("expected one space, a value and an optional timestamp in %q", line)
	}
	v, err := strconv.ParseFloat(f[1], 64)
	if err != nil {
		return s, "", fmt.Errorf("bad value %q", f[1])
	}
	if len(f) == 3 {
		if _, err := strconv.ParseInt(f[2], 10, 64); err != nil {
			return s, "", fmt.Errorf("bad timestamp %q", f[2])
		}
	}
	s.value = v
	key := s.name
	sortStrings(names)
	for _, ln := range names {
		key += "," + ln + "=" + strconv.Quote(s.labels[ln])
	}
	return s, key, nil
}

func sortStrings(a []string) {
	for i := 1; i < len(a); i++ {
		for j := i; j > 0 && a[j] < a[j-1]; j-- {
			a[j], a[j-1] = a[j-1], a[j]
		}
	}
}

// find returns the value of the sample of name whose labels include want.
func find(samples []sample, name string, want map[string]string) (float64, bool) {
next:
	for _, s := range samples {
		if s.name != name {
			continue
		}
		for k, v := range want {
			if s.labels[k] != v {
				continue next
			}
		}
		return s.value, true
	}
	return 0, false
}

func TestParseExpositionRefusesMalformed(t *testing.T) {
	good := "# HELP a_total A.\n# TYPE a_total counter\na_total{route=\"x\"} 1\n"
	if _, _, err := parseExposition(good); err != nil {
		t.Fatalf("good exposition refused: %v", err)
	}
	for _, bad := range []string{
		"a_total 1\n", // no TYPE
		"# TYPE a_total counter\na_total{route=\"x} 1\n",
		"# TYPE a_total counter\na_total{route=\"x\"}  1\n",
		"# TYPE a_total counter\na_total{route=\"x\"} one\n",
		"# TYPE a_total counter\na_total 1\na_total 2\n",
		"# TYPE a_total counter\na_total 1", // no final newline
		"# TYPE h histogram\nh 1\n",
		"# TYPE h histogram\nh_bucket 1\n",
		"# TYPE a counter\n# TYPE b gauge\na 1\nb 1\na{x=\"1\"} 1\n",
		"# TYPE a_total counter\na_total{route=\"a\\q\"} 1\n",
	} {
		if _, _, err := parseExposition(bad); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}

// /metrics parses strictly as the text format and counts the requests made
// before it, by route pattern and status, with a latency histogram whose
// buckets add up; the log's size is there.
func TestMetricsCountRequests(t *testing.T) {
	f := newMetricsFixture(t, nil)
	const local = "127.0.0.1:40000"
	for range 3 {
		if w := f.do("GET", "/api/v1/persons", local); w.Code != 200 {
			t.Fatalf("list: %d %s", w.Code, w.Body)
		}
	}
	if w := f.do("GET", "/api/v1/persons/999999", local); w.Code != 404 {
		t.Fatalf("missing person: %d", w.Code)
	}
	f.do("GET", "/healthz", local)
	w := f.do("GET", "/metrics", local)
	if w.Code != 200 {
		t.Fatalf("/metrics from loopback: %d %s", w.Code, w.Body)
	}
	if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain; version=0.0.4") {
		t.Errorf("Content-Type %q", ct)
	}
	samples, types, err := parseExposition(w.Body.String())
	if err != nil {
		t.Fatalf("%v\n%s", err, w.Body)
	}
	// Prometheus's own parser reads it too, and counts the same.
	parser := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := parser.TextToMetricFamilies(strings.NewReader(w.Body.String()))
	if err != nil {
		t.Fatalf("expfmt: %v\n%s", err, w.Body)
	}
	if f := fams["qantar_http_requests_total"]; f == nil || f.GetType() != dto.MetricType_COUNTER || sumCounter(f, "code", "200") < 4 {
		t.Errorf("expfmt reads qantar_http_requests_total as %v", f)
	}
	for name, typ := range map[string]string{"qantar_http_requests_total": "counter", "qantar_http_request_duration_seconds": "histogram",
		"qantar_http_write_requests_total": "counter", "qantar_log_size": "gauge", "qantar_db_pool_connections": "gauge"} {
		if types[name] != typ {
			t.Errorf("%s has type %q, want %s", name, types[name], typ)
		}
	}
	for _, c := range []struct {
		route, code string
		want        float64
	}{{"GET /api/v1/{kind}", "200", 3}, {"GET /api/v1/{kind}/{id}", "404", 1}, {"GET /healthz", "200", 1}} {
		got, ok := find(samples, "qantar_http_requests_total", map[string]string{"route": c.route, "method": "GET", "code": c.code})
		if !ok || got != c.want {
			t.Errorf("requests %s %s = %v (found %v), want %v", c.route, c.code, got, ok, c.want)
		}
	}
	if n, ok := find(samples, "qantar_http_request_duration_seconds_count", map[string]string{"route": "GET /api/v1/{kind}"}); !ok || n != 3 {
		t.Errorf("latency count %v, want 3", n)
	}
	if n, ok := find(samples, "qantar_http_request_duration_seconds_bucket", map[string]string{"route": "GET /api/v1/{kind}", "le": "+Inf"}); !ok || n != 3 {
		t.Errorf("latency +Inf bucket %v, want 3", n)
	}
	prev := -1.0
	for _, s := range samples {
		if s.name == "qantar_http_request_duration_seconds_bucket" && s.labels["route"] == "GET /api/v1/{kind}" {
			if s.value < prev {
				t.Errorf("buckets not cumulative at le=%s", s.labels["le"])
			}
			prev = s.value
		}
	}
	if _, ok := find(samples, "qantar_log_size", nil); !ok {
		t.Error("no qantar_log_size")
	}

	// A write counts; the next scrape sees it and its own earlier scrape.
	body := `{"names":[{"value":"Synthetic Person"}]}`
	r := httptest.NewRequest("POST", "/api/v1/persons", strings.NewReader(body))
	r.RemoteAddr = local
	r.Header.Set("Authorization", "Bearer "+f.editor)
	r.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, r)
	if rec.Code != http.StatusCreated {
		t.Fatalf("create: %d %s", rec.Code, rec.Body)
	}
	samples, _, err = parseExposition(f.do("GET", "/metrics", local).Body.String())
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := find(samples, "qantar_http_write_requests_total", map[string]string{"outcome": "ok"}); n != 1 {
		t.Errorf("writes ok = %v, want 1", n)
	}
	if n, _ := find(samples, "qantar_http_requests_total", map[string]string{"route": "GET /metrics", "code": "200"}); n != 1 {
		t.Errorf("earlier scrapes = %v, want 1", n)
	}
	if n, _ := find(samples, "qantar_log_size", nil); n < 1 {
		t.Errorf("log size %v after a write", n)
	}
	if n, ok := find(samples, "qantar_db_group_commit_size_count", nil); !ok || n < 1 {
		t.Errorf("group commits %v (found %v) after a write", n, ok)
	}
	if n, ok := find(samples, "qantar_db_group_commit_size_bucket", map[string]string{"le": "1"}); !ok || n < 1 {
		t.Errorf("group commits of one write %v (found %v) after a lone write", n, ok)
	}
	if _, ok := find(samples, "qantar_log_checkpoint_age_seconds", nil); !ok {
		t.Error("no checkpoint age after a write")
	}
}

// /metrics and the profiler are 404 to anyone not on a configured address
// and without an admin token: another address, a request through a proxy
// from loopback, an editor's token; an admin's token opens them from
// anywhere, and --metrics-from admits its prefixes.
func TestMetricsGuard(t *testing.T) {
	f := newMetricsFixture(t, nil)
	for _, c := range []struct {
		name, path, remote string
		header             []string
		want               int
	}{
		{"loopback", "/metrics", "127.0.0.1:1", nil, 200},
		{"loopback v6", "/metrics", "[::1]:1", nil, 200},
		{"other address", "/metrics", "203.0.113.7:5000", nil, 404},
		{"other address pprof", "/debug/pprof/", "203.0.113.7:5000", nil, 404},
		{"through a proxy", "/metrics", "127.0.0.1:1", []string{"X-Forwarded-For", "203.0.113.7"}, 404},
		{"through a proxy (Forwarded)", "/metrics", "127.0.0.1:1", []string{"Forwarded", "for=203.0.113.7"}, 404},
		{"editor token", "/metrics", "203.0.113.7:5000", []string{"Authorization", "Bearer " + f.editor}, 404},
		{"admin token", "/metrics", "203.0.113.7:5000", []string{"Authorization", "Bearer " + f.admin}, 200},
		{"admin token pprof", "/debug/pprof/", "203.0.113.7:5000", []string{"Authorization", "Bearer " + f.admin}, 200},
	} {
		w := f.do("GET", c.path, c.remote, c.header...)
		if w.Code != c.want {
			t.Errorf("%s: %d, want %d", c.name, w.Code, c.want)
		}
		if c.want == 404 && strings.Contains(w.Body.String(), "qantar_") {
			t.Errorf("%s: the 404 shows metrics", c.name)
		}
	}
	g := newMetricsFixture(t, []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")})
	if w := g.do("GET", "/metrics", "10.1.2.3:9"); w.Code != 200 {
		t.Errorf("configured prefix: %d", w.Code)
	}
	if w := g.do("GET", "/metrics", "127.0.0.1:9"); w.Code != 404 {
		t.Errorf("loopback when not configured: %d", w.Code)
	}
	for in, want := range map[string]string{"none": "[]", "10.0.0.0/8, 192.0.2.1": "[10.0.0.0/8 192.0.2.1/32]", "::ffff:10.0.0.1": "[10.0.0.1/32]"} {
		p, err := web.ParseMetricsFrom(in)
		if err != nil || fmt.Sprint(p) != want {
			t.Errorf("ParseMetricsFrom(%q) = %v, %v; want %s", in, p, err, want)
		}
	}
	if _, err := web.ParseMetricsFrom("10.0.0.0/33"); err == nil {
		t.Error("ParseMetricsFrom accepted 10.0.0.0/33")
	}
}

// Each request has an access log line with its method, route pattern,
// status, duration and bytes, and never its path's query (a searched name)
// nor the reader's address.
func TestAccessLogHasNoQuery(t *testing.T) {
	f := newMetricsFixture(t, nil)
	w := f.do("GET", "/api/v1/search?q=Zhanibekova", "198.51.100.23:4444")
	if w.Code != 200 {
		t.Fatalf("search: %d %s", w.Code, w.Body)
	}
	f.do("GET", "/search?q=Zhanibekova&lang=ru", "198.51.100.23:4444")
	f.do("GET", "/no/such/page?name=Zhanibekova", "198.51.100.23:4444")
	f.mu.Lock()
	logs := f.logs.String()
	f.mu.Unlock()
	for _, leak := range []string{"Zhanibekova", "q=", "198.51.100.23", "/no/such"} {
		if strings.Contains(logs, leak) {
			t.Errorf("access log holds %q:\n%s", leak, logs)
		}
	}
	var lines []string
	for _, l := range strings.Split(logs, "\n") {
		if strings.Contains(l, "msg=request") {
			lines = append(lines, l)
		}
	}
	if len(lines) != 3 {
		t.Fatalf("%d access log lines, want 3:\n%s", len(lines), logs)
	}
	for i, want := range []string{`route="GET /api/v1/search" status=200`, `route="GET /search" status=200`, `route=unmatched status=404`} {
		if !strings.Contains(lines[i], want) || !strings.Contains(lines[i], "method=GET") ||
			!strings.Contains(lines[i], "duration_ms=") || !strings.Contains(lines[i], "bytes=") {
			t.Errorf("line %d %q lacks %s, method, duration or bytes", i, lines[i], want)
		}
	}
	if strings.Contains(lines[0], "bytes=0 ") {
		t.Errorf("search answer logged with no bytes: %s", lines[0])
	}
}

// sumCounter adds the counters of a family whose label name has value.
func sumCounter(f *dto.MetricFamily, name, value string) float64 {
	var n float64
	for _, m := range f.GetMetric() {
		for _, l := range m.GetLabel() {
			if l.GetName() == name && l.GetValue() == value {
				n += m.GetCounter().GetValue()
			}
		}
	}
	return n
}
