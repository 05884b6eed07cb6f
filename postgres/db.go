// Package postgres is Qantar's store for several servers over one database:
// the same interfaces and the same behaviour as package sqlite, on
// PostgreSQL through pgx, with numbered .sql migrations embedded and applied
// at open. Servers hold no state of their own: every write is one
// transaction that locks what it changes, and appends to the one Merkle log
// under a row lock taken just before commit, so that leaves have no gap,
// fork or duplicate however many servers write.
//
// Running several servers: give each the same database URL and the same
// signing key file (cmd/qantar reads its path from QANTAR_LOG_KEY):
//
//	QANTAR_LOG_KEY=/etc/qantar/log.key qantar serve --db postgres://qantar@db/qantar
//
// The first server records the key's verifier in the database; a server
// with another key is refused at open, since its checkpoints would not
// verify. A search_path parameter in the URL selects a schema (the tests
// give each test its own). Move an existing SQLite database over with
// `qantar copy --from qantar.db --to postgres://…`.
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/migrate"
	"github.com/qantar-project/qantar/storekit"
	"github.com/qantar-project/qantar/tlog"
	"golang.org/x/mod/sumdb/note"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Options configures a DB.
type Options struct {
	// LogKeyPath is the file of the log's signing key. Required: a
	// database server has no file system beside it, and every server on
	// one database must sign with the same key. Generated if absent.
	LogKeyPath string
	// LogOrigin names the log in its checkpoints, and must be the name of
	// an existing log; NewLogOrigin names only a log not signed yet (see
	// tlog.ChooseOrigin).
	LogOrigin, NewLogOrigin string
	// MaxConns caps the connection pool (default: DefaultMaxConns, or the
	// URL's pool_max_conns).
	MaxConns int32
	// Now is the clock; tests set it.
	Now func() time.Time
	// Checker checks records against jurisdiction rules (may be nil).
	Checker qantar.Checker
	// ReadOnly opens the database for reading only, as verify and backup
	// do: every session is default_transaction_read_only, nothing is
	// written at open (no migration, no key recorded, no checkpoint, no
	// projection or index backfill), the key file must already exist, and
	// a database whose schema is older than this binary's is refused
	// rather than migrated.
	ReadOnly bool
	// Repair opens a database whose log has leaves but no checkpoint, which
	// Open otherwise refuses, so that RepairCheckpoint can sign one
	// (qantar repair). Nothing is signed at open.
	Repair bool
}

// DefaultMaxConns is the pool size of a server: enough for a surge of
// readers, few enough that several servers fit in PostgreSQL's default
// max_connections of 100.
const DefaultMaxConns = 16

// DefaultOrigin is the log's name when nobody chose one (tlog.DefaultOrigin).
const DefaultOrigin = tlog.DefaultOrigin

// DB is the PostgreSQL store.
type DB struct {
	storekit.Log[snapshot] // key, checkpoint, tiles, proofs and points of the log, through view
	storekit.Accounts      // tokens, users, sessions and audit
	storekit.Lists         // lists, histories and counts of records

	pool    *pgxpool.Pool
	now     func() time.Time
	checker qantar.Checker

	origin      string
	signer      note.Signer
	verifierKey string
	readOnly    bool
	repair      bool

	// appending lets one transaction of this process at a time wait for
	// the log lock, so that a burst of writers queues here, cheaply, and
	// not as a herd on one PostgreSQL row that every commit wakes. It is
	// taken only for the append and commit, when a transaction needs no
	// lock but the log's, so it cannot deadlock with row locks.
	appending sync.Mutex
}

var _ qantar.Store = (*DB)(nil)
var _ qantar.TokenService = (*DB)(nil)
var _ qantar.AtReader = (*DB)(nil)
var _ qantar.UserService = (*DB)(nil)

