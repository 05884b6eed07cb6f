package storetest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/storekit"
)

// Stored is what the tests of a version's content stored once (migration
// 009, storekit/stored.go) need of a store's engine beyond Engine: to read
// its tables as they are, and its SQL that derives a version's canonical
// JSON.
type Stored struct {
	Engine
	// Column reads one column of text of every row of query (its arguments
	// written $1, $2, …) on the database at p through a connection of its
	// own; a NULL reads as "NULL".
	Column func(t *testing.T, p Place, query string, args ...any) []string
	// Canonical are the engine's SQL of the versions view's derivation, each
	// a query of one row and one column over the stored JSON given as its
	// one argument (written as the engine writes arguments).
	Canonical []string
}

// RunStored runs the tests of a version's content stored once.
func RunStored(t *testing.T, s Stored) {
	t.Run("VersionsStoredOnce", func(t *testing.T) { t.Parallel(); testStoredOnce(t, s) })
	t.Run("CanonicalSQL", func(t *testing.T) { t.Parallel(); testCanonicalSQL(t, s) })
}

// testCanonicalSQL: the SQL of the versions view gives what
// storekit.CanonicalFromStored gives, and NULL (or bytes StoredOnce refuses)
// where it gives none.
func testCanonicalSQL(t *testing.T, s Stored) {
	p := s.New(t)
	db, err := s.Open(ctx(), p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if len(s.Canonical) == 0 {
		t.Fatal("the engine gives no SQL of the versions view's derivation")
	}
	for _, d := range canonicalCases {
		for _, q := range s.Canonical {
			checkCanonicalSQL(t, d, s.Column(t, p, q, d)[0])
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
func testStoredOnce(t *testing.T, s Stored) {
	p := s.New(t)
	db, err := s.Open(ctx(), p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	person, logged := writeThreeVersions(t, db)
	other := &qantar.Person{Names: []qantar.Name{{Value: "Synthetic Deleted"}}, Protection: qantar.Public}
	mustCreate(t, db, other)
	if err := db.Delete(ctx(), editor, qantar.KindPerson, other.ID, 1, "synthetic test deletion"); err != nil {
		t.Fatal(err)
	}
	rows := func(id int64) string {
		return strings.Join(s.Column(t, p, `SELECT CASE WHEN data IS NULL THEN 'none' ELSE 'kept' END FROM version_rows
			WHERE kind = 'persons' AND id = $1 ORDER BY version`, id), " ")
	}
	if got := rows(person.ID); got != "kept kept none" {
		t.Errorf("rows of a record of three versions: %s, want kept kept none", got)
	}
	if got := rows(other.ID); got != "kept none" {
		t.Errorf("rows of a deleted record: %s, want kept none", got)
	}
	hist, err := db.History(ctx(), qantar.KindPerson, person.ID)
	if err != nil || len(hist) != 3 {
		t.Fatalf("history: %d versions, %v", len(hist), err)
	}
	for i, v := range hist {
		if string(v.Data) != logged[i] {
			t.Errorf("version %d reads %s, was logged as %s", v.Version, v.Data, logged[i])
		}
	}
	if rep, err := db.Verify(ctx()); err != nil || !rep.OK() {
		t.Fatalf("verify: %v %v", err, rep)
	}
	db.Close()
	checkStoredTampering(t, s, p, person.ID)
}

// writeThreeVersions creates a person and updates it twice, and returns it
// with the canonical JSON of each version as it was written.
func writeThreeVersions(t *testing.T, db EngineStore) (*qantar.Person, []string) {
	t.Helper()
	person := &qantar.Person{Names: []qantar.Name{{Value: "Синтетик Бірінші"}}, Protection: qantar.Public}
	var logged []string
	write := func(w func(context.Context, qantar.Actor, qantar.Record) error) {
		t.Helper()
		if err := w(ctx(), editor, person); err != nil {
			t.Fatal(err)
		}
		c, err := qantar.Canonical(person)
		if err != nil {
			t.Fatal(err)
		}
		logged = append(logged, string(c))
	}
	write(db.Create)
	for _, n := range []string{"Синтетик Екінші", "Синтетик Үшінші"} {
		person.Names[0].Value = n
		write(db.Update)
	}
	return person, logged
}

// checkStoredTampering edits the current version's content (through the
// versions view) and drops a superseded one's, each named by Verify.
func checkStoredTampering(t *testing.T, s Stored, p Place, id int64) {
	t.Helper()
	tamper := func(query, want string) {
		t.Helper()
		if n := s.Exec(t, p, query); n != 1 {
			t.Fatalf("%s changed %d rows", query, n)
		}
		db, err := s.Open(ctx(), p, Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		rep, err := db.Verify(ctx())
		if err != nil || rep.OK() || !strings.Contains(strings.Join(rep.Problems, "\n"), want) {
			t.Errorf("after %s: %v %v, want a problem naming %q", query, err, rep.Problems, want)
		}
	}
	tamper(fmt.Sprintf(`UPDATE versions SET data = replace(data, 'Үшінші', 'Өзгертілген') WHERE kind = 'persons' AND id = %d AND version = 3`, id),
		fmt.Sprintf("persons/%d version 3", id))
	tamper(fmt.Sprintf(`UPDATE version_rows SET data = NULL WHERE kind = 'persons' AND id = %d AND version = 1`, id),
		fmt.Sprintf("persons/%d version 1", id))
}
