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
	return storekit.CopyOut(ctx, reader{tx}, fn)
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

// qCompactVersions leaves out of version rows the content that their
// record's JSON gives back (each version's content stored once, migration
// 009), as the store's own writes do.
var qCompactVersions = `UPDATE version_rows SET data = NULL WHERE data IS NOT NULL AND EXISTS (SELECT 1 FROM records r
	WHERE r.kind = version_rows.kind AND r.id = version_rows.id AND r.version = version_rows.version
	AND CAST(` + storekit.SQLiteCanonical("r.data") + ` AS BLOB) = CAST(version_rows.data AS BLOB))`

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
			_, err = tx.ExecContext(ctx, `INSERT INTO version_rows (kind, id, version, op, actor, at, reason, data, salt, leaf_index)
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
	if _, err := tx.ExecContext(ctx, qCompactVersions); err != nil {
		return fmt.Errorf("copy versions: %w", err)
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
