package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/storekit"
)

// Protection by construction, as in the SQLite store (sqlite/project.go):
// every record row keeps the JSON each class of reader may see of it, and a
// list reads, matches, filters, sorts and counts only its reader's column.

// foldColumn is the SQL expression of the folded text of what a reader
// may see of a row (beside storekit.DocColumn, its JSON).
func foldColumn(reader qantar.Actor) string {
	class, all := qantar.ClassOf(reader)
	switch {
	case all:
		return "fold"
	case class.Role == qantar.RoleViewer:
		return "coalesce(viewer_fold, fold)"
	}
	return "coalesce(pub_fold, fold)"
}

// projection is what a row keeps of a record's projections.
type projection struct{ pub, pubFold, view, viewFold *string }

// resolver looks records up within the transaction, and first among batch
// (records of a bulk create not yet written).
func (tx *Tx) resolver(ctx context.Context, batch map[qantar.Ref]qantar.Record) qantar.Resolver {
	return func(k qantar.Kind, id int64) (qantar.Record, error) {
		if r, ok := batch[qantar.Ref{Kind: k, ID: id}]; ok {
			return r, nil
		}
		return tx.getLive(ctx, k, id, false)
	}
}

// projections computes the projections of rec, stored as data.
func (tx *Tx) projections(ctx context.Context, rec qantar.Record, data []byte, batch map[qantar.Ref]qantar.Record) (projection, error) {
	p, v, err := qantar.Projections(rec, data, tx.resolver(ctx, batch))
	if err != nil {
		return projection{}, fmt.Errorf("project %s: %w", rec.Kind(), err)
	}
	var out projection
	if p != nil {
		s, f := string(p), fold(p)
		out.pub, out.pubFold = &s, &f
	}
	if v != nil {
		s, f := string(v), fold(v)
		out.view, out.viewFold = &s, &f
	}
	return out, nil
}

// txProjector gives qantar.ReprojectAfter the transaction's referrers and
// reprojection.
type txProjector struct {
	ctx context.Context
	tx  *Tx
}

func (p txProjector) Referrers(kind qantar.Kind, id int64) ([]qantar.Ref, error) {
	rows, err := p.tx.tx.Query(p.ctx, `SELECT r.from_kind, r.from_id FROM refs r
		JOIN records x ON x.kind = r.from_kind AND x.id = r.from_id AND x.deleted_at IS NULL
		WHERE r.to_kind = $1 AND r.to_id = $2 AND NOT (r.from_kind = $1 AND r.from_id = $2)`, string(kind), id)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (qantar.Ref, error) {
		var ref qantar.Ref
		return ref, r.Scan(&ref.Kind, &ref.ID)
	})
}

func (p txProjector) Reproject(kind qantar.Kind, id int64) error {
	return p.tx.reproject(p.ctx, kind, id, false)
}

// reproject makes again the protection and projections of one live record,
// and its record_fields rows: all of them when whole (the table was
// emptied), else those that changed.
func (tx *Tx) reproject(ctx context.Context, kind qantar.Kind, id int64, whole bool) error {
	var data string
	var oldPub, oldView *string
	if err := tx.tx.QueryRow(ctx, `SELECT data, pub_data, viewer_data FROM records WHERE kind = $1 AND id = $2`, string(kind), id).Scan(&data, &oldPub, &oldView); err != nil {
		return fmt.Errorf("reproject %s/%d: %w", kind, id, err)
	}
	rec, err := qantar.DecodeStored(kind, data)
	if err != nil {
		return err
	}
	var old []storekit.FieldRow
	if !whole {
		if old, err = storekit.FieldRows(kind, []byte(data), textOf(oldPub), textOf(oldView)); err != nil {
			return err
		}
	}
	p, err := tx.projections(ctx, rec, []byte(data), nil)
	if err != nil {
		return err
	}
	if _, err := tx.tx.Exec(ctx, `UPDATE records SET protection = $1, pub_data = $2, pub_fold = $3, viewer_data = $4, viewer_fold = $5
		WHERE kind = $6 AND id = $7`, qantar.Protection(rec), p.pub, p.pubFold, p.view, p.viewFold, string(kind), id); err != nil {
		tx.broken = err
		return fmt.Errorf("reproject %s/%d: %w", kind, id, err)
	}
	return tx.writeFields(ctx, kind, id, old, qantar.OpUpdate, []byte(data), p)
}

// reprojectAll recomputes every record's protection, projections and search
// level when they were made by older rules than this binary's
// (qantar.ProjectionRules), in one transaction that holds the row of
// projection_state, so that several servers starting together do it once.
func (db *DB) reprojectAll(ctx context.Context) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.tx.Rollback(ctx)
	var rules int
	if err := tx.tx.QueryRow(ctx, `SELECT rules FROM projection_state WHERE id = 1 FOR UPDATE`).Scan(&rules); err != nil {
		return fmt.Errorf("projections: %w", err)
	}
	if rules == qantar.ProjectionRules {
		return nil
	}
	if err := tx.reprojectRows(ctx); err != nil {
		return err
	}
	if _, err := tx.tx.Exec(ctx, `UPDATE projection_state SET rules = $1 WHERE id = 1`, qantar.ProjectionRules); err != nil {
		return fmt.Errorf("projections: %w", err)
	}
	return tx.tx.Commit(ctx)
}

