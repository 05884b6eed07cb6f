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
	// making holds the feeds being made for the current key: a second
	// request for one waits for it rather than reading every case again.
	making map[feedKey]*feedCall
}

type feedCall struct {
	done chan struct{}
	b    []byte
	err  error
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
		if reader.ID != "" {
			// As on the target's page: a protected record shown to an
			// account is audited.
			rec, err := p.get(r.Context(), reader, kind, id)
			if err != nil {
				return err
			}
			p.auth.AuditShown(r, rec)
		}
		lang := httpx.PickLang(r)
		day := dayOf(p.now())
		state, err := p.stateKey(r.Context(), reader.ID != "")
		if err != nil {
			return err
		}
		k := feedKey{kind: kind, id: id, lang: lang, day: day.Format("2006-01-02"),
			trust: [2]bool{reader.CanSee(qantar.Restricted), reader.CanSee(qantar.Confidential)}}
		b, err := p.feeds.get(state, k, func() ([]byte, error) { return p.makeFeed(context.WithoutCancel(r.Context()), reader, kind, id, lang) })
		if err != nil {
			return err
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

// get returns the feed of k at state from the cache, else makes it once
// however many ask at the same time (made without the request's
// cancellation, as others may be waiting for it).
func (c *feedCache) get(state string, k feedKey, build func() ([]byte, error)) ([]byte, error) {
	c.mu.Lock()
	if c.key != state || len(c.m) >= maxCachedFeeds {
		c.key, c.m, c.making = state, map[feedKey][]byte{}, map[feedKey]*feedCall{}
	}
	if b, ok := c.m[k]; ok {
		c.mu.Unlock()
		return b, nil
	}
	if call, ok := c.making[k]; ok {
		c.mu.Unlock()
		<-call.done
		return call.b, call.err
	}
	call := &feedCall{done: make(chan struct{})}
	c.making[k] = call
	c.mu.Unlock()
	call.b, call.err = build()
	c.mu.Lock()
	if c.key == state {
		delete(c.making, k)
		if call.err == nil {
			c.m[k] = call.b
		}
	}
	c.mu.Unlock()
	close(call.done)
	return call.b, call.err
}
