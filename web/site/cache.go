package site

import (
	"context"
	"crypto/sha256"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/report"
	"github.com/qantar-project/qantar/web/figures"
)

// homeData is what the home page shows that is expensive to compute over
// every record: the accountability figures, the official death toll and the
// latest changes. It is computed again after every write, which the log's
// checkpoint reveals (every write signs a new one, whichever process made
// it). Record pages never read it: they read their record and its
// neighbours only.
type homeData struct {
	key      string
	official *qantar.Figure
	source   *qantar.Source
	stats    report.Stats
	// checkpoint is the log the figures were computed at (figures.PinnedStats).
	checkpoint figures.CheckpointRef
	latest     []qantar.Record
}

// homeCache holds the current homeData and the rendered anonymous home page
// per language.
type homeCache struct {
	mu         sync.Mutex
	data       *homeData
	pages      map[string][]byte
	refreshing bool
	// The state key is read from the store at most every keyEvery, so that
	// a surge of readers costs no query per request; a write is seen on the
	// pages within that time.
	key     string
	keyRead time.Time
	// computeMu lets one request compute while the others wait for it.
	computeMu sync.Mutex
}

const keyEvery = 250 * time.Millisecond

// stateKey changes whenever any record changes. Anonymous readers take the
// key read in the last keyEvery; a signed-in reader (an editor who has just
// saved) has it read afresh.
func (p *Site) stateKey(ctx context.Context, fresh bool) (string, error) {
	c := p.home
	now := time.Now()
	c.mu.Lock()
	if c.key != "" && now.Sub(c.keyRead) < keyEvery && !fresh {
		k := c.key
		c.mu.Unlock()
		return k, nil
	}
	c.mu.Unlock()
	var key string
	if p.log != nil {
		cp, err := p.log.Checkpoint(ctx)
		if err != nil {
			return "", err
		}
		key = fmt.Sprintf("%x", sha256.Sum256(cp))
	} else {
		counts, err := p.store.Count(ctx)
		if err != nil {
			return "", err
		}
		key = fmt.Sprint(counts)
	}
	c.mu.Lock()
	c.key, c.keyRead = key, now
	c.mu.Unlock()
	return key, nil
}

// state returns the figures for the current state of the records. A reader
// who may take a stale answer (anonymous readers) gets the previous figures
// while one goroutine computes the new ones; the others (editors, who must
// see what they just saved) wait for the new figures.
func (p *Site) state(ctx context.Context, staleOK bool) (*homeData, error) {
	key, err := p.stateKey(ctx, !staleOK)
	if err != nil {
		return nil, err
	}
	c := p.home
	c.mu.Lock()
	d := c.data
	if d != nil && d.key == key {
		c.mu.Unlock()
		return d, nil
	}
	if d != nil && staleOK {
		if !c.refreshing {
			c.refreshing = true
			go func() {
				// Not the request's context: the refresh outlives it.
				_, err := p.refresh(context.Background(), key)
				if err != nil {
					p.logger.Error("refresh figures", "err", err)
				}
				c.mu.Lock()
				c.refreshing = false
				c.mu.Unlock()
			}()
		}
		c.mu.Unlock()
		return d, nil
	}
	c.mu.Unlock()
	return p.refresh(ctx, key)
}

// refresh computes the figures for key, once however many ask at once.
func (p *Site) refresh(ctx context.Context, key string) (*homeData, error) {
	c := p.home
	c.computeMu.Lock()
	defer c.computeMu.Unlock()
	c.mu.Lock()
	if c.data != nil && c.data.key == key {
		d := c.data
		c.mu.Unlock()
		return d, nil
	}
	c.mu.Unlock()
	d, err := p.computeHome(ctx, key)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.data = d
	if c.pages == nil {
		c.pages = map[string][]byte{}
	}
	c.mu.Unlock()
	return d, nil
}

func (p *Site) computeHome(ctx context.Context, key string) (*homeData, error) {
	s := p.store
	d := &homeData{key: key}
	// The figures are the dashboard's, pinned to the latest checkpoint, so
	// that the home page and /stats agree.
	st, err := p.figures.Pinned(ctx, -1, time.Time{})
	if err != nil {
		return nil, err
	}
	d.stats, d.checkpoint = st.Stats, st.Checkpoint
	if d.official, err = p.officialToll(ctx); err != nil {
		return nil, err
	}
	if d.official != nil {
		if src, err := s.Get(ctx, qantar.KindSource, d.official.SourceID); err == nil {
			d.source = src.(*qantar.Source)
		}
	}
	for _, k := range qantar.Kinds {
		recs, _, err := s.List(ctx, k, qantar.Filter{Sort: "-updated_at", Limit: 10, Reader: qantar.System})
		if err != nil {
			return nil, err
		}
		d.latest = append(d.latest, recs...)
	}
	sort.SliceStable(d.latest, func(i, j int) bool {
		return d.latest[i].GetMeta().UpdatedAt.After(d.latest[j].GetMeta().UpdatedAt)
	})
	return d, nil
}

