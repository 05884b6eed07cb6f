package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/storekit"
)

// maxTries bounds how often a single write is run again after a deadlock.
const maxTries = 5

// Create stores rec as version 1 of a new record.
func (db *DB) Create(ctx context.Context, actor qantar.Actor, rec qantar.Record) error {
	return db.retry(ctx, rec, func(w qantar.Writer) error { return w.Create(ctx, actor, rec) })
}

// Update stores rec as the next version of its record.
func (db *DB) Update(ctx context.Context, actor qantar.Actor, rec qantar.Record) error {
	return db.retry(ctx, rec, func(w qantar.Writer) error { return w.Update(ctx, actor, rec) })
}

// Delete records the deletion of a record.
func (db *DB) Delete(ctx context.Context, actor qantar.Actor, kind qantar.Kind, id int64, version int, reason string) error {
	return db.retry(ctx, nil, func(w qantar.Writer) error { return w.Delete(ctx, actor, kind, id, version, reason) })
}

// retry runs one write, and runs it again if PostgreSQL chose it as the
// victim of a deadlock (two servers locking the same records in another
// order). It is safe because the write has no effect but the transaction's;
// rec's metadata is put back as it was before each new try. InTx does not
// retry: its fn may have effects of its own.
func (db *DB) retry(ctx context.Context, rec qantar.Record, fn func(w qantar.Writer) error) error {
	var saved qantar.Meta
	if rec != nil {
		saved = *rec.GetMeta()
	}
	for try := 1; ; try++ {
		err := db.InTx(ctx, fn)
		if !retryable(err) || try == maxTries {
			return err
		}
		if rec != nil {
			*rec.GetMeta() = saved
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(try) * 5 * time.Millisecond):
		}
	}
}

// InTx runs fn in one write transaction.
func (db *DB) InTx(ctx context.Context, fn func(w qantar.Writer) error) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.tx.Rollback(context.WithoutCancel(ctx))
	if err := fn(tx); err != nil {
		return err
	}
	if tx.broken != nil {
		return fmt.Errorf("transaction failed: %w", tx.broken)
	}
	if len(tx.pending) > 0 {
		db.appending.Lock()
		defer db.appending.Unlock()
	}
	if err := tx.flushLog(ctx); err != nil {
		return err
	}
	if err := tx.tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// guard runs one write of a transaction. PostgreSQL aborts a transaction at
// its first failed statement; every check that can refuse a write runs
// before its first row, so a refused write leaves the transaction usable,
// and any other failure breaks it, as on SQLite: later writes are refused
// and InTx commits nothing.
func (tx *Tx) guard(fn func() error) error {
	if tx.broken != nil {
		return fmt.Errorf("transaction already failed: %w", tx.broken)
	}
	err := fn()
	if err != nil && qantar.ErrorCode(err) == qantar.EINTERNAL {
		tx.broken = err
	}
	return err
}

// Create stores rec as version 1 within the transaction.
func (tx *Tx) Create(ctx context.Context, actor qantar.Actor, rec qantar.Record) error {
	return tx.guard(func() error { return tx.create(ctx, actor, rec) })
}

func (tx *Tx) create(ctx context.Context, actor qantar.Actor, rec qantar.Record) error {
	if err := tx.check(ctx, actor, rec, nil); err != nil {
		return err
	}
	if err := tx.checkKeyFree(ctx, rec); err != nil {
		return err
	}
	m := rec.GetMeta()
	// The counter row stays locked to commit: creates of one kind take
	// their ids in commit order, and a rolled-back create gives its id back.
	if err := tx.tx.QueryRow(ctx, `INSERT INTO record_ids AS r (kind, last_id) VALUES ($1, 1)
		ON CONFLICT (kind) DO UPDATE SET last_id = r.last_id + 1 RETURNING last_id`, string(rec.Kind())).Scan(&m.ID); err != nil {
		return fmt.Errorf("next id: %w", err)
	}
	m.Version, m.CreatedAt, m.UpdatedAt = 1, tx.now, tx.now
	return tx.write(ctx, actor, rec, qantar.OpCreate, "", true, nil)
}

