package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/storekit"
)

// Protection by construction: every record row keeps the JSON that each
// class of reader may see of it (qantar.Projections), and a list reads,
// matches, filters, sorts and counts only its reader's column. When a record
// that others are about changes (a person's protection, an act's victim),
// the projections of the records that refer to it are made again in the
// same transaction.

// resolver looks records up as the transaction knows them (known.go),
// reading from the database only those it does not hold.
func (tx *Tx) resolver(ctx context.Context) qantar.Resolver {
	return func(k qantar.Kind, id int64) (qantar.Record, error) {
		ref := qantar.Ref{Kind: k, ID: id}
		if r, _ := tx.known.get(ref); r != nil {
			return r, nil
		}
		r, err := tx.getLive(ctx, k, id)
		if err == nil {
			tx.known.put(ref, r) // read here, so nobody else holds it
		}
		return r, err
	}
}

// projections returns the arguments for pub_data and viewer_data of rec.
func (tx *Tx) projections(ctx context.Context, rec qantar.Record, data []byte) (pub, view any, err error) {
	return projectionArgs(rec, data, tx.resolver(ctx))
}

// projectionArgs is projections with the records resolved by resolve.
func projectionArgs(rec qantar.Record, data []byte, resolve qantar.Resolver) (pub, view any, err error) {
	p, v, err := qantar.Projections(rec, data, resolve)
	if err != nil {
		return nil, nil, fmt.Errorf("project %s: %w", rec.Kind(), err)
	}
	return nullBytes(p), nullBytes(v), nil
}

func nullBytes(b []byte) any {
	if b == nil {
		return nil
	}
	return string(b)
}

// txProjector gives qantar.ReprojectAfter the transaction's referrers and
// reprojection.
type txProjector struct {
	ctx context.Context
	tx  *Tx
}

func (p txProjector) Referrers(kind qantar.Kind, id int64) ([]qantar.Ref, error) {
	rows, err := p.tx.QueryContext(p.ctx, `SELECT r.from_kind, r.from_id FROM refs r
		JOIN records x ON x.kind = r.from_kind AND x.id = r.from_id AND x.deleted_at IS NULL
		WHERE r.to_kind = ? AND r.to_id = ? AND NOT (r.from_kind = ? AND r.from_id = ?)`, kind, id, kind, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var from []qantar.Ref
	for rows.Next() {
		var r qantar.Ref
		if err := rows.Scan(&r.Kind, &r.ID); err != nil {
			return nil, err
		}
		from = append(from, r)
	}
	return from, rows.Err()
}

func (p txProjector) Reproject(kind qantar.Kind, id int64) error {
	return p.tx.reproject(p.ctx, kind, id, false)
}

// reproject makes again the protection and projections of one live record,
// and its record_fields rows: all of them when whole (the table was
// emptied), else those that changed.
func (tx *Tx) reproject(ctx context.Context, kind qantar.Kind, id int64, whole bool) error {
	var data string
	var oldPub, oldView sql.NullString
	if err := tx.QueryRowContext(ctx, `SELECT data, pub_data, viewer_data FROM records WHERE kind = ? AND id = ?`, kind, id).Scan(&data, &oldPub, &oldView); err != nil {
		return fmt.Errorf("reproject %s/%d: %w", kind, id, err)
	}
	rec, err := qantar.DecodeStored(kind, data)
	if err != nil {
		return err
	}
	var old []storekit.FieldRow
	if !whole {
		if old, err = storekit.FieldRows(kind, []byte(data), nullText(oldPub), nullText(oldView)); err != nil {
			return err
		}
	}
	pub, view, err := tx.projections(ctx, rec, []byte(data))
	if err != nil {
		return err
	}
	tx.writing = true
	_, err = tx.ExecContext(ctx, `UPDATE records SET protection = ?, pub_data = ?, viewer_data = ? WHERE kind = ? AND id = ?`,
		qantar.Protection(rec), pub, view, kind, id)
	if err != nil {
		return fmt.Errorf("reproject %s/%d: %w", kind, id, err)
	}
	return tx.writeFields(ctx, kind, id, old, qantar.OpUpdate, []byte(data), pub, view)
}

// reprojectAll recomputes every record's protection, projections and place
// in the search index when they were made by older rules than this binary's
// (qantar.ProjectionRules), in one transaction.
func (db *DB) reprojectAll(ctx context.Context) error {
	var rules int
	if err := db.write.QueryRowContext(ctx, `SELECT rules FROM projection_state WHERE id = 1`).Scan(&rules); err != nil {
		return fmt.Errorf("projections: %w", err)
	}
	if rules == qantar.ProjectionRules {
		return nil
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := tx.reprojectRows(ctx); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE projection_state SET rules = ? WHERE id = 1`, qantar.ProjectionRules); err != nil {
		return fmt.Errorf("projections: %w", err)
	}
	return tx.Commit()
}

// reprojectRows recomputes every live record's protection, projections and
// record_fields rows, and indexes again the searched kinds whose level decides their table.
func (tx *Tx) reprojectRows(ctx context.Context) error {
	type row struct {
		kind qantar.Kind
		id   int64
	}
	var all []row
	rows, err := tx.QueryContext(ctx, `SELECT kind, id FROM records WHERE deleted_at IS NULL ORDER BY kind, id`)
	if err != nil {
		return fmt.Errorf("projections: %w", err)
	}
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.kind, &r.id); err != nil {
			rows.Close()
			return err
		}
		all = append(all, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM record_fields`); err != nil {
		return fmt.Errorf("projections: %w", err)
	}
	for _, r := range all {
		if err := tx.reproject(ctx, r.kind, r.id, true); err != nil {
			return err
		}
		if r.kind == qantar.KindPerson {
			rec, err := tx.getLive(ctx, r.kind, r.id)
			if err != nil {
				return err
			}
			if err := tx.index(ctx, rec, qantar.OpUpdate); err != nil {
				return err
			}
		}
	}
	return nil
}

// The rows of record_fields (storekit.FieldRows): a list's filters on a
// field read them, not the JSON of every record.
const (
	qStoredFields = `SELECT data, pub_data, viewer_data FROM records WHERE kind = ? AND id = ? AND deleted_at IS NULL`
	qDeleteField  = `DELETE FROM record_fields WHERE kind = ? AND field = ? AND value = ? AND seen = ? AND id = ?`
	fieldsPrefix  = `INSERT OR FAIL INTO record_fields (kind, field, value, seen, id)` // OR FAIL: see bulk.go
	fieldsChunk   = 64
)

func init() {
	multiInserts[fieldsPrefix] = multiInsert(fieldsPrefix, 5, fieldsChunk)
	writeQueries = append(writeQueries, qStoredFields, qDeleteField, multiInserts[fieldsPrefix], multiInsert(fieldsPrefix, 5, 1))
}

// storedFields returns the record_fields rows of the live record kind/id as
// stored now (none when there is none): what a write of it replaces.
func (tx *Tx) storedFields(ctx context.Context, kind qantar.Kind, id int64) ([]storekit.FieldRow, error) {
	var data string
	var pub, view sql.NullString
	err := tx.queryRow(ctx, qStoredFields, kind, id).Scan(&data, &pub, &view)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("fields of %s/%d: %w", kind, id, err)
	}
	return storekit.FieldRows(kind, []byte(data), nullText(pub), nullText(view))
}

