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
		// No server may write while the copy goes in.
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
		var (
			table string
			cols  []string
			batch [][]any
		)
		flush := func() error {
			if len(batch) == 0 {
				return nil
			}
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromRows(batch)); err != nil {
				return fmt.Errorf("copy into %s: %w", table, err)
			}
			batch = batch[:0]
			return nil
		}
		add := func(t string, c []string, row []any) error {
			if t != table || len(batch) >= copyBatch {
				if err := flush(); err != nil {
					return err
				}
			}
			table, cols = t, c
			batch = append(batch, row)
			return nil
		}
		put := func(row any) error {
			switch r := row.(type) {
			case *qantar.CopyState:
				_, err := tx.Exec(ctx, `UPDATE tlog_state SET size = $1, root = $2, checkpoint = $3 WHERE id = 1`, r.Size, r.Root, r.Checkpoint)
				return err
			case *qantar.CopyToken:
				return add("tokens", []string{"id", "name", "role", "hash", "created_at", "revoked_at"},
					[]any{r.ID, r.Name, r.Role, r.Hash, r.CreatedAt, r.RevokedAt})
			case *qantar.User:
				return add("users", []string{"id", "name", "role", "password_hash", "totp_secret", "totp_last_step", "created_at", "disabled_at"},
					[]any{r.ID, r.Name, r.Role, r.PasswordHash, r.TOTPSecret, r.TOTPLastStep, r.CreatedAt, r.DisabledAt})
			case *qantar.AuditEntry:
				return add("audit", []string{"id", "at", "actor", "action", "kind", "record_id", "addr", "detail"},
					[]any{r.ID, r.At, r.Actor, r.Action, string(r.Kind), r.RecordID, r.Addr, r.Detail})
			case *qantar.CopyRecord:
				return add("records", []string{"kind", "id", "version", "created_at", "updated_at", "deleted_at", "protection", "external_key", "data", "fold"},
					[]any{r.Kind, r.ID, int32(r.Version), r.CreatedAt, r.UpdatedAt, r.DeletedAt, r.Protection, nullString(r.ExternalKey), string(r.Data), fold(r.Data)})
			case *qantar.CopyRef:
				return add("refs", []string{"to_kind", "to_id", "from_kind", "from_id"}, []any{r.ToKind, r.ToID, r.FromKind, r.FromID})
			case *qantar.CopyVersion:
				return add("versions", []string{"kind", "id", "version", "op", "actor", "at", "reason", "data", "salt", "leaf_index"},
					[]any{r.Kind, r.ID, int32(r.Version), r.Op, r.Actor, r.At, nullString(r.Reason), string(r.Data), r.Salt, r.LeafIndex})
			case *qantar.CopyLeaf:
				return add("tlog_leaves", []string{"idx", "leaf"}, []any{r.Index, r.Leaf})
			case *qantar.CopyNode:
				return add("tlog_nodes", []string{"level", "idx", "hash"}, []any{int32(r.Level), r.Index, r.Hash})
			}
			return fmt.Errorf("copy: a row of type %T", row)
		}
		if err := rows(put); err != nil {
			return err
		}
		if err := flush(); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO record_ids (kind, last_id) SELECT kind, max(id) FROM records GROUP BY kind
			ON CONFLICT (kind) DO UPDATE SET last_id = excluded.last_id`); err != nil {
			return fmt.Errorf("copy: record ids: %w", err)
		}
		for _, t := range []string{"tokens", "users", "audit"} {
			if _, err := tx.Exec(ctx, `SELECT setval(pg_get_serial_sequence('`+t+`', 'id'), coalesce(max(id), 0) + 1, false) FROM `+t); err != nil {
				return fmt.Errorf("copy: %s ids: %w", t, err)
			}
		}
		if _, err := tx.Exec(ctx, `DELETE FROM search_keys`); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM search_docs`); err != nil {
			return err
		}
		if err := reindexAll(ctx, tx); err != nil {
			return err
		}
		// What each reader may see is made here, by this binary's rules,
		// never taken from the source.
		return (&Tx{tx: tx, db: db}).reprojectRows(ctx)
	})
}
