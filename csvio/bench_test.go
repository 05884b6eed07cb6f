package csvio_test

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/csvio"
	"github.com/qantar-project/qantar/sqlite"
)

// writeSyntheticPersons writes n clearly synthetic persons as a UTF-8 CSV
// with the columns a victim list has.
func writeSyntheticPersons(b *testing.B, path string, n int) {
	sexes := []string{"male", "female", "unknown"}
	writeSynthetic(b, path, "external_key,name_ru,name_latn,sex,birth_date,description_ru", n, func(w io.Writer, i int) {
		fmt.Fprintf(w, "SYN-%07d,Синтетический Человек %d,Synthetic Person %d,%s,%02d.%02d.%d,запись %d синтетического списка\n",
			i, i, i, sexes[i%3], 1+i%28, 1+i%12, 1940+i%70, i)
	})
}

// writeSynthetic writes a CSV file of a header and n rows, row i written
// by row.
func writeSynthetic(b *testing.B, path, header string, n int, row func(w io.Writer, i int)) {
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString(header + "\n")
	for i := 0; i < n; i++ {
		row(w, i)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkImportPersons imports QANTAR_BENCH_ROWS (default 20000)
// synthetic persons from CSV into a new SQLite store, every record with its
// version and its log leaf, and in the same run times the sqlite3 shell's
// .import of the same file into a bare table, the reference the issue
// names. It reports both rates and their ratio.
func BenchmarkImportPersons(b *testing.B) {
	n := 20000
	if s := os.Getenv("QANTAR_BENCH_ROWS"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil {
			b.Fatal(err)
		}
	}
	dir := b.TempDir()
	csvPath := filepath.Join(dir, "persons.csv")
	writeSyntheticPersons(b, csvPath, n)
	sqlite3, _ := exec.LookPath("sqlite3")
	var refTotal, driverTotal, importTotal, validateTotal time.Duration
	var peak, beforePeak int64
	var beforeTotal time.Duration
	for i := 0; i < b.N; i++ {
		start := time.Now()
		driverImport(b, csvPath, filepath.Join(dir, fmt.Sprintf("driver%d.db", i)))
		driverTotal += time.Since(start)
		if sqlite3 != "" {
			ref := filepath.Join(dir, fmt.Sprintf("ref%d.db", i))
			start := time.Now()
			cmd := exec.Command(sqlite3, ref, ".mode csv", ".import "+csvPath+" persons")
			if out, err := cmd.CombinedOutput(); err != nil {
				b.Fatalf("sqlite3 .import: %v\n%s", err, out)
			}
			refTotal += time.Since(start)
		}
		db, err := sqlite.Open(context.Background(), filepath.Join(dir, fmt.Sprintf("q%d.db", i)), sqlite.Options{})
		if err != nil {
			b.Fatal(err)
		}
		f, err := os.Open(csvPath)
		if err != nil {
			b.Fatal(err)
		}
		resetPeakRSS()
		start = time.Now()
		var writeStart time.Time
		heap := heapProfiler(b, csvPath)
		progress := func(p csvio.Progress) {
			heap(p)
			if p.Phase == "write" && writeStart.IsZero() {
				writeStart = time.Now()
			}
		}
		rep, err := csvio.Import(context.Background(), db, qantar.KindPerson, f, "persons.csv", csvio.Options{Actor: editor, Progress: progress})
		importTotal += time.Since(start)
		validateTotal += writeStart.Sub(start)
		peak = max(peak, peakRSS())
		f.Close()
		if err != nil {
			b.Fatal(err)
		}
		if !rep.OK() || rep.Created != n {
			b.Fatalf("created %d of %d: %v", rep.Created, n, rep.Problems[:min(5, len(rep.Problems))])
		}
		db.Close()
		if os.Getenv("QANTAR_BENCH_BEFORE") != "" {
			d, pk := importAllFirst(b, csvPath, filepath.Join(dir, fmt.Sprintf("before%d.db", i)), n)
			beforeTotal += d
			beforePeak = max(beforePeak, pk)
		}
	}
	if beforeTotal > 0 {
		// The course of before the streaming, in the same run: every row
		// read and validated, then all written (SkipInvalid takes it; with
		// no invalid row it writes the same).
		b.ReportMetric(float64(n*b.N)/beforeTotal.Seconds(), "before_rows/s")
		b.ReportMetric(float64(beforePeak)/1e6, "before_peak_rss_MB")
		b.ReportMetric(beforeTotal.Seconds()/importTotal.Seconds(), "speedup")
	}
	rate := float64(n*b.N) / importTotal.Seconds()
	b.ReportMetric(rate, "rows/s")
	// The two phases: reading every row while the rows validated are
	// written (record, version, search index and log leaf) in the one
	// transaction, then the last writes and the commit.
	b.ReportMetric(float64(n*b.N)/validateTotal.Seconds(), "read_rows/s")
	b.ReportMetric((importTotal - validateTotal).Seconds(), "commit_s")
	// The process's peak resident memory during the import (its peak was
	// reset before), in MB.
	if peak > 0 {
		b.ReportMetric(float64(peak)/1e6, "peak_rss_MB")
	}
	// The second reference: the same file into a bare table through the
	// driver Qantar uses (modernc.org/sqlite, SQLite compiled to Go), 100
	// rows per INSERT, one transaction: what separates the sqlite3 shell
	// from Qantar before any of Qantar's own work.
	b.ReportMetric(float64(n*b.N)/driverTotal.Seconds(), "driver_rows/s")
	if refTotal > 0 {
		refRate := float64(n*b.N) / refTotal.Seconds()
		b.ReportMetric(refRate, "sqlite3_rows/s")
		b.ReportMetric(rate/refRate, "ratio")
	}
}

// driverImport reads the CSV with encoding/csv and inserts its rows as they
// are into a bare six-column table through modernc.org/sqlite, with the
// store's journal and synchronous settings.
func driverImport(b *testing.B, csvPath, dbPath string) {
	db, err := sql.Open("sqlite", "file:"+dbPath+"?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(`CREATE TABLE persons (external_key, name_ru, name_latn, sex, birth_date, description_ru)`); err != nil {
		b.Fatal(err)
	}
	f, err := os.Open(csvPath)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	cr := csv.NewReader(bufio.NewReaderSize(f, 1<<20))
	cr.ReuseRecord = true
	if _, err := cr.Read(); err != nil {
		b.Fatal(err)
	}
	tx, err := db.Begin()
	if err != nil {
		b.Fatal(err)
	}
	const per = 100
	row := "(?, ?, ?, ?, ?, ?)"
	full := `INSERT INTO persons VALUES ` + strings.TrimSuffix(strings.Repeat(row+", ", per), ", ")
	st, err := tx.Prepare(full)
	if err != nil {
		b.Fatal(err)
	}
	args := make([]any, 0, 6*per)
	flush := func() {
		if len(args) == 0 {
			return
		}
		var err error
		if len(args) == 6*per {
			_, err = st.Exec(args...)
		} else {
			_, err = tx.Exec(`INSERT INTO persons VALUES `+strings.TrimSuffix(strings.Repeat(row+", ", len(args)/6), ", "), args...)
		}
		if err != nil {
			b.Fatal(err)
		}
		args = args[:0]
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		} else if err != nil {
			b.Fatal(err)
		}
		for _, c := range rec {
			args = append(args, c)
		}
		if len(args) == 6*per {
			flush()
		}
	}
	flush()
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}

// heapProfiler returns a progress function that, when
// QANTAR_BENCH_HEAPPROFILE names a file, writes there a heap profile (after
// a collection) once 95 % of the input is read: what is live near the end
// of the one transaction, where its memory peaks.
func heapProfiler(b *testing.B, csvPath string) func(csvio.Progress) {
	path := os.Getenv("QANTAR_BENCH_HEAPPROFILE")
	done := path == ""
	var total int64
	if fi, err := os.Stat(csvPath); err == nil {
		total = fi.Size()
	}
	return func(p csvio.Progress) {
		if done || p.Phase != "read" || total <= 0 || p.Done*20 < total*19 {
			return
		}
		done = true
		f, err := os.Create(path)
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		runtime.GC()
		if err := pprof.WriteHeapProfile(f); err != nil {
			b.Fatal(err)
		}
	}
}

// resetPeakRSS resets the process's peak resident set size (Linux:
// /proc/self/clear_refs, "5"), so that peakRSS measures what follows.
func resetPeakRSS() {
	runtime.GC()
	debug.FreeOSMemory()
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}

// peakRSS is the process's peak resident set size in bytes (VmHWM), 0 where
// /proc does not say.
func peakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb * 1024
		}
	}
	return 0
}

// importAllFirst imports the CSV through the course that reads and
// validates every row before writing (SkipInvalid), into a new store, and
// returns its time and peak RSS.
func importAllFirst(b *testing.B, csvPath, dbPath string, n int) (time.Duration, int64) {
	db, err := sqlite.Open(context.Background(), dbPath, sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	f, err := os.Open(csvPath)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	resetPeakRSS()
	start := time.Now()
	rep, err := csvio.Import(context.Background(), db, qantar.KindPerson, f, "persons.csv", csvio.Options{Actor: editor, SkipInvalid: true})
	d := time.Since(start)
	if err != nil || rep.Created != n {
		b.Fatalf("before: created %d of %d: %v", rep.Created, n, err)
	}
	return d, peakRSS()
}