// reprojectRows reprojects every live record and makes its record_fields
// rows again.
func (tx *Tx) reprojectRows(ctx context.Context) error {
	rows, err := tx.tx.Query(ctx, `SELECT kind, id FROM records WHERE deleted_at IS NULL ORDER BY kind, id`)
	if err != nil {
		return fmt.Errorf("projections: %w", err)
	}
	all, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (qantar.Ref, error) {
		var ref qantar.Ref
		return ref, r.Scan(&ref.Kind, &ref.ID)
	})
	if err != nil {
		return fmt.Errorf("projections: %w", err)
	}
	if _, err := tx.tx.Exec(ctx, `DELETE FROM record_fields`); err != nil {
		return fmt.Errorf("projections: %w", err)
	}
	for _, r := range all {
		if err := tx.reprojectOne(ctx, r); err != nil {
			return err
		}
	}
	return nil
}

// reprojectOne reprojects a record and, for a person, moves its search
// document to the table of its level.
func (tx *Tx) reprojectOne(ctx context.Context, r qantar.Ref) error {
	if err := tx.reproject(ctx, r.Kind, r.ID, true); err != nil {
		return err
	}
	if r.Kind != qantar.KindPerson {
		return nil
	}
	rec, err := tx.getLive(ctx, r.Kind, r.ID, false)
	if err != nil {
		return err
	}
	return index(ctx, tx.tx, rec, qantar.OpUpdate)
}

// storedFields returns the record_fields rows of the live record kind/id as
// stored now (none when there is none): what a write of it replaces.
func (tx *Tx) storedFields(ctx context.Context, kind qantar.Kind, id int64) ([]storekit.FieldRow, error) {
	var data string
	var pub, view *string
	err := tx.tx.QueryRow(ctx, `SELECT data, pub_data, viewer_data FROM records WHERE kind = $1 AND id = $2 AND deleted_at IS NULL`,
		string(kind), id).Scan(&data, &pub, &view)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("fields of %s/%d: %w", kind, id, err)
	}
	return storekit.FieldRows(kind, []byte(data), textOf(pub), textOf(view))
}

// writeFields replaces the record_fields rows old of kind/id by those of
// the row just written (data and its projections; none when the write is a
// deletion), writing only what changed.
func (tx *Tx) writeFields(ctx context.Context, kind qantar.Kind, id int64, old []storekit.FieldRow, op qantar.Op, data []byte, p projection) error {
	var rows []storekit.FieldRow
	if op != qantar.OpDelete {
		var err error
		if rows, err = storekit.FieldRows(kind, data, textOf(p.pub), textOf(p.view)); err != nil {
			return err
		}
	}
	gone, added := storekit.FieldChanges(old, rows)
	if len(gone) > 0 {
		var g fieldColumns
		g.add(kind, id, gone)
		if _, err := tx.tx.Exec(ctx, `DELETE FROM record_fields f USING unnest($1::text[], $2::text[], $3::text[], $4::smallint[], $5::bigint[]) AS x(k, fl, v, s, i)
			WHERE f.kind = x.k AND f.field = x.fl AND f.value = x.v AND f.seen = x.s AND f.id = x.i`, g.kinds, g.fields, g.values, g.seen, g.ids); err != nil {
			tx.broken = err
			return fmt.Errorf("fields of %s/%d: %w", kind, id, err)
		}
	}
	var a fieldColumns
	a.add(kind, id, added)
	return a.write(ctx, tx)
}

// fieldColumns are record_fields rows as columns for unnest.
type fieldColumns struct {
	kinds, fields, values []string
	seen                  []int16
	ids                   []int64
}

func (c *fieldColumns) add(kind qantar.Kind, id int64, rows []storekit.FieldRow) {
	for _, r := range rows {
		c.kinds, c.fields, c.values = append(c.kinds, string(kind)), append(c.fields, r.Field), append(c.values, r.Value)
		c.seen, c.ids = append(c.seen, int16(r.Seen)), append(c.ids, id)
	}
}

// write inserts the rows.
func (c *fieldColumns) write(ctx context.Context, tx *Tx) error {
	if len(c.ids) == 0 {
		return nil
	}
	if _, err := tx.tx.Exec(ctx, `INSERT INTO record_fields (kind, field, value, seen, id)
		SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::smallint[], $5::bigint[])`, c.kinds, c.fields, c.values, c.seen, c.ids); err != nil {
		tx.broken = err
		return fmt.Errorf("record fields: %w", err)
	}
	return nil
}

// textOf is a stored projection (NULL when data itself) as FieldRows takes it.
func textOf(s *string) []byte {
	if s == nil {
		return nil
	}
	return []byte(*s)
}
