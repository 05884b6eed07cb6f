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

// qRecordsAt reads the latest version below a log size of each record of a
// kind, with the time of its first version.
const qRecordsAt = `SELECT v.op, v.data, v.at,
	(SELECT f.at FROM versions f WHERE f.kind = v.kind AND f.id = v.id ORDER BY f.version LIMIT 1)
	FROM versions v
	JOIN (SELECT id, max(version) AS version FROM versions WHERE kind = $1 AND leaf_index < $2 GROUP BY id) m
	  ON v.id = m.id AND v.version = m.version
	WHERE v.kind = $1
	ORDER BY v.id`

// VersionsAt is Snapshot's.
func (r Reads) VersionsAt(ctx context.Context, kind qantar.Kind, size int64, each func(op qantar.Op, data string, created, at time.Time) error) error {
	rows, err := r.R.Query(ctx, qRecordsAt, string(kind), size)
	if err != nil {
		return fmt.Errorf("records at %d: %w", size, err)
	}
	var op, data string
	var at, created Time
	return Each(rows, []any{&op, &data, &at, &created}, func() error {
		return each(qantar.Op(op), data, created.T, at.T)
	})
}
