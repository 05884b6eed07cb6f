// Package sqlite is Qantar's embedded default store: one SQLite file through
// modernc.org/sqlite (pure Go, no cgo), in WAL mode with foreign keys and a
// busy timeout, one write connection and a pool of read connections, and
// numbered .sql migrations embedded and applied at open.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"runtime"
	"strings"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/migrate"
	"github.com/qantar-project/qantar/storekit"
	"github.com/qantar-project/qantar/tlog"
	"golang.org/x/mod/sumdb/note"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Options configures a DB.
type Options struct {
	// Synchronous is SQLite's synchronous pragma: "FULL" (default) makes
	// every acknowledged write survive a power loss; "NORMAL" survives a
	// crash of the process but may lose the last writes on power loss.
	Synchronous string
	// ReadConns is the size of the read pool (default: 2 × CPUs, at least 4).
	ReadConns int
	// Now is the clock; tests set it.
	Now func() time.Time
	// Checker checks records against jurisdiction rules (may be nil).
	Checker qantar.Checker
	// LogKeyPath is the file of the log's signing key, kept outside the
	// database; default: the database path + ".logkey". Generated if absent.
	LogKeyPath string
	// LogOrigin names the log in its checkpoints, and must be the name of
	// an existing log; NewLogOrigin names only a log not signed yet (see
	// tlog.ChooseOrigin).
	LogOrigin, NewLogOrigin string
	// Logger receives warnings at open (default slog.Default()).
	Logger *slog.Logger
	// ReadOnly opens the database for reading only, as verify and backup
	// do: the file is opened with mode=ro and every connection with
	// query_only, nothing is written at open (no migration, no checkpoint,
	// no projection or index backfill), the key file must already exist,
	// and a database whose schema is older than this binary's is refused
	// rather than migrated. Writes through the DB fail.
	ReadOnly bool
	// MaxPages caps the database's size in pages (SQLite's max_page_count;
	// 0: no cap but the disk's): a quota, past which writes answer
	// ESTORAGEFULL.
	MaxPages int64
	// Repair opens a database whose log has leaves but no checkpoint, which
	// Open otherwise refuses, so that RepairCheckpoint can sign one
	// (qantar repair). Nothing is signed at open.
	Repair bool
}

// DefaultOrigin is the log's name when nobody chose one (tlog.DefaultOrigin).
const DefaultOrigin = tlog.DefaultOrigin

// DB is the SQLite store.
type DB struct {
	storekit.Log[snapshot] // key, checkpoint, tiles, proofs and points of the log, through view
	storekit.Accounts      // tokens, users, sessions and audit
	storekit.Lists         // lists, histories and counts of records

	path    string
	write   *sql.DB // exactly one connection: SQLite has one writer at a time
	read    *sql.DB
	now     func() time.Time
	checker qantar.Checker

	origin      string
	signer      note.Signer
	verifierKey string

	readOnly bool // Options.ReadOnly
	repair   bool // Options.Repair

	stmts map[string]*sql.Stmt // read-only after Open
	group writeGroup           // single writes waiting for a group commit

	prepared preparedStmts // GetPrepared's statements, closed by Close (prepared.go)
}

var _ qantar.Store = (*DB)(nil)
var _ qantar.TokenService = (*DB)(nil)
var _ qantar.AtReader = (*DB)(nil)
var _ qantar.UserService = (*DB)(nil)

