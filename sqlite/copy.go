package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/search"
	"github.com/qantar-project/qantar/storekit"
)

// CopyOut reads every table in one snapshot and passes each row to fn, the
// log state first, then tokens, users, audit, records, refs, versions,
// leaves and nodes, each table in key order.
func (db *DB) CopyOut(ctx context.Context, fn func(row any) error) error {
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var st qantar.CopyState
	if err := tx.QueryRowContext(ctx, `SELECT size, root, checkpoint FROM tlog_state WHERE id = 1`).Scan(&st.Size, &st.Root, &st.Checkpoint); err != nil {
		return fmt.Errorf("log state: %w", err)
	}
	if err := fn(&st); err != nil {
		return err
	}
	type table struct {
		query string
		scan  func(rows *sql.Rows) (any, error)
	}
	tables := []table{
		{`SELECT id, name, role, hash, created_at, revoked_at FROM tokens ORDER BY id`, func(rows *sql.Rows) (any, error) {
			var t qantar.CopyToken
			var created string
			var revoked sql.NullString
			err := rows.Scan(&t.ID, &t.Name, &t.Role, &t.Hash, &created, &revoked)
			t.CreatedAt, t.RevokedAt = parseTime(created), nullTime(revoked)
			return &t, err
		}},
		{`SELECT ` + storekit.UserColumns + ` FROM users ORDER BY id`, func(rows *sql.Rows) (any, error) { return storekit.ScanUser(rows) }},
		{`SELECT id, at, actor, action, kind, record_id, addr, detail FROM audit ORDER BY id`, func(rows *sql.Rows) (any, error) {
			var e qantar.AuditEntry
			var at, kind string
			err := rows.Scan(&e.ID, &at, &e.Actor, &e.Action, &kind, &e.RecordID, &e.Addr, &e.Detail)
			e.At, e.Kind = parseTime(at), qantar.Kind(kind)
			return &e, err
		}},
		{`SELECT kind, id, version, created_at, updated_at, deleted_at, protection, external_key, data FROM records ORDER BY kind, id`, func(rows *sql.Rows) (any, error) {
			var r qantar.CopyRecord
			var created, updated string
			var deleted, ext sql.NullString
			err := rows.Scan(&r.Kind, &r.ID, &r.Version, &created, &updated, &deleted, &r.Protection, &ext, &r.Data)
			r.CreatedAt, r.UpdatedAt, r.DeletedAt, r.ExternalKey = parseTime(created), parseTime(updated), nullTime(deleted), ext.String
			return &r, err
		}},
		{`SELECT to_kind, to_id, from_kind, from_id FROM refs ORDER BY to_kind, to_id, from_kind, from_id`, func(rows *sql.Rows) (any, error) {
			var r qantar.CopyRef
			return &r, rows.Scan(&r.ToKind, &r.ToID, &r.FromKind, &r.FromID)
		}},
		{`SELECT kind, id, version, op, actor, at, reason, data, salt, leaf_index FROM versions ORDER BY kind, id, version`, func(rows *sql.Rows) (any, error) {
			var v qantar.CopyVersion
			var at string
			var reason sql.NullString
			var leaf sql.NullInt64
			err := rows.Scan(&v.Kind, &v.ID, &v.Version, &v.Op, &v.Actor, &at, &reason, &v.Data, &v.Salt, &leaf)
			v.At, v.Reason = parseTime(at), reason.String
			if leaf.Valid {
				v.LeafIndex = &leaf.Int64
			}
			return &v, err
		}},
		{`SELECT idx, leaf FROM tlog_leaves ORDER BY idx`, func(rows *sql.Rows) (any, error) {
			var l qantar.CopyLeaf
			return &l, rows.Scan(&l.Index, &l.Leaf)
		}},
		{`SELECT level, idx, hash FROM tlog_nodes ORDER BY level, idx`, func(rows *sql.Rows) (any, error) {
			var n qantar.CopyNode
			return &n, rows.Scan(&n.Level, &n.Index, &n.Hash)
		}},
	}
	for _, t := range tables {
		if err := copyTable(ctx, tx, t.query, t.scan, fn); err != nil {
			return err
		}
	}
	return nil
}

