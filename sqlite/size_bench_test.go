package sqlite_test

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/csvio"
	"github.com/qantar-project/qantar/sqlite"
)

// BenchmarkBytesPerRow imports QANTAR_BENCH_ROWS (default 5000) synthetic
// rows of a victims' list, once as plain persons and once as a list (a
// person, a death act and a citation a row), and reports the bytes each
// database's tables and indexes take per row (dbstat), largest first.
func BenchmarkBytesPerRow(b *testing.B) {
	n := 5000
	if s := os.Getenv("QANTAR_BENCH_ROWS"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil {
			b.Fatal(err)
		}
	}
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
			p := filepath.Join(dir, fmt.Sprintf("q%d-%v.db", i, asList))
			db, err := sqlite.Open(context.Background(), p, sqlite.Options{})
			if err != nil {
				b.Fatal(err)
			}
			in, _ := os.Open(path)
			var rep *csvio.Report
			if asList {
				rep, err = csvio.ImportList(context.Background(), db, csvio.Input{Name: "list.csv", R: in}, csvio.List{Name: "Synthetic"}, csvio.Options{Actor: editor})
			} else {
				rep, err = csvio.Import(context.Background(), db, qantar.KindPerson, in, "list.csv", csvio.Options{Actor: editor, Mapping: m})
			}
			in.Close()
			db.Close()
			if err != nil || !rep.OK() {
				b.Fatal(err, rep)
			}
			reportSizes(b, p, n, map[bool]string{false: "persons", true: "list"}[asList])
		}
	}
}

func reportSizes(b *testing.B, path string, n int, what string) {
	raw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		b.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		b.Fatal(err)
	}
	rows, err := raw.Query(`SELECT name, sum(pgsize) FROM dbstat GROUP BY name`)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	type size struct {
		name  string
		bytes int64
	}
	var all []size
	var total int64
	for rows.Next() {
		var s size
		if err := rows.Scan(&s.name, &s.bytes); err != nil {
			b.Fatal(err)
		}
		all = append(all, s)
		total += s.bytes
	}
	sort.Slice(all, func(i, j int) bool { return all[i].bytes > all[j].bytes })
	var lines []string
	for _, s := range all {
		if s.bytes*100 >= total {
			lines = append(lines, fmt.Sprintf("%s %.0f", s.name, float64(s.bytes)/float64(n)))
		}
	}
	kinds, err := raw.Query(`SELECT kind, count(*), sum(length(CAST(data AS BLOB))), sum(coalesce(length(CAST(pub_data AS BLOB)), 0)), sum(coalesce(length(CAST(viewer_data AS BLOB)), 0)) FROM records GROUP BY kind`)
	if err != nil {
		b.Fatal(err)
	}
	defer kinds.Close()
	for kinds.Next() {
		var k string
		var c, d, p, v int64
		if err := kinds.Scan(&k, &c, &d, &p, &v); err != nil {
			b.Fatal(err)
		}
		b.Logf("%s: %s %d records, JSON bytes each: data %d, pub_data %d, viewer_data %d", what, k, c, d/c, p/c, v/c)
	}
	b.Logf("%s: %d rows, %.2f MB, %.0f bytes/row: %s", what, n, float64(total)/1e6, float64(total)/float64(n), strings.Join(lines, ", "))
	b.ReportMetric(float64(total)/float64(n), what+"_bytes/row")
}
