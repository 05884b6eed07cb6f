// Command scale is the scale run of issue 23 (item 5) on PostgreSQL: it
// makes a database of its own on the server, writes a SYNTHETIC collection
// of N records of every kind in realistic proportions with some history
// (gen.go) through the bulk path (persons through csvio's streamed import,
// the rest through qantar.CreateAll, chunk by chunk), then serves it from
// two Qantar servers (web.New over two pools on the one database, real
// HTTP) and runs a fixed mixed workload against them (load.go). It prints
// import time, p50/p99 per request class, database size per record and
// verify time, each with the load average beside it, and saves the plans
// of the statements PostgreSQL ran for 25 ms or more (auto_explain) during
// the classes whose p99 is 100 ms or more.
//
//	go run ./bench/scale -pg "$QANTAR_TEST_POSTGRES" -records 1000000
//
// The database (scale_<random>) is dropped at the end unless -keep.
package main

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/postgres"
	"github.com/qantar-project/qantar/web"
	"github.com/qantar-project/qantar/web/figures"
)

var editor = qantar.Actor{ID: "token:scale", Name: "scale run (synthetic)", Role: qantar.RoleEditor}

type config struct {
	pg        string
	records   int
	requests  int
	limit     time.Duration
	keep      bool
	explain   string // directory for the plans of slow queries
	serverLog string // PostgreSQL's log, where auto_explain writes
	db        string // an existing database kept by an earlier run: only the workload runs
	key       string // where the log key is kept (with -keep, to serve the database later)
	workload  bool
	stats     bool // the figures' classes (each server reads every record of nearly every kind into memory)
}

func main() {
	var c config
	flag.StringVar(&c.pg, "pg", os.Getenv("QANTAR_TEST_POSTGRES"), "a PostgreSQL URL whose user may create databases")
	flag.IntVar(&c.records, "records", 100000, "records in the synthetic collection")
	flag.IntVar(&c.requests, "requests", 200, "requests of each class")
	flag.DurationVar(&c.limit, "limit", 2*time.Minute, "longest time spent on one class")
	flag.BoolVar(&c.keep, "keep", false, "keep the database afterwards")
	flag.StringVar(&c.explain, "explain", "docs/bench", "where the plans of the slow classes' statements over 25 ms go (scale-explain-CLASS.txt)")
	flag.StringVar(&c.serverLog, "server-log", "/var/log/postgresql/postgresql-15-main.log", "PostgreSQL's log (auto_explain's plans)")
	flag.StringVar(&c.db, "db", "", "run only the workload, on this database kept by an earlier run (-keep -key)")
	flag.StringVar(&c.key, "key", "", "the log key's file (default: a temporary one); give it with -keep to run -db later")
	flag.BoolVar(&c.workload, "workload", true, "run the workload after the import and verify; with -db, false verifies that database alone")
	flag.BoolVar(&c.stats, "stats", true, "include the figures (warm-up, stats, stats_after_write and the StatsAt reference); each server holds nearly every record in memory for them")
	flag.Parse()
	if err := scale(context.Background(), c); err != nil {
		log.Fatal(err)
	}
}

