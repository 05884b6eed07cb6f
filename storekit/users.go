package storekit

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/qantar-project/qantar"
)

// Accounts is the tokens, users, sessions and audit log of a store, the
// same statements on either engine (qantar.UserService and the token
// methods of qantar.Service): a store embeds it over its connection.
type Accounts struct {
	SQL SQL              // the store's connection: writes and reads
	Now func() time.Time // the store's clock
}

var _ qantar.UserService = Accounts{}

// now is the store's clock to the microsecond that both engines keep.
func (a Accounts) now() time.Time { return a.Now().UTC().Truncate(time.Microsecond) }

// CreateToken stores a new token and returns it with its secret.
func (a Accounts) CreateToken(ctx context.Context, name, role string) (qantar.Token, string, error) {
	name, err := qantar.CheckNewToken(name, role)
	if err != nil {
		return qantar.Token{}, "", err
	}
	secret, hash := qantar.NewTokenSecret()
	t := qantar.Token{Name: name, Role: role, CreatedAt: a.now()}
	if err := a.SQL.QueryRow(ctx, `INSERT INTO tokens (name, role, hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
		name, role, hash, a.SQL.Time(t.CreatedAt)).Scan(&t.ID); err != nil {
		return qantar.Token{}, "", fmt.Errorf("create token: %w", err)
	}
	return t, secret, nil
}

// Authenticate returns the actor a token secret stands for.
func (a Accounts) Authenticate(ctx context.Context, secret string) (qantar.Actor, error) {
	var id int64
	var name, role string
	var revoked Time
	err := a.SQL.QueryRow(ctx, `SELECT id, name, role, revoked_at FROM tokens WHERE hash = $1`, qantar.HashTokenSecret(secret)).
		Scan(&id, &name, &role, &revoked)
	if a.SQL.NoRows(err) || (err == nil && revoked.Valid) {
		return qantar.Actor{}, qantar.Errorf(qantar.EUNAUTHORIZED, "unknown or revoked token")
	} else if err != nil {
		return qantar.Actor{}, fmt.Errorf("authenticate: %w", err)
	}
	return qantar.TokenActor(id, name, role), nil
}

// RevokeToken revokes a token; its past writes keep its id.
func (a Accounts) RevokeToken(ctx context.Context, id int64) error {
	n, err := a.SQL.Exec(ctx, `UPDATE tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL`, a.SQL.Time(a.now()), id)
	return changed(n, err, "revoke token", qantar.Errorf(qantar.ENOTFOUND, "no active token %d", id))
}

// ListTokens lists every token, without secrets.
func (a Accounts) ListTokens(ctx context.Context) ([]qantar.Token, error) {
	rows, err := a.SQL.Query(ctx, `SELECT id, name, role, created_at, revoked_at FROM tokens ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	var out []qantar.Token
	var t qantar.Token
	var created, revoked Time
	return out, Each(rows, []any{&t.ID, &t.Name, &t.Role, &created, &revoked}, func() error {
		t.CreatedAt, t.RevokedAt = created.T, revoked.Ptr()
		out = append(out, t)
		return nil
	})
}

// CreateUser stores a new user; a taken name is ECONFLICT.
func (a Accounts) CreateUser(ctx context.Context, u *qantar.User) error {
	if err := u.Validate(); err != nil {
		return err
	}
	now := a.now()
	err := a.SQL.QueryRow(ctx, `INSERT INTO users (name, role, password_hash, totp_secret, totp_last_step, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, u.Name, u.Role, u.PasswordHash, u.TOTPSecret, u.TOTPLastStep, a.SQL.Time(now)).Scan(&u.ID)
	if a.SQL.Unique(err) {
		return &qantar.Error{Code: qantar.ECONFLICT, Field: "name", Message: fmt.Sprintf("a user named %q already exists", u.Name)}
	} else if err != nil {
		return fmt.Errorf("create user: %w", err)
	}
	u.CreatedAt = now
	return nil
}

// UpdateUser stores a user's role, secrets and disabled time; the last
// TOTP step never goes back.
func (a Accounts) UpdateUser(ctx context.Context, u *qantar.User) error {
	if err := u.Validate(); err != nil {
		return err
	}
	n, err := a.SQL.Exec(ctx, `UPDATE users SET role = $1, password_hash = $2, totp_secret = $3,
		totp_last_step = CASE WHEN totp_last_step > $4 THEN totp_last_step ELSE $4 END, disabled_at = $5
		WHERE id = $6`, u.Role, u.PasswordHash, u.TOTPSecret, u.TOTPLastStep, NullTime(a.SQL, u.DisabledAt), u.ID)
	return changed(n, err, "update user", qantar.Errorf(qantar.ENOTFOUND, "no user %d", u.ID))
}

// UseTOTPStep stores step as the user's last TOTP step if it is later than
// the one stored, in one statement.
func (a Accounts) UseTOTPStep(ctx context.Context, userID, step int64) (bool, error) {
	n, err := a.SQL.Exec(ctx, `UPDATE users SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $1`, step, userID)
	if err != nil {
		return false, fmt.Errorf("use TOTP step: %w", err)
	}
	return n == 1, nil
}

// UserColumns are the columns of a user row, in the order ScanUser reads.
const UserColumns = `id, name, role, password_hash, totp_secret, totp_last_step, created_at, disabled_at`

// userRow is a user as a row is scanned into it.
type userRow struct {
	u                 qantar.User
	created, disabled Time
}

func (r *userRow) dest() []any {
	return []any{&r.u.ID, &r.u.Name, &r.u.Role, &r.u.PasswordHash, &r.u.TOTPSecret, &r.u.TOTPLastStep, &r.created, &r.disabled}
}

// ScanUser reads a row of UserColumns.
func ScanUser(row Row) (*qantar.User, error) {
	var r userRow
	if err := row.Scan(r.dest()...); err != nil {
		return nil, err
	}
	return r.user(), nil
}

func (r *userRow) user() *qantar.User {
	u := r.u
	u.CreatedAt, u.DisabledAt = r.created.T, r.disabled.Ptr()
	return &u
}

// user reads the user a column equals v; missing when there is none.
func (a Accounts) user(ctx context.Context, column string, v any, missing error, doing string) (*qantar.User, error) {
	u, err := ScanUser(a.SQL.QueryRow(ctx, `SELECT `+UserColumns+` FROM users WHERE `+column+` = $1`, v))
	if a.SQL.NoRows(err) {
		return nil, missing
	} else if err != nil {
		return nil, fmt.Errorf("%s: %w", doing, err)
	}
	return u, nil
}

// UserByID returns a user by id.
func (a Accounts) UserByID(ctx context.Context, id int64) (*qantar.User, error) {
	return a.user(ctx, "id", id, qantar.Errorf(qantar.ENOTFOUND, "no user %d", id), fmt.Sprintf("user %d", id))
}

// UserByName returns a user by name.
func (a Accounts) UserByName(ctx context.Context, name string) (*qantar.User, error) {
	return a.user(ctx, "name", name, qantar.Errorf(qantar.ENOTFOUND, "no user named %q", name), fmt.Sprintf("user %q", name))
}

// ListUsers lists every user by name, in byte order (SQLite's, and
// PostgreSQL's COLLATE "C"), sorted here so that both engines agree.
func (a Accounts) ListUsers(ctx context.Context) ([]*qantar.User, error) {
	rows, err := a.SQL.Query(ctx, `SELECT `+UserColumns+` FROM users`)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	var out []*qantar.User
	var r userRow
	if err := Each(rows, r.dest(), func() error { out = append(out, r.user()); return nil }); err != nil {
		return nil, err
	}
	sortUsers(out)
	return out, nil
}

// CreateSession stores a session.
func (a Accounts) CreateSession(ctx context.Context, s qantar.Session) error {
	if len(s.Hash) == 0 || s.UserID <= 0 {
		return qantar.Errorf(qantar.EINVALID, "a session needs a hash and a user")
	}
	_, err := a.SQL.Exec(ctx, `INSERT INTO sessions (hash, user_id, created_at, expires_at, addr) VALUES ($1, $2, $3, $4, $5)`,
		s.Hash, s.UserID, a.SQL.Time(s.CreatedAt), a.SQL.Time(s.ExpiresAt), s.Addr)
	return wrap(err, "create session")
}

// SessionByHash returns a live session and its user.
func (a Accounts) SessionByHash(ctx context.Context, hash []byte, now time.Time) (qantar.Session, *qantar.User, error) {
	s := qantar.Session{Hash: hash}
	var created, expires Time
	err := a.SQL.QueryRow(ctx, `SELECT user_id, created_at, expires_at, addr FROM sessions WHERE hash = $1`, hash).
		Scan(&s.UserID, &created, &expires, &s.Addr)
	if a.SQL.NoRows(err) {
		return s, nil, qantar.Errorf(qantar.ENOTFOUND, "no such session")
	} else if err != nil {
		return s, nil, fmt.Errorf("session: %w", err)
	}
	s.CreatedAt, s.ExpiresAt = created.T, expires.T
	if !now.Before(s.ExpiresAt) {
		return s, nil, qantar.Errorf(qantar.EUNAUTHORIZED, "the session expired; sign in again")
	}
	u, err := a.UserByID(ctx, s.UserID)
	if err != nil {
		return s, nil, err
	}
	return s, u, nil
}

// DeleteSession ends one session; ending one that is gone is not an error.
func (a Accounts) DeleteSession(ctx context.Context, hash []byte) error {
	_, err := a.SQL.Exec(ctx, `DELETE FROM sessions WHERE hash = $1`, hash)
	return wrap(err, "delete session")
}

// DeleteUserSessions ends every session of a user.
func (a Accounts) DeleteUserSessions(ctx context.Context, userID int64) error {
	_, err := a.SQL.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID)
	return wrap(err, "delete sessions")
}

// AppendAudit adds one line to the audit log, timed by the store's clock.
func (a Accounts) AppendAudit(ctx context.Context, e qantar.AuditEntry) error {
	if e.At.IsZero() {
		e.At = a.Now()
	}
	_, err := a.SQL.Exec(ctx, `INSERT INTO audit (at, actor, action, kind, record_id, addr, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		a.SQL.Time(e.At), e.Actor, e.Action, string(e.Kind), e.RecordID, e.Addr, e.Detail)
	return wrap(err, "audit")
}

// ListAudit returns audit entries newest first.
func (a Accounts) ListAudit(ctx context.Context, limit, offset int) ([]qantar.AuditEntry, int, error) {
	if limit <= 0 || limit > qantar.MaxLimit {
		limit = qantar.MaxLimit
	}
	var total int
	if err := a.SQL.QueryRow(ctx, `SELECT count(*) FROM audit`).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("audit: %w", err)
	}
	rows, err := a.SQL.Query(ctx, `SELECT id, at, actor, action, kind, record_id, addr, detail FROM audit
		ORDER BY id DESC LIMIT $1 OFFSET $2`, limit, max(offset, 0))
	if err != nil {
		return nil, 0, fmt.Errorf("audit: %w", err)
	}
	var out []qantar.AuditEntry
	var e qantar.AuditEntry
	var at Time
	var kind string
	err = Each(rows, []any{&e.ID, &at, &e.Actor, &e.Action, &kind, &e.RecordID, &e.Addr, &e.Detail}, func() error {
		e.At, e.Kind = at.T, qantar.Kind(kind)
		out = append(out, e)
		return nil
	})
	return out, total, err
}

// changed is the outcome of a statement meant to change a row: its error
// said as doing, or missing when it changed none (n rows).
func changed(n int64, err error, doing string, missing error) error {
	if err != nil {
		return fmt.Errorf("%s: %w", doing, err)
	}
	if n == 0 {
		return missing
	}
	return nil
}

// wrap says err, if any, as doing.
func wrap(err error, doing string) error {
	if err != nil {
		return fmt.Errorf("%s: %w", doing, err)
	}
	return nil
}

func sortUsers(us []*qantar.User) {
	slices.SortStableFunc(us, func(a, b *qantar.User) int { return strings.Compare(a.Name, b.Name) })
}
