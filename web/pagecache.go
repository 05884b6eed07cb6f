package web

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/web/api"
	"github.com/qantar-project/qantar/web/auth"
	"github.com/qantar-project/qantar/web/figures"
	"github.com/qantar-project/qantar/web/httpx"
)

// The answers anonymous readers are given of the pages and API answers that
// are made from every record (the home page, /stats, the lists) or from many
// (who was in command at a place or in a unit on a date), kept
// until the log moves on (site.PagesKey) or a minute passes (a complaint's
// status follows the day), with an ETag that is a hash of the answer
// itself: a conditional GET whose page has not changed is answered 304, and
// any other GET of a kept answer writes its bytes. Nothing signed in is kept
// or tagged here: their answers are no-store and may be audited.

const (
	pagesMaxBytes  = 64 << 20 // kept answers, all told
	pagesMaxAnswer = 4 << 20  // one kept answer
	// The figures' JSON (/api/v1/stats) names every place and every
	// complaint past its deadline: 11 MB at 1,000,000 records, about ten
	// times that at 10,000,000, encoded again for every reader if it were
	// not kept. Up to bigKept such answers are kept beside the others,
	// outside their budget, until the log moves on.
	figuresMaxAnswer = 512 << 20
	bigKept          = 2
)

// pageCache keeps anonymous answers by state key.
type pageCache struct {
	mu    sync.Mutex
	key   string // the state and minute of every kept answer
	m     map[string]*keptAnswer
	bytes int
	// big are the answers over maxAnswer (of the routes that may be
	// bigger: maxAnswerOf), at most bigKept.
	big map[string]*keptAnswer
	// maxAnswer is pagesMaxAnswer (tests lower it).
	maxAnswer int
}

// maxAnswerOf is the largest answer of a route that is kept.
func (c *pageCache) maxAnswerOf(pattern string) int {
	if pattern == "GET /api/v1/stats" {
		return figuresMaxAnswer
	}
	return c.limit()
}

// limit is the largest answer kept within the budget.
func (c *pageCache) limit() int {
	if c.maxAnswer > 0 {
		return c.maxAnswer
	}
	return pagesMaxAnswer
}

// keptAnswer is one answer as it was written.
type keptAnswer struct {
	header http.Header
	body   []byte
	gz     []byte // body gzip-compressed, nil when that does not pay (pagegzip.go)
	etag   string
}

// cachedPatterns are the routes whose anonymous answers are kept, each with
// whether it is kept under the state key read afresh (true: /stats and the
// API, which answer a write at once, the figures once they are computed:
// allowEarlier) or under the one read in the last 250 ms (the home page and
// the list pages, as their own caches are). Not the lists of complaints (their status is computed at each
// answer) nor of files (a list of them is audited, even anonymously).
func cachedPatterns() map[string]bool {
	m := map[string]bool{"GET /{$}": false, "GET /stats": true, "GET /api/v1/stats": true, "GET /api/v1/{kind}": true,
		// Who was in command: the same question at the same log state has
		// the same answer for every anonymous reader.
		"GET /command": false, "GET /api/v1/command": true, "GET /api/v1/units/{id}/command": true}
	for _, k := range qantar.Kinds {
		if k != qantar.KindComplaint && k != qantar.KindFile {
			m["GET /"+string(k)] = false
		}
	}
	return m
}

// cacheable reports whether r may be answered from (and its answer kept in)
// the cache: a GET without credentials of a kept route, no download.
func (s *Server) cacheable(r *http.Request, pattern string) bool {
	if _, ok := s.pagePatterns[pattern]; !ok || r.Method != http.MethodGet || r.Header.Get("Authorization") != "" || auth.HasSessionCookie(r) {
		return false
	}
	if pattern == "GET /api/v1/{kind}" {
		k := strings.TrimPrefix(r.URL.Path, "/api/v1/")
		if k == string(qantar.KindComplaint) || k == string(qantar.KindFile) {
			return false
		}
	}
	return !r.URL.Query().Has("format")
}

// cachedPages answers the anonymous GETs of the kept routes from the cache,
// keeping what next answers there.
func (s *Server) cachedPages(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, pattern := mux.Handler(r)
		if !s.cacheable(r, pattern) {
			mux.ServeHTTP(w, r)
			return
		}
		state, err := s.site.PagesKey(r.Context(), s.pagePatterns[pattern])
		if err != nil {
			mux.ServeHTTP(w, r)
			return
		}
		key := state + "|" + s.cfg.Now().UTC().Format("200601021504")
		name := httpx.PickLang(r) + " " + r.URL.RequestURI()
		if a := s.pages.get(key, name); a != nil {
			r.Pattern = pattern // for the access log (capturePattern)
			a.write(w, r)
			return
		}
		rec := &answerRecorder{w: w, status: http.StatusOK, max: s.pages.maxAnswerOf(pattern)}
		r, earlier := allowEarlier(r, pattern)
		mux.ServeHTTP(rec, r)
		if a := rec.kept(); a != nil {
			if !earlier.Given() {
				s.pages.put(key, name, a)
			}
			a.write(w, r)
			return
		}
		rec.flush()
	})
}

