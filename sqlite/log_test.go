package sqlite_test

import (
	"context"
	"errors"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/sqlite"
)

// TestLongTransactionFoldsTheLog: a transaction of more leaves than the
// store keeps pending (it writes their tree nodes as it goes) leaves the
// same log as short ones would: verify rebuilds every node and the signed
// checkpoint from the leaves. A long transaction that is rolled back leaves
// no node behind, and the next one appends where the log was.
func TestLongTransactionFoldsTheLog(t *testing.T) {
	ctx := context.Background()
	db := open(t).(*sqlite.DB)
	write := func(from, n int, fail bool) error {
		return db.InTx(ctx, func(w qantar.Writer) error {
			for i := from; i < from+5; i++ { // one by one, then in bulk
				if err := w.Create(ctx, editor, syntheticPerson(i)); err != nil {
					return err
				}
			}
			recs := make([]qantar.Record, 0, n)
			for i := from + 5; i < from+n; i++ {
				recs = append(recs, syntheticPerson(i))
			}
			for len(recs) > 0 {
				part := recs[:min(len(recs), 2048)]
				if _, err := qantar.CreateAll(ctx, w, editor, part); err != nil {
					return err
				}
				recs = recs[len(part):]
			}
			if fail {
				return errors.New("roll back")
			}
			return nil
		})
	}
	steps := []struct {
		from, n int
		fail    bool
	}{{0, 7, false}, {7, 10001, false}, {10008, 9000, true}, {10008, 4100, false}}
	for _, s := range steps {
		if err := write(s.from, s.n, s.fail); (err != nil) != s.fail {
			t.Fatalf("write %d from %d: %v", s.n, s.from, err)
		}
	}
	rep, err := db.Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := uint64(7 + 10001 + 4100); !rep.OK() || rep.Leaves != want {
		t.Fatalf("verify: %d leaves (want %d), problems %v", rep.Leaves, want, rep.Problems)
	}
}
