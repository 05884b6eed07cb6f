// Package storekit is what both stores do alike around their own SQL, so
// that sqlite and postgres differ only where their engines do (locking,
// group commit, ids, FTS5 against tsvector, COPY, drivers):
//
//   - statements both engines read ($1 placeholders) over SQL and Reader,
//     small interfaces of what differs (a driver's errors, how a time is
//     stored): accounts (Accounts), lists, histories and counts (Lists,
//     with a Lister for the JSON and text-search SQL), a log snapshot's
//     reads (Reads), verification (Verify), a repair (TxLog), a copy's
//     reads (CopyOut);
//   - the decisions around a write (Check, Updating, Deleting), a search
//     (Search, NearKeys), a log's first checkpoint and its repair, and the
//     rows of a write (Version, Encode).
package storekit

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/tlog"
	"golang.org/x/mod/sumdb/note"
)

// Signer is a log's key and name.
type Signer struct {
	Key    note.Signer
	Origin string
}

// FirstCheckpoint is what a store signs at open given its log's stored size
// and checkpoint: nil when it has a checkpoint, or when it has leaves but
// none and repair is set (RepairCheckpoint signs that one, explicitly); the
// signed empty tree when the log is new; an error when it has leaves but
// no checkpoint.
func FirstCheckpoint(s Signer, size int64, cp []byte, repair bool) ([]byte, error) {
	if cp != nil {
		return nil, nil
	}
	if size != 0 {
		if repair {
			return nil, nil
		}
		return nil, fmt.Errorf("log of size %d has no checkpoint: check it with `qantar verify --db`; `qantar repair` may sign a new one, saying why", size)
	}
	return tlog.SignCheckpoint(s.Key, tlog.Checkpoint{Origin: s.Origin, Size: 0, Hash: tlog.EmptyRoot()})
}

// RepairLog is a log as RepairCheckpoint sees it, inside the store's
// writing transaction (and under its lock).
type RepairLog interface {
	// Tree returns the stored leaves and nodes.
	Tree() (tlog.LeafReader, tlog.NodeReader)
	// State returns the stored size and checkpoint (nil when none).
	State(ctx context.Context) (size int64, cp []byte, err error)
	// Leaves counts the stored leaves.
	Leaves(ctx context.Context) (int64, error)
	// Save stores the new root and checkpoint and an audit entry (action
	// qantar.AuditRepair, actor qantar.System) with detail.
	Save(ctx context.Context, root, cp []byte, detail string) error
}

// TxLog is RepairLog over a store's write transaction: its statements, its
// node reader, and the lock its read of the log state takes (" FOR UPDATE"
// on PostgreSQL; none on SQLite, whose one writer holds the database).
type TxLog struct {
	SQL   SQL
	Nodes tlog.NodeReader
	Lock  string
	Now   time.Time
}

// Tree is RepairLog's.
func (l TxLog) Tree() (tlog.LeafReader, tlog.NodeReader) { return Reads{l.SQL}, l.Nodes }

// State is RepairLog's.
func (l TxLog) State(ctx context.Context) (size int64, cp []byte, err error) {
	err = l.SQL.QueryRow(ctx, `SELECT size, checkpoint FROM tlog_state WHERE id = 1`+l.Lock).Scan(&size, &cp)
	return size, cp, err
}

// Leaves is RepairLog's.
func (l TxLog) Leaves(ctx context.Context) (n int64, err error) {
	err = l.SQL.QueryRow(ctx, `SELECT count(*) FROM tlog_leaves`).Scan(&n)
	return n, err
}

// Save is RepairLog's.
func (l TxLog) Save(ctx context.Context, root, cp []byte, detail string) error {
	if _, err := l.SQL.Exec(ctx, `UPDATE tlog_state SET root = $1, checkpoint = $2 WHERE id = 1`, root, cp); err != nil {
		return fmt.Errorf("log state: %w", err)
	}
	_, err := l.SQL.Exec(ctx, `INSERT INTO audit (at, actor, action, detail) VALUES ($1, $2, $3, $4)`,
		l.SQL.Time(l.Now), qantar.System.ID, qantar.AuditRepair, detail)
	return wrap(err, "audit")
}

// MarkRebuild sets what a store keeps beside its records (their kept
// projections, the list filters' record_fields, the search index and
// search_terms) to be made again from the records when it is next opened,
// as after a change of their rules, and records why in the audit log. The
// records, their versions and the log are not touched: what verify found
// edited in those tables is made again from what the log commits to.
func (l TxLog) MarkRebuild(ctx context.Context, why string) error {
	for _, q := range []string{`UPDATE projection_state SET rules = 0 WHERE id = 1`, `UPDATE search_state SET version = 0 WHERE id = 1`} {
		if _, err := l.SQL.Exec(ctx, q); err != nil {
			return fmt.Errorf("rebuild: %w", err)
		}
	}
	_, err := l.SQL.Exec(ctx, `INSERT INTO audit (at, actor, action, detail) VALUES ($1, $2, $3, $4)`,
		l.SQL.Time(l.Now), qantar.System.ID, qantar.AuditRepair, "rebuild: "+why)
	return wrap(err, "audit")
}

