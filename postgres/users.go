package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
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
	err := db.pool.QueryRow(ctx, `INSERT INTO users (name, role, password_hash, totp_secret, totp_last_step, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, u.Name, u.Role, u.PasswordHash, u.TOTPSecret, u.TOTPLastStep, now).Scan(&u.ID)
	if err != nil {
		if isUnique(err, "") {
			return storekit.NameTaken(u.Name)
		}
		return fmt.Errorf("create user: %w", err)
	}
	u.CreatedAt = now
	return nil
}

// UpdateUser stores a user's role, secrets and disabled time.
func (db *DB) UpdateUser(ctx context.Context, u *qantar.User) error {
	if err := u.Validate(); err != nil {
		return err
	}
	tag, err := db.pool.Exec(ctx, `UPDATE users SET role = $1, password_hash = $2, totp_secret = $3, totp_last_step = GREATEST(totp_last_step, $4), disabled_at = $5
		WHERE id = $6`, u.Role, u.PasswordHash, u.TOTPSecret, u.TOTPLastStep, u.DisabledAt, u.ID)
	return storekit.Changed(tag.RowsAffected(), err, "update user", qantar.Errorf(qantar.ENOTFOUND, "no user %d", u.ID))
}

// UseTOTPStep stores step as the user's last TOTP step if it is later than
// the one stored, in one statement.
func (db *DB) UseTOTPStep(ctx context.Context, userID, step int64) (bool, error) {
	tag, err := db.pool.Exec(ctx, `UPDATE users SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $1`, step, userID)
	if err != nil {
		return false, fmt.Errorf("use TOTP step: %w", err)
	}
	return tag.RowsAffected() == 1, nil
}

func scanUser(row pgx.Row) (*qantar.User, error) {
	var u qantar.User
	var disabled *time.Time
	if err := row.Scan(&u.ID, &u.Name, &u.Role, &u.PasswordHash, &u.TOTPSecret, &u.TOTPLastStep, &u.CreatedAt, &disabled); err != nil {
		return nil, err
	}
	u.CreatedAt, u.DisabledAt = u.CreatedAt.UTC(), storekit.UTC(disabled)
	return &u, nil
}

// UserByID returns a user by id.
func (db *DB) UserByID(ctx context.Context, id int64) (*qantar.User, error) {
	u, err := scanUser(db.pool.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
	return storekit.Found(u, err, errors.Is(err, pgx.ErrNoRows), qantar.Errorf(qantar.ENOTFOUND, "no user %d", id), fmt.Sprintf("user %d", id))
}

// UserByName returns a user by name.
func (db *DB) UserByName(ctx context.Context, name string) (*qantar.User, error) {
	u, err := scanUser(db.pool.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE name = $1`, name))
	return storekit.Found(u, err, errors.Is(err, pgx.ErrNoRows), qantar.Errorf(qantar.ENOTFOUND, "no user named %q", name), fmt.Sprintf("user %q", name))
}

// ListUsers lists every user by name, in byte order as SQLite sorts.
func (db *DB) ListUsers(ctx context.Context) ([]*qantar.User, error) {
	rows, err := db.pool.Query(ctx, `SELECT `+userColumns+` FROM users ORDER BY name COLLATE "C"`)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (*qantar.User, error) { return scanUser(r) })
}

// CreateSession stores a session.
func (db *DB) CreateSession(ctx context.Context, s qantar.Session) error {
	if err := storekit.CheckSession(s); err != nil {
		return err
	}
	_, err := db.pool.Exec(ctx, `INSERT INTO sessions (hash, user_id, created_at, expires_at, addr) VALUES ($1, $2, $3, $4, $5)`,
		s.Hash, s.UserID, s.CreatedAt, s.ExpiresAt, s.Addr)
	if err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	return nil
}

// SessionByHash returns a live session and its user.
func (db *DB) SessionByHash(ctx context.Context, hash []byte, now time.Time) (qantar.Session, *qantar.User, error) {
	s := qantar.Session{Hash: hash}
	err := db.pool.QueryRow(ctx, `SELECT user_id, created_at, expires_at, addr FROM sessions WHERE hash = $1`, hash).
		Scan(&s.UserID, &s.CreatedAt, &s.ExpiresAt, &s.Addr)
	if errors.Is(err, pgx.ErrNoRows) {
		return s, nil, qantar.Errorf(qantar.ENOTFOUND, "no such session")
	} else if err != nil {
		return s, nil, fmt.Errorf("session: %w", err)
	}
	s.CreatedAt, s.ExpiresAt = s.CreatedAt.UTC(), s.ExpiresAt.UTC()
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
	if _, err := db.pool.Exec(ctx, `DELETE FROM sessions WHERE hash = $1`, hash); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// DeleteUserSessions ends every session of a user.
func (db *DB) DeleteUserSessions(ctx context.Context, userID int64) error {
	if _, err := db.pool.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID); err != nil {
		return fmt.Errorf("delete sessions: %w", err)
	}
	return nil
}

// AppendAudit adds one line to the audit log, timed by the store's clock.
func (db *DB) AppendAudit(ctx context.Context, e qantar.AuditEntry) error {
	if e.At.IsZero() {
		e.At = db.now()
	}
	_, err := db.pool.Exec(ctx, `INSERT INTO audit (at, actor, action, kind, record_id, addr, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		e.At.UTC(), e.Actor, e.Action, string(e.Kind), e.RecordID, e.Addr, e.Detail)
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}

// ListAudit returns audit entries newest first.
func (db *DB) ListAudit(ctx context.Context, limit, offset int) ([]qantar.AuditEntry, int, error) {
	limit, offset = storekit.AuditLimit(limit, offset)
	var total int
	if err := db.pool.QueryRow(ctx, `SELECT count(*) FROM audit`).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("audit: %w", err)
	}
	rows, err := db.pool.Query(ctx, `SELECT id, at, actor, action, kind, record_id, addr, detail FROM audit
		ORDER BY id DESC LIMIT $1 OFFSET $2`, limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("audit: %w", err)
	}
	defer rows.Close()
	var out []qantar.AuditEntry
	for rows.Next() {
		var e qantar.AuditEntry
		var kind string
		if err := rows.Scan(&e.ID, &e.At, &e.Actor, &e.Action, &kind, &e.RecordID, &e.Addr, &e.Detail); err != nil {
			return nil, 0, err
		}
		e.At, e.Kind = e.At.UTC(), qantar.Kind(kind)
		out = append(out, e)
	}
	return out, total, rows.Err()
}
