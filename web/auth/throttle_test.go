package auth

import (
	"context"
	"fmt"
	"testing"
	"time"
)

func TestThrottleLimits(t *testing.T) {
	now := time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC)
	th := newThrottle(func() time.Time { return now })
	for i := range throttleAccount {
		if a, _ := th.Reserve("aigerim", "10.0.0.1"); a == nil {
			t.Fatalf("try %d refused", i+1)
		}
	}
	if a, wait := th.Reserve("aigerim", "10.0.0.2"); a != nil || wait != throttleWindow {
		t.Fatalf("sixth try on the account: %v, wait %v", a, wait)
	}
	t.Run("CancelTakesBack", func(t *testing.T) {
		a, _ := th.Reserve("bolat", "10.0.0.3")
		a.Cancel()
		if len(th.keys) != 2 {
			t.Errorf("after a cancelled try %d keys are kept, want aigerim's two", len(th.keys))
		}
	})
	t.Run("SucceedForgetsAccount", func(t *testing.T) {
		for range throttleAccount - 1 {
			th.Reserve("dana", "10.0.0.4")
		}
		a, _ := th.Reserve("dana", "10.0.0.4")
		a.Succeed()
		if b, _ := th.Reserve("dana", "10.0.0.4"); b == nil {
			t.Error("a sign-in after a success was refused")
		}
	})
	t.Run("Expiry", func(t *testing.T) {
		now = now.Add(throttleWindow + time.Second)
		if a, _ := th.Reserve("aigerim", "10.0.0.1"); a == nil {
			t.Error("tries older than the window still count")
		}
	})
	t.Run("AddressLimit", func(t *testing.T) {
		for i := range throttleAddress {
			if a, _ := th.Reserve(fmt.Sprint("name", i), "10.9.9.9"); a == nil {
				t.Fatalf("try %d from one address refused", i+1)
			}
		}
		if a, _ := th.Reserve("another", "10.9.9.9"); a != nil {
			t.Error("an address past its limit may still try")
		}
	})
}

// TestThrottleBounded: a flood of addresses keeps at most max keys, drops
// the least recently tried (not all of them), and lets expired keys go first.
func TestThrottleBounded(t *testing.T) {
	now := time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC)
	th := newThrottle(func() time.Time { return now })
	th.max = 1000
	for i := range 10_000 {
		now = now.Add(time.Millisecond)
		th.Reserve("guess", fmt.Sprint("addr", i))
		if i%100 == 0 {
			for range throttleAccount {
				th.Reserve("watched", "10.0.0.1") // kept recent
			}
		}
		if len(th.keys) > th.max || th.order.Len() != len(th.keys) {
			t.Fatalf("after %d addresses: %d keys, %d in order (max %d)", i+1, len(th.keys), th.order.Len(), th.max)
		}
	}
	if a, _ := th.Reserve("watched", "10.0.0.1"); a != nil {
		t.Error("the flood reset a recently throttled account")
	}
	now = now.Add(throttleWindow + time.Second)
	th.Reserve("late", "10.0.0.2")
	if len(th.keys) != 2 {
		t.Errorf("%d keys after everything expired, want the new two", len(th.keys))
	}
}

// TestHashGate: a full gate turns a check away as busy instead of hashing.
func TestHashGate(t *testing.T) {
	g := newHashGate()
	for range cap(g.slots) {
		g.slots <- struct{}{}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := g.check(ctx, dummyHash, "x"); err != ErrBusy {
		t.Fatalf("check with no free turn: %v, want ErrBusy", err)
	}
	<-g.slots
	if ok, err := g.check(context.Background(), dummyHash, "no account has this password"); !ok || err != nil {
		t.Fatalf("check with a free turn: %v, %v", ok, err)
	}
}
