package postgres_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/postgres"
)

// BenchmarkVerifyPostgres is `qantar verify --db` on PostgreSQL over
// QANTAR_VERIFY_N (default 100,000) synthetic persons written through the
// bulk path in transactions of 10,000. They are kept in the schema
// qantar_verify_N of $QANTAR_TEST_POSTGRES, with the log key in
// $QANTAR_VERIFY_BENCH_DIR, so that two binaries (before and after a
// change) verify the same database; drop the schema to build it again:
// go test ./postgres -run XXX -bench VerifyPostgres -benchtime 1x -timeout 60m
func BenchmarkVerifyPostgres(b *testing.B) {
	n := 100000
	if s := os.Getenv("QANTAR_VERIFY_N"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	base := os.Getenv("QANTAR_TEST_POSTGRES")
	if base == "" {
		b.Skip("QANTAR_TEST_POSTGRES is not set")
	}
	ctx := context.Background()
	db := verifyPostgresDB(ctx, b, base, n)
	defer db.Close()
	for i := 0; i < b.N; i++ {
		t0, c0 := time.Now(), cpuTime()
		rep, err := db.Verify(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if !rep.OK() || rep.Leaves != uint64(n) || rep.Records != n {
			b.Fatalf("verify: %d leaves, %d records, problems %v", rep.Leaves, rep.Records, rep.Problems)
		}
		b.ReportMetric(time.Since(t0).Seconds(), "verify-s")
		b.ReportMetric((cpuTime() - c0).Seconds(), "cpu-s")
	}
}

// verifyPostgresDB opens the kept schema of n persons, building it anew
// unless a file beside its log key says it was built whole.
func verifyPostgresDB(ctx context.Context, b *testing.B, base string, n int) *postgres.DB {
	dir := os.Getenv("QANTAR_VERIFY_BENCH_DIR")
	if dir == "" {
		dir = os.TempDir()
	}
	schema := fmt.Sprintf("qantar_verify_%d", n)
	key, done := filepath.Join(dir, schema+".key"), filepath.Join(dir, schema+".built")
	_, err := os.Stat(done)
	built := err == nil
	u, err := url.Parse(base)
	if err != nil {
		b.Fatal(err)
	}
	if !built {
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			b.Fatal(err)
		}
		_, err = conn.Exec(ctx, "DROP SCHEMA IF EXISTS "+schema+" CASCADE; CREATE SCHEMA "+schema)
		conn.Close(ctx)
		if err != nil {
			b.Fatal(err)
		}
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	db, err := postgres.Open(ctx, u.String(), postgres.Options{LogKeyPath: key, MaxConns: int32(runtime.GOMAXPROCS(0) + 1)})
	if err != nil {
		b.Fatal(err)
	}
	for start := 0; !built && start < n; start += 10000 {
		recs := make([]qantar.Record, 0, 10000)
		for i := start; i < min(start+10000, n); i++ {
			recs = append(recs, &qantar.Person{Names: []qantar.Name{{Value: fmt.Sprintf("Синтетический Человек %d", i), Lang: "ru", Script: "Cyrl"}}, Sex: "male"})
		}
		if err := db.InTx(ctx, func(w qantar.Writer) error { _, err := qantar.CreateAll(ctx, w, editor, recs); return err }); err != nil {
			b.Fatal(err)
		}
	}
	if !built {
		if err := os.WriteFile(done, nil, 0o600); err != nil {
			b.Fatal(err)
		}
	}
	return db
}

// cpuTime is the CPU time the process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
