package storetest

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/csvio"
)

// Sized is a new, empty store made for BytesPerRow, and how to measure it.
type Sized struct {
	Store qantar.Store
	// Sizes says, once the import is done, what each of the database's
	// tables and indexes takes (it may close the store first), and any
	// notes of the engine's own on what it holds.
	Sizes func() (parts []Size, notes []string)
}

// Size is what one table or index of a database takes, in bytes.
type Size struct {
	Name  string
	Bytes int64
}

// BytesPerRow imports QANTAR_BENCH_ROWS (default 5000) synthetic rows of a
// victims' list, once as plain persons and once as a list (a person, a
// death act and a citation a row), each into a new store open makes, and
// reports the bytes the database's tables and indexes take per row,
// largest first.
func BytesPerRow(b *testing.B, open func(b *testing.B) Sized) {
	n := 5000
	if s := os.Getenv("QANTAR_BENCH_ROWS"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil {
			b.Fatal(err)
		}
	}
	path := writeListCSV(b, n)
	m, err := csvio.ParseMapping(strings.NewReader("columns:\n  №: external_key\n  Дата гибели: \"-\"\n  Место гибели: \"-\"\n"))
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < b.N; i++ {
		for _, asList := range []bool{false, true} {
			s := open(b)
			in, err := os.Open(path)
			if err != nil {
				b.Fatal(err)
			}
			var rep *csvio.Report
			if asList {
				rep, err = csvio.ImportList(ctx(), s.Store, csvio.Input{Name: "list.csv", R: in}, csvio.List{Name: "Synthetic"}, csvio.Options{Actor: editor})
			} else {
				rep, err = csvio.Import(ctx(), s.Store, qantar.KindPerson, in, "list.csv", csvio.Options{Actor: editor, Mapping: m})
			}
			in.Close()
			if err != nil || !rep.OK() {
				b.Fatal(err, rep)
			}
			reportSizes(b, s, n, map[bool]string{false: "persons", true: "list"}[asList])
		}
	}
}

// writeListCSV writes n synthetic rows of a victims' list and says where.
func writeListCSV(b *testing.B, n int) string {
	path := filepath.Join(b.TempDir(), "list.csv")
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
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	return path
}

// reportSizes logs the parts of at least 1 % of the whole, per row, largest
// first, and reports the whole per row as what_bytes/row.
func reportSizes(b *testing.B, s Sized, n int, what string) {
	parts, notes := s.Sizes()
	sort.Slice(parts, func(i, j int) bool { return parts[i].Bytes > parts[j].Bytes })
	var total int64
	for _, p := range parts {
		total += p.Bytes
	}
	var lines []string
	for _, p := range parts {
		if p.Bytes*100 >= total {
			lines = append(lines, fmt.Sprintf("%s %.0f", p.Name, float64(p.Bytes)/float64(n)))
		}
	}
	for _, note := range notes {
		b.Logf("%s: %s", what, note)
	}
	b.Logf("%s: %d rows, %.2f MB, %.0f bytes/row: %s", what, n, float64(total)/1e6, float64(total)/float64(n), strings.Join(lines, ", "))
	b.ReportMetric(float64(total)/float64(n), what+"_bytes/row")
}
