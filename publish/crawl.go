package publish

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"

	"github.com/qantar-project/qantar"
)

// task is one thing to render through the site's handler: a page (once per
// language) or a shared file.
type task struct {
	fetch  string // the site URL
	file   string // relative to a language's root (page) or the mirror's (shared)
	shared bool
}

// crawler renders every page the mirror needs: it starts from the pages
// it is given and follows every link of every page it writes, on a few
// workers at once, until no new page is linked.
type crawler struct {
	m     *mirror
	mu    sync.Mutex
	cond  *sync.Cond
	queue []task
	busy  int
	seen  map[string]bool
	pages int // distinct pages (each written once per language)
	max   int
	err   error
	// titles are the <h1> of the lists, by language and kind, for the
	// mirror's page.
	titles map[string]string
}

func newCrawler(m *mirror, max int) *crawler {
	c := &crawler{m: m, seen: map[string]bool{}, max: max, titles: map[string]string{}}
	c.cond = sync.NewCond(&c.mu)
	return c
}

// add queues what a target needs rendered, once.
func (c *crawler) add(t target) {
	if t.fetch == "" || (t.kind != tPage && t.kind != tShared) {
		return
	}
	key := "p:" + t.file
	if t.kind == tShared {
		key = "s:" + t.file
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.seen[key] {
		return
	}
	c.seen[key] = true
	if t.kind == tPage {
		c.pages++
		if c.pages > c.max && c.err == nil {
			c.err = qantar.Errorf(qantar.ETOOLARGE, "the site links more than %d pages (last %s): is a page linking to ever new URLs?", c.max, t.fetch)
		}
	}
	c.queue = append(c.queue, task{fetch: t.fetch, file: t.file, shared: t.kind == tShared})
	c.cond.Signal()
}

// run renders until nothing is left, on n workers; the first error stops
// every worker.
func (c *crawler) run(ctx context.Context, n int) error {
	c.m.w.start(4)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() { c.work(ctx) })
	}
	wg.Wait()
	if err := c.m.w.stop(); err != nil && c.err == nil {
		c.err = err
	}
	return c.err
}

func (c *crawler) work(ctx context.Context) {
	for {
		c.mu.Lock()
		for len(c.queue) == 0 && c.busy > 0 && c.err == nil {
			c.cond.Wait()
		}
		if c.err != nil || len(c.queue) == 0 {
			c.cond.Broadcast()
			c.mu.Unlock()
			return
		}
		t := c.queue[len(c.queue)-1]
		c.queue = c.queue[:len(c.queue)-1]
		c.busy++
		c.mu.Unlock()

		err := ctx.Err()
		if err == nil {
			err = c.visit(ctx, t)
		}

		c.mu.Lock()
		c.busy--
		if err != nil && c.err == nil {
			c.err = err
		}
		c.cond.Broadcast()
		c.mu.Unlock()
	}
}

// visit renders one task and writes its files.
func (c *crawler) visit(ctx context.Context, t task) error {
	if t.shared {
		res := c.m.get(ctx, t.fetch, "")
		if res.Code != http.StatusOK {
			return fmt.Errorf("GET %s: status %d", t.fetch, res.Code)
		}
		return c.m.w.write(t.file, res.Body.Bytes())
	}
	base, err := url.Parse(t.fetch)
	if err != nil {
		return fmt.Errorf("page %s: %w", t.fetch, err)
	}
	for _, lang := range c.m.langs {
		pg := page{lang: lang, file: t.file, base: base}
		res := c.m.get(ctx, t.fetch, lang)
		if err := ctx.Err(); err != nil {
			return err // what was rendered may be an error page
		}
		var body []byte
		switch {
		case res.Code >= 500:
			return fmt.Errorf("GET %s (%s): status %d: %s", t.fetch, lang, res.Code, clip(res.Body.String()))
		case res.Code >= 300 && res.Code < 400:
			body = c.m.redirectStub(pg, res.Header().Get("Location"), c.add)
		case strings.Contains(res.Header().Get("Cache-Control"), "private"):
			// Never publish what the site renders for a signed-in reader.
			return fmt.Errorf("GET %s (%s): the site answered as to a signed-in reader (Cache-Control %q)", t.fetch, lang, res.Header().Get("Cache-Control"))
		case strings.HasPrefix(res.Header().Get("Content-Type"), "text/html"):
			var o rewriteOpts
			var h1 string
			if isKind(strings.TrimPrefix(t.fetch, "/")) {
				o.h1 = &h1 // a list's title names its kind
			}
			var err error
			if body, err = c.m.rewrite(res.Body.Bytes(), pg, c.add, o); err != nil {
				return fmt.Errorf("GET %s (%s): %w", t.fetch, lang, err)
			}
			if h1 != "" {
				c.mu.Lock()
				c.titles[lang+"|"+t.fetch] = strings.TrimSpace(h1)
				c.mu.Unlock()
			}
		default:
			body = res.Body.Bytes()
		}
		if err := c.m.w.queue(c.m.path(lang, t.file), body); err != nil {
			return err
		}
	}
	return nil
}

// get renders a site URL in a language through the handler, in process, as
// an anonymous reader: no cookie, no token. The language is chosen the way
// a shared link chooses it, with ?lang=.
func (m *mirror) get(ctx context.Context, target, lang string) *httptest.ResponseRecorder {
	if lang != "" {
		sep := "?"
		if strings.Contains(target, "?") {
			sep = "&"
		}
		target += sep + "lang=" + lang
	}
	req := httptest.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	rec := httptest.NewRecorder()
	m.h.ServeHTTP(rec, req)
	return rec
}

func clip(s string) string {
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}
