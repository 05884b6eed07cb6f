package csvio_test

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/csvio"
	"github.com/qantar-project/qantar/sqlite"
)

// watchedDB is the real SQLite store, counting the records its
// transactions' bulk path has created (committed or not).
type watchedDB struct {
	*sqlite.DB
	created atomic.Int64
}

func (d *watchedDB) InTx(ctx context.Context, fn func(w qantar.Writer) error) error {
	return d.DB.InTx(ctx, func(w qantar.Writer) error {
		return fn(&watchedWriter{Writer: w, d: d})
	})
}

type watchedWriter struct {
	qantar.Writer
	d *watchedDB
}

func (w *watchedWriter) CreateAll(ctx context.Context, actor qantar.Actor, recs []qantar.Record) (int, error) {
	n, err := qantar.CreateAll(ctx, w.Writer, actor, recs)
	w.d.created.Add(int64(n))
	return n, err
}

// TestStreamedImportWritesAllOrNothing: the rows of a large file are
// written while it is still being read (the store has created thousands of
// records before the rest of the file exists), and a bad row near its end
// leaves nothing written, reported with its line and column.
func TestStreamedImportWritesAllOrNothing(t *testing.T) {
	for _, bad := range []bool{true, false} {
		t.Run(fmt.Sprintf("bad=%v", bad), func(t *testing.T) {
			db := &watchedDB{DB: openDB(t)}
			pr, pw := io.Pipe()
			const first, after = 10000, 300
			fed := make(chan error, 1)
			go func() {
				fed <- feedPersons(pw, &db.created, first, after, bad)
			}()
			rep, err := csvio.Import(ctx(), db, qantar.KindPerson, pr, "persons.csv", csvio.Options{Actor: editor})
			if err != nil {
				t.Fatal(err)
			}
			if err := <-fed; err != nil {
				t.Fatal(err)
			}
			n := count(t, db, qantar.KindPerson)
			if !bad {
				if !rep.OK() || !rep.Written || rep.Created != first+after || n != first+after {
					t.Fatalf("written %v, created %d, stored %d, problems %s", rep.Written, rep.Created, n, problems(rep))
				}
				return
			}
			if rep.Written || rep.Created != 0 || rep.Rejected != 1 || n != 0 {
				t.Fatalf("a bad row at line %d: written %v, created %d, rejected %d, stored %d", first+2, rep.Written, rep.Created, rep.Rejected, n)
			}
			want := fmt.Sprintf("line %d, column \"birth_date\"", first+2)
			if len(rep.Problems) != 1 || !strings.HasPrefix(rep.Problems[0].String(), want) {
				t.Fatalf("problems: %s; want one at %s", problems(rep), want)
			}
		})
	}
}

// feedPersons writes first persons, waits until the store has created
// some of them (so the import is writing while the file is read), then the
// bad row if asked and after more persons.
func feedPersons(pw *io.PipeWriter, created *atomic.Int64, first, after int, bad bool) error {
	defer pw.Close()
	fmt.Fprintln(pw, "external_key,name_ru,sex,birth_date")
	for i := range first {
		fmt.Fprintf(pw, "S-%d,Синтетический Человек %d,male,%02d.%02d.%d\n", i, i, 1+i%28, 1+i%12, 1940+i%70)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for created.Load() < 4096 {
		if time.Now().After(deadline) {
			pw.CloseWithError(fmt.Errorf("nothing written after %d rows were read", first))
			return fmt.Errorf("the import wrote %d records of the %d rows it had read: it does not stream", created.Load(), first)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if bad {
		fmt.Fprintln(pw, "S-bad,Синтетический Человек,male,31.02.1990")
	}
	for i := range after {
		fmt.Fprintf(pw, "S-after-%d,Синтетический Человек %d,female,01.01.1970\n", i, i)
	}
	return nil
}