func scale(ctx context.Context, c config) error {
	if c.db != "" {
		return again(ctx, c)
	}
	name, dbURL, err := createDB(ctx, c.pg)
	if err != nil {
		return err
	}
	fmt.Printf("# scale run: %d records, database %s, %s\n\n", c.records, name, time.Now().UTC().Format(time.RFC3339))
	if !c.keep {
		defer dropDB(c.pg, name)
	}
	dir, err := os.MkdirTemp("", "qantar-scale-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	key := c.key
	if key == "" {
		key = filepath.Join(dir, "log.key")
	}
	st, err := postgres.Open(ctx, dbURL, postgres.Options{LogKeyPath: key, NewLogOrigin: "scale.qantar.example/log"})
	if err != nil {
		return err
	}
	defer st.Close()
	p := plan(c.records)
	if err := measureLoad(ctx, st, dir, p); err != nil {
		return err
	}
	if err := measureSize(ctx, dbURL, c.records); err != nil {
		return err
	}
	if err := analyze(ctx, dbURL); err != nil {
		return err
	}
	if err := measureVerify(ctx, st); err != nil || !c.workload {
		return err
	}
	return workload(ctx, c, dbURL, key, p)
}

// measureVerify verifies the store and prints how long that took.
func measureVerify(ctx context.Context, st *postgres.DB) error {
	start, load0 := time.Now(), loadavg()
	vr, err := st.Verify(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("verify: %d leaves, %d records, ok %v: %.1f s (load %s → %s)\n\n", vr.Leaves, vr.Records, vr.OK(), time.Since(start).Seconds(), load0, loadavg())
	return nil
}

// again runs the workload alone on a database an earlier run kept, with
// the same -records (the workload's ids are drawn from the plan).
func again(ctx context.Context, c config) error {
	if c.key == "" {
		return fmt.Errorf("-db needs the -key the earlier run kept")
	}
	u, err := url.Parse(c.pg)
	if err != nil {
		return err
	}
	u.Path = "/" + c.db
	if !c.workload {
		fmt.Printf("# scale run, verify only: database %s, %s\n\n", c.db, time.Now().UTC().Format(time.RFC3339))
		st, err := postgres.Open(ctx, u.String(), postgres.Options{LogKeyPath: c.key})
		if err != nil {
			return err
		}
		defer st.Close()
		return measureVerify(ctx, st)
	}
	fmt.Printf("# scale run, workload only: %d records, database %s, %s\n\n", c.records, c.db, time.Now().UTC().Format(time.RFC3339))
	return workload(ctx, c, u.String(), c.key, plan(c.records))
}

// measureLoad writes the collection and its history and prints the times.
func measureLoad(ctx context.Context, st qantar.Store, dir string, p map[qantar.Kind]int) error {
	start, load0 := time.Now(), loadavg()
	if err := load(ctx, st, dir, p); err != nil {
		return err
	}
	el := time.Since(start)
	total := 0
	for _, n := range p {
		total += n
	}
	fmt.Printf("import: %d records in %.1f s, %.0f records/s (load %s → %s)\n", total, el.Seconds(), float64(total)/el.Seconds(), load0, loadavg())
	for _, s := range shares {
		fmt.Printf("  %s %d\n", s.kind, p[s.kind])
	}
	start, load0 = time.Now(), loadavg()
	n, err := history(ctx, st, p)
	if err != nil {
		return err
	}
	fmt.Printf("history: %d updates in %.1f s (load %s → %s)\n\n", n, time.Since(start).Seconds(), load0, loadavg())
	return nil
}

// workload starts two servers on the database and runs every class.
func workload(ctx context.Context, c config, dbURL, key string, p map[qantar.Kind]int) error {
	var servers []string
	var writer writeReader
	for range 2 {
		st, err := postgres.Open(ctx, dbURL, postgres.Options{LogKeyPath: key})
		if err != nil {
			return err
		}
		defer st.Close()
		writer = st
		srv := web.New(web.Config{Store: st, Tokens: st, Log: st, Search: st, Logger: quietLogger()})
		if c.stats {
			if err := srv.WarmFigures(ctx); err != nil { // as qantar serve does
				return err
			}
		}
		hs := httptest.NewServer(srv.Handler())
		defer hs.Close()
		servers = append(servers, hs.URL)
	}
	if c.stats {
		if err := warmed(ctx, servers); err != nil {
			return err
		}
	}
	fmt.Println("| class | requests | errors | p50 | p99 | load after |")
	fmt.Println("|---|---|---|---|---|---|")
	var slow []string
	for _, cl := range classes(p, writer) {
		if !c.stats && strings.HasPrefix(cl.name, "stats") {
			continue
		}
		from := logSize(c.serverLog)
		r := run(ctx, servers, cl, c.requests, c.limit)
		fmt.Printf("| %s | %d | %d | %s | %s | %s |\n", r.name, r.n, r.errors, ms(r.p50), ms(r.p99), r.load)
		if r.firstError != "" {
			fmt.Fprintf(os.Stderr, "%s: first error: %s\n", r.name, r.firstError)
		}
		if r.p99 >= 100*time.Millisecond {
			slow = append(slow, r.name)
			savePlans(c, cl.name, from, dbName(dbURL))
		}
	}
	if c.stats {
		if err := reference(ctx, writer); err != nil {
			return err
		}
	}
	if len(slow) > 0 {
		fmt.Printf("\nover 100 ms p99: %s (plans of their statements over 25 ms, if any, in %s/scale-explain-CLASS.txt)\n", strings.Join(slow, ", "), c.explain)
	}
	return nil
}

// warmed waits until both servers have the figures they started computing
// at start (a whole read of every kind, both at once) and prints how long
// that took: what the first readers after a start may wait.
func warmed(ctx context.Context, servers []string) error {
	start, load0 := time.Now(), loadavg()
	var wg sync.WaitGroup
	errs := make([]error, len(servers))
	for i, base := range servers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = get(ctx, base+"/api/v1/stats")
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	fmt.Printf("figures at start, every kind read whole by both servers at once: %.1f s (load %s → %s); %s\n\n", time.Since(start).Seconds(), load0, loadavg(), memory())
	return nil
}

// reference prints, as the same run's reference for stats_after_write, how
// long the figures take from every record at the latest checkpoint
// (figures.StatsAt: what `qantar stats` does, and what a server did at each
// new checkpoint before it kept the records it read), and the process's
// memory: both servers and the records they keep.
func reference(ctx context.Context, st writeReader) error {
	start, load0 := time.Now(), loadavg()
	if _, err := figures.StatsAt(ctx, st, nil, -1, time.Time{}); err != nil {
		return err
	}
	fmt.Printf("\nreference: the figures from every record at the latest checkpoint (figures.StatsAt): %.1f s (load %s → %s)\n", time.Since(start).Seconds(), load0, loadavg())
	fmt.Printf("memory of the process (two servers, their kept records): %s\n", memory())
	return nil
}

// memory is the process's resident set now and at its peak (VmRSS, VmHWM).
func memory() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "?"
	}
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmRSS:") || strings.HasPrefix(l, "VmHWM:") {
			out = append(out, strings.Join(strings.Fields(l), " "))
		}
	}
	return strings.Join(out, ", ")
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

