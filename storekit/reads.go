package storekit

import (
	"context"
	"fmt"
	"time"

	"github.com/qantar-project/qantar"
)

// Reads are the reads of a log snapshot that both engines make with the
// same statements: its leaves (tlog.LeafReader), its signed checkpoint, a
// version's leaf and the versions standing at a size. A store's snapshot
// embeds them beside its own node reader (Snapshot).
type Reads struct{ R Reader }

// GetLeaves is tlog.LeafReader's, over tlog_leaves.
func (r Reads) GetLeaves(ctx context.Context, begin, end uint64) ([][]byte, error) {
	rows, err := r.R.Query(ctx, `SELECT idx, leaf FROM tlog_leaves WHERE idx >= $1 AND idx < $2 ORDER BY idx`, int64(begin), int64(end))
	if err != nil {
		return nil, fmt.Errorf("leaves: %w", err)
	}
	defer rows.Close()
	return Consecutive(rows, begin, end, "log leaf")
}

// Signed is Snapshot's.
func (r Reads) Signed(ctx context.Context) (cp []byte, err error) {
	err = r.R.QueryRow(ctx, `SELECT checkpoint FROM tlog_state WHERE id = 1`).Scan(&cp)
	return cp, err
}

// LeafIndex is Snapshot's.
func (r Reads) LeafIndex(ctx context.Context, kind qantar.Kind, id int64, version int) (*int64, bool, error) {
	var idx *int64
	err := r.R.QueryRow(ctx, `SELECT leaf_index FROM versions WHERE kind = $1 AND id = $2 AND version = $3`, string(kind), id, version).Scan(&idx)
	if r.R.NoRows(err) {
		return nil, false, nil
	}
	return idx, err == nil, err
}

// qRecordsAt reads, in one pass over the version rows of a kind in the
// order of their key (kind, id, version), the latest version below a log
// size of each record with the time of its first version: a window over
// each record's versions gives both, so that no row needs a query of its
// own and nothing is sorted. The table is read rather than the view
// versions, so that a current version's content (its row holds none) is
// derived once from its record's row, joined only for it, by
// CanonicalFromStored: the view's derivation, in Go.
const qRecordsAt = `SELECT w.id, w.op, w.data, r.data, w.at, w.created
	FROM (SELECT id, version, op, data, at,
			first_value(at) OVER h AS created,
			max(version) FILTER (WHERE leaf_index < $2) OVER h AS last
		FROM version_rows WHERE kind = $1
		WINDOW h AS (PARTITION BY id ORDER BY version ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)) w
	LEFT JOIN records r ON w.data IS NULL AND r.kind = $1 AND r.id = w.id
	WHERE w.version = w.last
	ORDER BY w.id`

// VersionsAt is Snapshot's.
func (r Reads) VersionsAt(ctx context.Context, kind qantar.Kind, size int64, each func(op qantar.Op, data string, created, at time.Time) error) error {
	rows, err := r.R.Query(ctx, qRecordsAt, string(kind), size)
	if err != nil {
		return fmt.Errorf("records at %d: %w", size, err)
	}
	var id int64
	var op string
	var data, current *string
	var at, created Time
	return Each(rows, []any{&id, &op, &data, &current, &at, &created}, func() error {
		d, err := versionData(data, current)
		if err != nil {
			return fmt.Errorf("records at %d: %s/%d: %w", size, kind, id, err)
		}
		return each(qantar.Op(op), d, created.T, at.T)
	})
}

// qVersionsBetween reads the versions whose leaves lie in a stretch of the
// log, through the unique index on leaf_index, in the order of (id,
// version), with each record's first version's time; a current version's
// content is derived from its record's row, as in qRecordsAt.
const qVersionsBetween = `SELECT v.id, v.op, v.data, r.data, v.at,
		(SELECT f.at FROM version_rows f WHERE f.kind = v.kind AND f.id = v.id ORDER BY f.version LIMIT 1)
	FROM version_rows v
	LEFT JOIN records r ON v.data IS NULL AND r.kind = v.kind AND r.id = v.id
	WHERE v.leaf_index >= $2 AND v.leaf_index < $3 AND v.kind || '' = $1
	ORDER BY v.id, v.version`

// VersionsBetween is Snapshot's: each record's last version in the stretch.
func (r Reads) VersionsBetween(ctx context.Context, kind qantar.Kind, from, to int64, each func(id int64, op qantar.Op, data string, created, at time.Time) error) error {
	rows, err := r.R.Query(ctx, qVersionsBetween, string(kind), from, to)
	if err != nil {
		return fmt.Errorf("versions from %d to %d: %w", from, to, err)
	}
	type version struct {
		id          int64
		op          string
		data, cur   *string
		at, created Time
	}
	var v, last version
	flush := func() error {
		if last.id == 0 {
			return nil
		}
		d, err := versionData(last.data, last.cur)
		if err != nil {
			return fmt.Errorf("versions from %d to %d: %s/%d: %w", from, to, kind, last.id, err)
		}
		return each(last.id, qantar.Op(last.op), d, last.created.T, last.at.T)
	}
	err = Each(rows, []any{&v.id, &v.op, &v.data, &v.cur, &v.at, &v.created}, func() error {
		if v.id != last.id {
			if err := flush(); err != nil {
				return err
			}
		}
		last = v
		return nil
	})
	if err != nil {
		return err
	}
	return flush()
}

// versionData is a version's canonical JSON as the view versions gives it:
// its own (data), or when its row holds none, the one derived from its
// record's stored JSON (current).
func versionData(data, current *string) (string, error) {
	if data != nil {
		return *data, nil
	}
	if current != nil {
		if c := CanonicalFromStored([]byte(*current)); c != nil {
			return string(c), nil
		}
	}
	return "", fmt.Errorf("its version has no content")
}