// CheckRepair refuses a repair without a reason or of a database open
// read-only.
func CheckRepair(why string, readOnly bool) error {
	if err := qantar.CheckRepairReason(why); err != nil {
		return err
	}
	if readOnly {
		return qantar.Errorf(qantar.EINVALID, "the database is open read-only")
	}
	return nil
}

// Repair signs a new checkpoint of the log as its leaves stand, when the
// stored one is missing or does not verify with verifierKey, and records
// why. It rewrites no leaf, node or version: it refuses when the leaves,
// the stored size and the tree disagree. It returns the new signed
// checkpoint, or nil when the stored one verifies.
func Repair(ctx context.Context, l RepairLog, s Signer, verifierKey, why string) ([]byte, error) {
	size, old, err := l.State(ctx)
	if err != nil {
		return nil, fmt.Errorf("log state: %w", err)
	}
	if old != nil {
		if _, err := tlog.OpenCheckpoint(old, verifierKey); err == nil {
			return nil, nil
		}
	}
	leaves, err := l.Leaves(ctx)
	if err != nil {
		return nil, fmt.Errorf("log leaves: %w", err)
	}
	if size != leaves {
		return nil, qantar.Errorf(qantar.EINVALID, "the log's size is %d but it holds %d leaves: repair only re-signs the leaves as they stand, and will not guess which is right", size, leaves)
	}
	lr, nr := l.Tree()
	root, err := tlog.ScanLeaves(ctx, lr, nr, uint64(size), nil)
	if err != nil {
		return nil, qantar.Errorf(qantar.EINVALID, "the log itself is damaged, and repair will not sign it: %v", err)
	}
	signed, err := tlog.SignCheckpoint(s.Key, tlog.Checkpoint{Origin: s.Origin, Size: uint64(size), Hash: root})
	if err != nil {
		return nil, err
	}
	state := "invalid"
	if old == nil {
		state = "missing"
	}
	if err := l.Save(ctx, root, signed, fmt.Sprintf("re-signed the checkpoint of %d leaves (the stored one was %s): %s", size, state, why)); err != nil {
		return nil, err
	}
	return signed, nil
}

// Encode returns a record's stored JSON and its canonical JSON (what its
// log leaf commits to).
func Encode(rec qantar.Record) (data, canonical []byte, err error) {
	if data, err = json.Marshal(rec); err != nil {
		return nil, nil, fmt.Errorf("encode %s: %w", rec.Kind(), err)
	}
	if canonical, err = qantar.Canonical(rec); err != nil {
		return nil, nil, err
	}
	return data, canonical, nil
}

// Sort is how a list is sorted (Filter.Sort: a field, "-" before it for
// descending), as both stores read it.
type Sort struct {
	Dir    string // " ASC" or " DESC"
	Column string // a column of the records table, or "" for a JSON field
	Field  string // the JSON field when Column is ""
	Data   bool   // the field is read from data, not the reader's projection
}

// SortOf checks a sort of kind's records and says on what it sorts.
func SortOf(kind qantar.Kind, sort string) (Sort, error) {
	s := Sort{Dir: " ASC", Field: strings.TrimPrefix(sort, "-")}
	if strings.HasPrefix(sort, "-") {
		s.Dir = " DESC"
	}
	switch s.Field {
	case "", "id":
		s.Column = "id"
		return s, nil
	case "created_at", "updated_at", "version":
		s.Column = s.Field
		return s, nil
	}
	if !slices.Contains(qantar.FilterFields[kind], s.Field) {
		return Sort{}, qantar.FieldErrorf("sort", "cannot sort %s on %q", kind, s.Field)
	}
	if s.Field == "protection" {
		s.Column = s.Field
	}
	s.Data = qantar.KeptByProjection(kind, s.Field)
	return s, nil
}

// Then returns the ORDER BY of a sort by expr, ties broken by id.
func (s Sort) Then(expr string) string {
	if expr == "id" {
		return "id" + s.Dir
	}
	return expr + s.Dir + ", id" + s.Dir
}

// DecodeAll decodes rows of one column, a stored record of kind each.
func DecodeAll(rows Rows, kind qantar.Kind) ([]qantar.Record, error) {
	var out []qantar.Record
	for rows.Next() {
		var data string
		if err := rows.Scan(&data); err != nil {
			return nil, err
		}
		rec, err := qantar.DecodeStored(kind, data)
		if err != nil {
			return nil, err
		}
		out = append(out, rec)
	}
	return out, rows.Err()
}

// DecodeKeyed decodes rows of (external key, stored record of kind) into a
// map by key.
func DecodeKeyed(rows Rows, kind qantar.Kind) (map[string]qantar.Record, error) {
	out := map[string]qantar.Record{}
	for rows.Next() {
		var key, data string
		if err := rows.Scan(&key, &data); err != nil {
			return nil, err
		}
		rec, err := qantar.DecodeStored(kind, data)
		if err != nil {
			return nil, err
		}
		out[key] = rec
	}
	return out, rows.Err()
}
