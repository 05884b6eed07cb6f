package csvio_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/csvio"
	"github.com/qantar-project/qantar/sqlite"
)

// writeSyntheticList writes n clearly synthetic rows of a victims' list.
func writeSyntheticList(b *testing.B, path string, n int) {
	places := []string{"Алматы", "Талдыкорган", "Тараз", "Шымкент"}
	writeSynthetic(b, path, "№,ФИО,Дата рождения,Пол,Дата гибели,Место гибели", n, func(w io.Writer, i int) {
		fmt.Fprintf(w, "%d,Синтетический Человек %d,%02d.%02d.%d,%s,%02d.01.2022,%s\n",
			i+1, i, 1+i%28, 1+i%12, 1940+i%70, []string{"М", "Ж"}[i%2], 4+i%8, places[i%4])
	})
}

// BenchmarkImportList imports QANTAR_BENCH_ROWS (default 20000) synthetic
// list rows with ImportList (a person, a death act and a citation a row)
// and, in the same run, the same file as plain persons (its death columns
// left out), the reference the issue names. It reports both rates and
// their ratio.
func BenchmarkImportList(b *testing.B) {
	n := 20000
	if s := os.Getenv("QANTAR_BENCH_ROWS"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil {
			b.Fatal(err)
		}
	}
	dir := b.TempDir()
	path := filepath.Join(dir, "list.csv")
	writeSyntheticList(b, path, n)
	m, err := csvio.ParseMapping(strings.NewReader("columns:\n  №: external_key\n  Дата гибели: \"-\"\n  Место гибели: \"-\"\n"))
	if err != nil {
		b.Fatal(err)
	}
	var listTotal, personTotal time.Duration
	var listRecords, personRecords int
	for i := 0; i < b.N; i++ {
		for _, asList := range []bool{false, true} {
			db, err := sqlite.Open(context.Background(), filepath.Join(dir, fmt.Sprintf("q%d-%v.db", i, asList)), sqlite.Options{})
			if err != nil {
				b.Fatal(err)
			}
			f, err := os.Open(path)
			if err != nil {
				b.Fatal(err)
			}
			start := time.Now()
			var rep *csvio.Report
			if asList {
				rep, err = csvio.ImportList(context.Background(), db, csvio.Input{Name: "list.csv", R: f}, csvio.List{Name: "Synthetic"}, csvio.Options{Actor: editor})
				listTotal += time.Since(start)
			} else {
				rep, err = csvio.Import(context.Background(), db, qantar.KindPerson, f, "list.csv", csvio.Options{Actor: editor, Mapping: m})
				personTotal += time.Since(start)
			}
			f.Close()
			db.Close()
			if err != nil {
				b.Fatal(err)
			}
			if !rep.OK() || !rep.Written {
				b.Fatalf("list %v: %v", asList, rep.Problems[:min(5, len(rep.Problems))])
			}
			if asList {
				listRecords += rep.Created
			} else {
				personRecords += rep.Created
			}
		}
	}
	listRate := float64(n*b.N) / listTotal.Seconds()
	personRate := float64(n*b.N) / personTotal.Seconds()
	b.ReportMetric(listRate, "list_rows/s")
	b.ReportMetric(personRate, "person_rows/s")
	b.ReportMetric(listRate/personRate, "ratio")
	// A list row writes a person, a death act and a citation (and the
	// list's source once): per record written, the two imports compare as
	// records_ratio.
	listRecRate := float64(listRecords) / listTotal.Seconds()
	personRecRate := float64(personRecords) / personTotal.Seconds()
	b.ReportMetric(listRecRate, "list_records/s")
	b.ReportMetric(listRecRate/personRecRate, "records_ratio")
}
