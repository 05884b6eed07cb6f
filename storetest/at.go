package storetest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/tlog"
)

// testRecordsAt holds qantar.AtReader: the records as a checkpoint of a
// given size committed to them, whatever was written since.
func testRecordsAt(t *testing.T, s Store) {
	at, ok := s.(qantar.AtReader)
	if !ok {
		t.Fatal("the store does not read records at a log size (qantar.AtReader)")
	}
	a, b := person("Ранний"), person("Удалённый")
	mustCreate(t, s, a)
	mustCreate(t, s, b)
	then := jsonOf(t, listAll(t, s))
	n := headSize(t, s)
	pn, err := at.LogAt(ctx(), n)
	if err != nil || pn.Size != n || pn.Time.IsZero() {
		t.Fatalf("LogAt(%d) = %+v, %v", n, pn, err)
	}
	if head, err := at.LogAt(ctx(), -1); err != nil || !bytes.Equal(head.Root, pn.Root) {
		t.Fatalf("LogAt(-1) = %+v, %v; want the root of size %d", head, err, n)
	}
	// Edit one, delete the other, add a third.
	a.Names[0].Value = "Поздний"
	if err := s.Update(ctx(), editor, a); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx(), editor, qantar.KindPerson, b.ID, b.Version, "test"); err != nil {
		t.Fatal(err)
	}
	mustCreate(t, s, person("Новый"))
	recs, err := at.RecordsAt(ctx(), qantar.KindPerson, n)
	if err != nil {
		t.Fatal(err)
	}
	if got := jsonOf(t, recs); got != then {
		t.Fatalf("records at %d:\n got %s\nwant %s", n, got, then)
	}
	if recs, err = at.RecordsAt(ctx(), qantar.KindPerson, headSize(t, s)); err != nil || jsonOf(t, recs) != jsonOf(t, listAll(t, s)) {
		t.Fatalf("records at the head differ from the live records: %v\n got %s\nwant %s", err, jsonOf(t, recs), jsonOf(t, listAll(t, s)))
	}
	if recs, err := at.RecordsAt(ctx(), qantar.KindPerson, n-1); err != nil || len(recs) != 1 || recs[0].GetMeta().ID != a.ID {
		t.Fatalf("records at %d: %v, %v; want only the first person", n-1, recs, err)
	}
	if later, err := at.LogAt(ctx(), n); err != nil || !bytes.Equal(later.Root, pn.Root) || !later.Time.Equal(pn.Time) {
		t.Fatalf("LogAt(%d) changed after writes: %+v then %+v, %v", n, pn, later, err)
	}
	if _, err := at.RecordsAt(ctx(), qantar.KindPerson, headSize(t, s)+1); qantar.ErrorCode(err) != qantar.ENOTFOUND {
		t.Fatalf("records beyond the log: %v, want ENOTFOUND", err)
	}
	if _, err := at.LogAt(ctx(), headSize(t, s)+1); qantar.ErrorCode(err) != qantar.ENOTFOUND {
		t.Fatalf("log beyond its size: %v, want ENOTFOUND", err)
	}
	recordsAtEverySize(t, s, at)
}

// recordsAtEverySize writes a history of many versions of a few persons,
// with deletions and records of another kind between them, and holds the
// persons at every size of the log to the live persons as they were when
// the log had that size: each record's latest version below the size, its
// first version's time as created_at, and none deleted below it.
func recordsAtEverySize(t *testing.T, s Store, at qantar.AtReader) {
	want := map[int64]string{headSize(t, s): jsonOf(t, listAll(t, s))}
	note := func() { want[headSize(t, s)] = jsonOf(t, listAll(t, s)) }
	ps := []*qantar.Person{person("Первый"), person("Второй"), person("Третий")}
	for _, p := range ps {
		mustCreate(t, s, p)
		note()
	}
	for i := range 12 {
		p := ps[i%len(ps)]
		switch {
		case p == nil:
			mustCreate(t, s, &qantar.Event{Title: qantar.Text{"en": fmt.Sprintf("Synthetic event %d", i)}, Start: qantar.MustDate("2022-01-06")})
		case i == 7:
			if err := s.Delete(ctx(), editor, qantar.KindPerson, p.ID, p.Version, "test"); err != nil {
				t.Fatal(err)
			}
			ps[i%len(ps)] = nil
		default:
			p.Names[0].Value = fmt.Sprintf("Версия %d", i)
			if err := s.Update(ctx(), editor, p); err != nil {
				t.Fatal(err)
			}
		}
		note()
		if i == 5 {
			mustCreate(t, s, person("Поздний"))
			note()
		}
	}
	for size, then := range want {
		recs, err := at.RecordsAt(ctx(), qantar.KindPerson, size)
		if err != nil {
			t.Fatal(err)
		}
		if got := jsonOf(t, recs); got != then {
			t.Errorf("records at %d:\n got %s\nwant %s", size, got, then)
		}
	}
	changesBetweenSizes(t, s, at, want)
}

