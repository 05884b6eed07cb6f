package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/storekit"
)

// Create stores rec as version 1 of a new record (in a group commit with
// the single writes that arrive meanwhile: see group.go). The write's
// statements run whole once its turn comes, whatever becomes of ctx, so
// that a caller who gives up cannot break the others' transaction.
func (db *DB) Create(ctx context.Context, actor qantar.Actor, rec qantar.Record) error {
	run := context.WithoutCancel(ctx)
	return db.single(ctx, rec, func(tx *Tx) error { return tx.Create(run, actor, rec) })
}

// Update stores rec as the next version of its record.
func (db *DB) Update(ctx context.Context, actor qantar.Actor, rec qantar.Record) error {
	run := context.WithoutCancel(ctx)
	return db.single(ctx, rec, func(tx *Tx) error { return tx.Update(run, actor, rec) })
}

// Delete records the deletion of a record.
func (db *DB) Delete(ctx context.Context, actor qantar.Actor, kind qantar.Kind, id int64, version int, reason string) error {
	run := context.WithoutCancel(ctx)
	return db.single(ctx, nil, func(tx *Tx) error { return tx.Delete(run, actor, kind, id, version, reason) })
}

// InTx runs fn in one write transaction.
func (db *DB) InTx(ctx context.Context, fn func(w qantar.Writer) error) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if tx.broken != nil {
		return fmt.Errorf("transaction failed: %w", tx.broken)
	}
	if err := tx.flushLog(ctx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// atomically runs one write of a transaction so that a refused write
// leaves nothing behind: every check that can refuse it runs before its first
// row is written, and a failure after that (a failing disk) breaks the whole
// transaction, which then commits nothing. (A savepoint per write would do
// the same, but makes FTS5 flush its index at every write.)
func (tx *Tx) atomically(ctx context.Context, fn func() error) error {
	if tx.broken != nil {
		return fmt.Errorf("transaction already failed: %w", tx.broken)
	}
	tx.writing = false
	if err := fn(); err != nil {
		if tx.writing {
			tx.broken = err
		}
		return err
	}
	return nil
}

// Create stores rec as version 1 within the transaction.
func (tx *Tx) Create(ctx context.Context, actor qantar.Actor, rec qantar.Record) error {
	return tx.atomically(ctx, func() error { return tx.create(ctx, actor, rec) })
}

func (tx *Tx) create(ctx context.Context, actor qantar.Actor, rec qantar.Record) error {
	if err := tx.check(ctx, actor, rec, nil); err != nil {
		return err
	}
	m := rec.GetMeta()
	// The next id is read once per kind and transaction, then counted on:
	// this transaction is the only writer.
	next, ok := tx.nextID[rec.Kind()]
	if !ok {
		if err := tx.queryRow(ctx, qNextID, rec.Kind()).Scan(&next); err != nil {
			return fmt.Errorf("next id: %w", err)
		}
	}
	old := *m
	m.ID = next
	m.Version, m.CreatedAt, m.UpdatedAt = 1, tx.now, tx.now
	if err := tx.write(ctx, actor, rec, qantar.OpCreate, "", true); err != nil {
		*m = old // a refused record is given no id
		return err
	}
	tx.nextID[rec.Kind()] = next + 1
	tx.live[qantar.Ref{Kind: rec.Kind(), ID: next}] = true
	return nil
}

// Update stores rec as the next version of record rec.ID, which must be at
// version rec.Version.
func (tx *Tx) Update(ctx context.Context, actor qantar.Actor, rec qantar.Record) error {
	return tx.atomically(ctx, func() error { return tx.update(ctx, actor, rec) })
}

func (tx *Tx) update(ctx context.Context, actor qantar.Actor, rec qantar.Record) error {
	m := rec.GetMeta()
	cur, err := tx.getLive(ctx, rec.Kind(), m.ID)
	if err != nil {
		return err
	}
	cm := cur.GetMeta()
	if err := qantar.CheckVersion(rec.Kind(), m.ID, m.Version, cm.Version, false); err != nil {
		return err
	}
	if err := tx.check(ctx, actor, rec, cur); err != nil {
		return err
	}
	m.Version, m.CreatedAt, m.UpdatedAt = cm.Version+1, cm.CreatedAt, tx.now
	return tx.write(ctx, actor, rec, qantar.OpUpdate, "", false)
}

// Delete records the deletion of record id at the given version, with a reason.
func (tx *Tx) Delete(ctx context.Context, actor qantar.Actor, kind qantar.Kind, id int64, version int, reason string) error {
	return tx.atomically(ctx, func() error { return tx.delete(ctx, actor, kind, id, version, reason) })
}

func (tx *Tx) delete(ctx context.Context, actor qantar.Actor, kind qantar.Kind, id int64, version int, reason string) error {
	if err := qantar.CheckWriter(actor); err != nil {
		return err
	}
	reason, err := qantar.CleanDeleteReason(reason)
	if err != nil {
		return err
	}
	cur, err := tx.getLive(ctx, kind, id)
	if err != nil {
		return err
	}
	m := cur.GetMeta()
	if err := qantar.CheckVersion(kind, id, version, m.Version, true); err != nil {
		return err
	}
	var fromKind string
	var fromID int64
	err = tx.queryRow(ctx, qReferrer, kind, id, kind, id).Scan(&fromKind, &fromID)
	if err == nil {
		return qantar.StillReferred(kind, id, qantar.Ref{Kind: qantar.Kind(fromKind), ID: fromID})
	} else if !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("check references: %w", err)
	}
	m.Version, m.UpdatedAt = m.Version+1, tx.now
	if err := tx.write(ctx, actor, cur, qantar.OpDelete, reason, false); err != nil {
		return err
	}
	delete(tx.live, qantar.Ref{Kind: kind, ID: id})
	return nil
}

