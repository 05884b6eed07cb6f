package sqlite

import (
	"context"
	"fmt"

	"github.com/qantar-project/qantar"
)

// Protection by construction: every record row keeps the JSON that each
// class of reader may see of it (qantar.Projections), and a list reads,
// matches, filters, sorts and counts only its reader's column. When a record
// that others are about changes (a person's protection, an act's victim),
// the projections of the records that refer to it are made again in the
// same transaction.

// resolver looks records up within the transaction, and first among batch
// (records of a bulk create not yet written).
func (tx *Tx) resolver(ctx context.Context, batch map[qantar.Ref]qantar.Record) qantar.Resolver {
	return func(k qantar.Kind, id int64) (qantar.Record, error) {
		ref := qantar.Ref{Kind: k, ID: id}
		if r, ok := batch[ref]; ok {
			return r, nil
		}
		r, err := tx.getLive(ctx, k, id)
		if err == nil && batch != nil {
			// A chunk's records are projected one after another and
			// nothing it refers to changes meanwhile: the next record
			// about the same person finds it here.
			batch[ref] = r
		}
		return r, err
	}
}

// projections returns the arguments for pub_data and viewer_data of rec.
func (tx *Tx) projections(ctx context.Context, rec qantar.Record, data []byte, batch map[qantar.Ref]qantar.Record) (pub, view any, err error) {
	p, v, err := qantar.Projections(rec, data, tx.resolver(ctx, batch))
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
	return p.tx.reproject(p.ctx, kind, id)
}

// reproject makes again the protection and projections of one live record.
func (tx *Tx) reproject(ctx context.Context, kind qantar.Kind, id int64) error {
	var data string
	if err := tx.QueryRowContext(ctx, `SELECT data FROM records WHERE kind = ? AND id = ?`, kind, id).Scan(&data); err != nil {
		return fmt.Errorf("reproject %s/%d: %w", kind, id, err)
	}
	rec, err := qantar.DecodeStored(kind, data)
	if err != nil {
		return err
	}
	pub, view, err := tx.projections(ctx, rec, []byte(data), nil)
	if err != nil {
		return err
	}
	tx.writing = true
	_, err = tx.ExecContext(ctx, `UPDATE records SET protection = ?, pub_data = ?, viewer_data = ? WHERE kind = ? AND id = ?`,
		qantar.Protection(rec), pub, view, kind, id)
	if err != nil {
		return fmt.Errorf("reproject %s/%d: %w", kind, id, err)
	}
	return nil
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

// reprojectRows recomputes every live record's protection and projections,
// and indexes again the searched kinds whose level decides their table.
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
	for _, r := range all {
		if err := tx.reproject(ctx, r.kind, r.id); err != nil {
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
