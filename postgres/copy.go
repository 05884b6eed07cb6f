package postgres

import (
	"context"
	"fmt"
	"time"

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
	var st qantar.CopyState
	if err := tx.QueryRow(ctx, `SELECT size, root, checkpoint FROM tlog_state WHERE id = 1`).Scan(&st.Size, &st.Root, &st.Checkpoint); err != nil {
		return fmt.Errorf("log state: %w", err)
	}
	if err := fn(&st); err != nil {
		return err
	}
	type table struct {
		query string
		scan  func(rows pgx.Rows) (any, error)
	}
	tables := []table{
		{`SELECT id, name, role, hash, created_at, revoked_at FROM tokens ORDER BY id`, func(rows pgx.Rows) (any, error) {
			var t qantar.CopyToken
			err := rows.Scan(&t.ID, &t.Name, &t.Role, &t.Hash, &t.CreatedAt, &t.RevokedAt)
			t.CreatedAt, t.RevokedAt = t.CreatedAt.UTC(), utcPtr(t.RevokedAt)
			return &t, err
		}},
		{`SELECT ` + storekit.UserColumns + ` FROM users ORDER BY id`, func(rows pgx.Rows) (any, error) { return storekit.ScanUser(rows) }},
		{`SELECT id, at, actor, action, kind, record_id, addr, detail FROM audit ORDER BY id`, func(rows pgx.Rows) (any, error) {
			var e qantar.AuditEntry
			var kind string
			err := rows.Scan(&e.ID, &e.At, &e.Actor, &e.Action, &kind, &e.RecordID, &e.Addr, &e.Detail)
			e.At, e.Kind = e.At.UTC(), qantar.Kind(kind)
			return &e, err
		}},
		{`SELECT kind, id, version, created_at, updated_at, deleted_at, protection, external_key, data FROM records ORDER BY kind, id`, func(rows pgx.Rows) (any, error) {
			var r qantar.CopyRecord
			var ext *string
			var data string
			err := rows.Scan(&r.Kind, &r.ID, &r.Version, &r.CreatedAt, &r.UpdatedAt, &r.DeletedAt, &r.Protection, &ext, &data)
			r.CreatedAt, r.UpdatedAt, r.DeletedAt, r.Data = r.CreatedAt.UTC(), r.UpdatedAt.UTC(), utcPtr(r.DeletedAt), []byte(data)
			if ext != nil {
				r.ExternalKey = *ext
			}
			return &r, err
		}},
		{`SELECT to_kind, to_id, from_kind, from_id FROM refs ORDER BY to_kind, to_id, from_kind, from_id`, func(rows pgx.Rows) (any, error) {
			var r qantar.CopyRef
			return &r, rows.Scan(&r.ToKind, &r.ToID, &r.FromKind, &r.FromID)
		}},
		{`SELECT kind, id, version, op, actor, at, reason, data, salt, leaf_index FROM versions ORDER BY kind, id, version`, func(rows pgx.Rows) (any, error) {
			var v qantar.CopyVersion
			var reason *string
			var data string
			err := rows.Scan(&v.Kind, &v.ID, &v.Version, &v.Op, &v.Actor, &v.At, &reason, &data, &v.Salt, &v.LeafIndex)
			v.At, v.Data = v.At.UTC(), []byte(data)
			if reason != nil {
				v.Reason = *reason
			}
			return &v, err
		}},
		{`SELECT idx, leaf FROM tlog_leaves ORDER BY idx`, func(rows pgx.Rows) (any, error) {
			var l qantar.CopyLeaf
			return &l, rows.Scan(&l.Index, &l.Leaf)
		}},
		{`SELECT level, idx, hash FROM tlog_nodes ORDER BY level, idx`, func(rows pgx.Rows) (any, error) {
			var n qantar.CopyNode
			return &n, rows.Scan(&n.Level, &n.Index, &n.Hash)
		}},
	}
	for _, t := range tables {
		rows, err := tx.Query(ctx, t.query)
		if err != nil {
			return fmt.Errorf("copy: %w", err)
		}
		for rows.Next() {
			row, err := t.scan(rows)
			if err == nil {
				err = fn(row)
			}
			if err != nil {
				rows.Close()
				return err
			}
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("copy: %w", err)
		}
	}
	return nil
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
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
