package sqlite_test

import (
	"database/sql"
	"testing"

	"github.com/qantar-project/qantar/storekit"
	"github.com/qantar-project/qantar/storetest"
)

// stored is SQLite for storetest.RunStored: its tables read through a
// connection of its own, and the versions view's SQL over JSON stored as
// text and as a blob.
var stored = storetest.Stored{
	Engine: engine,
	Column: rawColumn,
	Canonical: []string{
		`WITH t(d) AS (SELECT ?) SELECT ` + storekit.SQLiteCanonical("t.d") + ` FROM t`,
		`WITH t(d) AS (SELECT CAST(? AS BLOB)) SELECT ` + storekit.SQLiteCanonical("t.d") + ` FROM t`,
	},
}

func TestStored(t *testing.T) { storetest.RunStored(t, stored) }

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
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