// loadavg is the host's load average over 1, 5 and 15 minutes.
func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// createDB creates a database of its own on the server of base, with
// auto_explain logging the plan of every statement over 25 ms.
func createDB(ctx context.Context, base string) (string, string, error) {
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		return "", "", err
	}
	defer conn.Close(ctx)
	r := make([]byte, 4)
	rand.Read(r)
	name := "scale_" + hex.EncodeToString(r)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return "", "", err
	}
	for _, s := range []string{"session_preload_libraries = 'auto_explain'", "auto_explain.log_min_duration = 25",
		"auto_explain.log_analyze = on", "auto_explain.log_buffers = on"} {
		if _, err := conn.Exec(ctx, "ALTER DATABASE "+name+" SET "+s); err != nil {
			return "", "", fmt.Errorf("%s: %w", s, err)
		}
	}
	u, err := url.Parse(base)
	if err != nil {
		return "", "", err
	}
	u.Path = "/" + name
	return name, u.String(), nil
}

func dropDB(base, name string) {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		log.Print(err)
		return
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "DROP DATABASE "+name+" WITH (FORCE)"); err != nil {
		log.Print(err)
	}
}

// measureSize prints the database's size and its tables' per record.
func measureSize(ctx context.Context, dbURL string, records int) error {
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c
		JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname = current_schema()
		ORDER BY 2 DESC`)
	if err != nil {
		return err
	}
	defer rows.Close()
	var total int64
	fmt.Println("| table | total size (pg_total_relation_size) | bytes per record |")
	fmt.Println("|---|---|---|")
	for rows.Next() {
		var name string
		var size int64
		if err := rows.Scan(&name, &size); err != nil {
			return err
		}
		total += size
		if size >= 1<<20 {
			fmt.Printf("| %s | %.1f MB | %.0f |\n", name, float64(size)/1e6, float64(size)/float64(records))
		}
	}
	fmt.Printf("| **all tables** | %.1f MB | **%.0f** |\n\n(load %s)\n\n", float64(total)/1e6, float64(total)/float64(records), loadavg())
	return rows.Err()
}

// logSize is how long the server's log is now.
func logSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return -1
	}
	return fi.Size()
}

// savePlans saves what auto_explain wrote to the server's log since from
// about database db (another run's may have it on too) as the plans of
// class.
func savePlans(c config, class string, from int64, db string) {
	if from < 0 {
		return
	}
	f, err := os.Open(c.serverLog)
	if err != nil {
		return
	}
	defer f.Close()
	if _, err := f.Seek(from, io.SeekStart); err != nil {
		return
	}
	b, _ := io.ReadAll(io.LimitReader(f, 64<<20))
	keep := slowestPlans(string(b), db, 6)
	if len(keep) == 0 {
		return
	}
	path := filepath.Join(c.explain, "scale-explain-"+class+".txt")
	head := fmt.Sprintf("# EXPLAIN (ANALYZE, BUFFERS) by auto_explain: the slowest run of each of the slowest statements over 25 ms during class %s of the scale run (bench/scale), %s, load %s\n\n",
		class, time.Now().UTC().Format(time.RFC3339), loadavg())
	if err := os.WriteFile(path, []byte(head+strings.Join(keep, "\n\n")+"\n"), 0o644); err != nil {
		log.Print(err)
	}
}

// slowestPlans picks, from auto_explain's lines in a server log about
// database db, the slowest plan of each statement, and returns the n
// slowest of those.
func slowestPlans(log, db string, n int) []string {
	type plan struct {
		ms   float64
		text string
	}
	best := map[string]plan{} // query text → its slowest plan
	var cur []string
	var curMS float64
	flush := func() {
		if len(cur) < 2 {
			cur = nil
			return
		}
		q := strings.TrimSpace(cur[1])
		if p, ok := best[q]; !ok || curMS > p.ms {
			best[q] = plan{curMS, strings.Join(cur, "\n")}
		}
		cur = nil
	}
	for _, l := range strings.Split(log, "\n") {
		switch {
		case strings.Contains(l, "duration:") && strings.Contains(l, "plan:") && strings.Contains(l, "@"+db+" "):
			flush()
			fmt.Sscanf(l[strings.Index(l, "duration:")+len("duration:"):], "%f", &curMS)
			cur = []string{l}
		case strings.Contains(l, "LOG:") || strings.Contains(l, "ERROR:") || strings.Contains(l, "STATEMENT:"):
			flush()
		case cur != nil:
			cur = append(cur, l)
		}
	}
	flush()
	plans := make([]plan, 0, len(best))
	for _, p := range best {
		plans = append(plans, p)
	}
	slices.SortFunc(plans, func(a, b plan) int { return cmp.Compare(b.ms, a.ms) })
	var out []string
	for _, p := range plans[:min(n, len(plans))] {
		out = append(out, p.text)
	}
	return out
}

// dbName is the database a postgres:// URL names.
func dbName(dbURL string) string {
	u, err := url.Parse(dbURL)
	if err != nil {
		return ""
	}
	return strings.TrimPrefix(u.Path, "/")
}

// analyze updates the planner's statistics after the bulk load, as an
// operator does after one (autovacuum would, later).
func analyze(ctx context.Context, dbURL string) error {
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	start := time.Now()
	if _, err := conn.Exec(ctx, "ANALYZE"); err != nil {
		return err
	}
	fmt.Printf("ANALYZE: %.1f s (load %s)\n\n", time.Since(start).Seconds(), loadavg())
	return nil
}
