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

// CreateToken stores a new token and returns it with its secret.
func (db *DB) CreateToken(ctx context.Context, name, role string) (qantar.Token, string, error) {
	name, secret, hash, err := storekit.NewToken(name, role)
	if err != nil {
		return qantar.Token{}, "", err
	}
	now := db.now().UTC().Truncate(time.Microsecond)
	var id int64
	if err := db.pool.QueryRow(ctx, `INSERT INTO tokens (name, role, hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
		name, role, hash, now).Scan(&id); err != nil {
		return qantar.Token{}, "", fmt.Errorf("create token: %w", err)
	}
	return qantar.Token{ID: id, Name: name, Role: role, CreatedAt: now}, secret, nil
}

// Authenticate returns the actor a token secret stands for.
func (db *DB) Authenticate(ctx context.Context, secret string) (qantar.Actor, error) {
	var id int64
	var name, role string
	var revoked *time.Time
	err := db.pool.QueryRow(ctx, `SELECT id, name, role, revoked_at FROM tokens WHERE hash = $1`, qantar.HashTokenSecret(secret)).
		Scan(&id, &name, &role, &revoked)
	return storekit.Authenticated(id, name, role, revoked != nil, errors.Is(err, pgx.ErrNoRows), err)
}

// RevokeToken revokes a token; its past writes keep its id.
func (db *DB) RevokeToken(ctx context.Context, id int64) error {
	tag, err := db.pool.Exec(ctx, `UPDATE tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL`, db.now().UTC(), id)
	return storekit.Changed(tag.RowsAffected(), err, "revoke token", qantar.Errorf(qantar.ENOTFOUND, "no active token %d", id))
}

// ListTokens lists every token, without secrets.
func (db *DB) ListTokens(ctx context.Context) ([]qantar.Token, error) {
	rows, err := db.pool.Query(ctx, `SELECT id, name, role, created_at, revoked_at FROM tokens ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (qantar.Token, error) {
		var t qantar.Token
		var revoked *time.Time
		if err := r.Scan(&t.ID, &t.Name, &t.Role, &t.CreatedAt, &revoked); err != nil {
			return t, err
		}
		t.CreatedAt, t.RevokedAt = t.CreatedAt.UTC(), storekit.UTC(revoked)
		return t, nil
	})
}