func copyTable(ctx context.Context, tx *sql.Tx, query string, scan func(*sql.Rows) (any, error), fn func(any) error) error {
	rows, err := tx.QueryContext(ctx, query)
	if err != nil {
		return fmt.Errorf("copy: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		row, err := scan(rows)
		if err != nil {
			return fmt.Errorf("copy: %w", err)
		}
		if err := fn(row); err != nil {
			return err
		}
	}
	return rows.Err()
}

func nullTime(s sql.NullString) *time.Time {
	if !s.Valid {
		return nil
	}
	t := parseTime(s.String)
	return &t
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullTimeArg(t *time.Time) any {
	if t == nil {
		return nil
	}
	return formatTime(*t)
}

// CopyIn fills an empty database with the rows that rows puts, in one
// transaction: all of them land, or none. It refuses a database that holds
// any record, version, token, user or leaf. The search index is rebuilt
// from the records in the same transaction.
func (db *DB) CopyIn(ctx context.Context, rows func(put func(row any) error) error) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM records) + (SELECT count(*) FROM versions) + (SELECT count(*) FROM tokens)
		+ (SELECT count(*) FROM users) + (SELECT count(*) FROM tlog_leaves) + (SELECT size FROM tlog_state WHERE id = 1)`).Scan(&n); err != nil {
		return fmt.Errorf("copy: %w", err)
	}
	if n > 0 {
		return qantar.Errorf(qantar.ECONFLICT, "%s is not empty: a copy goes only into a new database", db.path)
	}
	var live []qantar.CopyRecord
	put := func(row any) error {
		var err error
		switch r := row.(type) {
		case *qantar.CopyState:
			_, err = tx.ExecContext(ctx, `UPDATE tlog_state SET size = ?, root = ?, checkpoint = ? WHERE id = 1`, r.Size, r.Root, r.Checkpoint)
		case *qantar.CopyToken:
			_, err = tx.ExecContext(ctx, `INSERT INTO tokens (id, name, role, hash, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?)`,
				r.ID, r.Name, r.Role, r.Hash, formatTime(r.CreatedAt), nullTimeArg(r.RevokedAt))
		case *qantar.User:
			_, err = tx.ExecContext(ctx, `INSERT INTO users (`+storekit.UserColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
				r.ID, r.Name, r.Role, r.PasswordHash, r.TOTPSecret, r.TOTPLastStep, formatTime(r.CreatedAt), nullTimeArg(r.DisabledAt))
		case *qantar.AuditEntry:
			_, err = tx.ExecContext(ctx, `INSERT INTO audit (id, at, actor, action, kind, record_id, addr, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
				r.ID, formatTime(r.At), r.Actor, r.Action, string(r.Kind), r.RecordID, r.Addr, r.Detail)
		case *qantar.CopyRecord:
			// data is bound as []byte, as the store's own writes bind it.
			_, err = tx.ExecContext(ctx, `INSERT INTO records (kind, id, version, created_at, updated_at, deleted_at, protection, external_key, data)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.Kind, r.ID, r.Version, formatTime(r.CreatedAt), formatTime(r.UpdatedAt),
				nullTimeArg(r.DeletedAt), r.Protection, nullString(r.ExternalKey), r.Data)
			if r.DeletedAt == nil && search.Indexed(qantar.Kind(r.Kind)) {
				live = append(live, qantar.CopyRecord{Kind: r.Kind, ID: r.ID, Data: r.Data})
			}
		case *qantar.CopyRef:
			_, err = tx.ExecContext(ctx, `INSERT INTO refs (to_kind, to_id, from_kind, from_id) VALUES (?, ?, ?, ?)`, r.ToKind, r.ToID, r.FromKind, r.FromID)
		case *qantar.CopyVersion:
			var leaf any
			if r.LeafIndex != nil {
				leaf = *r.LeafIndex
			}
			_, err = tx.ExecContext(ctx, `INSERT INTO versions (kind, id, version, op, actor, at, reason, data, salt, leaf_index)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.Kind, r.ID, r.Version, r.Op, r.Actor, formatTime(r.At), nullString(r.Reason), r.Data, r.Salt, leaf)
		case *qantar.CopyLeaf:
			_, err = tx.ExecContext(ctx, `INSERT INTO tlog_leaves (idx, leaf) VALUES (?, ?)`, r.Index, r.Leaf)
		case *qantar.CopyNode:
			_, err = tx.ExecContext(ctx, `INSERT INTO tlog_nodes (level, idx, hash) VALUES (?, ?, ?)`, r.Level, r.Index, r.Hash)
		default:
			return fmt.Errorf("copy: a row of type %T", row)
		}
		if err != nil {
			return fmt.Errorf("copy %T: %w", row, err)
		}
		return nil
	}
	if err := rows(put); err != nil {
		return err
	}
	for _, r := range live {
		rec, err := qantar.DecodeStored(qantar.Kind(r.Kind), string(r.Data))
		if err != nil {
			return fmt.Errorf("copy %s/%d: %w", r.Kind, r.ID, err)
		}
		if err := tx.index(ctx, rec, qantar.OpUpdate); err != nil {
			return err
		}
	}
	// What each reader may see is made here, by this binary's rules, never
	// taken from the source.
	if err := tx.reprojectRows(ctx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}
