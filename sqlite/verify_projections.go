package sqlite

import (
	"context"
	"database/sql"

	"github.com/qantar-project/qantar"
)

// verifyProjections checks every live record's kept projections against
// what qantar.Project makes of it now, a page of records at a time.
func verifyProjections(ctx context.Context, tx *sql.Tx, rep *qantar.VerifyReport) error {
	type row struct {
		kind            qantar.Kind
		id              int64
		data, pub, view []byte
	}
	resolve := func(k qantar.Kind, id int64) (qantar.Record, error) { return getRecord(ctx, tx, k, id) }
	lastKind, lastID := "", int64(0)
	for {
		rows, err := tx.QueryContext(ctx, `SELECT kind, id, data, pub_data, viewer_data FROM records
			WHERE deleted_at IS NULL AND (kind > ? OR (kind = ? AND id > ?)) ORDER BY kind, id LIMIT 1000`, lastKind, lastKind, lastID)
		if err != nil {
			return err
		}
		var page []row
		for rows.Next() {
			var r row
			var pub, view sql.NullString
			if err := rows.Scan(&r.kind, &r.id, &r.data, &pub, &view); err != nil {
				rows.Close()
				return err
			}
			if pub.Valid {
				r.pub = []byte(pub.String)
			}
			if view.Valid {
				r.view = []byte(view.String)
			}
			page = append(page, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(page) == 0 {
			return nil
		}
		for _, r := range page {
			rec, err := qantar.DecodeStored(r.kind, string(r.data))
			if err != nil {
				continue // named by verifyRecords
			}
			if p := qantar.ProjectionProblem(rec, r.data, r.pub, r.view, resolve); p != "" {
				rep.Problem("%s", p)
			}
		}
		lastKind, lastID = string(page[len(page)-1].kind), page[len(page)-1].id
	}
}