// writeFields replaces the record_fields rows old of kind/id by those of
// the row just written (data and its projections' arguments; none when the
// write is a deletion), writing only what changed.
func (tx *Tx) writeFields(ctx context.Context, kind qantar.Kind, id int64, old []storekit.FieldRow, op qantar.Op, data []byte, pub, view any) error {
	var rows []storekit.FieldRow
	if op != qantar.OpDelete {
		var err error
		if rows, err = storekit.FieldRows(kind, data, argText(pub), argText(view)); err != nil {
			return err
		}
	}
	gone, added := storekit.FieldChanges(old, rows)
	for _, r := range gone {
		if _, err := tx.exec(ctx, qDeleteField, kind, r.Field, r.Value, r.Seen, id); err != nil {
			return fmt.Errorf("fields of %s/%d: %w", kind, id, err)
		}
	}
	return tx.insertFields(ctx, fieldArgs(nil, kind, id, added))
}

// fieldArgs appends the INSERT arguments of kind/id's rows to args.
func fieldArgs(args []any, kind qantar.Kind, id int64, rows []storekit.FieldRow) []any {
	for _, r := range rows {
		args = append(args, kind, r.Field, r.Value, r.Seen, id)
	}
	return args
}

// insertFields inserts record_fields rows given as fieldArgs, fieldsChunk
// rows a statement.
func (tx *Tx) insertFields(ctx context.Context, args []any) error {
	if err := tx.insertAll(ctx, fieldsPrefix, 5, fieldsChunk, args); err != nil {
		return fmt.Errorf("record fields: %w", err)
	}
	return nil
}

// insertAll inserts any number of rows of cols values each, chunk rows a
// statement.
func (tx *Tx) insertAll(ctx context.Context, prefix string, cols, chunk int, args []any) error {
	for len(args) > 0 {
		n := min(len(args), cols*chunk)
		if err := tx.insertRows(ctx, prefix, cols, chunk, args[:n]); err != nil {
			return err
		}
		args = args[n:]
	}
	return nil
}

// nullText and argText are a stored projection (NULL when data itself) and
// a projection's write argument (nil or a string) as FieldRows takes them.
func nullText(s sql.NullString) []byte {
	if !s.Valid {
		return nil
	}
	return []byte(s.String)
}

func argText(v any) []byte {
	if s, ok := v.(string); ok {
		return []byte(s)
	}
	return nil
}
