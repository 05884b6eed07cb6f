package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
)

var knownEditor = qantar.Actor{ID: "token:1", Role: qantar.RoleEditor}

func openKnown(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "k.db"), Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// publicAct returns the act's projection for anonymous readers as the
// transaction (or, with tx nil, the database) keeps it.
func publicAct(t *testing.T, db *DB, tx *Tx, id int64) string {
	t.Helper()
	var q interface {
		QueryRowContext(context.Context, string, ...any) *sql.Row
	} = db.read
	if tx != nil {
		q = tx
	}
	var s string
	if err := q.QueryRowContext(context.Background(), `SELECT coalesce(pub_data, data) FROM records WHERE kind = 'acts' AND id = ?`, id).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

func newAct(victim int64) *qantar.Act {
	return &qantar.Act{VictimID: victim, ActType: "torture", Description: qantar.Text{"ru": "описание приметы"}}
}

// An act written in a transaction, then its person's protection changed in
// the same transaction: the act's projection follows the person as now
// written, not as the transaction first knew them, both ways, through the
// bulk path and single writes.
func TestKnownFollowsUpdates(t *testing.T) {
	db := openKnown(t)
	ctx := context.Background()
	err := db.InTx(ctx, func(w qantar.Writer) error {
		tx := w.(*Tx)
		p := &qantar.Person{Names: []qantar.Name{{Value: "Жанар Открытая"}}, Protection: qantar.Public}
		if _, err := tx.CreateAll(ctx, knownEditor, []qantar.Record{p}); err != nil {
			return err
		}
		bulk, single := newAct(p.ID), newAct(p.ID)
		if _, err := tx.CreateAll(ctx, knownEditor, []qantar.Record{bulk}); err != nil {
			return err
		}
		if err := tx.Create(ctx, knownEditor, single); err != nil {
			return err
		}
		for _, a := range []*qantar.Act{bulk, single} {
			if s := publicAct(t, db, tx, a.ID); !strings.Contains(s, "описание приметы") {
				t.Errorf("act of a public person: the public does not see its description: %s", s)
			}
		}
		hidden := *p
		hidden.Protection = qantar.Restricted
		if err := tx.Update(ctx, knownEditor, &hidden); err != nil {
			return err
		}
		later := newAct(p.ID)
		if _, err := tx.CreateAll(ctx, knownEditor, []qantar.Record{later}); err != nil {
			return err
		}
		for _, a := range []*qantar.Act{bulk, single, later} {
			if s := publicAct(t, db, tx, a.ID); strings.Contains(s, "описание приметы") {
				t.Errorf("act %d of a person made restricted in the transaction: the public sees its description: %s", a.ID, s)
			}
		}
		shown := hidden
		shown.Protection = qantar.Public
		if err := tx.Update(ctx, knownEditor, &shown); err != nil {
			return err
		}
		again := newAct(p.ID)
		if err := tx.Create(ctx, knownEditor, again); err != nil {
			return err
		}
		for _, a := range []*qantar.Act{bulk, later, again} {
			if s := publicAct(t, db, tx, a.ID); !strings.Contains(s, "описание приметы") {
				t.Errorf("act %d of a person made public again: the public does not see its description: %s", a.ID, s)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// What the caller does with a record after writing it (a field changed,
// never written) is not what the transaction knows of it.
func TestKnownIsNotTheCallersRecord(t *testing.T) {
	db := openKnown(t)
	ctx := context.Background()
	var act *qantar.Act
	err := db.InTx(ctx, func(w qantar.Writer) error {
		tx := w.(*Tx)
		p := &qantar.Person{Names: []qantar.Name{{Value: "Асхат Скрытый"}}}
		if _, err := tx.CreateAll(ctx, knownEditor, []qantar.Record{p}); err != nil {
			return err
		}
		p.Protection = qantar.Public // not written
		act = newAct(p.ID)
		_, err := tx.CreateAll(ctx, knownEditor, []qantar.Record{act})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if s := publicAct(t, db, nil, act.ID); strings.Contains(s, "описание приметы") {
		t.Errorf("act of a restricted person projected as the caller's unwritten change says: %s", s)
	}
}

// What a transaction knows stays bounded however many records it writes,
// and a record it no longer holds is read back: the act of a person
// written long before is projected as that person is.
func TestKnownIsBounded(t *testing.T) {
	db := openKnown(t)
	ctx := context.Background()
	err := db.InTx(ctx, func(w qantar.Writer) error {
		tx := w.(*Tx)
		first := &qantar.Person{Names: []qantar.Name{{Value: "Первый Скрытый"}}}
		open := &qantar.Person{Names: []qantar.Name{{Value: "Второй Открытый"}}, Protection: qantar.Public}
		recs := []qantar.Record{first, open}
		for range 3 * knownMax {
			recs = append(recs, &qantar.Person{Names: []qantar.Name{{Value: "Кто-то Другой"}}})
		}
		if _, err := tx.CreateAll(ctx, knownEditor, recs); err != nil {
			return err
		}
		if n := tx.known.size(); n > 2*knownMax {
			t.Errorf("the transaction holds %d records after writing %d; at most %d", n, len(recs), 2*knownMax)
		}
		if _, ok := tx.known.get(qantar.Ref{Kind: qantar.KindPerson, ID: first.ID}); ok {
			t.Fatalf("the first person is still held after %d others: the test proves nothing", len(recs))
		}
		hidden, shown := newAct(first.ID), newAct(open.ID)
		if _, err := tx.CreateAll(ctx, knownEditor, []qantar.Record{hidden, shown}); err != nil {
			return err
		}
		if s := publicAct(t, db, tx, hidden.ID); strings.Contains(s, "описание приметы") {
			t.Errorf("act of a restricted person read back: the public sees its description: %s", s)
		}
		if s := publicAct(t, db, tx, shown.ID); !strings.Contains(s, "описание приметы") {
			t.Errorf("act of a public person read back: the public does not see its description: %s", s)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// One CreateAll of persons of every level, their acts and the citations of
// both, each act and citation in the chunk of its person (a new database
// gives ids in order, so the batch can name them before they are given):
// the projections its workers make from what the check resolved are those
// the rules make (verify recomputes every one), and hide what they must.
func TestBulkProjectionsByWorkers(t *testing.T) {
	db := openKnown(t)
	ctx := context.Background()
	recs := []qantar.Record{&qantar.Source{SourceKind: "list", Title: qantar.Text{"en": "A list"}}}
	levels := []string{qantar.Public, qantar.Restricted, qantar.Confidential, ""}
	const n = 300
	for i := int64(1); i <= n; i++ {
		recs = append(recs,
			&qantar.Person{Names: []qantar.Name{{Value: "Синтетикалық Адам"}}, Protection: levels[i%4]},
			newAct(i),
			&qantar.Citation{RecordKind: qantar.KindPerson, RecordID: i, SourceID: 1, Quote: "слова источника"},
			&qantar.Citation{RecordKind: qantar.KindAct, RecordID: i, SourceID: 1, Quote: "слова источника"})
	}
	err := db.InTx(ctx, func(w qantar.Writer) error {
		_, err := qantar.CreateAll(ctx, w, knownEditor, recs)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for i := int64(1); i <= n; i++ {
		act := recs[4*i-2].(*qantar.Act)
		if act.ID != i || act.VictimID != i {
			t.Fatalf("act %d of person %d: ids not given in order", act.ID, act.VictimID)
		}
		s := publicAct(t, db, nil, i)
		if shown := strings.Contains(s, "описание приметы"); shown != (levels[i%4] == qantar.Public) {
			t.Errorf("act of a %q person: the public sees its description: %v", levels[i%4], shown)
		}
	}
	rep, err := db.Verify(ctx)
	if err != nil || !rep.OK() {
		t.Fatalf("verify after a bulk create projected by the workers: %+v %v", rep, err)
	}
}
