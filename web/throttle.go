package web

import (
	"sync"
	"time"
)

// Sign-in limits: failures allowed in the window, per account and per
// address. An address is shared by many readers behind Tor or a mobile
// carrier's NAT, so its limit is higher than an account's.
const (
	throttleWindow     = 15 * time.Minute
	throttleAccount    = 5
	throttleAddress    = 30
	throttleMaxEntries = 100_000
)

// throttle counts failed sign-ins in memory. A restart forgets them; one
// server is the deployment this is built for (several servers behind one
// database would each keep their own count).
type throttle struct {
	mu   sync.Mutex
	now  func() time.Time
	fail map[string][]time.Time
}

func newThrottle(now func() time.Time) *throttle {
	if now == nil {
		now = time.Now
	}
	return &throttle{now: now, fail: map[string][]time.Time{}}
}

// recent returns the failures of key still in the window.
func (t *throttle) recent(key string) []time.Time {
	cut := t.now().Add(-throttleWindow)
	list := t.fail[key]
	i := 0
	for i < len(list) && list[i].Before(cut) {
		i++
	}
	list = list[i:]
	if len(list) == 0 {
		delete(t.fail, key)
	} else {
		t.fail[key] = list
	}
	return list
}

// Blocked reports whether the account or the address has used up its
// failures, and when the oldest of them leaves the window.
func (t *throttle) Blocked(account, addr string) (bool, time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, k := range []struct {
		key   string
		limit int
	}{{"a:" + account, throttleAccount}, {"i:" + addr, throttleAddress}} {
		if l := t.recent(k.key); len(l) >= k.limit {
			return true, l[0].Add(throttleWindow).Sub(t.now())
		}
	}
	return false, 0
}

// Fail records a failed sign-in.
func (t *throttle) Fail(account, addr string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.fail) > throttleMaxEntries {
		// Under a flood of names, forget the oldest state rather than grow.
		clear(t.fail)
	}
	now := t.now()
	t.fail["a:"+account] = append(t.recent("a:"+account), now)
	t.fail["i:"+addr] = append(t.recent("i:"+addr), now)
}

// Succeed forgets an account's failures.
func (t *throttle) Succeed(account string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.fail, "a:"+account)
}
