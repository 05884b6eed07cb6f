package postgres_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/csvio"
)

// BenchmarkBytesPerRow imports 5,000 synthetic rows of a victims' list
// into PostgreSQL as plain persons and as a list (a person, a death act and
// a citation a row) and reports the bytes its tables and indexes take per
// row (pg_relation_size after VACUUM), largest first: the same file as
// sqlite's BenchmarkBytesPerRow.
func BenchmarkBytesPerRow(b *testing.B) {
	n := 5000
	dir := b.TempDir()
	path := filepath.Join(dir, "list.csv")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "№,ФИО,Дата рождения,Пол,Дата гибели,Место гибели")
	places := []string{"Алматы", "Талдыкорган", "Тараз", "Шымкент"}
	for i := 0; i < n; i++ {
		fmt.Fprintf(w, "%d,Синтетический Человек %d,%02d.%02d.%d,%s,%02d.01.2022,%s\n",
			i+1, i, 1+i%28, 1+i%12, 1940+i%70, []string{"М", "Ж"}[i%2], 4+i%8, places[i%4])
	}
	w.Flush()
	f.Close()
	m, err := csvio.ParseMapping(strings.NewReader("columns:\n  №: external_key\n  Дата гибели: \"-\"\n  Место гибели: \"-\"\n"))
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < b.N; i++ {
		for _, asList := range []bool{false, true} {
			db, dsn := openTest(b)
			in, _ := os.Open(path)
			var rep *csvio.Report
			if asList {
				rep, err = csvio.ImportList(context.Background(), db, csvio.Input{Name: "list.csv", R: in}, csvio.List{Name: "Synthetic"}, csvio.Options{Actor: editor})
			} else {
				rep, err = csvio.Import(context.Background(), db, qantar.KindPerson, in, "list.csv", csvio.Options{Actor: editor, Mapping: m})
			}
			in.Close()
			if err != nil || !rep.OK() {
				b.Fatal(err, rep)
			}
			pgSizes(b, dsn, n, map[bool]string{false: "persons", true: "list"}[asList])
		}
	}
}

func pgSizes(b *testing.B, dsn string, n int, what string) {
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
		WHERE s.nspname = current_schema() AND c.relkind IN ('r', 'i') ORDER BY 2 DESC`)
	if err != nil {
		b.Fatal(err)
	}
	var total int64
	var parts []string
	for rows.Next() {
		var name string
		var size int64
		if err := rows.Scan(&name, &size); err != nil {
			b.Fatal(err)
		}
		total += size
		if len(parts) < 12 {
			parts = append(parts, fmt.Sprintf("%s %d", name, size/int64(n)))
		}
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: %d rows, %.2f MB, %d bytes/row: %s", what, n, float64(total)/1e6, total/int64(n), strings.Join(parts, ", "))
	b.ReportMetric(float64(total)/float64(n), what+"_bytes/row")
}
