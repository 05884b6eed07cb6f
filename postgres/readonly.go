package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/migrate"
	"github.com/qantar-project/qantar/tlog"
)

// ReadOnly reports whether the DB was opened with Options.ReadOnly.
func (db *DB) ReadOnly() bool { return db.readOnly }

// checkSchema refuses a database that lacks any of this binary's
// migrations: a read-only open cannot migrate it.
func (db *DB) checkSchema(ctx context.Context) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	applied, err := appliedVersions(ctx, db.pool)
	if err != nil {
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.Code == "42P01" {
			return qantar.Errorf(qantar.EINVALID, "this database (schema) is not a Qantar database: it has no schema_migrations table")
		}
		return fmt.Errorf("schema: %w", err)
	}
	if missing := migrate.Missing(ms, applied); len(missing) > 0 {
		return qantar.Errorf(qantar.EINVALID, "the database's schema is older than this binary's (migrations %s not applied); a read-only check does not migrate: back it up, then run `qantar migrate` (migrations only go forward), or check it with the binary that wrote it",
			strings.Join(missing, ", "))
	}
	return nil
}

// logOrigin is the name of the log in the database (tlog.ChooseOrigin).
func (db *DB) logOrigin(ctx context.Context, want, forNew, keyPath string) (string, error) {
	var cp []byte
	if err := db.pool.QueryRow(ctx, `SELECT checkpoint FROM tlog_state WHERE id = 1`).Scan(&cp); err != nil {
		return "", fmt.Errorf("log state: %w", err)
	}
	return tlog.ChooseOrigin(cp, want, forNew, keyPath)
}

// checkKey refuses, without writing, a key other than the one recorded in
// the database.
func (db *DB) checkKey(ctx context.Context) error {
	var key *string
	if err := db.pool.QueryRow(ctx, `SELECT verifier_key FROM tlog_state WHERE id = 1`).Scan(&key); err != nil {
		return fmt.Errorf("log state: %w", err)
	}
	if key != nil && *key != db.verifierKey {
		return qantar.Errorf(qantar.EINVALID, "this database's log is signed with the key %q, not with the key file's %q", *key, db.verifierKey)
	}
	return nil
}
