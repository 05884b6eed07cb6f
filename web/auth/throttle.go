package auth

import (
	"container/list"
	"sync"
	"time"
)

// Sign-in limits: attempts allowed in the window, per account and per
// address. An address is shared by many readers behind Tor or a mobile
// carrier's NAT, so its limit is higher than an account's.
const (
	throttleWindow     = 15 * time.Minute
	throttleAccount    = 5
	throttleAddress    = 30
	throttleMaxEntries = 100_000
)

// throttle counts sign-in attempts in memory. An attempt is reserved before
// its password is hashed and counts as a failure until it succeeds, so that
// concurrent tries cannot all pass the check before any is counted. At most
// max keys are kept: the least recently tried go first (expired ones
// before any other). A restart forgets them; one server is the deployment
// this is built for (several servers behind one database would each keep
// their own count).
type throttle struct {
	mu    sync.Mutex
	now   func() time.Time
	max   int
	keys  map[string]*list.Element // of *tries
	order *list.List               // least recently tried first
}

// tries are the attempts of one key in the window, oldest first.
type tries struct {
	key string
	at  []time.Time
}

func newThrottle(now func() time.Time) *throttle {
	if now == nil {
		now = time.Now
	}
	return &throttle{now: now, max: throttleMaxEntries, keys: map[string]*list.Element{}, order: list.New()}
}

// Attempt is one reserved sign-in.
type Attempt struct {
	t             *throttle
	account, addr string
	at            time.Time
}

// Reserve counts a sign-in attempt against the account and the address, or
// reports that one of them has used up its attempts and how long until the
// oldest leaves the window.
func (t *throttle) Reserve(account, addr string) (*Attempt, time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	a := &Attempt{t: t, account: "a:" + account, addr: "i:" + addr, at: now}
	for _, k := range []struct {
		key   string
		limit int
	}{{a.account, throttleAccount}, {a.addr, throttleAddress}} {
		if e := t.live(k.key, now); e != nil && len(e.at) >= k.limit {
			return nil, e.at[0].Add(throttleWindow).Sub(now)
		}
	}
	t.add(a.account, now)
	t.add(a.addr, now)
	return a, 0
}

// Succeed forgets the account's failures and the attempt's count against
// its address.
func (a *Attempt) Succeed() {
	a.t.mu.Lock()
	defer a.t.mu.Unlock()
	a.t.remove(a.account)
	a.t.forget(a.addr, a.at)
}

// Cancel takes back an attempt that was never judged (the server was busy
// or failed).
func (a *Attempt) Cancel() {
	a.t.mu.Lock()
	defer a.t.mu.Unlock()
	a.t.forget(a.account, a.at)
	a.t.forget(a.addr, a.at)
}

// live returns the tries of key still in the window, nil if none.
func (t *throttle) live(key string, now time.Time) *tries {
	el, ok := t.keys[key]
	if !ok {
		return nil
	}
	e := el.Value.(*tries)
	cut := now.Add(-throttleWindow)
	i := 0
	for i < len(e.at) && e.at[i].Before(cut) {
		i++
	}
	if e.at = e.at[i:]; len(e.at) == 0 {
		t.remove(key)
		return nil
	}
	return e
}

// add counts an attempt of key at now, making room first.
func (t *throttle) add(key string, now time.Time) {
	if el, ok := t.keys[key]; ok {
		e := el.Value.(*tries)
		e.at = append(e.at, now)
		t.order.MoveToBack(el)
		return
	}
	t.evict(now)
	t.keys[key] = t.order.PushBack(&tries{key: key, at: []time.Time{now}})
}

// evict drops keys whose last try left the window, then the least recently
// tried while there are max of them.
func (t *throttle) evict(now time.Time) {
	cut := now.Add(-throttleWindow)
	for el := t.order.Front(); el != nil; el = t.order.Front() {
		e := el.Value.(*tries)
		if t.order.Len() < t.max && !e.at[len(e.at)-1].Before(cut) {
			return
		}
		t.remove(e.key)
	}
}

// forget takes one attempt at the time at off key.
func (t *throttle) forget(key string, at time.Time) {
	el, ok := t.keys[key]
	if !ok {
		return
	}
	e := el.Value.(*tries)
	for i := len(e.at) - 1; i >= 0; i-- {
		if e.at[i].Equal(at) {
			e.at = append(e.at[:i], e.at[i+1:]...)
			break
		}
	}
	if len(e.at) == 0 {
		t.remove(key)
	}
}

func (t *throttle) remove(key string) {
	if el, ok := t.keys[key]; ok {
		t.order.Remove(el)
		delete(t.keys, key)
	}
}
