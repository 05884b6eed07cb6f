package storetest

import (
	"bytes"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/qantar-project/qantar"
)

// TOTPStepOnce checks a store's UseTOTPStep: of many concurrent uses of one
// step exactly one wins, a step no later than the last used never does, and
// UpdateUser never lowers it.
// RunEngine runs it on a store of its own.
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

func testUsers(t *testing.T, e Engine) {
	now := time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC)
	db := openEngine(t, e, e.New(t), Options{Now: func() time.Time { return now }})
	u := &qantar.User{Name: "aigerim", Role: qantar.RoleEditor, PasswordHash: "$argon2id$x", TOTPSecret: "JBSWY3DPEHPK3PXP"}
	if err := db.CreateUser(ctx(), u); err != nil {
		t.Fatal(err)
	}
	if u.ID == 0 || !u.CreatedAt.Equal(now) {
		t.Fatalf("created user = %+v", u)
	}
	t.Run("ErrNameTaken", func(t *testing.T) {
		err := db.CreateUser(ctx(), &qantar.User{Name: "aigerim", Role: qantar.RoleViewer, PasswordHash: "h"})
		if qantar.ErrorCode(err) != qantar.ECONFLICT || qantar.ErrorField(err) != "name" {
			t.Fatalf("err = %v, want conflict on name", err)
		}
	})
	t.Run("ErrEditorWithoutTOTP", func(t *testing.T) {
		err := db.CreateUser(ctx(), &qantar.User{Name: "b", Role: qantar.RoleEditor, PasswordHash: "h"})
		if qantar.ErrorField(err) != "totp" {
			t.Fatalf("err = %v, want totp field", err)
		}
	})
	t.Run("ErrBadRole", func(t *testing.T) {
		err := db.CreateUser(ctx(), &qantar.User{Name: "c", Role: "root", PasswordHash: "h"})
		if qantar.ErrorField(err) != "role" {
			t.Fatalf("err = %v, want role field", err)
		}
	})
	t.Run("UpdateAndFind", func(t *testing.T) { testUpdateAndFindUser(t, db, u, now) })
	t.Run("StepNeverBack", func(t *testing.T) { testStepNeverBack(t, db, u) })
	t.Run("ListByteOrder", func(t *testing.T) { testListUsersOrder(t, e) })
	t.Run("Sessions", func(t *testing.T) {
		h := bytes.Repeat([]byte{7}, 32)
		if err := db.CreateSession(ctx(), qantar.Session{Hash: h, UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		s, su, err := db.SessionByHash(ctx(), h, now.Add(time.Minute))
		if err != nil || su.ID != u.ID || s.UserID != u.ID {
			t.Fatalf("session = %+v %+v %v", s, su, err)
		}
		if _, _, err := db.SessionByHash(ctx(), h, now.Add(2*time.Hour)); qantar.ErrorCode(err) != qantar.EUNAUTHORIZED {
			t.Fatalf("expired session: %v", err)
		}
		if err := db.DeleteUserSessions(ctx(), u.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.SessionByHash(ctx(), h, now); qantar.ErrorCode(err) != qantar.ENOTFOUND {
			t.Fatalf("deleted session: %v", err)
		}
	})
	t.Run("Audit", func(t *testing.T) {
		for _, a := range []string{qantar.AuditSignIn, qantar.AuditExport, qantar.AuditView} {
			if err := db.AppendAudit(ctx(), qantar.AuditEntry{Actor: "user:1", Action: a, Kind: qantar.KindPerson, RecordID: 3}); err != nil {
				t.Fatal(err)
			}
		}
		list, total, err := db.ListAudit(ctx(), 2, 0)
		if err != nil || total != 3 || len(list) != 2 || list[0].Action != qantar.AuditView || list[0].Kind != qantar.KindPerson {
			t.Fatalf("audit = %+v %d %v", list, total, err)
		}
	})
}

func testUpdateAndFindUser(t *testing.T, db EngineStore, u *qantar.User, now time.Time) {
	u.TOTPLastStep = 42
	d := now.Add(time.Hour)
	u.DisabledAt = &d
	if err := db.UpdateUser(ctx(), u); err != nil {
		t.Fatal(err)
	}
	if err := db.UpdateUser(ctx(), &qantar.User{ID: 99, Name: "x", Role: qantar.RoleViewer, PasswordHash: "h"}); qantar.ErrorCode(err) != qantar.ENOTFOUND {
		t.Fatalf("update of a missing user: %v", err)
	}
	got, err := db.UserByName(ctx(), "aigerim")
	if err != nil {
		t.Fatal(err)
	}
	if got.TOTPLastStep != 42 || got.DisabledAt == nil || !got.DisabledAt.Equal(d) || got.PasswordHash != u.PasswordHash {
		t.Fatalf("got %+v", got)
	}
	if _, err := db.UserByName(ctx(), "nobody"); qantar.ErrorCode(err) != qantar.ENOTFOUND {
		t.Fatalf("unknown user: %v", err)
	}
	list, err := db.ListUsers(ctx())
	if err != nil || len(list) != 1 {
		t.Fatalf("list = %v, %v", list, err)
	}
}

// testStepNeverBack: an update that carries an older TOTP step than the
// one stored keeps the stored one (a replayed code stays refused).
func testStepNeverBack(t *testing.T, db EngineStore, u *qantar.User) {
	stored, err := db.UserByID(ctx(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	old := *stored
	old.TOTPLastStep = stored.TOTPLastStep - 1
	if err := db.UpdateUser(ctx(), &old); err != nil {
		t.Fatal(err)
	}
	if got, err := db.UserByID(ctx(), u.ID); err != nil || got.TOTPLastStep != stored.TOTPLastStep {
		t.Fatalf("after an update with step %d: %+v, %v; want step %d kept", old.TOTPLastStep, got, err, stored.TOTPLastStep)
	}
}

// testListUsersOrder: users are listed by name in byte order on every
// engine (capitals before small letters, Latin before Cyrillic).
func testListUsersOrder(t *testing.T, e Engine) {
	db := openEngine(t, e, e.New(t), Options{})
	for _, name := range []string{"Ерлан", "bolat", "Zarina", "aigerim", "Айгерим"} {
		if err := db.CreateUser(ctx(), &qantar.User{Name: name, Role: qantar.RoleViewer, PasswordHash: "h"}); err != nil {
			t.Fatal(err)
		}
	}
	list, err := db.ListUsers(ctx())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, u := range list {
		got = append(got, u.Name)
	}
	if want := []string{"Zarina", "aigerim", "bolat", "Айгерим", "Ерлан"}; !slices.Equal(got, want) {
		t.Fatalf("ListUsers = %q, want %q", got, want)
	}
}
