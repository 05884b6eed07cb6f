package storekit

import (
	"context"
	"fmt"

	"github.com/qantar-project/qantar"
)

// CopyOut reads every table of a store in r (one read snapshot) and passes
// each row to fn: the log state first, then tokens, users, audit, records,
// refs, versions, leaves and nodes, each table in key order, as the copy
// types of package qantar.
func CopyOut(ctx context.Context, r Reader, fn func(row any) error) error {
	var st qantar.CopyState
	if err := r.QueryRow(ctx, `SELECT size, root, checkpoint FROM tlog_state WHERE id = 1`).Scan(&st.Size, &st.Root, &st.Checkpoint); err != nil {
		return fmt.Errorf("log state: %w", err)
	}
	if err := fn(&st); err != nil {
		return err
	}
	for _, t := range copyTables {
		rows, err := r.Query(ctx, t.query)
		if err != nil {
			return fmt.Errorf("copy: %w", err)
		}
		if err := copyRows(rows, t.scan, fn); err != nil {
			return err
		}
	}
	return nil
}

// copyRows passes each row of rows, read by scan, to fn, and closes them.
func copyRows(rows Cursor, scan func(Row) (any, error), fn func(row any) error) error {
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
	if err := rows.Err(); err != nil {
		return fmt.Errorf("copy: %w", err)
	}
	return nil
}

// copyTable is one table of a copy: its query, and how a row of it is read.
type copyTable struct {
	query string
	scan  func(row Row) (any, error)
}

var copyTables = []copyTable{
	{`SELECT id, name, role, hash, created_at, revoked_at FROM tokens ORDER BY id`, func(row Row) (any, error) {
		var t qantar.CopyToken
		var created, revoked Time
		err := row.Scan(&t.ID, &t.Name, &t.Role, &t.Hash, &created, &revoked)
		t.CreatedAt, t.RevokedAt = created.T, revoked.Ptr()
		return &t, err
	}},
	{`SELECT ` + UserColumns + ` FROM users ORDER BY id`, func(row Row) (any, error) { return ScanUser(row) }},
	{`SELECT id, at, actor, action, kind, record_id, addr, detail FROM audit ORDER BY id`, func(row Row) (any, error) {
		var e qantar.AuditEntry
		var at Time
		var kind string
		err := row.Scan(&e.ID, &at, &e.Actor, &e.Action, &kind, &e.RecordID, &e.Addr, &e.Detail)
		e.At, e.Kind = at.T, qantar.Kind(kind)
		return &e, err
	}},
	{`SELECT kind, id, version, created_at, updated_at, deleted_at, protection, external_key, data FROM records ORDER BY kind, id`, scanCopyRecord},
	{`SELECT to_kind, to_id, from_kind, from_id FROM refs ORDER BY to_kind, to_id, from_kind, from_id`, func(row Row) (any, error) {
		var r qantar.CopyRef
		return &r, row.Scan(&r.ToKind, &r.ToID, &r.FromKind, &r.FromID)
	}},
	{`SELECT kind, id, version, op, actor, at, reason, data, salt, leaf_index FROM versions ORDER BY kind, id, version`, scanCopyVersion},
	{`SELECT idx, leaf FROM tlog_leaves ORDER BY idx`, func(row Row) (any, error) {
		var l qantar.CopyLeaf
		return &l, row.Scan(&l.Index, &l.Leaf)
	}},
	{`SELECT level, idx, hash FROM tlog_nodes ORDER BY level, idx`, func(row Row) (any, error) {
		var n qantar.CopyNode
		return &n, row.Scan(&n.Level, &n.Index, &n.Hash)
	}},
}

func scanCopyRecord(row Row) (any, error) {
	var r qantar.CopyRecord
	var created, updated, deleted Time
	var ext *string
	var data string
	err := row.Scan(&r.Kind, &r.ID, &r.Version, &created, &updated, &deleted, &r.Protection, &ext, &data)
	r.CreatedAt, r.UpdatedAt, r.DeletedAt, r.Data = created.T, updated.T, deleted.Ptr(), []byte(data)
	if ext != nil {
		r.ExternalKey = *ext
	}
	return &r, err
}

func scanCopyVersion(row Row) (any, error) {
	var v qantar.CopyVersion
	var at Time
	var reason *string
	var data string
	err := row.Scan(&v.Kind, &v.ID, &v.Version, &v.Op, &v.Actor, &at, &reason, &data, &v.Salt, &v.LeafIndex)
	v.At, v.Data = at.T, []byte(data)
	if reason != nil {
		v.Reason = *reason
	}
	return &v, err
}
