package sqlite

import (
	"context"
	"database/sql"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/storekit"
)

// Verify is storekit.Verify over one read-only transaction: it reads one
// consistent snapshot; writers may go on meanwhile.
func (db *DB) Verify(ctx context.Context) (*qantar.VerifyReport, error) {
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	return storekit.Verify(ctx, reader{tx}, nodeStore{tx}, db.verifierKey)
}
