package postgres_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/qantar-project/qantar/storekit"
	"github.com/qantar-project/qantar/storetest"
)

// stored is PostgreSQL for storetest.RunStored: its tables read through a
// connection of its own, and the versions view's SQL both as the function
// migration 009 makes (qantar_canonical) and as storekit writes it.
var stored = storetest.Stored{
	Engine: engine,
	Column: rawColumn,
	Canonical: []string{
		`SELECT qantar_canonical($1::text)`,
		`WITH t(d) AS (SELECT $1::text) SELECT ` + storekit.PostgresCanonical("t.d") + ` FROM t`,
	},
}

func TestStored(t *testing.T) { storetest.RunStored(t, stored) }

// rawColumn reads one column of text of every row of query, on the
// database at p through a connection of its own.
func rawColumn(t *testing.T, p storetest.Place, query string, args ...any) []string {
	t.Helper()
	ctx := context.Background()
	raw, err := pgx.Connect(ctx, p.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close(ctx)
	rows, err := raw.Query(ctx, query, args...)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for rows.Next() {
		var s *string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		if s == nil {
			out = append(out, "NULL")
		} else {
			out = append(out, *s)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
