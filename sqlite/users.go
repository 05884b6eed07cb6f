package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/storekit"
)

var _ qantar.UserService = (*DB)(nil)

const userColumns = `id, name, role, password_hash, totp_secret, totp_last_step, created_at, disabled_at`

// CreateUser stores a new user; a taken name is ECONFLICT.
func (db *DB) CreateUser(ctx context.Context, u *qantar.User) error {
	if err := u.Validate(); err != nil {
		return err
	}
	now := db.now().UTC().Truncate(time.Microsecond)
	res, err := db.write.ExecContext(ctx, `INSERT INTO users (name, role, password_hash, totp_secret, totp_last_step, created_at)
		VALUES (?, ?, ?, ?, ?, ?)`, u.Name, u.Role, u.PasswordHash, u.TOTPSecret, u.TOTPLastStep, formatTime(now))
	if err != nil {
		if strings.Contains(err.Error(), "UNIQUE") {
			return storekit.NameTaken(u.Name)
		}
		return fmt.Errorf("create user: %w", err)
	}
	u.ID, _ = res.LastInsertId()
	u.CreatedAt = now
	return nil
}

// UpdateUser stores a user's role, secrets and disabled time.
func (db *DB) UpdateUser(ctx context.Context, u *qantar.User) error {
	if err := u.Validate(); err != nil {
		return err
	}
	var disabled any
	if u.DisabledAt != nil {
		disabled = formatTime(*u.DisabledAt)
	}
	res, err := db.write.ExecContext(ctx, `UPDATE users SET role = ?, password_hash = ?, totp_secret = ?, totp_last_step = max(totp_last_step, ?), disabled_at = ?
		WHERE id = ?`, u.Role, u.PasswordHash, u.TOTPSecret, u.TOTPLastStep, disabled, u.ID)
	return storekit.Changed(affected(res, err), err, "update user", qantar.Errorf(qantar.ENOTFOUND, "no user %d", u.ID))
}

// UseTOTPStep stores step as the user's last TOTP step if it is later than
// the one stored, in one statement.
func (db *DB) UseTOTPStep(ctx context.Context, userID, step int64) (bool, error) {
	res, err := db.write.ExecContext(ctx, `UPDATE users SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?`, step, userID, step)
	if err != nil {
		return false, fmt.Errorf("use TOTP step: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func scanUser(row interface{ Scan(...any) error }) (*qantar.User, error) {
	var u qantar.User
	var created string
	var disabled sql.NullString
	if err := row.Scan(&u.ID, &u.Name, &u.Role, &u.PasswordHash, &u.TOTPSecret, &u.TOTPLastStep, &created, &disabled); err != nil {
		return nil, err
	}
	u.CreatedAt, u.DisabledAt = parseTime(created), parseNullTime(disabled)
	return &u, nil
}

// UserByID returns a user by id.
func (db *DB) UserByID(ctx context.Context, id int64) (*qantar.User, error) {
	u, err := scanUser(db.read.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id))
	return storekit.Found(u, err, errors.Is(err, sql.ErrNoRows), qantar.Errorf(qantar.ENOTFOUND, "no user %d", id), fmt.Sprintf("user %d", id))
}

// UserByName returns a user by name.
func (db *DB) UserByName(ctx context.Context, name string) (*qantar.User, error) {
	u, err := scanUser(db.read.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE name = ?`, name))
	return storekit.Found(u, err, errors.Is(err, sql.ErrNoRows), qantar.Errorf(qantar.ENOTFOUND, "no user named %q", name), fmt.Sprintf("user %q", name))
}

// ListUsers lists every user by name.
func (db *DB) ListUsers(ctx context.Context) ([]*qantar.User, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+userColumns+` FROM users ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	var out []*qantar.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// CreateSession stores a session.
func (db *DB) CreateSession(ctx context.Context, s qantar.Session) error {
	if err := storekit.CheckSession(s); err != nil {
		return err
	}
	_, err := db.write.ExecContext(ctx, `INSERT INTO sessions (hash, user_id, created_at, expires_at, addr) VALUES (?, ?, ?, ?, ?)`,
		s.Hash, s.UserID, formatTime(s.CreatedAt), formatTime(s.ExpiresAt), s.Addr)
	if err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	return nil
}

// SessionByHash returns a live session and its user.
func (db *DB) SessionByHash(ctx context.Context, hash []byte, now time.Time) (qantar.Session, *qantar.User, error) {
	s := qantar.Session{Hash: hash}
	var created, expires string
	err := db.read.QueryRowContext(ctx, `SELECT user_id, created_at, expires_at, addr FROM sessions WHERE hash = ?`, hash).
		Scan(&s.UserID, &created, &expires, &s.Addr)
	if errors.Is(err, sql.ErrNoRows) {
		return s, nil, qantar.Errorf(qantar.ENOTFOUND, "no such session")
	} else if err != nil {
		return s, nil, fmt.Errorf("session: %w", err)
	}
	s.CreatedAt, s.ExpiresAt = parseTime(created), parseTime(expires)
	if err := storekit.LiveSession(s, now); err != nil {
		return s, nil, err
	}
	u, err := db.UserByID(ctx, s.UserID)
	if err != nil {
		return s, nil, err
	}
	return s, u, nil
}

// DeleteSession ends one session; ending one that is gone is not an error.
func (db *DB) DeleteSession(ctx context.Context, hash []byte) error {
	if _, err := db.write.ExecContext(ctx, `DELETE FROM sessions WHERE hash = ?`, hash); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// DeleteUserSessions ends every session of a user.
func (db *DB) DeleteUserSessions(ctx context.Context, userID int64) error {
	if _, err := db.write.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID); err != nil {
		return fmt.Errorf("delete sessions: %w", err)
	}
	return nil
}

// AppendAudit adds one line to the audit log, timed by the store's clock.
func (db *DB) AppendAudit(ctx context.Context, e qantar.AuditEntry) error {
	if e.At.IsZero() {
		e.At = db.now()
	}
	_, err := db.write.ExecContext(ctx, `INSERT INTO audit (at, actor, action, kind, record_id, addr, detail) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		formatTime(e.At), e.Actor, e.Action, string(e.Kind), e.RecordID, e.Addr, e.Detail)
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}

// ListAudit returns audit entries newest first.
func (db *DB) ListAudit(ctx context.Context, limit, offset int) ([]qantar.AuditEntry, int, error) {
	limit, offset = storekit.AuditLimit(limit, offset)
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM audit`).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("audit: %w", err)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT id, at, actor, action, kind, record_id, addr, detail FROM audit
		ORDER BY id DESC LIMIT ? OFFSET ?`, limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("audit: %w", err)
	}
	defer rows.Close()
	var out []qantar.AuditEntry
	for rows.Next() {
		var e qantar.AuditEntry
		var at, kind string
		if err := rows.Scan(&e.ID, &at, &e.Actor, &e.Action, &kind, &e.RecordID, &e.Addr, &e.Detail); err != nil {
			return nil, 0, err
		}
		e.At, e.Kind = parseTime(at), qantar.Kind(kind)
		out = append(out, e)
	}
	return out, total, rows.Err()
}
