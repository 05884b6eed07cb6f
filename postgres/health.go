package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/qantar-project/qantar"
)

// Ready reports whether writes work now, by trying one that changes
// nothing: a transaction that takes a transaction id (which a read-only
// server, a standby or one shutting down refuses) and rolls back. Its
// errors carry the storage codes (ESTORAGEFULL, EUNAVAILABLE).
func (db *DB) Ready(ctx context.Context) error {
	if db.readOnly {
		return qantar.Errorf(qantar.EUNAVAILABLE, "the database is open read-only")
	}
	tx, err := db.pool.BeginTx(ctx, pgx.TxOptions{})
	if err != nil {
		return fmt.Errorf("ready: begin: %w", err)
	}
	defer tx.Rollback(ctx)
	var standby bool
	if err := tx.QueryRow(ctx, `SELECT pg_is_in_recovery()`).Scan(&standby); err != nil {
		return fmt.Errorf("ready: %w", err)
	}
	if standby {
		return qantar.Errorf(qantar.EUNAVAILABLE, "the database server is a standby (in recovery) and takes no writes")
	}
	if _, err := tx.Exec(ctx, `SELECT txid_current()`); err != nil {
		return fmt.Errorf("ready: write: %w", err)
	}
	return nil
}

// PoolStat is the connection pool's use, for /metrics.
func (db *DB) PoolStat() (inUse, idle, max int32) {
	st := db.pool.Stat()
	return st.AcquiredConns(), st.IdleConns(), st.MaxConns()
}
