package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/qantar-project/qantar"
)

// CreateToken stores a new token and returns it with its secret.
func (db *DB) CreateToken(ctx context.Context, name, role string) (qantar.Token, string, error) {
	name, err := qantar.CheckNewToken(name, role)
	if err != nil {
		return qantar.Token{}, "", err
	}
	secret, hash := qantar.NewTokenSecret()
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
	if errors.Is(err, sql.ErrNoRows) || revoked.Valid {
		return qantar.Actor{}, qantar.Errorf(qantar.EUNAUTHORIZED, "unknown or revoked token")
	} else if err != nil {
		return qantar.Actor{}, fmt.Errorf("authenticate: %w", err)
	}
	return qantar.TokenActor(id, name, role), nil
}

// RevokeToken revokes a token; its past writes keep its id.
func (db *DB) RevokeToken(ctx context.Context, id int64) error {
	res, err := db.write.ExecContext(ctx, `UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`, formatTime(db.now()), id)
	if err != nil {
		return fmt.Errorf("revoke token: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return qantar.Errorf(qantar.ENOTFOUND, "no active token %d", id)
	}
	return nil
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
		t.CreatedAt = parseTime(created)
		if revoked.Valid {
			r := parseTime(revoked.String)
			t.RevokedAt = &r
		}
		out = append(out, t)
	}
	return out, rows.Err()
}
