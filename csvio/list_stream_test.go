package csvio_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/csvio"
)

// syntheticList is a clearly synthetic victims' list of n rows that uses
// what a list may hold: names in three scripts, dates in three formats in
// one column, rows without a death (their citation is of the person), a
// place found in another script, places created (one first named near the
// end, after several chunks are written), a place that is no name ("—").
func syntheticList(n int) string {
	var b strings.Builder
	b.WriteString("№;ФИО;Дата рождения;Пол;Дата гибели;Место гибели;Обстоятельства\n")
	names := []string{"Синтетический Человек %d", "Сәтбаев Әлі %d", "Sintetik Adam %d"}
	places := []string{"Алматы", "Almaty", "Талдыкорган", "Тараз", "—", ""}
	for i := 1; i <= n; i++ {
		d, m, y := 1+i%28, 1+i%12, 1930+i%60
		birth := []string{fmt.Sprintf("%02d.%02d.%d", d, m, y), fmt.Sprintf("%d-%02d-%02d", y, m, d), fmt.Sprint(y)}[i%3]
		sex := []string{"М", "Ж", "е", "ә"}[i%4]
		death, place, how := "", "", ""
		if i%5 != 0 {
			death = []string{fmt.Sprintf("%02d.01.2022", 4+i%8), fmt.Sprintf("2022-01-%02d", 4+i%8), "01.2022"}[i%3]
			place = places[i%len(places)]
			if i > n-100 && i%7 == 0 {
				place = "Жаңаөзен"
			}
			if i%4 == 0 {
				how = fmt.Sprintf("огнестрельное ранение, синтетическая запись %d", i)
			}
		}
		fmt.Fprintf(&b, "%d;%s;%s;%s;%s;%s;%s\n", i, fmt.Sprintf(names[i%3], i), birth, sex, death, place, how)
	}
	return b.String()
}

// listStores are the stores every list test runs on.
var listStores = []string{"sqlite", "postgres"}

func openStore(t *testing.T, store string) qantar.Store {
	if store == "sqlite" {
		return openDB(t)
	}
	return openPostgres(t)
}

// withAlmaty is a store holding the place a list finds by name.
func withAlmaty(t *testing.T, store string) qantar.Store {
	st := openStore(t, store)
	almaty := &qantar.Place{Name: qantar.Text{"kk": "Алматы", "en": "Almaty"}}
	if err := st.Create(ctx(), editor, almaty); err != nil {
		t.Fatal(err)
	}
	return st
}

// listKinds are the kinds a list's rows become.
var listKinds = []qantar.Kind{qantar.KindSource, qantar.KindPlace, qantar.KindPerson, qantar.KindAct, qantar.KindCitation}

// stored is every record of a list's kinds as the store keeps it: its JSON
// (ids and versions, not the times of the writing) and what anonymous
// readers and viewers are shown of it.
func stored(t *testing.T, st qantar.Store) []string {
	t.Helper()
	pr, ok := st.(qantar.PreparedReader)
	if !ok {
		t.Fatalf("%T keeps no projections", st)
	}
	var out []string
	for _, k := range listKinds {
		recs, err := qantar.ListAll(ctx(), st, k, qantar.Filter{Sort: "id", Reader: qantar.System})
		if err != nil {
			t.Fatal(err)
		}
		for _, rec := range recs {
			m := rec.GetMeta()
			id := m.ID
			m.CreatedAt, m.UpdatedAt = time.Time{}, time.Time{}
			b, err := json.Marshal(rec)
			if err != nil {
				t.Fatal(err)
			}
			line := string(b)
			for _, reader := range []qantar.Actor{qantar.PublicReader, qantar.ViewerReader} {
				p, err := pr.GetPrepared(ctx(), k, id, reader)
				if err != nil {
					t.Fatal(err)
				}
				line += "\n  " + reader.Role + ": " + string(withoutTimes(t, p.Data))
			}
			out = append(out, line)
		}
	}
	return out
}

