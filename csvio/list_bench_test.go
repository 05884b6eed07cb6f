package csvio_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/pprof"
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
// their ratio. With QANTAR_BENCH_BEFORE set it also imports the list the
// course before the streaming (every row read, then written table by
// table), in the same run: before_list_rows/s and before_ratio.
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
	courses := []string{"persons", "list"}
	if os.Getenv("QANTAR_BENCH_BEFORE") != "" {
		courses = append(courses, "before")
	}
	total := map[string]time.Duration{}
	records := map[string]int{}
	for i := 0; i < b.N; i++ {
		for _, course := range courses {
			d, created := importListCourseOnce(b, filepath.Join(dir, fmt.Sprintf("q%d-%s.db", i, course)), path, course, m)
			total[course] += d
			records[course] += created
		}
	}
	rate := func(course string) float64 { return float64(n*b.N) / total[course].Seconds() }
	b.ReportMetric(rate("list"), "list_rows/s")
	b.ReportMetric(rate("persons"), "person_rows/s")
	b.ReportMetric(rate("list")/rate("persons"), "ratio")
	// A list row writes a person, a death act and a citation (and the
	// list's source once): per record written, the two imports compare as
	// records_ratio.
	recRate := func(course string) float64 { return float64(records[course]) / total[course].Seconds() }
	b.ReportMetric(recRate("list"), "list_records/s")
	b.ReportMetric(recRate("list")/recRate("persons"), "records_ratio")
	if total["before"] > 0 {
		b.ReportMetric(rate("before"), "before_list_rows/s")
		b.ReportMetric(rate("before")/rate("persons"), "before_ratio")
	}
}

// importListCourseOnce imports the list file into a new SQLite database
// at dbPath: as plain persons ("persons", through mapping m), as a list
// ("list"), or as a list the course before the streaming ("before"). It
// returns the time taken and the records created.
func importListCourseOnce(b *testing.B, dbPath, path, course string, m *csvio.Mapping) (time.Duration, int) {
	db, err := sqlite.Open(context.Background(), dbPath, sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	in, l, o := csvio.Input{Name: "list.csv", R: f}, csvio.List{Name: "Synthetic"}, csvio.Options{Actor: editor}
	start := time.Now()
	var rep *csvio.Report
	// The course labels its CPU profile's samples (and those of the
	// goroutines it starts): go tool pprof -tagfocus course=list.
	pprof.Do(context.Background(), pprof.Labels("course", course), func(ctx context.Context) {
		switch course {
		case "persons":
			o.Mapping = m
			rep, err = csvio.Import(ctx, db, qantar.KindPerson, f, "list.csv", o)
		case "list":
			rep, err = csvio.ImportList(ctx, db, in, l, o)
		default:
			rep, err = csvio.ImportListWhole(ctx, db, in, l, o)
		}
	})
	d := time.Since(start)
	if err != nil {
		b.Fatal(err)
	}
	if !rep.OK() || !rep.Written {
		b.Fatalf("%s: %v", course, rep.Problems[:min(5, len(rep.Problems))])
	}
	return d, rep.Created
}
