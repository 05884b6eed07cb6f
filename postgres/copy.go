package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/storekit"
)

// CopyOut reads every table in one repeatable-read snapshot and passes each
// row to fn, in the order of sqlite.DB.CopyOut.
func (db *DB) CopyOut(ctx context.Context, fn func(row any) error) error {
	tx, err := db.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	return storekit.CopyOut(ctx, reader{tx}, fn)
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// copyBatch is how many rows CopyIn sends at once with COPY.
const copyBatch = 5000

// CopyIn fills an empty database with the rows that rows puts, in one
// transaction: all of them land, or none. It refuses a database that holds
// any record, version, token, user or leaf. Rows go in with COPY, by
// table; the id counters and identity sequences are set past the copied
// ids, and the search index is rebuilt, in the same transaction.
func (db *DB) CopyIn(ctx context.Context, rows func(put func(row any) error) error) error {
	return pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		if err := lockEmpty(ctx, tx); err != nil {
			return err
		}
		c := &copier{ctx: ctx, tx: tx}
		if err := rows(c.put); err != nil {
			return err
		}
		if err := c.flush(); err != nil {
			return err
		}
		if err := afterCopy(ctx, tx); err != nil {
			return err
		}
		// What each reader may see is made here, by this binary's rules,
		// never taken from the source.
		return (&Tx{tx: tx, db: db}).reprojectRows(ctx)
	})
}

// lockEmpty takes the log lock, so that no server writes while a copy goes
// in, and refuses a database that is not empty.
func lockEmpty(ctx context.Context, tx pgx.Tx) error {
	if _, err := tx.Exec(ctx, `SELECT 1 FROM tlog_state WHERE id = 1 FOR UPDATE`); err != nil {
		return fmt.Errorf("copy: %w", err)
	}
	var n int64
	if err := tx.QueryRow(ctx, `SELECT (SELECT count(*) FROM records) + (SELECT count(*) FROM versions) + (SELECT count(*) FROM tokens)
		+ (SELECT count(*) FROM users) + (SELECT count(*) FROM tlog_leaves) + (SELECT size FROM tlog_state WHERE id = 1)`).Scan(&n); err != nil {
		return fmt.Errorf("copy: %w", err)
	}
	if n > 0 {
		return qantar.Errorf(qantar.ECONFLICT, "the target database is not empty: a copy goes only into a new database")
	}
	return nil
}

// copier sends the rows of a copy with COPY, a table's batch at a time.
type copier struct {
	ctx   context.Context
	tx    pgx.Tx
	table string
	cols  []string
	batch [][]any
}

func (c *copier) flush() error {
	if len(c.batch) == 0 {
		return nil
	}
	if _, err := c.tx.CopyFrom(c.ctx, pgx.Identifier{c.table}, c.cols, pgx.CopyFromRows(c.batch)); err != nil {
		return fmt.Errorf("copy into %s: %w", c.table, err)
	}
	c.batch = c.batch[:0]
	return nil
}

func (c *copier) add(table string, cols []string, row []any) error {
	if table != c.table || len(c.batch) >= copyBatch {
		if err := c.flush(); err != nil {
			return err
		}
	}
	c.table, c.cols = table, cols
	c.batch = append(c.batch, row)
	return nil
}

// put adds one row of a copy to its table's batch (the log state at once).
func (c *copier) put(row any) error {
	switch r := row.(type) {
	case *qantar.CopyState:
		_, err := c.tx.Exec(c.ctx, `UPDATE tlog_state SET size = $1, root = $2, checkpoint = $3 WHERE id = 1`, r.Size, r.Root, r.Checkpoint)
		return err
	case *qantar.CopyToken:
		return c.add("tokens", []string{"id", "name", "role", "hash", "created_at", "revoked_at"},
			[]any{r.ID, r.Name, r.Role, r.Hash, r.CreatedAt, r.RevokedAt})
	case *qantar.User:
		return c.add("users", []string{"id", "name", "role", "password_hash", "totp_secret", "totp_last_step", "created_at", "disabled_at"},
			[]any{r.ID, r.Name, r.Role, r.PasswordHash, r.TOTPSecret, r.TOTPLastStep, r.CreatedAt, r.DisabledAt})
	case *qantar.AuditEntry:
		return c.add("audit", []string{"id", "at", "actor", "action", "kind", "record_id", "addr", "detail"},
			[]any{r.ID, r.At, r.Actor, r.Action, string(r.Kind), r.RecordID, r.Addr, r.Detail})
	case *qantar.CopyRecord:
		return c.add("records", []string{"kind", "id", "version", "created_at", "updated_at", "deleted_at", "protection", "external_key", "data", "fold"},
			[]any{r.Kind, r.ID, int32(r.Version), r.CreatedAt, r.UpdatedAt, r.DeletedAt, r.Protection, nullString(r.ExternalKey), string(r.Data), fold(r.Data)})
	case *qantar.CopyRef:
		return c.add("refs", []string{"to_kind", "to_id", "from_kind", "from_id"}, []any{r.ToKind, r.ToID, r.FromKind, r.FromID})
	case *qantar.CopyVersion:
		return c.add("version_rows", []string{"kind", "id", "version", "op", "actor", "at", "reason", "data", "salt", "leaf_index"},
			[]any{r.Kind, r.ID, int32(r.Version), r.Op, r.Actor, r.At, nullString(r.Reason), string(r.Data), r.Salt, r.LeafIndex})
	case *qantar.CopyLeaf:
		return c.add("tlog_leaves", []string{"idx", "leaf"}, []any{r.Index, r.Leaf})
	case *qantar.CopyNode:
		return c.add("tlog_nodes", []string{"level", "idx", "hash"}, []any{int32(r.Level), r.Index, r.Hash})
	}
	return fmt.Errorf("copy: a row of type %T", row)
}

// afterCopy sets the id counters and identity sequences past the copied
// ids, and rebuilds the search index.
func afterCopy(ctx context.Context, tx pgx.Tx) error {
	if _, err := tx.Exec(ctx, `INSERT INTO record_ids (kind, last_id) SELECT kind, max(id) FROM records GROUP BY kind
		ON CONFLICT (kind) DO UPDATE SET last_id = excluded.last_id`); err != nil {
		return fmt.Errorf("copy: record ids: %w", err)
	}
	for _, t := range []string{"tokens", "users", "audit"} {
		if _, err := tx.Exec(ctx, `SELECT setval(pg_get_serial_sequence('`+t+`', 'id'), coalesce(max(id), 0) + 1, false) FROM `+t); err != nil {
			return fmt.Errorf("copy: %s ids: %w", t, err)
		}
	}
	// Each version's content stored once (migration 009), as the store's
	// own writes keep it.
	if _, err := tx.Exec(ctx, `UPDATE version_rows v SET data = NULL FROM records r
		WHERE r.kind = v.kind AND r.id = v.id AND r.version = v.version AND v.data IS NOT NULL AND qantar_canonical(r.data) = v.data`); err != nil {
		return fmt.Errorf("copy: versions: %w", err)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM search_terms`); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `DELETE FROM search_docs`); err != nil {
		return err
	}
	return reindexAll(ctx, tx)
}
