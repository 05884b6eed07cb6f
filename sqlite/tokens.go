package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/storekit"
)

// CreateToken stores a new token and returns it with its secret.
func (db *DB) CreateToken(ctx context.Context, name, role string) (qantar.Token, string, error) {
	name, secret, hash, err := storekit.NewToken(name, role)
	if err != nil {
		return qantar.Token{}, "", err
	}
	now := db.now().UTC()
	res, err := db.write.ExecContext(ctx, `INSERT INTO tokens (name, role, hash, created_at) VALUES (?, ?, ?, ?)`, name, role, hash, formatTime(now))
	if err != nil {
		return qantar.Token{}, "", fmt.Errorf("create token: %w", err)
	}
	id, _ := res.LastInsertId()
	return qantar.Token{ID: id, Name: name, Role: role, CreatedAt: now}, secret, nil
}

// Authenticate returns the actor a token secret stands for.
func (db *DB) Authenticate(ctx context.Context, secret string) (qantar.Actor, error) {
	var id int64
	var name, role string
	var revoked sql.NullString
	err := db.read.QueryRowContext(ctx, `SELECT id, name, role, revoked_at FROM tokens WHERE hash = ?`, qantar.HashTokenSecret(secret)).
		Scan(&id, &name, &role, &revoked)
	return storekit.Authenticated(id, name, role, revoked.Valid, errors.Is(err, sql.ErrNoRows), err)
}

// RevokeToken revokes a token; its past writes keep its id.
func (db *DB) RevokeToken(ctx context.Context, id int64) error {
	res, err := db.write.ExecContext(ctx, `UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`, formatTime(db.now()), id)
	return storekit.Changed(affected(res, err), err, "revoke token", qantar.Errorf(qantar.ENOTFOUND, "no active token %d", id))
}

// ListTokens lists every token, without secrets.
func (db *DB) ListTokens(ctx context.Context) ([]qantar.Token, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, name, role, created_at, revoked_at FROM tokens ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	defer rows.Close()
	var out []qantar.Token
	for rows.Next() {
		var t qantar.Token
		var created string
		var revoked sql.NullString
		if err := rows.Scan(&t.ID, &t.Name, &t.Role, &created, &revoked); err != nil {
			return nil, err
		}
		t.CreatedAt, t.RevokedAt = parseTime(created), parseNullTime(revoked)
		out = append(out, t)
	}
	return out, rows.Err()
}

// affected is how many rows a statement changed (none when it failed).
func affected(res sql.Result, err error) int64 {
	if err != nil {
		return 0
	}
	n, _ := res.RowsAffected()
	return n
}

// parseNullTime is a stored time that may be NULL.
func parseNullTime(s sql.NullString) *time.Time {
	if !s.Valid {
		return nil
	}
	t := parseTime(s.String)
	return &t
}