// changesBetweenSizes holds qantar.ChangeReader: for every two sizes of
// the log, the records at the first with what the stretch between them
// changed are the records at the second.
func changesBetweenSizes(t *testing.T, s Store, at qantar.AtReader, want map[int64]string) {
	cr, ok := s.(qantar.ChangeReader)
	if !ok {
		t.Fatal("the store does not read what a stretch of the log changed (qantar.ChangeReader)")
	}
	for from := range want {
		base, err := at.RecordsAt(ctx(), qantar.KindPerson, from)
		if err != nil {
			t.Fatal(err)
		}
		before := jsonOf(t, base)
		eachRecordAt(t, cr, from, before, len(base))
		for to, then := range want {
			if to < from {
				continue
			}
			ch, err := cr.ChangesAt(ctx(), qantar.KindPerson, from, to)
			if err != nil {
				t.Fatal(err)
			}
			if got := jsonOf(t, qantar.ApplyChanges(base, ch)); got != then {
				t.Errorf("records at %d with the changes to %d:\n got %s\nwant %s", from, to, got, then)
			}
		}
		if jsonOf(t, base) != before {
			t.Fatalf("ApplyChanges modified the records at %d", from)
		}
	}
	head := headSize(t, s)
	if _, err := cr.ChangesAt(ctx(), qantar.KindPerson, 0, head+1); qantar.ErrorCode(err) != qantar.ENOTFOUND {
		t.Fatalf("changes beyond the log: %v, want ENOTFOUND", err)
	}
	if _, err := cr.ChangesAt(ctx(), qantar.KindPerson, head, head-1); qantar.ErrorCode(err) != qantar.ENOTFOUND {
		t.Fatalf("a stretch that ends before it starts: %v, want ENOTFOUND", err)
	}
}

// eachRecordAt holds EachRecordAt to RecordsAt (want, of n records) at a
// size, and to stopping at the first error its function returns.
func eachRecordAt(t *testing.T, cr qantar.ChangeReader, size int64, want string, n int) {
	t.Helper()
	var got []qantar.Record
	if err := cr.EachRecordAt(ctx(), qantar.KindPerson, size, func(r qantar.Record) error {
		got = append(got, r)
		return nil
	}); err != nil || jsonOf(t, got) != want {
		t.Fatalf("EachRecordAt(%d): %v\n got %s\nwant %s", size, err, jsonOf(t, got), want)
	}
	if n == 0 {
		return
	}
	stop, calls := fmt.Errorf("stop"), 0
	if err := cr.EachRecordAt(ctx(), qantar.KindPerson, size, func(qantar.Record) error { calls++; return stop }); err != stop || calls != 1 {
		t.Fatalf("EachRecordAt(%d) after its function failed: %v, %d calls; want the function's error after one", size, err, calls)
	}
}

// headSize is the size of the store's latest checkpoint, read from its note.
func headSize(t *testing.T, s Store) int64 {
	t.Helper()
	lg, ok := s.(interface {
		Checkpoint(ctx context.Context) ([]byte, error)
	})
	if !ok {
		t.Fatal("the store serves no checkpoint")
	}
	signed, err := lg.Checkpoint(ctx())
	if err != nil {
		t.Fatal(err)
	}
	text, _, _ := bytes.Cut(signed, []byte("\n\n"))
	cp, err := tlog.ParseCheckpoint(append(text, '\n'))
	if err != nil {
		t.Fatal(err)
	}
	return int64(cp.Size)
}

func listAll(t *testing.T, s Store) []qantar.Record {
	t.Helper()
	recs, _, err := s.List(ctx(), qantar.KindPerson, qantar.Filter{Reader: qantar.System, Limit: qantar.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
