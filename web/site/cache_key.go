package site

import "context"

// PagesKey names the state of everything an anonymous page is made of: the
// state key (stateKey: read afresh when fresh, else the one read in the last
// keyEvery, as anonymous readers' pages are made) and the key of the figures the home page holds now, which may be
// older while they are computed again (state). A page answered under one
// PagesKey is never older than that key's state, so that a cache of answers
// by PagesKey (the root package's) never keeps an old page under a new key.
func (p *Site) PagesKey(ctx context.Context, fresh bool) (string, error) {
	key, err := p.stateKey(ctx, fresh)
	if err != nil {
		return "", err
	}
	c := p.home
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.data == nil {
		return "-|" + key, nil
	}
	return c.data.key + "|" + key, nil
}