// officialToll is the official death toll: the latest official count of
// deaths for the whole event (the figures of measure "deaths" only, through
// their index).
func (p *Site) officialToll(ctx context.Context) (*qantar.Figure, error) {
	recs, err := qantar.ListAll(ctx, p.store, qantar.KindFigure, qantar.Filter{Where: map[string]string{"measure": "deaths"}, Reader: qantar.System})
	if err != nil {
		return nil, err
	}
	var out *qantar.Figure
	for _, rec := range recs {
		f := rec.(*qantar.Figure)
		if f.Official && f.PlaceID == 0 && (out == nil || out.AsOf.Before(f.AsOf)) {
			out = f
		}
	}
	return out, nil
}

// recordCache keeps records read by pages until the next write (the state
// key changes), so that a page naming twenty events and places reads them
// from memory. Records are kept as stored; every use passes them through
// visible for its reader. They are shared, so no page may change them.
type recordCache struct {
	mu    sync.Mutex
	key   string
	m     map[recordKey]qantar.Record
	lists map[string]listResult
}

// listResult is one cached answer of the store's List.
type listResult struct {
	recs  []qantar.Record
	total int
}

type recordKey struct {
	kind qantar.Kind
	id   int64
}

const maxCachedRecords = 100_000

// getCached returns a record as stored, from the cache when it has been
// read since the last write.
func (p *Site) getCached(ctx context.Context, reader qantar.Actor, kind qantar.Kind, id int64) (qantar.Record, error) {
	key, err := p.stateKey(ctx, reader.ID != "")
	if err != nil {
		return nil, err
	}
	c := &p.records
	k := recordKey{kind, id}
	c.mu.Lock()
	c.reset(key)
	rec, ok := c.m[k]
	c.mu.Unlock()
	if ok {
		return rec, nil
	}
	rec, err = p.store.Get(ctx, kind, id)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.key == key {
		c.m[k] = rec
	}
	c.mu.Unlock()
	return rec, nil
}

// reset empties the cache when the state changed or it grew too large; the
// caller holds c.mu.
func (c *recordCache) reset(key string) {
	if c.key != key || len(c.m)+len(c.lists) > maxCachedRecords {
		c.key, c.m, c.lists = key, map[recordKey]qantar.Record{}, map[string]listResult{}
	}
}

// listCached is the store's List, cached until the next write. The answer
// depends on the reader only through what they may see, so it is cached per
// level of trust; the records are shared and never changed.
func (p *Site) listCached(ctx context.Context, kind qantar.Kind, f qantar.Filter) ([]qantar.Record, int, error) {
	where := make([]string, 0, len(f.Where))
	for k, v := range f.Where {
		where = append(where, k+"="+v)
	}
	sort.Strings(where)
	lk := fmt.Sprintf("%s|%q|%q|%s|%d|%d|%d|%v|%s", kind, where, f.Q, f.Sort, f.Limit, f.Offset, f.After, f.WithDeleted, trustOf(f.Reader))
	return p.cachedList(ctx, f.Reader, lk, func() ([]qantar.Record, int, error) { return p.store.List(ctx, kind, f) })
}

// trustOf is what a cached answer for reader depends on: the projection
// they see.
func trustOf(reader qantar.Actor) string {
	return fmt.Sprint(reader.CanSee(qantar.Restricted), reader.CanSee(qantar.Confidential))
}

// cachedList returns the answer kept under lk since the last write, else
// load's, which it keeps.
func (p *Site) cachedList(ctx context.Context, reader qantar.Actor, lk string, load func() ([]qantar.Record, int, error)) ([]qantar.Record, int, error) {
	key, err := p.stateKey(ctx, reader.ID != "")
	if err != nil {
		return nil, 0, err
	}
	c := &p.records
	c.mu.Lock()
	c.reset(key)
	res, ok := c.lists[lk]
	c.mu.Unlock()
	if ok {
		return res.recs, res.total, nil
	}
	recs, total, err := load()
	if err != nil {
		return nil, 0, err
	}
	c.mu.Lock()
	if c.key == key {
		c.lists[lk] = listResult{recs, total}
	}
	c.mu.Unlock()
	return recs, total, nil
}

// listAllCached is qantar.ListAll through listCached: every live record of
// a kind that f selects, as f.Reader sees them, in the order of ids, a page
// at a time after the last id, each page cached until the next write.
func (p *Site) listAllCached(ctx context.Context, kind qantar.Kind, f qantar.Filter) ([]qantar.Record, error) {
	f.Sort, f.Limit, f.Offset, f.After = "id", qantar.MaxLimit, 0, 0
	var out []qantar.Record
	for {
		page, _, err := p.listCached(ctx, kind, f)
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if len(page) < qantar.MaxLimit {
			return out, nil
		}
		last := page[len(page)-1].GetMeta().ID
		if last <= f.After {
			return nil, fmt.Errorf("list %s: the store does not read after id %d", kind, f.After)
		}
		f.After = last
	}
}
