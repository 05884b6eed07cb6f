package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
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
	if err := tx.write(ctx, actor, rec, qantar.OpCreate, "", true, nil); err != nil {
		*m = old // a refused record is given no id
		return err
	}
	tx.nextID[rec.Kind()] = next + 1
	return nil
}

// Update stores rec as the next version of record rec.ID, which must be at
// version rec.Version.
func (tx *Tx) Update(ctx context.Context, actor qantar.Actor, rec qantar.Record) error {
	return tx.atomically(ctx, func() error { return tx.update(ctx, actor, rec) })
}

func (tx *Tx) update(ctx context.Context, actor qantar.Actor, rec qantar.Record) error {
	get := func() (qantar.Record, error) { return tx.getLive(ctx, rec.Kind(), rec.GetMeta().ID) }
	check := func(cur qantar.Record) error { return tx.check(ctx, actor, rec, cur) }
	cur, err := storekit.Updating(rec, tx.now, get, check)
	if err != nil {
		return err
	}
	return tx.write(ctx, actor, rec, qantar.OpUpdate, "", false, cur)
}

// Delete records the deletion of record id at the given version, with a reason.
func (tx *Tx) Delete(ctx context.Context, actor qantar.Actor, kind qantar.Kind, id int64, version int, reason string) error {
	return tx.atomically(ctx, func() error { return tx.delete(ctx, actor, kind, id, version, reason) })
}

func (tx *Tx) delete(ctx context.Context, actor qantar.Actor, kind qantar.Kind, id int64, version int, reason string) error {
	get := func() (qantar.Record, error) { return tx.getLive(ctx, kind, id) }
	referrer := func() (*qantar.Ref, error) {
		return storekit.Referrer(tx.queryRow(ctx, qReferrer, kind, id), reader{}.NoRows)
	}
	cur, reason, err := storekit.Deleting(actor, kind, id, version, reason, tx.now, get, referrer)
	if err != nil {
		return err
	}
	return tx.write(ctx, actor, cur, qantar.OpDelete, reason, false, nil)
}

// check validates rec and the records it refers to (known live in the
// transaction, or read).
func (tx *Tx) check(ctx context.Context, actor qantar.Actor, rec qantar.Record, prev qantar.Record) error {
	err := storekit.Check(ctx, actor, rec, prev, tx.db.checker, func(r qantar.Ref) (bool, error) {
		if _, ok := tx.known.get(r); ok {
			return true, nil
		}
		var n int
		if err := tx.queryRow(ctx, qExists, r.Kind, r.ID).Scan(&n); err != nil || n == 0 {
			return false, err
		}
		tx.known.isLive(r)
		return true, nil
	})
	if err != nil {
		return err
	}
	return qantar.CheckAncestry(rec, qantar.UnitsFrom(func(k qantar.Kind, id int64) (qantar.Record, error) { return tx.getLive(ctx, k, id) }))
}

// write stores the record row, its version row, its references and its log leaf.
func (tx *Tx) write(ctx context.Context, actor qantar.Actor, rec qantar.Record, op qantar.Op, reason string, insert bool, prev qantar.Record) error {
	m := rec.GetMeta()
	data, canonical, err := storekit.Encode(rec)
	if err != nil {
		return err
	}
	pub, view, err := tx.projections(ctx, rec, data)
	if err != nil {
		return err
	}
	var fields []storekit.FieldRow
	if !insert {
		if fields, err = tx.storedFields(ctx, rec.Kind(), m.ID); err != nil {
			return err
		}
	}
	protection, ext := qantar.Protection(rec), nullString(m.ExternalKey)
	var deleted any
	if op == qantar.OpDelete {
		deleted = formatTime(tx.now)
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
			return storekit.KeyTaken(rec)
		}
		if strings.Contains(err.Error(), "UNIQUE constraint failed") {
			return storekit.Exists(rec)
		}
		return fmt.Errorf("write %s/%d: %w", rec.Kind(), m.ID, err)
	}
	tx.knowWritten(rec, op)
	if err := tx.writeFields(ctx, rec.Kind(), m.ID, fields, op, data, pub, view); err != nil {
		return err
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
	if err := tx.indexOver(ctx, prev, rec, op); err != nil {
		return err
	}
	if op == qantar.OpUpdate && qantar.ChangesReferrers(prev, rec) {
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
	if _, err := tx.exec(ctx, qInsertVersion, v.Kind, v.ID, v.Version, v.Op, v.Actor, formatTime(tx.now), reasonArg, versionData(data, canonical), v.Salt, leaf); err != nil {
		return fmt.Errorf("version %s/%d v%d: %w", v.Kind, v.ID, v.Version, err)
	}
	return nil
}

// knowWritten records in what the transaction knows the record row just
// written: before anything else (reprojecting its referrers) resolves it.
func (tx *Tx) knowWritten(rec qantar.Record, op qantar.Op) {
	if op == qantar.OpDelete {
		tx.known.forget(qantar.Ref{Kind: rec.Kind(), ID: rec.GetMeta().ID})
		return
	}
	tx.known.wrote(rec)
}

// versionData is the data of a new version's row: NULL when the record's
// JSON, written beside it, gives back its canonical JSON (the versions view
// derives it; storekit.StoredOnce), else the canonical JSON itself.
func versionData(data, canonical []byte) any {
	if storekit.StoredOnce(data, canonical) {
		return nil
	}
	return canonical
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
	return getRecord(ctx, prepared{tx}, kind, id)
}

// prepared reads in a transaction through the write connection's prepared
// statements where it has one (a bulk write's projections read a record for
// every act and citation: preparing each read again was most of the read).
type prepared struct{ tx *Tx }

func (p prepared) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return p.tx.queryRow(ctx, query, args...)
}

func (p prepared) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return p.tx.QueryContext(ctx, query, args...)
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
	return storekit.GetRecord(ctx, reader{q}, kind, id, "")
}

func getByExternalKey(ctx context.Context, q querier, kind qantar.Kind, key string) (qantar.Record, error) {
	return storekit.GetByExternalKey(ctx, reader{q}, kind, key)
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