// Update stores rec as the next version of record rec.ID, which must be at
// version rec.Version.
func (tx *Tx) Update(ctx context.Context, actor qantar.Actor, rec qantar.Record) error {
	return tx.guard(func() error { return tx.update(ctx, actor, rec) })
}

func (tx *Tx) update(ctx context.Context, actor qantar.Actor, rec qantar.Record) error {
	get := func() (qantar.Record, error) { return tx.getLive(ctx, rec.Kind(), rec.GetMeta().ID, true) }
	check := func(cur qantar.Record) error {
		if err := tx.check(ctx, actor, rec, cur); err != nil {
			return err
		}
		return tx.checkKeyFree(ctx, rec)
	}
	cur, err := storekit.Updating(rec, tx.now, get, check)
	if err != nil {
		return err
	}
	return tx.write(ctx, actor, rec, qantar.OpUpdate, "", false, cur)
}

// Delete records the deletion of record id at the given version, with a reason.
func (tx *Tx) Delete(ctx context.Context, actor qantar.Actor, kind qantar.Kind, id int64, version int, reason string) error {
	return tx.guard(func() error { return tx.delete(ctx, actor, kind, id, version, reason) })
}

func (tx *Tx) delete(ctx context.Context, actor qantar.Actor, kind qantar.Kind, id int64, version int, reason string) error {
	get := func() (qantar.Record, error) { return tx.getLive(ctx, kind, id, true) }
	// The row lock taken by get waits for any writer that checked this
	// record as a reference (FOR SHARE in check) to commit, so its refs
	// rows are seen here.
	referrer := func() (*qantar.Ref, error) {
		return storekit.Referrer(tx.tx.QueryRow(ctx, storekit.QReferrer, string(kind), id), reader{}.NoRows)
	}
	cur, reason, err := storekit.Deleting(actor, kind, id, version, reason, tx.now, get, referrer)
	if err != nil {
		return err
	}
	return tx.write(ctx, actor, cur, qantar.OpDelete, reason, false, nil)
}

// check validates rec and the records it refers to. Each referenced row is
// locked FOR SHARE to commit, so that no other server deletes it meanwhile.
func (tx *Tx) check(ctx context.Context, actor qantar.Actor, rec qantar.Record, prev qantar.Record) error {
	err := storekit.Check(ctx, actor, rec, prev, tx.db.checker, func(r qantar.Ref) (bool, error) {
		var n int
		err := tx.tx.QueryRow(ctx, `SELECT 1 FROM records WHERE kind = $1 AND id = $2 AND deleted_at IS NULL FOR SHARE`, string(r.Kind), r.ID).Scan(&n)
		if errors.Is(err, pgx.ErrNoRows) {
			return false, nil
		}
		return err == nil, err
	})
	if err != nil {
		return err
	}
	return qantar.CheckAncestry(rec, qantar.UnitsFrom(func(k qantar.Kind, id int64) (qantar.Record, error) { return tx.getLive(ctx, k, id, false) }))
}

// checkKeyFree reports a taken external key before the write: a failed
// statement aborts a PostgreSQL transaction, and a caller of InTx may
// want to go on after ECONFLICT as it can on SQLite. (Two servers racing
// for one key still meet the unique index at write.)
func (tx *Tx) checkKeyFree(ctx context.Context, rec qantar.Record) error {
	m := rec.GetMeta()
	if m.ExternalKey == "" {
		return nil
	}
	var n int
	err := tx.tx.QueryRow(ctx, `SELECT 1 FROM records WHERE kind = $1 AND external_key = $2 AND id <> $3`, string(rec.Kind()), m.ExternalKey, m.ID).Scan(&n)
	if err == nil {
		return storekit.KeyTaken(rec)
	} else if !errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("check external key: %w", err)
	}
	return nil
}

