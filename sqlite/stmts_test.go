package sqlite

import (
	"context"
	"fmt"
	"testing"

	"github.com/qantar-project/qantar"
)

// A write transaction makes each prepared statement its own once, however
// many rows it writes: database/sql keeps every statement a transaction
// makes until its end, so one made per call grew with an import.
func TestTransactionStatementsMadeOnce(t *testing.T) {
	db := openKnown(t)
	ctx := context.Background()
	err := db.InTx(ctx, func(w qantar.Writer) error {
		tx := w.(*Tx)
		for i := range 300 {
			p := &qantar.Person{Names: []qantar.Name{{Value: fmt.Sprintf("Синтетикалық Адам %d", i)}}}
			if err := tx.Create(ctx, knownEditor, p); err != nil {
				return err
			}
		}
		if n := len(tx.stmts); n == 0 || n > len(writeQueries) {
			t.Errorf("%d statements made in the transaction for 300 writes, want 1 to %d (one per prepared query)", n, len(writeQueries))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