// allowEarlier lets an anonymous reader of the routes made of the figures
// at the latest checkpoint (/stats, /api/v1/stats) be answered at once
// those of the latest checkpoint computed so far while the new ones are
// computed (figures.AllowEarlier). Such an answer is written but not kept:
// the next reader after the computation is answered the new figures.
func allowEarlier(r *http.Request, pattern string) (*http.Request, *figures.Earlier) {
	if pattern != "GET /stats" && pattern != "GET /api/v1/stats" {
		return r, &figures.Earlier{}
	}
	ctx, e := figures.AllowEarlier(r.Context())
	return r.WithContext(ctx), e
}

func (c *pageCache) get(key, name string) *keptAnswer {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.key != key {
		return nil
	}
	if a := c.big[name]; a != nil {
		return a
	}
	return c.m[name]
}

func (c *pageCache) put(key, name string, a *keptAnswer) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.key != key {
		c.key, c.m, c.bytes, c.big = key, map[string]*keptAnswer{}, 0, nil
	}
	if len(a.body) > c.limit() {
		if len(c.big) >= bigKept {
			c.big = nil
		}
		if c.big == nil {
			c.big = map[string]*keptAnswer{}
		}
		c.big[name] = a
		return
	}
	if c.bytes+len(a.body) > pagesMaxBytes {
		c.m, c.bytes = map[string]*keptAnswer{}, 0
	}
	if old := c.m[name]; old != nil {
		c.bytes -= len(old.body)
	}
	c.m[name] = a
	c.bytes += len(a.body)
}

// write answers a kept answer: 304 when the request names its ETag.
func (a *keptAnswer) write(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	for k, v := range a.header {
		h[k] = v
	}
	if a.gz != nil {
		h.Add("Vary", "Accept-Encoding")
	}
	if api.MatchETag(r.Header.Get("If-None-Match"), a.etag) {
		h.Del("Content-Type")
		h.Del("Content-Length")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := a.body
	if a.gz != nil && acceptsGzip(r) {
		body = a.gz
		h.Set("Content-Encoding", "gzip")
		h.Set("Content-Length", strconv.Itoa(len(body)))
	}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

// answerRecorder holds an answer until it is known whether it is kept: a
// 200 without cookies nor no-store or private, of at most pagesMaxAnswer
// bytes. Beyond that size, or when the handler flushes, it writes through.
type answerRecorder struct {
	w       http.ResponseWriter
	status  int
	wrote   bool // WriteHeader called
	buf     []byte
	max     int  // the largest answer kept (pageCache.maxAnswerOf)
	through bool // writing through: nothing is kept
	failed  bool // an internal error was noted
}

func (a *answerRecorder) Header() http.Header { return a.w.Header() }

func (a *answerRecorder) WriteHeader(status int) {
	if a.through || a.wrote {
		if a.through {
			a.w.WriteHeader(status)
		}
		return
	}
	a.wrote, a.status = true, status
}

func (a *answerRecorder) Write(b []byte) (int, error) {
	if !a.through && len(a.buf)+len(b) > a.max {
		a.flush()
	}
	if a.through {
		return a.w.Write(b)
	}
	a.buf = append(a.buf, b...)
	return len(b), nil
}

// Flush writes through from now on (a streamed answer is not kept).
func (a *answerRecorder) Flush() {
	a.flush()
	if f, ok := a.w.(http.Flusher); ok {
		f.Flush()
	}
}

// NoteError passes an internal error on to the access log's writer.
func (a *answerRecorder) NoteError(err error) {
	a.failed = true
	httpx.NoteError(a.w, err)
}

// flush writes what is held and makes the recorder write through.
func (a *answerRecorder) flush() {
	if a.through {
		return
	}
	a.through = true
	a.w.WriteHeader(a.status)
	if len(a.buf) > 0 {
		_, _ = a.w.Write(a.buf)
	}
	a.buf = nil
}

// kept returns the answer to keep, or nil when it is not one to keep.
func (a *answerRecorder) kept() *keptAnswer {
	h := a.w.Header()
	cc := h.Get("Cache-Control")
	if a.through || a.failed || a.status != http.StatusOK || h.Get("Set-Cookie") != "" ||
		strings.Contains(cc, "no-store") || strings.Contains(cc, "private") {
		return nil
	}
	if cc == "" {
		h.Set("Cache-Control", "no-cache") // kept, but asked again each time
	}
	sum := sha256.Sum256(a.buf)
	h.Set("ETag", `W/"`+hex.EncodeToString(sum[:16])+`"`)
	h.Set("Content-Length", strconv.Itoa(len(a.buf)))
	return &keptAnswer{header: h.Clone(), body: a.buf, gz: gzipped(a.buf), etag: h.Get("ETag")}
}
