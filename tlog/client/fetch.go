package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/qantar-project/qantar/tlog"
)

// fetcher gets resources of one mirror.
type fetcher struct {
	client *http.Client
	base   string
}

// get fetches base+path, which must answer 200 with at most max bytes.
func (f *fetcher) get(ctx context.Context, path string, max int64) ([]byte, error) {
	url := f.base + path
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("mirror URL %q: %w", f.base, err)
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, max+1))
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", url, err)
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("GET %s: more than %d bytes", url, max)
	}
	return b, nil
}

// maxResource bounds a tile or bundle: a full bundle of the largest entries.
const maxResource = tlog.TileWidth * (2 + tlog.MaxEntrySize)

type fetched struct {
	body []byte
	err  error
}

// queue hands out fetched resources in the order they were asked for,
// while up to `parallel` later ones are being fetched.
type queue chan chan fetched

func (q queue) next(ctx context.Context) ([]byte, error) {
	select {
	case ch, ok := <-q:
		if !ok {
			return nil, errors.New("client: fetch queue closed early")
		}
		select {
		case r := <-ch:
			return r.body, r.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// prefetch starts fetching paths in order, at most parallel at a time ahead
// of the reader. Cancel ctx to stop it.
func (f *fetcher) prefetch(ctx context.Context, paths []string, parallel int) queue {
	q := make(queue, parallel)
	go func() {
		defer close(q)
		for _, p := range paths {
			ch := make(chan fetched, 1)
			select {
			case q <- ch:
			case <-ctx.Done():
				return
			}
			go func() {
				body, err := f.get(ctx, tlog.PathTilePrefix+p, maxResource)
				ch <- fetched{body, err}
			}()
		}
	}()
	return q
}
