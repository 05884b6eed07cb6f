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
	"github.com/qantar-project/qantar/internal/testworld"
)

// watchedDB is a real store (SQLite, PostgreSQL), counting the records its
// transactions' bulk path has created (committed or not).
type watchedDB struct {
	qantar.Store
	created atomic.Int64
}

func (d *watchedDB) InTx(ctx context.Context, fn func(w qantar.Writer) error) error {
	return d.Store.InTx(ctx, func(w qantar.Writer) error {
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
// leaves nothing written, reported with its line and column; on both
// stores.
func TestStreamedImportWritesAllOrNothing(t *testing.T) {
	for _, store := range []string{"sqlite", "postgres"} {
		for _, bad := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/bad=%v", store, bad), func(t *testing.T) { streamedImport(t, store, bad) })
		}
	}
}

// watchedStore opens a new store of the named engine, watched.
func watchedStore(t *testing.T, store string) *watchedDB {
	if store == "sqlite" {
		return &watchedDB{Store: openDB(t)}
	}
	return &watchedDB{Store: openPostgres(t)}
}

func streamedImport(t *testing.T, store string, bad bool) {
	db := watchedStore(t, store)
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
}

// openPostgres opens a new PostgreSQL store in a schema of its own on the
// server QANTAR_TEST_POSTGRES names, dropped at the end (testworld). Without
// the variable the test fails: the PostgreSQL half is never skipped.
func openPostgres(t *testing.T) qantar.Store { return testworld.Postgres(t, testworld.Options{}) }

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

// TestStreamedKeysOfWrittenRows: rows written thousands of lines before
// (forgotten but for their line and id) are still found by key: a later
// event names one as its parent and gets its id, and a repeated key is
// reported with the line it repeats; on both stores.
func TestStreamedKeysOfWrittenRows(t *testing.T) {
	for _, store := range []string{"sqlite", "postgres"} {
		for _, dup := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/dup=%v", store, dup), func(t *testing.T) { streamedKeys(t, store, dup) })
		}
	}
}

func streamedKeys(t *testing.T, store string, dup bool) {
	db := watchedStore(t, store)
	pr, pw := io.Pipe()
	fed := make(chan error, 1)
	go func() { fed <- feedEvents(pw, &db.created, dup) }()
	rep, err := csvio.Import(ctx(), db, qantar.KindEvent, pr, "events.csv", csvio.Options{Actor: editor})
	if err != nil {
		t.Fatal(err)
	}
	if err := <-fed; err != nil {
		t.Fatal(err)
	}
	if dup {
		want := fmt.Sprintf(`line %d, column "external_key": external key "E-1" is already on line 3`, eventsFed)
		if rep.Written || rep.Rejected != 1 || len(rep.Problems) != 1 || !strings.HasPrefix(rep.Problems[0].String(), want) {
			t.Fatalf("written %v, rejected %d, problems %s; want one: %s", rep.Written, rep.Rejected, problems(rep), want)
		}
		return
	}
	if !rep.OK() || rep.Created != eventsFed-1 {
		t.Fatalf("created %d of %d: %s", rep.Created, eventsFed-1, problems(rep))
	}
	parent, err := db.GetByExternalKey(ctx(), qantar.KindEvent, "E-1")
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"child-1", "child-2"} {
		child, err := db.GetByExternalKey(ctx(), qantar.KindEvent, key)
		if err != nil {
			t.Fatal(err)
		}
		if got := child.(*qantar.Event).ParentID; got != parent.GetMeta().ID {
			t.Errorf("%s's parent is %d, want E-1's id %d", key, got, parent.GetMeta().ID)
		}
	}
}

// eventsFed is the number of lines feedEvents writes, its header included:
// the last one's number.
const eventsFed = 1 + 10000 + 2*2100 + 2

// feedEvents writes 10,000 events, then, each time the store has written
// more of them (so that the first are forgotten), 2,100 more and an event
// whose parent is the second one, by key; with dup, the last row repeats
// the second one's key instead.
func feedEvents(pw *io.PipeWriter, created *atomic.Int64, dup bool) error {
	defer pw.Close()
	fmt.Fprintln(pw, "external_key,title_en,parent_key,start")
	for i := range 10000 {
		fmt.Fprintf(pw, "E-%d,Synthetic event %d,,2022-01\n", i, i)
	}
	for round, atLeast := range []int64{4096, 8192} {
		deadline := time.Now().Add(2 * time.Minute)
		for created.Load() < atLeast {
			if time.Now().After(deadline) {
				pw.CloseWithError(fmt.Errorf("%d written", created.Load()))
				return fmt.Errorf("the import wrote %d records, not %d: it does not stream", created.Load(), atLeast)
			}
			time.Sleep(10 * time.Millisecond)
		}
		for i := range 2100 {
			fmt.Fprintf(pw, "F-%d-%d,Synthetic event,,2022-02\n", round, i)
		}
		if round == 1 && dup {
			fmt.Fprintln(pw, "E-1,A second event with the key,,2022-03")
		} else {
			fmt.Fprintf(pw, "child-%d,A child event,E-1,2022-01-05\n", round+1)
		}
	}
	return nil
}
