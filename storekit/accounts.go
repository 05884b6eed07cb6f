package storekit

import (
	"fmt"
	"time"

	"github.com/qantar-project/qantar"
)

// What both stores decide alike about tokens, users, sessions and repairs
// around the row each reads or writes.

// NewToken checks a new token's name and role and makes its secret: the
// name as stored, the secret (shown once) and the hash that is stored.
func NewToken(name, role string) (clean, secret string, hash []byte, err error) {
	if clean, err = qantar.CheckNewToken(name, role); err != nil {
		return "", "", nil, err
	}
	secret, hash = qantar.NewTokenSecret()
	return clean, secret, hash, nil
}

// Authenticated is the actor of the token row read by a secret's hash:
// noRows says none was found, err is the read's error.
func Authenticated(id int64, name, role string, revoked, noRows bool, err error) (qantar.Actor, error) {
	if noRows || revoked {
		return qantar.Actor{}, qantar.Errorf(qantar.EUNAUTHORIZED, "unknown or revoked token")
	} else if err != nil {
		return qantar.Actor{}, fmt.Errorf("authenticate: %w", err)
	}
	return qantar.TokenActor(id, name, role), nil
}

// Changed is the outcome of a statement meant to change a row: its error
// said as doing, or missing when it changed none (n rows).
func Changed(n int64, err error, doing string, missing error) error {
	if err != nil {
		return fmt.Errorf("%s: %w", doing, err)
	}
	if n == 0 {
		return missing
	}
	return nil
}

// Found is the outcome of reading one row into v: missing when there was
// none (noRows), its error said as doing.
func Found[T any](v T, err error, noRows bool, missing error, doing string) (T, error) {
	var zero T
	if noRows {
		return zero, missing
	} else if err != nil {
		return zero, fmt.Errorf("%s: %w", doing, err)
	}
	return v, nil
}

// UTC returns t in UTC, nil for nil: a stored time as both stores give it.
func UTC(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// CheckRepair refuses a repair without a reason or of a database open
// read-only.
func CheckRepair(why string, readOnly bool) error {
	if err := qantar.CheckRepairReason(why); err != nil {
		return err
	}
	if readOnly {
		return qantar.Errorf(qantar.EINVALID, "the database is open read-only")
	}
	return nil
}

// CheckSession refuses a session without a hash or a user.
func CheckSession(s qantar.Session) error {
	if len(s.Hash) == 0 || s.UserID <= 0 {
		return qantar.Errorf(qantar.EINVALID, "a session needs a hash and a user")
	}
	return nil
}

// NameTaken is the refusal of a user whose name is taken.
func NameTaken(name string) error {
	return &qantar.Error{Code: qantar.ECONFLICT, Field: "name", Message: fmt.Sprintf("a user named %q already exists", name)}
}

// AuditLimit is the page of audit entries a store reads.
func AuditLimit(limit, offset int) (int, int) {
	if limit <= 0 || limit > qantar.MaxLimit {
		limit = qantar.MaxLimit
	}
	return limit, max(offset, 0)
}

// LiveSession refuses a session that has expired by now.
func LiveSession(s qantar.Session, now time.Time) error {
	if !now.Before(s.ExpiresAt) {
		return qantar.Errorf(qantar.EUNAUTHORIZED, "the session expired; sign in again")
	}
	return nil
}
