package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/storekit"
	"github.com/qantar-project/qantar/storetest"
)

// rawColumn reads one column of text of every row of query, on the
// database at p through a connection of its own.
func rawColumn(t *testing.T, p storetest.Place, query string, args ...any) []string {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+p.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	rows, err := raw.Query(query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s sql.NullString
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, map[bool]string{true: s.String, false: "NULL"}[s.Valid])
	}
	return out
}

func TestVersionsStoredOnce(t *testing.T) { testStoredOnce(t, engine, rawColumn) }

// The SQL of the versions view gives what storekit.CanonicalFromStored
// gives, on JSON stored as text and as a blob, and NULL where it gives none.
func TestCanonicalSQL(t *testing.T) {
	p := engine.New(t)
	db, err := engine.Open(context.Background(), p, storetest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	for _, d := range canonicalCases {
		for _, cast := range []string{"?", "CAST(? AS BLOB)"} {
			got := rawColumn(t, p, `WITH t(d) AS (SELECT `+cast+`) SELECT `+storekit.SQLiteCanonical("t.d")+` FROM t`, d)
			checkCanonicalSQL(t, d, got[0])
		}
	}
}

// canonicalCases are stored JSON, some with the times a record has and
// some without.
var canonicalCases = []string{
	`{"id":1,"version":2,"created_at":"2026-12-03T18:00:00.123456Z","updated_at":"2026-12-03T18:00:01Z","names":[{"value":"Қаза \u003c\u0026\u003e"}]}`,
	`{"id":1,"version":1,"created_at":"2026-12-03T18:00:00Z","updated_at":"2026-12-03T18:00:00Z"}`,
	`{"id":7,"version":3,"created_at":"2026-12-03T18:00:00Z","updated_at":"2026-12-03T18:00:00Z","quote":"a \",\"created_at\":\"x\" b","n":{"created_at":"y"}}`,
	`{"id":1,"version":1,"names":[{"value":"Мұрат"}]}`,
	`{"id":1,"version":1,"created_at":"2026-12-03T18:00:00Z"}`,
}

func checkCanonicalSQL(t *testing.T, d, got string) {
	t.Helper()
	want := storekit.CanonicalFromStored([]byte(d))
	if want == nil {
		if got != "NULL" && storekit.StoredOnce([]byte(d), []byte(got)) {
			t.Errorf("%s: SQL derived %s where Go derives none", d, got)
		}
		return
	}
	if got != string(want) {
		t.Errorf("%s:\n SQL %s\n Go  %s", d, got, want)
	}
}

// testStoredOnce: a version's row keeps no content while it is current;
// the content of a version it leaves behind is written into its row; every
// version reads back as it was logged; and an edit of a current version's
// content, or the loss of a superseded one's, is named by Verify.
func testStoredOnce(t *testing.T, e storetest.Engine, column func(t *testing.T, p storetest.Place, query string, args ...any) []string) {
	ctx := context.Background()
	p := e.New(t)
	db, err := e.Open(ctx, p, storetest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	person := &qantar.Person{Names: []qantar.Name{{Value: "Синтетик Бірінші"}}, Protection: qantar.Public}
	var logged []string
	write := func(w func() error) {
		t.Helper()
		if err := w(); err != nil {
			t.Fatal(err)
		}
		c, err := qantar.Canonical(person)
		if err != nil {
			t.Fatal(err)
		}
		logged = append(logged, string(c))
	}
	write(func() error { return db.Create(ctx, editor, person) })
	for _, n := range []string{"Синтетик Екінші", "Синтетик Үшінші"} {
		person.Names[0].Value = n
		write(func() error { return db.Update(ctx, editor, person) })
	}
	other := &qantar.Person{Names: []qantar.Name{{Value: "Synthetic Deleted"}}, Protection: qantar.Public}
	if err := db.Create(ctx, editor, other); err != nil {
		t.Fatal(err)
	}
	if err := db.Delete(ctx, editor, qantar.KindPerson, other.ID, 1, "synthetic test deletion"); err != nil {
		t.Fatal(err)
	}
	rows := func(id int64) string {
		return strings.Join(column(t, p, `SELECT CASE WHEN data IS NULL THEN 'none' ELSE 'kept' END FROM version_rows
			WHERE kind = 'persons' AND id = $1 ORDER BY version`, id), " ")
	}
	if got := rows(person.ID); got != "kept kept none" {
		t.Errorf("rows of a record of three versions: %s, want kept kept none", got)
	}
	if got := rows(other.ID); got != "kept none" {
		t.Errorf("rows of a deleted record: %s, want kept none", got)
	}
	hist, err := db.History(ctx, qantar.KindPerson, person.ID)
	if err != nil || len(hist) != 3 {
		t.Fatalf("history: %d versions, %v", len(hist), err)
	}
	for i, v := range hist {
		if string(v.Data) != logged[i] {
			t.Errorf("version %d reads %s, was logged as %s", v.Version, v.Data, logged[i])
		}
	}
	rep, err := db.Verify(ctx)
	if err != nil || !rep.OK() {
		t.Fatalf("verify: %v %v", err, rep)
	}
	db.Close()
	tamper := func(query, want string) {
		t.Helper()
		if n := e.Exec(t, p, query); n != 1 {
			t.Fatalf("%s changed %d rows", query, n)
		}
		db, err := e.Open(ctx, p, storetest.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		rep, err := db.Verify(ctx)
		if err != nil || rep.OK() || !strings.Contains(strings.Join(rep.Problems, "\n"), want) {
			t.Errorf("after %s: %v %v, want a problem naming %q", query, err, rep.Problems, want)
		}
	}
	tamper(fmt.Sprintf(`UPDATE versions SET data = replace(data, 'Үшінші', 'Өзгертілген') WHERE kind = 'persons' AND id = %d AND version = 3`, person.ID),
		fmt.Sprintf("persons/%d version 3", person.ID))
	tamper(fmt.Sprintf(`UPDATE version_rows SET data = NULL WHERE kind = 'persons' AND id = %d AND version = 1`, person.ID),
		fmt.Sprintf("persons/%d version 1", person.ID))
}
