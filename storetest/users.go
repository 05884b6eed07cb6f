package storetest

import (
	"sync"
	"sync/atomic"
	"testing"

	"github.com/qantar-project/qantar"
)

// TOTPStepOnce checks a store's UseTOTPStep: of many concurrent uses of one
// step exactly one wins, a step no later than the last used never does, and
// UpdateUser never lowers it.
// Each store's users test calls it with a store of its own.
func TOTPStepOnce(t *testing.T, users qantar.UserService) {
	u := &qantar.User{Name: "totp-once", Role: qantar.RoleEditor, PasswordHash: "$argon2id$x", TOTPSecret: "JBSWY3DPEHPK3PXP"}
	if err := users.CreateUser(ctx(), u); err != nil {
		t.Fatal(err)
	}
	const step = 59_000_000
	var won atomic.Int32
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			ok, err := users.UseTOTPStep(ctx(), u.ID, step)
			if err != nil {
				t.Error(err)
			}
			if ok {
				won.Add(1)
			}
		})
	}
	wg.Wait()
	if won.Load() != 1 {
		t.Fatalf("%d concurrent uses of one step won, want 1", won.Load())
	}
	for _, tc := range []struct {
		id, step int64
		want     bool
	}{{u.ID, step, false}, {u.ID, step - 1, false}, {u.ID, step + 1, true}, {u.ID + 1000, step + 5, false}} {
		if ok, err := users.UseTOTPStep(ctx(), tc.id, tc.step); err != nil || ok != tc.want {
			t.Errorf("UseTOTPStep(user %d, step %d) = %v, %v; want %v", tc.id, tc.step, ok, err, tc.want)
		}
	}
	// An update from a copy read before those steps were used (an admin's
	// change of role) keeps the last step.
	u.Role = qantar.RoleAdmin
	if err := users.UpdateUser(ctx(), u); err != nil {
		t.Fatal(err)
	}
	if got, err := users.UserByID(ctx(), u.ID); err != nil || got.TOTPLastStep != step+1 {
		t.Errorf("last step stored = %v, %v; want %d", got, err, step+1)
	}
}
