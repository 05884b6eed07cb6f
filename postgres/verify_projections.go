package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/qantar-project/qantar"
)

// verifyProjections checks every live record's kept projections against
// what qantar.Project makes of it now, a page of records at a time.
func verifyProjections(ctx context.Context, tx pgx.Tx, rep *qantar.VerifyReport) error {
	type row struct {
		kind      string
		id        int64
		data      string
		pub, view *string
	}
	resolve := func(k qantar.Kind, id int64) (qantar.Record, error) { return getRecord(ctx, tx, k, id, false) }
	bytesOf := func(s *string) []byte {
		if s == nil {
			return nil
		}
		return []byte(*s)
	}
	lastKind, lastID := "", int64(0)
	for {
		rows, err := tx.Query(ctx, `SELECT kind, id, data, pub_data, viewer_data FROM records
			WHERE deleted_at IS NULL AND (kind, id) > ($1, $2) ORDER BY kind, id LIMIT 1000`, lastKind, lastID)
		if err != nil {
			return err
		}
		page, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (row, error) {
			var x row
			return x, r.Scan(&x.kind, &x.id, &x.data, &x.pub, &x.view)
		})
		if err != nil {
			return err
		}
		if len(page) == 0 {
			return nil
		}
		for _, r := range page {
			rec, err := qantar.DecodeStored(qantar.Kind(r.kind), r.data)
			if err != nil {
				continue // named by verifyRecords
			}
			if p := qantar.ProjectionProblem(rec, []byte(r.data), bytesOf(r.pub), bytesOf(r.view), resolve); p != "" {
				rep.Problem("%s", p)
			}
		}
		lastKind, lastID = page[len(page)-1].kind, page[len(page)-1].id
	}
}