// check validates rec and the records it refers to.
func (tx *Tx) check(ctx context.Context, actor qantar.Actor, rec qantar.Record, prev qantar.Record) error {
	if err := qantar.CheckWrite(actor, rec, prev); err != nil {
		return err
	}
	for _, r := range rec.Refs() {
		key := qantar.Ref{Kind: r.Kind, ID: r.ID}
		if tx.live[key] {
			continue
		}
		var n int
		if err := tx.queryRow(ctx, qExists, r.Kind, r.ID).Scan(&n); err != nil {
			return fmt.Errorf("check %s: %w", r.Field, err)
		}
		if n == 0 {
			return qantar.FieldErrorf(r.Field, "%s/%d does not exist", r.Kind, r.ID)
		}
		tx.live[key] = true
	}
	if tx.db.checker != nil {
		if err := tx.db.checker.Check(ctx, rec, prev); err != nil {
			return err
		}
	}
	return nil
}

// write stores the record row, its version row, its references and its log leaf.
func (tx *Tx) write(ctx context.Context, actor qantar.Actor, rec qantar.Record, op qantar.Op, reason string, insert bool) error {
	m := rec.GetMeta()
	data, canonical, err := storekit.Encode(rec)
	if err != nil {
		return err
	}
	protection := qantar.Protection(rec)
	var ext any
	if m.ExternalKey != "" {
		ext = m.ExternalKey
	}
	var deleted any
	if op == qantar.OpDelete {
		deleted = formatTime(tx.now)
	}
	pub, view, err := tx.projections(ctx, rec, data, nil)
	if err != nil {
		return err
	}
	tx.writing = true // from here on, a failure breaks the transaction
	if insert {
		_, err = tx.exec(ctx, qInsertRecord, rec.Kind(), m.ID, m.Version, formatTime(m.CreatedAt), formatTime(m.UpdatedAt), deleted, protection, ext, data, pub, view)
	} else {
		_, err = tx.exec(ctx, qUpdateRecord, m.Version, formatTime(m.UpdatedAt), deleted, protection, ext, data, pub, view, rec.Kind(), m.ID)
	}
	if err != nil {
		tx.writing = false // a refused row insert wrote nothing
		if strings.Contains(err.Error(), "UNIQUE constraint failed: records.kind, records.external_key") {
			return &qantar.Error{Code: qantar.ECONFLICT, Field: "external_key", Message: fmt.Sprintf("another %s already has external key %q", rec.Kind().Singular(), m.ExternalKey)}
		}
		if strings.Contains(err.Error(), "UNIQUE constraint failed") {
			return qantar.Errorf(qantar.ECONFLICT, "%s/%d already exists", rec.Kind(), m.ID)
		}
		return fmt.Errorf("write %s/%d: %w", rec.Kind(), m.ID, err)
	}
	if op != qantar.OpCreate {
		if _, err := tx.exec(ctx, qDeleteRefs, rec.Kind(), m.ID); err != nil {
			return fmt.Errorf("refs: %w", err)
		}
	}
	if op != qantar.OpDelete {
		for _, r := range rec.Refs() {
			if _, err := tx.exec(ctx, qInsertRef,
				r.Kind, r.ID, rec.Kind(), m.ID); err != nil {
				return fmt.Errorf("refs: %w", err)
			}
		}
	}
	v := storekit.NewVersion(rec, op, actor.LogID(), reason, canonical)
	if err := tx.index(ctx, rec, op); err != nil {
		return err
	}
	if op == qantar.OpUpdate {
		if err := qantar.ReprojectAfter(txProjector{ctx, tx}, rec.Kind(), m.ID); err != nil {
			return err
		}
	}
	leaf, err := tx.appendLeaf(ctx, v)
	if err != nil {
		return err
	}
	var reasonArg any
	if reason != "" {
		reasonArg = reason
	}
	if _, err := tx.exec(ctx, qInsertVersion, v.Kind, v.ID, v.Version, v.Op, v.Actor, formatTime(tx.now), reasonArg, canonical, v.Salt, leaf); err != nil {
		return fmt.Errorf("version %s/%d v%d: %w", v.Kind, v.ID, v.Version, err)
	}
	return nil
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// Get returns the live record within the transaction.
func (tx *Tx) Get(ctx context.Context, kind qantar.Kind, id int64) (qantar.Record, error) {
	return tx.getLive(ctx, kind, id)
}

func (tx *Tx) getLive(ctx context.Context, kind qantar.Kind, id int64) (qantar.Record, error) {
	return getRecord(ctx, tx, kind, id)
}

// GetByExternalKey returns the live record with the given external key.
func (tx *Tx) GetByExternalKey(ctx context.Context, kind qantar.Kind, key string) (qantar.Record, error) {
	return getByExternalKey(ctx, tx, kind, key)
}

// GetByExternalKeys returns the live records with the given external keys.
func (tx *Tx) GetByExternalKeys(ctx context.Context, kind qantar.Kind, keys []string) (map[string]qantar.Record, error) {
	return getByExternalKeys(ctx, tx, kind, keys)
}

// Get returns the current version of a live record.
func (db *DB) Get(ctx context.Context, kind qantar.Kind, id int64) (qantar.Record, error) {
	return getRecord(ctx, db.read, kind, id)
}

// GetByExternalKey returns the live record with the given external key.
func (db *DB) GetByExternalKey(ctx context.Context, kind qantar.Kind, key string) (qantar.Record, error) {
	return getByExternalKey(ctx, db.read, kind, key)
}

func getRecord(ctx context.Context, q querier, kind qantar.Kind, id int64) (qantar.Record, error) {
	var data string
	var deleted sql.NullString
	err := q.QueryRowContext(ctx, `SELECT data, deleted_at FROM records WHERE kind = ? AND id = ?`, kind, id).Scan(&data, &deleted)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, qantar.Errorf(qantar.ENOTFOUND, "%s/%d does not exist", kind, id)
	} else if err != nil {
		return nil, fmt.Errorf("get %s/%d: %w", kind, id, err)
	}
	if deleted.Valid {
		return nil, qantar.Errorf(qantar.ENOTFOUND, "%s/%d was deleted on %s; its history remains", kind, id, deleted.String[:10])
	}
	return qantar.DecodeStored(kind, data)
}

