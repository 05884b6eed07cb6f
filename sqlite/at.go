package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/qantar-project/qantar"
)

// qRecordsAt reads the latest version below a log size of each record of a
// kind, with the time of its first version.
const qRecordsAt = `SELECT v.op, v.data, v.at,
	(SELECT f.at FROM versions f WHERE f.kind = v.kind AND f.id = v.id ORDER BY f.version LIMIT 1)
	FROM versions v
	JOIN (SELECT id, max(version) AS version FROM versions WHERE kind = ? AND leaf_index < ? GROUP BY id) m
	  ON v.id = m.id AND v.version = m.version
	WHERE v.kind = ?
	ORDER BY v.id`

// VersionsAt is storekit.Snapshot's.
func (s snapshot) VersionsAt(ctx context.Context, kind qantar.Kind, size int64, each func(op qantar.Op, data string, created, at time.Time) error) error {
	rows, err := s.q.QueryContext(ctx, qRecordsAt, kind, size, kind)
	if err != nil {
		return fmt.Errorf("records at %d: %w", size, err)
	}
	defer rows.Close()
	for rows.Next() {
		var op, data, at, created string
		if err := rows.Scan(&op, &data, &at, &created); err != nil {
			return err
		}
		if err := each(qantar.Op(op), data, parseTime(created), parseTime(at)); err != nil {
			return err
		}
	}
	return rows.Err()
}