// withoutTimes drops created_at and updated_at from a record's JSON.
func withoutTimes(t *testing.T, b []byte) []byte {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	delete(m, "created_at")
	delete(m, "updated_at")
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// importListCourse imports text as the list l, streamed or (whole) every
// row read before any is written: the course before the streaming.
func importListCourse(t *testing.T, st qantar.Store, l csvio.List, text string, whole bool) *csvio.Report {
	t.Helper()
	in := csvio.Input{Name: "list.csv", R: strings.NewReader(text)}
	o := csvio.Options{Actor: editor}
	var rep *csvio.Report
	var err error
	if whole {
		rep, err = csvio.ImportListWhole(ctx(), st, in, l, o)
	} else {
		rep, err = csvio.ImportList(ctx(), st, in, l, o)
	}
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// counts is what a report says was done, by table.
func counts(rep *csvio.Report) string {
	var b strings.Builder
	fmt.Fprintf(&b, "written %v created %d updated %d unchanged %d rejected %d protected %d;", rep.Written, rep.Created, rep.Updated, rep.Unchanged, rep.Rejected, rep.Protected)
	for _, tr := range rep.Tables {
		fmt.Fprintf(&b, " %s %d/%d/%d/%d/%d rows %d;", tr.Kind, tr.Created, tr.Updated, tr.Unchanged, tr.Rejected, tr.Protected, tr.Rows)
	}
	return b.String()
}

func problemText(rep *csvio.Report) string {
	var b strings.Builder
	for _, p := range rep.Problems {
		b.WriteString(p.String())
		b.WriteByte('\n')
	}
	return b.String()
}

// TestStreamedListSameRecords: a list of several chunks imported streamed
// and imported the course before (every row read, then the persons, the
// acts and the citations written one table after another) gives the same
// records, byte for byte, with the same projections, and the same report;
// importing it again changes nothing, and an edited row near the end is a
// new version of its act and citation only. On both stores.
func TestStreamedListSameRecords(t *testing.T) {
	const n = 3000
	text := syntheticList(n)
	l := csvio.List{Name: "Синтетический список"}
	for _, store := range listStores {
		t.Run(store, func(t *testing.T) {
			old, cur := withAlmaty(t, store), withAlmaty(t, store)
			oldRep := importListCourse(t, old, l, text, true)
			mustOK(t, oldRep)
			rep := importListCourse(t, cur, l, text, false)
			mustOK(t, rep)
			if counts(rep) != counts(oldRep) {
				t.Fatalf("reports differ:\nstreamed %s\nbefore   %s", counts(rep), counts(oldRep))
			}
			if rep.Created != 1+3+n+4*n/5+n { // the source, three new places, persons, acts, citations
				t.Fatalf("created %d: %s", rep.Created, counts(rep))
			}
			a, b := stored(t, old), stored(t, cur)
			if len(a) != len(b) {
				t.Fatalf("%d records before, %d streamed", len(a), len(b))
			}
			for i := range a {
				if a[i] != b[i] {
					t.Fatalf("record %d differs:\nbefore   %s\nstreamed %s", i, a[i], b[i])
				}
			}
			for _, st := range []qantar.Store{old, cur} {
				verifyStore(t, st)
			}
			again := importListCourse(t, cur, l, text, false)
			mustOK(t, again)
			if again.Created+again.Updated != 0 || again.Unchanged != n+4*n/5+n {
				t.Fatalf("the same list again: %s", counts(again))
			}
			// Row 2996 (after several chunks) tells more of the circumstances.
			edited := strings.Replace(text, "запись 2996\n", "запись 2996, уточнено\n", 1)
			if edited == text {
				t.Fatal("row 2996 has no circumstances to edit")
			}
			ed := importListCourse(t, cur, l, edited, false)
			mustOK(t, ed)
			if ed.Updated != 2 || ed.Created != 0 {
				t.Fatalf("an edited row: %s; want its act and citation updated", counts(ed))
			}
			verifyStore(t, cur)
		})
	}
}

// verifyStore recomputes everything the store keeps (projections too).
func verifyStore(t *testing.T, st qantar.Store) {
	t.Helper()
	v, ok := st.(interface {
		Verify(context.Context) (*qantar.VerifyReport, error)
	})
	if !ok {
		t.Fatalf("%T cannot verify", st)
	}
	rep, err := v.Verify(ctx())
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Fatalf("verify: %v", rep.Problems)
	}
}

// TestStreamedListBadInputWritesNothing: the bad input of issue 16 near the
// end of a list of several chunks (written by then) leaves nothing
// written, each problem named with its line and column, in the words and
// the order of the course before the streaming. On both stores.
func TestStreamedListBadInputWritesNothing(t *testing.T) {
	const n = 3000
	lines := strings.Split(strings.TrimSuffix(syntheticList(n), "\n"), "\n")
	bad := map[int]string{ // list row → the row instead
		2101: "2101;;01.01.1980;М;06.01.2022;Тараз;",                       // no name
		2202: "2202;Синтетический Человек 2202;31.02.1980;Ж;;;",            // no such day
		2303: "2303;Синтетический Человек 2303;;М;06.01.2022;Октябрьский;", // two places of that name
		2404: "17;Синтетический Человек 2404;;М;;;",                        // row 17 again
		2505: "2505;Синтетический Человек 2505;;М;7 января;Тараз;",         // not a date
	}
	// A row's citation refers to its person or act: when that has a
	// problem, so has the citation (named by the row's number).
	want := []string{
		`line 2102, column "ФИО": at least one name is required`,
		`line 2203, column "Дата рождения": "31.02.1980" is not a date`,
		`line 2203, column "№": refers to line 2203, which has problems`,
		`line 2304, column "Место гибели": "Октябрьский" names several places`,
		`line 2304, column "№": refers to line 2304, which has problems`,
		`line 2405, column "№": row 17 is already on line 18`,
		`line 2506, column "Дата гибели": "7 января" is not a date`,
		`line 2506, column "№": refers to line 2506, which has problems`,
	}
	for row, text := range bad {
		lines[row] = text
	}
	text := strings.Join(lines, "\n") + "\n"
	l := csvio.List{Name: "Синтетический список"}
	for _, store := range listStores {
		t.Run(store, func(t *testing.T) {
			old, cur := withPlaces(t, store), withPlaces(t, store)
			oldRep := importListCourse(t, old, l, text, true)
			rep := importListCourse(t, cur, l, text, false)
			if rep.Written || rep.Created != 0 {
				t.Fatalf("written: %s", counts(rep))
			}
			got := problemText(rep)
			if got != problemText(oldRep) {
				t.Fatalf("problems differ:\nstreamed:\n%s\nbefore:\n%s", got, problemText(oldRep))
			}
			ps := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
			if len(ps) != len(want) {
				t.Fatalf("want %d problems, got:\n%s", len(want), got)
			}
			for i, w := range want {
				if !strings.HasPrefix(ps[i], w) {
					t.Fatalf("problem %d: %s; want it at %s", i, ps[i], w)
				}
			}
			if counts(rep) != counts(oldRep) {
				t.Fatalf("reports differ:\nstreamed %s\nbefore   %s", counts(rep), counts(oldRep))
			}
			for _, k := range listKinds {
				if got, want := count(t, cur, k), count(t, old, k); got != want || k != qantar.KindPlace && got != 0 {
					t.Fatalf("%s: %d stored (the course before: %d)", k, got, want)
				}
			}
		})
	}
}

// withPlaces is a store holding a place a list finds by name and two that
// one name could mean.
func withPlaces(t *testing.T, store string) qantar.Store {
	st := withAlmaty(t, store)
	for _, p := range []*qantar.Place{
		{Name: qantar.Text{"ru": "Октябрьский"}},
		{Name: qantar.Text{"ru": "Октябрьский", "en": "Oktyabrsky"}, Notes: qantar.Text{"en": "another village"}},
	} {
		if err := st.Create(ctx(), editor, p); err != nil {
			t.Fatal(err)
		}
	}
	return st
}

// TestListImportStreams: a list's records are written while the file is
// still being read (the store has created thousands of them before the
// rest of the list exists), and all of them are written in the end. On
// both stores.
func TestListImportStreams(t *testing.T) {
	const first, after = 4000, 200
	for _, store := range listStores {
		t.Run(store, func(t *testing.T) {
			db := &watchedDB{Store: openStore(t, store)}
			pr, pw := io.Pipe()
			fed := make(chan error, 1)
			go func() { fed <- feedList(pw, &db.created, first, after) }()
			rep, err := csvio.ImportList(ctx(), db, csvio.Input{Name: "list.csv", R: pr}, csvio.List{Name: "Поток"}, csvio.Options{Actor: editor})
			if err != nil {
				t.Fatal(err)
			}
			if err := <-fed; err != nil {
				t.Fatal(err)
			}
			mustOK(t, rep)
			if n := count(t, db, qantar.KindCitation); n != first+after || rep.Created != 1+1+3*(first+after) {
				t.Fatalf("%d citations stored; %s", n, counts(rep))
			}
		})
	}
}

// feedList writes first rows of a list, waits until the store has created
// some of their records, then writes after rows more.
func feedList(pw *io.PipeWriter, created *atomic.Int64, first, after int) error {
	defer pw.Close()
	fmt.Fprintln(pw, "№;ФИО;Дата гибели;Место гибели")
	row := func(i int) {
		fmt.Fprintf(pw, "%d;Синтетический Человек %d;06.01.2022;Алматы\n", i, i)
	}
	for i := 1; i <= first; i++ {
		row(i)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for created.Load() < 4096 {
		if time.Now().After(deadline) {
			pw.CloseWithError(fmt.Errorf("nothing written after %d rows were read", first))
			return fmt.Errorf("the import created %d records of the %d rows it had read: it does not stream", created.Load(), first)
		}
		time.Sleep(10 * time.Millisecond)
	}
	for i := first + 1; i <= first+after; i++ {
		row(i)
	}
	return nil
}
