package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/tlog"
)

var _ qantar.AtReader = (*DB)(nil)

// qRecordsAt reads the latest version below a log size of each record of a
// kind, with the time of its first version.
const qRecordsAt = `SELECT v.op, v.data, v.at,
	(SELECT f.at FROM versions f WHERE f.kind = v.kind AND f.id = v.id ORDER BY f.version LIMIT 1)
	FROM versions v
	JOIN (SELECT id, max(version) AS version FROM versions WHERE kind = $1 AND leaf_index < $2 GROUP BY id) m
	  ON v.id = m.id AND v.version = m.version
	WHERE v.kind = $1
	ORDER BY v.id`

// RecordsAt returns the records of a kind as they were when the log had size
// leaves (qantar.AtReader).
func (db *DB) RecordsAt(ctx context.Context, kind qantar.Kind, size int64) ([]qantar.Record, error) {
	if _, err := qantar.New(kind); err != nil {
		return nil, err
	}
	var out []qantar.Record
	err := db.ReadSnapshot(ctx, func(s snapshot, cp tlog.Checkpoint, _ []byte) error {
		if size < 0 || uint64(size) > cp.Size {
			return qantar.Errorf(qantar.ENOTFOUND, "the log has no checkpoint of size %d (its size is %d)", size, cp.Size)
		}
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
			if qantar.Op(op) == qantar.OpDelete {
				continue
			}
			rec, err := qantar.DecodeStored(kind, data)
			if err != nil {
				return err
			}
			m := rec.GetMeta()
			m.CreatedAt, m.UpdatedAt = created.UTC(), at.UTC()
			out = append(out, rec)
		}
		return rows.Err()
	})
	return out, err
}
