package storekit

import (
	"context"
	"fmt"
	"strconv"

	"github.com/qantar-project/qantar"
)

// Referrers returns every live record of kind from whose projection for
// reader refers to the record to/id (the cases that take up an act, the
// acts at a place), in the order of ids. The refs table (every reference a
// record's current version makes, the one a deletion checks) finds the
// candidates by its key, qantar.MaxLimit at a time; each is read as the
// reader's projection (DocColumn) and kept only when that projection still
// names to/id, so a reference a projection hides (a post of a person the
// reader may not see loses its unit) is never matched.
func (l Lists) Referrers(ctx context.Context, to qantar.Kind, id int64, from qantar.Kind, reader qantar.Actor) ([]qantar.Record, error) {
	if _, err := qantar.ParseKind(string(from)); err != nil {
		return nil, err
	}
	query := `SELECT r.from_id, ` + DocColumn(reader) + ` FROM refs r
		JOIN records ON records.kind = r.from_kind AND records.id = r.from_id AND records.deleted_at IS NULL
		WHERE r.to_kind = $1 AND r.to_id = $2 AND r.from_kind = $3 AND r.from_id > $4
		ORDER BY r.from_id LIMIT ` + strconv.Itoa(qantar.MaxLimit)
	var out []qantar.Record
	var after int64
	for {
		n, err := l.referrersAfter(ctx, from, query, []any{string(to), id, string(from), after}, func(rid int64, rec qantar.Record) {
			after = rid
			if refersTo(rec, to, id) {
				out = append(out, rec)
			}
		})
		if err != nil {
			return nil, fmt.Errorf("referrers of %s/%d: %w", to, id, err)
		}
		if n < qantar.MaxLimit {
			return out, nil
		}
	}
}

// referrersAfter runs one page of Referrers' query, giving each row's id
// and record to keep, and returns the number of rows.
func (l Lists) referrersAfter(ctx context.Context, kind qantar.Kind, query string, args []any, keep func(int64, qantar.Record)) (int, error) {
	rows, err := l.R.Query(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	n := 0
	var rid int64
	var data string
	err = Each(rows, []any{&rid, &data}, func() error {
		rec, err := qantar.DecodeStored(kind, data)
		if err != nil {
			return err
		}
		n++
		keep(rid, rec)
		return nil
	})
	return n, err
}

// refersTo reports whether rec names kind/id among its references.
func refersTo(rec qantar.Record, kind qantar.Kind, id int64) bool {
	for _, r := range rec.Refs() {
		if r.Kind == kind && r.ID == id {
			return true
		}
	}
	return false
}
