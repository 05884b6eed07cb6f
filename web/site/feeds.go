package site

import (
	"bytes"
	"context"
	"net/http"
	"sync"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/remind"
	"github.com/qantar-project/qantar/web/httpx"
)

// Atom feeds of what is due and overdue about a case or a person
// (docs/FILINGS.md, Reminders): remind.Feed for the reader's own actor, so
// an anonymous reader gets the public projection and no protected name.
//
// A person's feed reads every case (cases have no filter by participant or
// act), so feeds are cached as the pages' records are: until the next
// write (the state key, a hash of the log's checkpoint), per target,
// language, day and level of trust, at most maxCachedFeeds of them.

type feedKey struct {
	kind  qantar.Kind
	id    int64
	lang  string
	day   string
	trust [2]bool // may see restricted, confidential
}

type feedCache struct {
	mu  sync.Mutex
	key string
	m   map[feedKey][]byte
}

const maxCachedFeeds = 10_000

// feedHref is the address of a record's feed in the page's language.
func feedHref(kind qantar.Kind, id int64, lang string) string {
	return recordHref(kind, id) + "/feed.atom?lang=" + lang
}

// feed returns the handler of a kind's feed.atom (cases and persons).
func (p *Site) feed(kind qantar.Kind) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := httpx.PathID(r)
		if err != nil {
			return err
		}
		reader := httpx.ActorOf(r)
		lang := httpx.PickLang(r)
		day := dayOf(p.now())
		state, err := p.stateKey(r.Context(), reader.ID != "")
		if err != nil {
			return err
		}
		k := feedKey{kind: kind, id: id, lang: lang, day: day.Format("2006-01-02"),
			trust: [2]bool{reader.CanSee(qantar.Restricted), reader.CanSee(qantar.Confidential)}}
		c := &p.feeds
		c.mu.Lock()
		if c.key != state || len(c.m) >= maxCachedFeeds {
			c.key, c.m = state, map[feedKey][]byte{}
		}
		b, ok := c.m[k]
		c.mu.Unlock()
		if !ok {
			if b, err = p.makeFeed(r.Context(), reader, kind, id, lang); err != nil {
				return err
			}
			c.mu.Lock()
			if c.key == state {
				c.m[k] = b
			}
			c.mu.Unlock()
		}
		h := w.Header()
		h.Set("Content-Type", "application/atom+xml; charset=utf-8")
		h.Set("Content-Language", lang)
		if reader.ID != "" {
			h.Set("Cache-Control", "private, no-store")
		} else {
			h.Set("Cache-Control", "no-cache")
		}
		_, err = w.Write(b)
		return err
	}
}

// makeFeed is remind.Feed with the site's rules, the log's origin and the
// site's configured address (never the request's Host, which a client
// chooses and the cache would keep).
func (p *Site) makeFeed(ctx context.Context, reader qantar.Actor, kind qantar.Kind, id int64, lang string) ([]byte, error) {
	origin := ""
	if p.log != nil {
		cp, err := p.log.Checkpoint(ctx)
		if err != nil {
			return nil, err
		}
		first, _, _ := bytes.Cut(cp, []byte("\n"))
		origin = string(first)
	}
	opts := remind.Options{Rules: p.rules, AsOf: dayOf(p.now()), LogOrigin: origin, SiteURL: p.transport.Origin}
	return remind.Feed(ctx, p.store, reader, opts, remind.Target{Kind: kind, ID: id}, lang)
}
