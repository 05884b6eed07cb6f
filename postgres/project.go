package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/qantar-project/qantar"
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
	return p.tx.reproject(p.ctx, kind, id)
}

// reproject makes again the protection and projections of one live record.
func (tx *Tx) reproject(ctx context.Context, kind qantar.Kind, id int64) error {
	var data string
	if err := tx.tx.QueryRow(ctx, `SELECT data FROM records WHERE kind = $1 AND id = $2`, string(kind), id).Scan(&data); err != nil {
		return fmt.Errorf("reproject %s/%d: %w", kind, id, err)
	}
	rec, err := qantar.DecodeStored(kind, data)
	if err != nil {
		return err
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
	return nil
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

// reprojectRows reprojects every live record.
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
	if err := tx.reproject(ctx, r.Kind, r.ID); err != nil {
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