// IsURL reports whether dsn names a PostgreSQL database rather than a file.
func IsURL(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open connects to the database at url (postgres://…; a search_path
// parameter selects a schema), migrates it and checks the log key.
func Open(ctx context.Context, url string, opts Options) (*DB, error) {
	if !IsURL(url) {
		return nil, qantar.Errorf(qantar.EINVALID, "a PostgreSQL database is named by a postgres:// URL, not %q", url)
	}
	if opts.LogKeyPath == "" {
		return nil, qantar.Errorf(qantar.EINVALID, "a PostgreSQL store needs the log's signing key file: set QANTAR_LOG_KEY to its path (qantar copy also takes --log-key); every server on one database signs with the same key")
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, qantar.Errorf(qantar.EINVALID, "database URL: %v", err)
	}
	switch {
	case opts.MaxConns > 0:
		cfg.MaxConns = opts.MaxConns
	case !strings.Contains(url, "pool_max_conns="):
		// pgxpool's default (4 on this size of machine) would queue a
		// surge's page views behind each other; a URL's pool_max_conns wins.
		cfg.MaxConns = DefaultMaxConns
	}
	if opts.ReadOnly {
		cfg.ConnConfig.RuntimeParams["default_transaction_read_only"] = "on"
	}
	db := &DB{now: opts.Now, checker: opts.Checker, readOnly: opts.ReadOnly, repair: opts.Repair}
	if db.now == nil {
		db.now = time.Now
	}
	if db.pool, err = pgxpool.NewWithConfig(ctx, cfg); err != nil {
		return nil, fmt.Errorf("open %s: %w", redact(url), err)
	}
	fail := func(err error) (*DB, error) {
		db.pool.Close()
		return nil, err
	}
	if err := db.pool.Ping(ctx); err != nil {
		return fail(fmt.Errorf("open %s: %w", redact(url), err))
	}
	if opts.ReadOnly {
		if err := db.checkSchema(ctx); err != nil {
			return fail(err)
		}
		if _, err := os.Stat(opts.LogKeyPath); err != nil {
			return fail(qantar.Errorf(qantar.EINVALID, "no log key at %s: a read-only check needs the key the log was signed with (it is never created here)", opts.LogKeyPath))
		}
	} else if err := db.migrate(ctx); err != nil {
		return fail(err)
	}
	if db.origin, err = db.logOrigin(ctx, opts.LogOrigin, opts.NewLogOrigin, opts.LogKeyPath); err != nil {
		return fail(err)
	}
	if db.signer, db.verifierKey, err = tlog.LoadOrCreateKey(opts.LogKeyPath, db.origin); err != nil {
		return fail(fmt.Errorf("log key: %w", err))
	}
	db.Log = storekit.Log[snapshot]{Key: db.verifierKey, Latest: newSnapshot(db.pool), Begin: db.beginRead}
	db.Accounts = storekit.Accounts{SQL: newConn(db.pool), Now: db.now}
	db.Lists = storekit.Lists{R: reader{db.pool}, L: lister{}}
	if opts.ReadOnly {
		if err := db.checkKey(ctx); err != nil {
			return fail(err)
		}
		return db, nil
	}
	if err := db.claimLog(ctx); err != nil {
		return fail(err)
	}
	if err := db.reprojectAll(ctx); err != nil {
		return fail(err)
	}
	if err := db.reindex(ctx); err != nil {
		return fail(err)
	}
	return db, nil
}

// redact hides a password in a URL shown in an error.
func redact(url string) string {
	if cfg, err := pgconn.ParseConfig(url); err == nil && cfg.Password != "" {
		return strings.Replace(url, cfg.Password, "xxxxx", 1)
	}
	return url
}

// Close closes the pool; in-flight transactions finish first.
func (db *DB) Close() error {
	if db.pool != nil {
		db.pool.Close()
	}
	return nil
}

// migrate applies every embedded migration not yet recorded, in order, in
// one transaction under an advisory lock, so that servers starting together
// on a new database migrate it once.
func (db *DB) migrate(ctx context.Context) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	return pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		// The lock is per schema, so that tests in their own schemas of one
		// database do not wait for each other.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('qantar-migrate:' || current_schema()))`); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL)`); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		return migrate.Run(ctx, ms, migrator{tx: tx, now: db.now})
	})
}

