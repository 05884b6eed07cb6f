package postgres_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/qantar-project/qantar/storetest"
)

// BenchmarkBytesPerRow is storetest.BytesPerRow on PostgreSQL: each table
// and index of the store's schema as pg_relation_size counts it (its TOAST
// with it), after VACUUM.
func BenchmarkBytesPerRow(b *testing.B) {
	storetest.BytesPerRow(b, func(b *testing.B) storetest.Sized {
		db, dsn := openTest(b)
		return storetest.Sized{Store: db, Sizes: func() ([]storetest.Size, []string) { return pgSizes(b, dsn), nil }}
	})
}

func pgSizes(b *testing.B, dsn string) []storetest.Size {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `VACUUM`); err != nil {
		b.Fatal(err)
	}
	rows, err := conn.Query(ctx, `SELECT c.relname, pg_relation_size(c.oid) + coalesce(pg_relation_size(c.reltoastrelid), 0)
		FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
		WHERE s.nspname = current_schema() AND c.relkind IN ('r', 'i')`)
	if err != nil {
		b.Fatal(err)
	}
	var parts []storetest.Size
	for rows.Next() {
		var s storetest.Size
		if err := rows.Scan(&s.Name, &s.Bytes); err != nil {
			b.Fatal(err)
		}
		parts = append(parts, s)
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
	return parts
}
