package postgres

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
	JOIN (SELECT id, max(version) AS version FROM versions WHERE kind = $1 AND leaf_index < $2 GROUP BY id) m
	  ON v.id = m.id AND v.version = m.version
	WHERE v.kind = $1
	ORDER BY v.id`

// VersionsAt is storekit.Snapshot's.
func (s snapshot) VersionsAt(ctx context.Context, kind qantar.Kind, size int64, each func(op qantar.Op, data string, created, at time.Time) error) error {
	rows, err := s.q.Query(ctx, qRecordsAt, string(kind), size)
	if err != nil {
		return fmt.Errorf("records at %d: %w", size, err)
	}
	defer rows.Close()
	for rows.Next() {
		var op, data string
		var at, created time.Time
		if err := rows.Scan(&op, &data, &at, &created); err != nil {
			return err
		}
		if err := each(qantar.Op(op), data, created.UTC(), at.UTC()); err != nil {
			return err
		}
	}
	return rows.Err()
}
