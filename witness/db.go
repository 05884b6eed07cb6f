package witness

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/qantar-project/qantar/tlog"
	_ "modernc.org/sqlite" // the witness's own database
)

// DB is a witness's state, in its own SQLite file: per log origin the
// latest checkpoint it cosigned, and the evidence of every inconsistent
// checkpoint a log signed and someone sent it.
type DB struct {
	db *sql.DB
}

const schema = `
CREATE TABLE IF NOT EXISTS logs (
	origin     TEXT PRIMARY KEY,
	size       INTEGER NOT NULL,
	root       BLOB NOT NULL,
	checkpoint BLOB NOT NULL, -- the signed note as received (the log's signature included)
	updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS evidence (
	id          INTEGER PRIMARY KEY,
	origin      TEXT NOT NULL,
	problem     TEXT NOT NULL,
	old_size    INTEGER NOT NULL,
	known       BLOB NOT NULL,  -- the checkpoint this witness had cosigned, as received
	submitted   BLOB NOT NULL,  -- the inconsistent checkpoint, signed by the log
	proof       TEXT NOT NULL,  -- the consistency proof sent with it, base64 lines
	body_hash   BLOB NOT NULL,  -- SHA-256 of the submitted checkpoint's text
	first_at    TEXT NOT NULL,
	last_at     TEXT NOT NULL,
	repeats     INTEGER NOT NULL DEFAULT 1,
	UNIQUE (origin, known, body_hash)
);`

// OpenDB opens (creating it, mode 0600) a witness database.
func OpenDB(path string) (*DB, error) {
	if path == "" {
		return nil, errors.New("witness database path is empty")
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("witness database: %w", err)
	}
	f.Close()
	q := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "busy_timeout(10000)", "synchronous(FULL)"} {
		q.Add("_pragma", p)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("witness database: %w", err)
	}
	if _, err := db.Exec(schema); err != nil {
		db.Close()
		return nil, fmt.Errorf("witness database %s: %w", path, err)
	}
	return &DB{db: db}, nil
}

// Close closes the database.
func (d *DB) Close() error { return d.db.Close() }

// Known is the latest checkpoint a witness cosigned for a log.
type Known struct {
	Size   uint64
	Root   []byte
	Signed []byte // nil when the witness never cosigned one
}

// Known returns the latest checkpoint cosigned for origin (size 0 and no
// checkpoint when none).
func (d *DB) Known(ctx context.Context, origin string) (Known, error) {
	var k Known
	var size int64
	err := d.db.QueryRowContext(ctx, `SELECT size, root, checkpoint FROM logs WHERE origin = ?`, origin).Scan(&size, &k.Root, &k.Signed)
	if errors.Is(err, sql.ErrNoRows) {
		return Known{}, nil
	}
	k.Size = uint64(size)
	return k, err
}

// advance records cp (signed as received) as the latest for its origin
// if the stored one is still old: compare-and-set, so that of two
// requests checked against the same old state only one advances. It
// reports whether it did.
func (d *DB) advance(ctx context.Context, old Known, cp tlog.Checkpoint, signed []byte, now time.Time) (bool, error) {
	at := now.UTC().Format(time.RFC3339Nano)
	var res sql.Result
	var err error
	if old.Signed == nil {
		res, err = d.db.ExecContext(ctx, `INSERT INTO logs (origin, size, root, checkpoint, updated_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (origin) DO NOTHING`, cp.Origin, int64(cp.Size), cp.Hash, signed, at)
	} else {
		res, err = d.db.ExecContext(ctx, `UPDATE logs SET size = ?, root = ?, checkpoint = ?, updated_at = ?
			WHERE origin = ? AND size = ? AND root = ?`, int64(cp.Size), cp.Hash, signed, at, cp.Origin, int64(old.Size), old.Root)
	}
	if err != nil {
		return false, fmt.Errorf("witness database: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// Evidence is an inconsistent checkpoint a witness was sent: signed by the
// log, not consistent with the one it had cosigned.
type Evidence struct {
	Origin    string
	Problem   string
	OldSize   uint64
	Known     []byte // the checkpoint the witness had cosigned, as received
	Submitted []byte // the refused checkpoint, as received
	Proof     [][]byte
	FirstAt   time.Time
	LastAt    time.Time
	Repeats   int // how many times it was sent
}

// keep stores evidence; the same checkpoint sent again against the same
// known one counts as a repeat (its first proof is kept), so that replays
// cannot fill the disk: every row needs a checkpoint the log signed.
func (d *DB) keep(ctx context.Context, e Evidence, body []byte) error {
	h := sha256.Sum256(body)
	at := e.FirstAt.UTC().Format(time.RFC3339Nano)
	_, err := d.db.ExecContext(ctx, `INSERT INTO evidence (origin, problem, old_size, known, submitted, proof, body_hash, first_at, last_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (origin, known, body_hash) DO UPDATE SET repeats = repeats + 1, last_at = excluded.last_at`,
		e.Origin, e.Problem, int64(e.OldSize), e.Known, e.Submitted, encodeProof(e.Proof), h[:], at, at)
	if err != nil {
		return fmt.Errorf("witness database: keep evidence: %w", err)
	}
	return nil
}

// Evidence returns every piece of evidence kept, oldest first.
func (d *DB) Evidence(ctx context.Context) ([]Evidence, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT origin, problem, old_size, known, submitted, proof, first_at, last_at, repeats FROM evidence ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Evidence
	for rows.Next() {
		var e Evidence
		var old int64
		var proof, first, last string
		if err := rows.Scan(&e.Origin, &e.Problem, &old, &e.Known, &e.Submitted, &proof, &first, &last, &e.Repeats); err != nil {
			return nil, err
		}
		e.OldSize = uint64(old)
		e.FirstAt, _ = time.Parse(time.RFC3339Nano, first)
		e.LastAt, _ = time.Parse(time.RFC3339Nano, last)
		for _, l := range strings.Fields(proof) {
			h, _ := base64.StdEncoding.DecodeString(l)
			e.Proof = append(e.Proof, h)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

func encodeProof(p [][]byte) string {
	var b strings.Builder
	for _, h := range p {
		b.WriteString(base64.StdEncoding.EncodeToString(h))
		b.WriteByte('\n')
	}
	return b.String()
}
