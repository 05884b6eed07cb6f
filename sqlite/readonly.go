package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/migrate"
	"github.com/qantar-project/qantar/storekit"
	"github.com/qantar-project/qantar/tlog"
)

// openReadOnly opens an existing database for reading only (Options.ReadOnly):
// mode=ro and query_only on every connection, nothing written at open.
func openReadOnly(ctx context.Context, path, sync string, opts Options) (*DB, error) {
	if path == ":memory:" {
		return nil, qantar.Errorf(qantar.EINVALID, "an in-memory database cannot be opened read-only")
	}
	if _, err := os.Stat(path); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, qantar.Errorf(qantar.EINVALID, "no database at %s", path)
		}
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	q := url.Values{}
	q.Set("mode", "ro")
	for _, p := range []string{"query_only(1)", "foreign_keys(1)", "busy_timeout(10000)"} {
		q.Add("_pragma", p)
	}
	dsn := "file:" + path + "?" + q.Encode()
	db := &DB{path: path, now: opts.Now, checker: opts.Checker, readOnly: true}
	if db.now == nil {
		db.now = time.Now
	}
	var err error
	// The "write" pool is read-only too: a write through a read-only DB
	// fails at SQLite instead of finding a nil pool.
	if db.write, err = sql.Open("sqlite", dsn); err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db.write.SetMaxOpenConns(1)
	n := opts.ReadConns
	if n <= 0 {
		n = max(4, 2*runtime.NumCPU())
	}
	if db.read, err = sql.Open("sqlite", dsn); err != nil {
		db.write.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db.read.SetMaxOpenConns(n)
	db.read.SetMaxIdleConns(n)
	fail := func(err error) (*DB, error) {
		db.Close()
		return nil, err
	}
	if err := db.read.PingContext(ctx); err != nil {
		return fail(fmt.Errorf("open %s: %w", path, err))
	}
	if err := checkSchema(ctx, db.read, path); err != nil {
		return fail(err)
	}
	keyPath := opts.LogKeyPath
	if keyPath == "" {
		keyPath = path + ".logkey"
	}
	if _, err := os.Stat(keyPath); err != nil {
		return fail(qantar.Errorf(qantar.EINVALID, "no log key at %s: a read-only check needs the key the log was signed with (it is never created here)", keyPath))
	}
	if db.origin, err = logOrigin(ctx, db.read, opts.LogOrigin, opts.NewLogOrigin, keyPath); err != nil {
		return fail(err)
	}
	if db.signer, db.verifierKey, err = tlog.LoadOrCreateKey(keyPath, db.origin); err != nil {
		return fail(fmt.Errorf("log key: %w", err))
	}
	db.Log = storekit.Log[snapshot]{Key: db.verifierKey, Latest: newSnapshot(db.read), Begin: db.beginRead}
	db.Accounts = storekit.Accounts{SQL: conn{reader{db.read}, db.write}, Now: db.now}
	db.Lists = storekit.Lists{R: reader{db.read}, L: lister{}}
	return db, nil
}

// rowQuerier is a pool, a connection or a transaction.
type rowQuerier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// ReadOnly reports whether the DB was opened with Options.ReadOnly.
func (db *DB) ReadOnly() bool { return db.readOnly }

// checkSchema refuses a database that lacks any of this binary's
// migrations: a read-only open cannot migrate it, and reading an older
// schema with newer queries would give wrong answers.
func checkSchema(ctx context.Context, q rowQuerier, path string) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	have, err := appliedVersions(ctx, q)
	if err != nil {
		if strings.Contains(err.Error(), "no such table") {
			return qantar.Errorf(qantar.EINVALID, "%s is not a Qantar database (it has no schema_migrations table)", path)
		}
		return fmt.Errorf("schema of %s: %w", path, err)
	}
	if missing := migrate.Missing(ms, have); len(missing) > 0 {
		return qantar.Errorf(qantar.EINVALID, "the schema of %s is older than this binary's (migrations %s not applied); a read-only check does not migrate: back it up, then run `qantar migrate --db %s` (migrations only go forward), or check it with the binary that wrote it",
			path, strings.Join(missing, ", "), path)
	}
	return nil
}

// logOrigin is the name of the log in the database (tlog.ChooseOrigin).
func logOrigin(ctx context.Context, q rowQuerier, want, forNew, keyPath string) (string, error) {
	var cp []byte
	if err := q.QueryRowContext(ctx, `SELECT checkpoint FROM tlog_state WHERE id = 1`).Scan(&cp); err != nil {
		return "", fmt.Errorf("log state: %w", err)
	}
	return tlog.ChooseOrigin(cp, want, forNew, keyPath)
}
