package sqlite_test

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/sqlite"
	"github.com/qantar-project/qantar/storetest"
)

func openUsers(t *testing.T, now func() time.Time) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "users.db"), sqlite.Options{Synchronous: "NORMAL", Now: now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestUsers(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC)
	db := openUsers(t, func() time.Time { return now })
	u := &qantar.User{Name: "aigerim", Role: qantar.RoleEditor, PasswordHash: "$argon2id$x", TOTPSecret: "JBSWY3DPEHPK3PXP"}
	if err := db.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if u.ID == 0 || !u.CreatedAt.Equal(now) {
		t.Fatalf("created user = %+v", u)
	}
	t.Run("ErrNameTaken", func(t *testing.T) {
		err := db.CreateUser(ctx, &qantar.User{Name: "aigerim", Role: qantar.RoleViewer, PasswordHash: "h"})
		if qantar.ErrorCode(err) != qantar.ECONFLICT || qantar.ErrorField(err) != "name" {
			t.Fatalf("err = %v, want conflict on name", err)
		}
	})
	t.Run("ErrEditorWithoutTOTP", func(t *testing.T) {
		err := db.CreateUser(ctx, &qantar.User{Name: "b", Role: qantar.RoleEditor, PasswordHash: "h"})
		if qantar.ErrorField(err) != "totp" {
			t.Fatalf("err = %v, want totp field", err)
		}
	})
	t.Run("ErrBadRole", func(t *testing.T) {
		err := db.CreateUser(ctx, &qantar.User{Name: "c", Role: "root", PasswordHash: "h"})
		if qantar.ErrorField(err) != "role" {
			t.Fatalf("err = %v, want role field", err)
		}
	})
	t.Run("UpdateAndFind", func(t *testing.T) {
		u.TOTPLastStep = 42
		d := now.Add(time.Hour)
		u.DisabledAt = &d
		if err := db.UpdateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		got, err := db.UserByName(ctx, "aigerim")
		if err != nil {
			t.Fatal(err)
		}
		if got.TOTPLastStep != 42 || got.DisabledAt == nil || !got.DisabledAt.Equal(d) || got.PasswordHash != u.PasswordHash {
			t.Fatalf("got %+v", got)
		}
		if _, err := db.UserByName(ctx, "nobody"); qantar.ErrorCode(err) != qantar.ENOTFOUND {
			t.Fatalf("unknown user: %v", err)
		}
		list, err := db.ListUsers(ctx)
		if err != nil || len(list) != 1 {
			t.Fatalf("list = %v, %v", list, err)
		}
	})
	t.Run("Sessions", func(t *testing.T) {
		h := bytes.Repeat([]byte{7}, 32)
		if err := db.CreateSession(ctx, qantar.Session{Hash: h, UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		s, su, err := db.SessionByHash(ctx, h, now.Add(time.Minute))
		if err != nil || su.ID != u.ID || s.UserID != u.ID {
			t.Fatalf("session = %+v %+v %v", s, su, err)
		}
		if _, _, err := db.SessionByHash(ctx, h, now.Add(2*time.Hour)); qantar.ErrorCode(err) != qantar.EUNAUTHORIZED {
			t.Fatalf("expired session: %v", err)
		}
		if err := db.DeleteUserSessions(ctx, u.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.SessionByHash(ctx, h, now); qantar.ErrorCode(err) != qantar.ENOTFOUND {
			t.Fatalf("deleted session: %v", err)
		}
	})
	t.Run("Audit", func(t *testing.T) {
		for _, a := range []string{qantar.AuditSignIn, qantar.AuditExport, qantar.AuditView} {
			if err := db.AppendAudit(ctx, qantar.AuditEntry{Actor: "user:1", Action: a, Kind: qantar.KindPerson, RecordID: 3}); err != nil {
				t.Fatal(err)
			}
		}
		list, total, err := db.ListAudit(ctx, 2, 0)
		if err != nil || total != 3 || len(list) != 2 || list[0].Action != qantar.AuditView || list[0].Kind != qantar.KindPerson {
			t.Fatalf("audit = %+v %d %v", list, total, err)
		}
	})
}

// TestUseTOTPStep: one TOTP step signs in once, however many requests bring
// it at the same moment.
func TestUseTOTPStep(t *testing.T) {
	storetest.TOTPStepOnce(t, openUsers(t, nil))
}