// migrations returns the embedded migrations, in order.
func migrations() ([]migrate.Migration, error) { return migrate.Load(migrationFS, "migrations") }

// migrator is the migrating transaction as a migrate.Target: every
// migration lands in it, under its lock.
type migrator struct {
	tx  pgx.Tx
	now func() time.Time
}

func (m migrator) Applied(ctx context.Context) (map[int]bool, error) {
	return appliedVersions(ctx, m.tx)
}

func (m migrator) Apply(ctx context.Context, mg migrate.Migration) error {
	if _, err := m.tx.Exec(ctx, mg.SQL); err != nil {
		return err
	}
	_, err := m.tx.Exec(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
		mg.Version, mg.Name, m.now().UTC())
	return err
}

// appliedVersions returns the versions schema_migrations records.
func appliedVersions(ctx context.Context, q interface {
	Query(context.Context, string, ...any) (pgx.Rows, error)
}) (map[int]bool, error) {
	rows, err := q.Query(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return nil, err
	}
	have, err := pgx.CollectRows(rows, pgx.RowTo[int32])
	if err != nil {
		return nil, err
	}
	applied := map[int]bool{}
	for _, v := range have {
		applied[int(v)] = true
	}
	return applied, nil
}

// Migrations returns the applied migrations' names, in order.
func (db *DB) Migrations(ctx context.Context) ([]string, error) {
	rows, err := db.pool.Query(ctx, `SELECT name FROM schema_migrations ORDER BY version`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// claimLog records this server's verifier key in a new database and signs
// the empty tree, so that /log/checkpoint always answers; in a database
// that has a key, it refuses another one, which would sign checkpoints
// that no one can verify.
func (db *DB) claimLog(ctx context.Context) error {
	return pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		var size int64
		var cp []byte
		var key *string
		if err := tx.QueryRow(ctx, `SELECT size, checkpoint, verifier_key FROM tlog_state WHERE id = 1 FOR UPDATE`).Scan(&size, &cp, &key); err != nil {
			return fmt.Errorf("log state: %w", err)
		}
		if key != nil && *key != db.verifierKey {
			return qantar.Errorf(qantar.EINVALID, "this database's log is signed with the key %q, not with this server's %q: give every server the same key file", *key, db.verifierKey)
		}
		if key == nil {
			if _, err := tx.Exec(ctx, `UPDATE tlog_state SET verifier_key = $1 WHERE id = 1`, db.verifierKey); err != nil {
				return fmt.Errorf("log state: %w", err)
			}
		}
		signed, err := storekit.FirstCheckpoint(storekit.Signer{Key: db.signer, Origin: db.origin}, size, cp, db.repair)
		if err != nil || signed == nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE tlog_state SET root = $1, checkpoint = $2 WHERE id = 1`, tlog.EmptyRoot(), signed)
		return err
	})
}

// Tx is a write transaction with the one clock reading it was started with.
// Versions written in it wait in pending until commit, when they get their
// leaves under the log lock (flushLog); so do the changes of its writes to
// the counts of search_terms, made just before (termsTx).
type Tx struct {
	tx      pgx.Tx // a *termsTx
	db      *DB
	now     time.Time
	pending []storekit.Version
	// once is, per record written, the version whose content its row
	// gives back (storekit.StoredOnce): that version's row, if still the
	// record's last when the log is flushed, keeps no copy of it.
	once map[qantar.Ref]int
	// broken is the error that aborted the transaction, if any (guard).
	broken error
}

func (db *DB) begin(ctx context.Context) (*Tx, error) {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	return &Tx{tx: &termsTx{Tx: tx}, db: db, now: db.now().UTC().Truncate(time.Microsecond)}, nil
}

// retryable reports whether err is a deadlock or serialization failure,
// after which the whole transaction may be run again.
func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40P01" || pe.Code == "40001")
}

// isUnique reports whether err is a unique violation of the named constraint.
func isUnique(err error, constraint string) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505" && (constraint == "" || pe.ConstraintName == constraint)
}