// Open opens (creating if needed) the database at path and migrates it.
func Open(ctx context.Context, path string, opts Options) (*DB, error) {
	if path == "" {
		return nil, qantar.Errorf(qantar.EINVALID, "database path is empty")
	}
	sync := strings.ToUpper(opts.Synchronous)
	if sync == "" {
		sync = "FULL"
	}
	if sync != "FULL" && sync != "NORMAL" {
		return nil, qantar.Errorf(qantar.EINVALID, "synchronous must be FULL or NORMAL, not %q", opts.Synchronous)
	}
	if opts.ReadOnly {
		return openReadOnly(ctx, path, sync, opts)
	}
	pragmas := []string{"journal_mode(WAL)", "foreign_keys(1)", "busy_timeout(10000)", "synchronous(" + sync + ")"}
	dsn := func(extra ...string) string {
		q := url.Values{}
		for _, p := range append(pragmas, extra...) {
			q.Add("_pragma", p)
		}
		return "file:" + path + "?" + q.Encode()
	}
	db := &DB{path: path, now: opts.Now, checker: opts.Checker, repair: opts.Repair}
	if db.now == nil {
		db.now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if err := createPrivate(path, opts.Logger); err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	keyPath := opts.LogKeyPath
	if keyPath == "" {
		keyPath = path + ".logkey"
	}
	var err error
	// temp_store(MEMORY): a write's multi-row INSERTs keep their statement
	// journal (what rolls back a refused statement alone) in memory: past
	// 64 KiB SQLite spills it to a temporary file, and writing that file was
	// a fifth of a bulk write's CPU.
	// 64 MiB of page cache for the one write connection: a 1,000,000-row
	// import peaked at 1,026 MB RSS with 256 MiB and 657 MB with 64, no
	// slower (docs/bench/csvio.md).
	writePragmas := []string{"cache_size(-65536)", "temp_store(MEMORY)"}
	if opts.MaxPages > 0 {
		writePragmas = append(writePragmas, fmt.Sprintf("max_page_count(%d)", opts.MaxPages))
	}
	if db.write, err = sql.Open("sqlite", dsn(writePragmas...)+"&_txlock=immediate"); err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db.write.SetMaxOpenConns(1)
	db.write.SetConnMaxIdleTime(0)
	if err := db.startWriter(ctx, opts, keyPath); err != nil {
		db.write.Close()
		return nil, err
	}
	n := opts.ReadConns
	if n <= 0 {
		n = max(4, 2*runtime.NumCPU())
	}
	if db.read, err = sql.Open("sqlite", dsn("query_only(1)")); err != nil {
		db.write.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db.read.SetMaxOpenConns(n)
	db.read.SetMaxIdleConns(n)
	if err := privateSidecars(path); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db.Log = storekit.Log[snapshot]{Key: db.verifierKey, Latest: newSnapshot(db.read), Begin: db.beginRead}
	db.Accounts = storekit.Accounts{SQL: conn{reader{db.read}, db.write}, Now: db.now}
	db.Lists = storekit.Lists{R: reader{db.read}, L: lister{}}
	return db, nil
}

// startWriter readies the database on the write connection: migrated, its
// log named, keyed and signed, its projections and search index whole, and
// the write path's statements prepared.
func (db *DB) startWriter(ctx context.Context, opts Options, keyPath string) error {
	if err := db.write.PingContext(ctx); err != nil {
		return fmt.Errorf("open %s: %w", db.path, err)
	}
	if err := db.migrate(ctx); err != nil {
		return err
	}
	var err error
	if db.origin, err = logOrigin(ctx, db.write, opts.LogOrigin, opts.NewLogOrigin, keyPath); err != nil {
		return err
	}
	if db.signer, db.verifierKey, err = tlog.LoadOrCreateKey(keyPath, db.origin); err != nil {
		return fmt.Errorf("log key: %w", err)
	}
	for _, step := range []func(context.Context) error{db.signEmpty, db.reprojectAll, db.reindex, db.prepare} {
		if err := step(ctx); err != nil {
			return err
		}
	}
	return nil
}

// Close closes both pools; in-flight transactions finish first.
func (db *DB) Close() error {
	errs := []error{db.prepared.close()}
	if db.read != nil {
		errs = append(errs, db.read.Close())
	}
	if db.write != nil {
		errs = append(errs, db.write.Close())
	}
	return errors.Join(errs...)
}

// Path returns the database file path.
func (db *DB) Path() string { return db.path }

// migrate applies every embedded migration not yet recorded, in order, each
// in its own transaction on the one write connection.
func (db *DB) migrate(ctx context.Context) error {
	if _, err := db.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	ms, err := migrations()
	if err != nil {
		return err
	}
	return migrate.Run(ctx, ms, migrator{db})
}

// migrations returns the embedded migrations, in order.
func migrations() ([]migrate.Migration, error) { return migrate.Load(migrationFS, "migrations") }

// migrator is the write connection as a migrate.Target.
type migrator struct{ db *DB }

func (m migrator) Applied(ctx context.Context) (map[int]bool, error) {
	return appliedVersions(ctx, m.db.write)
}

func (m migrator) Apply(ctx context.Context, mg migrate.Migration) error {
	tx, err := m.db.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, mg.SQL); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
		mg.Version, mg.Name, m.db.now().UTC().Format(time.RFC3339Nano)); err != nil {
		return err
	}
	return tx.Commit()
}