// refused reports an insert that met a unique index (a key another server
// took since checkKeyFree), and gives the
// id taken by Create back, so that the transaction goes on without a gap.
func (tx *Tx) refused(ctx context.Context, rec qantar.Record) error {
	m := rec.GetMeta()
	if _, err := tx.tx.Exec(ctx, `UPDATE record_ids SET last_id = last_id - 1
		WHERE kind = $1 AND last_id = $2 AND NOT EXISTS (SELECT 1 FROM records WHERE kind = $1 AND id = $2)`, string(rec.Kind()), m.ID); err != nil {
		tx.broken = err
		return fmt.Errorf("next id: %w", err)
	}
	if err := tx.checkKeyFree(ctx, rec); err != nil {
		return err
	}
	return storekit.Exists(rec)
}

// write stores the record row and its references; its version row and log
// leaf wait for commit (flushLog).
func (tx *Tx) write(ctx context.Context, actor qantar.Actor, rec qantar.Record, op qantar.Op, reason string, insert bool, prev qantar.Record) error {
	m := rec.GetMeta()
	data, canonical, err := storekit.Encode(rec)
	if err != nil {
		return err
	}
	protection := qantar.Protection(rec)
	var ext *string
	if m.ExternalKey != "" {
		ext = &m.ExternalKey
	}
	var deleted *time.Time
	if op == qantar.OpDelete {
		deleted = &tx.now
	}
	kind := string(rec.Kind())
	pr, err := tx.projections(ctx, rec, data, nil)
	if err != nil {
		return err
	}
	var fields []storekit.FieldRow
	if !insert {
		if fields, err = tx.storedFields(ctx, rec.Kind(), m.ID); err != nil {
			return err
		}
	}
	if insert {
		// DO NOTHING, not an error: a failed statement would abort the
		// whole transaction, and a refused write must leave it usable.
		var tag pgconn.CommandTag
		tag, err = tx.tx.Exec(ctx, `INSERT INTO records (kind, id, version, created_at, updated_at, deleted_at, protection, external_key, data, fold,
				pub_data, pub_fold, viewer_data, viewer_fold)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) ON CONFLICT DO NOTHING`, kind, m.ID, m.Version, m.CreatedAt, m.UpdatedAt, deleted, protection, ext, string(data), fold(data),
			pr.pub, pr.pubFold, pr.view, pr.viewFold)
		if err == nil && tag.RowsAffected() == 0 {
			return tx.refused(ctx, rec)
		}
	} else {
		_, err = tx.tx.Exec(ctx, `UPDATE records SET version = $1, updated_at = $2, deleted_at = $3, protection = $4, external_key = $5, data = $6, fold = $7,
				pub_data = $10, pub_fold = $11, viewer_data = $12, viewer_fold = $13
			WHERE kind = $8 AND id = $9`, m.Version, m.UpdatedAt, deleted, protection, ext, string(data), fold(data), kind, m.ID,
			pr.pub, pr.pubFold, pr.view, pr.viewFold)
	}
	if err != nil {
		// A server that took the key since checkKeyFree: the transaction
		// is aborted, so it is broken too.
		tx.broken = err
		if isUnique(err, "records_external_key") {
			return storekit.KeyTaken(rec)
		}
		return fmt.Errorf("write %s/%d: %w", rec.Kind(), m.ID, err)
	}
	if err := tx.writeFields(ctx, rec.Kind(), m.ID, fields, op, data, pr); err != nil {
		return err
	}
	if op != qantar.OpCreate {
		if _, err := tx.tx.Exec(ctx, `DELETE FROM refs WHERE from_kind = $1 AND from_id = $2`, kind, m.ID); err != nil {
			return fmt.Errorf("refs: %w", err)
		}
	}
	if op != qantar.OpDelete {
		if refs := rec.Refs(); len(refs) > 0 {
			toKinds, toIDs := make([]string, len(refs)), make([]int64, len(refs))
			for i, r := range refs {
				toKinds[i], toIDs[i] = string(r.Kind), r.ID
			}
			if _, err := tx.tx.Exec(ctx, `INSERT INTO refs (to_kind, to_id, from_kind, from_id)
				SELECT t.k, t.i, $3, $4 FROM unnest($1::text[], $2::bigint[]) AS t(k, i) ON CONFLICT DO NOTHING`,
				toKinds, toIDs, kind, m.ID); err != nil {
				return fmt.Errorf("refs: %w", err)
			}
		}
	}
	if err := index(ctx, tx.tx, rec, op); err != nil {
		return err
	}
	if op == qantar.OpUpdate && qantar.ChangesReferrers(prev, rec) {
		if err := qantar.ReprojectAfter(txProjector{ctx, tx}, rec.Kind(), m.ID); err != nil {
			return err
		}
	}
	v := storekit.NewVersion(rec, op, actor.LogID(), reason, canonical)
	tx.pending = append(tx.pending, v)
	tx.storedOnce(rec, data, canonical)
	return nil
}