func getByExternalKey(ctx context.Context, q querier, kind qantar.Kind, key string) (qantar.Record, error) {
	var data string
	err := q.QueryRowContext(ctx, `SELECT data FROM records WHERE kind = ? AND external_key = ? AND deleted_at IS NULL`, kind, key).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, qantar.Errorf(qantar.ENOTFOUND, "no %s has external key %q", kind.Singular(), key)
	} else if err != nil {
		return nil, fmt.Errorf("get %s by key: %w", kind, err)
	}
	return qantar.DecodeStored(kind, data)
}

// getByExternalKeys looks the keys up through the external-key index, one
// key after another in the order of the JSON array that carries them.
func getByExternalKeys(ctx context.Context, q querier, kind qantar.Kind, keys []string) (map[string]qantar.Record, error) {
	out := map[string]qantar.Record{}
	if len(keys) == 0 {
		return out, nil
	}
	arr, err := json.Marshal(keys)
	if err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT r.external_key, r.data FROM json_each(?) j CROSS JOIN records r
		WHERE r.kind = ? AND r.external_key = j.value AND r.external_key IS NOT NULL AND r.deleted_at IS NULL`, string(arr), kind)
	if err != nil {
		return nil, fmt.Errorf("get %s by keys: %w", kind, err)
	}
	defer rows.Close()
	return storekit.DecodeKeyed(rows, kind)
}
