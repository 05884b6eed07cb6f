package site

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/qantar-project/qantar"
)

// TestFeedCacheMakesOnce: requests for one feed at one state make it once,
// however many come at the same time; a new state makes it again; a
// failure is not kept.
func TestFeedCacheMakesOnce(t *testing.T) {
	var c feedCache
	var made atomic.Int32
	k := feedKey{kind: qantar.KindPerson, id: 7, lang: "ru"}
	build := func() ([]byte, error) {
		made.Add(1)
		time.Sleep(50 * time.Millisecond)
		return []byte("feed"), nil
	}
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if b, err := c.get("s1", k, build); err != nil || string(b) != "feed" {
				t.Errorf("get: %q, %v", b, err)
			}
		}()
	}
	wg.Wait()
	if n := made.Load(); n != 1 {
		t.Errorf("10 requests at once made the feed %d times, want 1", n)
	}
	c.get("s1", k, build)
	c.get("s2", k, build)
	if n := made.Load(); n != 2 {
		t.Errorf("made %d times after a new state, want 2", n)
	}
	fail := func() ([]byte, error) { made.Add(1); return nil, errors.New("store down") }
	if _, err := c.get("s3", k, fail); err == nil {
		t.Fatal("a failure was not returned")
	}
	c.get("s3", k, build)
	if n := made.Load(); n != 4 {
		t.Errorf("a failure was kept: made %d times, want 4", n)
	}
}