// storedOnce notes which version of rec its row, just written with data,
// gives back the content of (flushLog leaves that version's data out).
func (tx *Tx) storedOnce(rec qantar.Record, data, canonical []byte) {
	ref := qantar.Ref{Kind: rec.Kind(), ID: rec.GetMeta().ID}
	if !storekit.StoredOnce(data, canonical) {
		delete(tx.once, ref)
		return
	}
	if tx.once == nil {
		tx.once = map[qantar.Ref]int{}
	}
	tx.once[ref] = rec.GetMeta().Version
}

// fold lower-cases stored JSON for the q filter, as SQLite's qfold does.
func fold(data []byte) string { return strings.ToLower(string(data)) }

// querier is a pool or a transaction.
type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// Get returns the live record within the transaction.
func (tx *Tx) Get(ctx context.Context, kind qantar.Kind, id int64) (qantar.Record, error) {
	return tx.getLive(ctx, kind, id, false)
}

// getLive reads a live record; forUpdate locks its row to commit, so that
// the version checked is the version replaced.
func (tx *Tx) getLive(ctx context.Context, kind qantar.Kind, id int64, forUpdate bool) (qantar.Record, error) {
	return getRecord(ctx, tx.tx, kind, id, forUpdate)
}

// GetByExternalKey returns the live record with the given external key.
func (tx *Tx) GetByExternalKey(ctx context.Context, kind qantar.Kind, key string) (qantar.Record, error) {
	return getByExternalKey(ctx, tx.tx, kind, key)
}

// Get returns the current version of a live record.
func (db *DB) Get(ctx context.Context, kind qantar.Kind, id int64) (qantar.Record, error) {
	return getRecord(ctx, db.pool, kind, id, false)
}

// GetByExternalKey returns the live record with the given external key.
func (db *DB) GetByExternalKey(ctx context.Context, kind qantar.Kind, key string) (qantar.Record, error) {
	return getByExternalKey(ctx, db.pool, kind, key)
}

func getRecord(ctx context.Context, q querier, kind qantar.Kind, id int64, forUpdate bool) (qantar.Record, error) {
	lock := ""
	if forUpdate {
		lock = " FOR UPDATE"
	}
	return storekit.GetRecord(ctx, reader{q}, kind, id, lock)
}

func getByExternalKey(ctx context.Context, q querier, kind qantar.Kind, key string) (qantar.Record, error) {
	return storekit.GetByExternalKey(ctx, reader{q}, kind, key)
}

// GetByExternalKeys returns the live records with the given external keys.
func (tx *Tx) GetByExternalKeys(ctx context.Context, kind qantar.Kind, keys []string) (map[string]qantar.Record, error) {
	out := map[string]qantar.Record{}
	if len(keys) == 0 {
		return out, nil
	}
	rows, err := tx.tx.Query(ctx, `SELECT external_key, data FROM records WHERE kind = $1 AND external_key = ANY($2) AND deleted_at IS NULL`, string(kind), keys)
	if err != nil {
		tx.broken = err
		return nil, fmt.Errorf("get %s by keys: %w", kind, err)
	}
	defer rows.Close()
	out, err = storekit.DecodeKeyed(rows, kind)
	if rerr := rows.Err(); rerr != nil {
		tx.broken = rerr // a failed read, not a record that does not decode
	}
	return out, err
}