// appliedVersions returns the versions schema_migrations records.
func appliedVersions(ctx context.Context, q rowQuerier) (map[int]bool, error) {
	rows, err := q.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	have := map[int]bool{}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		have[v] = true
	}
	return have, rows.Err()
}

// Migrations returns the applied migrations' names, in order.
func (db *DB) Migrations(ctx context.Context) ([]string, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT name FROM schema_migrations ORDER BY version`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// Tx is a write transaction with the one clock reading it was started with.
type Tx struct {
	*sql.Tx
	db  *DB
	now time.Time
	log logState
	// What this transaction already knows, so that a bulk write does not
	// ask again: the next id of each kind, and records known to be live
	// (bounded: known.go).
	nextID map[qantar.Kind]int64
	known  known
	// stmts are the prepared statements as this transaction's: made once
	// each, since database/sql keeps every one it makes until the end of
	// the transaction (a 1,000,000-row import held 276 MB of them).
	stmts map[*sql.Stmt]*sql.Stmt
	// writing is set once a write has written its first row; broken holds
	// the error that stopped a write after that, and dooms the transaction.
	writing bool
	broken  error
}

func (db *DB) begin(ctx context.Context) (*Tx, error) {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	return &Tx{Tx: tx, db: db, now: db.now().UTC().Truncate(time.Microsecond),
		nextID: map[qantar.Kind]int64{}}, nil
}

// formatTime writes a time with a fixed-width fraction, so that times sort
// as text (RFC 3339 with trimmed zeros does not).
func formatTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000Z07:00") }

// prepare prepares the write path's statements on the write connection. It
// runs at open, while no transaction holds the one connection: preparing
// later, inside a transaction, would wait for that connection forever.
func (db *DB) prepare(ctx context.Context) error {
	db.stmts = map[string]*sql.Stmt{}
	for _, q := range writeQueries {
		st, err := db.write.PrepareContext(ctx, q)
		if err != nil {
			return fmt.Errorf("prepare %q: %w", q, err)
		}
		db.stmts[q] = st
	}
	return nil
}

// exec runs a write statement in the transaction, prepared when it is one
// of writeQueries.
func (tx *Tx) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st, ok := tx.db.stmts[query]; ok {
		return tx.stmt(ctx, st).ExecContext(ctx, args...)
	}
	return tx.ExecContext(ctx, query, args...)
}

// queryRow runs a one-row query in the transaction, prepared when it is one
// of writeQueries.
func (tx *Tx) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	if st, ok := tx.db.stmts[query]; ok {
		return tx.stmt(ctx, st).QueryRowContext(ctx, args...)
	}
	return tx.QueryRowContext(ctx, query, args...)
}

// stmt is st as this transaction's statement, made the first time only.
func (tx *Tx) stmt(ctx context.Context, st *sql.Stmt) *sql.Stmt {
	if s, ok := tx.stmts[st]; ok {
		return s
	}
	if tx.stmts == nil {
		tx.stmts = map[*sql.Stmt]*sql.Stmt{}
	}
	s := tx.StmtContext(ctx, st)
	tx.stmts[st] = s
	return s
}
