package storekit_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/sqlite"
	"github.com/qantar-project/qantar/storekit"
	"github.com/qantar-project/qantar/tlog"
)

// txReader is storekit.Reader over one database/sql read transaction, as
// package sqlite's Verify reads.
type txReader struct{ tx *sql.Tx }

func (r txReader) Query(ctx context.Context, query string, args ...any) (storekit.Cursor, error) {
	rows, err := r.tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return cursor{rows}, nil
}

func (r txReader) QueryRow(ctx context.Context, query string, args ...any) storekit.Row {
	return r.tx.QueryRowContext(ctx, query, args...)
}

func (txReader) NoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// txNodes is tlog.NodeReader over tlog_nodes, one query per node, as
// package sqlite's nodeStore.
type txNodes struct{ tx *sql.Tx }

func (n txNodes) GetNodes(ctx context.Context, ids []tlog.NodeID) ([][]byte, error) {
	out := make([][]byte, len(ids))
	for i, id := range ids {
		if err := n.tx.QueryRowContext(ctx, `SELECT hash FROM tlog_nodes WHERE level = ? AND idx = ?`, int(id.Level), int64(id.Index)).Scan(&out[i]); err != nil {
			return nil, fmt.Errorf("log node %d/%d: %w", id.Level, id.Index, err)
		}
	}
	return out, nil
}

// verifyDB returns a SQLite database of n synthetic persons written through
// the store's bulk path in transactions of 10,000 (each version's leaf and
// tree nodes with it), and its log key. It is built once and kept in
// $QANTAR_VERIFY_BENCH_DIR (else the temporary directory), since building
// 1,000,000 takes minutes.
func verifyDB(b *testing.B, n int) (path, key string) {
	dir := os.Getenv("QANTAR_VERIFY_BENCH_DIR")
	if dir == "" {
		dir = os.TempDir()
	}
	path = filepath.Join(dir, fmt.Sprintf("qantar-verify-%d.db", n))
	if k, err := os.ReadFile(path + ".key"); err == nil {
		return path, string(k)
	}
	os.Remove(path)
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path, sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		b.Fatal(err)
	}
	actor := qantar.Actor{ID: "token:1", Role: qantar.RoleEditor}
	const batch = 10000
	for start := 0; start < n; start += batch {
		recs := make([]qantar.Record, 0, batch)
		for i := start; i < min(start+batch, n); i++ {
			recs = append(recs, &qantar.Person{Names: []qantar.Name{{Value: fmt.Sprintf("Синтетический Человек %d", i), Lang: "ru", Script: "Cyrl"}}, Sex: "male"})
		}
		err := db.InTx(ctx, func(w qantar.Writer) error {
			_, err := qantar.CreateAll(ctx, w, actor, recs)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	key = db.LogKey()
	if err := db.Close(); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(path+".key", []byte(key), 0o600); err != nil {
		b.Fatal(err)
	}
	return path, key
}

// BenchmarkVerifyWorkers1M is `qantar verify --db` over 1,000,000 versions
// three ways in the same run: as it was (sequential: a query a stored node,
// everything on one goroutine), the new path on one worker, and on every
// core: go test ./storekit -run XXX -bench VerifyWorkers -benchtime 1x -count 3 -timeout 60m
// (QANTAR_VERIFY_N changes the number of versions.)
func BenchmarkVerifyWorkers1M(b *testing.B) {
	n := 1000000
	if s := os.Getenv("QANTAR_VERIFY_N"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	path, key := verifyDB(b, n)
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	ways := []struct {
		name   string
		verify func(ctx context.Context, tx *sql.Tx) (*qantar.VerifyReport, error)
	}{
		{"sequential", func(ctx context.Context, tx *sql.Tx) (*qantar.VerifyReport, error) {
			return storekit.VerifySequential(ctx, txReader{tx}, txNodes{tx}, key)
		}},
		{"workers=1", func(ctx context.Context, tx *sql.Tx) (*qantar.VerifyReport, error) {
			return storekit.VerifyWith(ctx, txReader{tx}, key, storekit.VerifyOptions{Workers: 1})
		}},
		{fmt.Sprintf("workers=%d", runtime.GOMAXPROCS(0)), func(ctx context.Context, tx *sql.Tx) (*qantar.VerifyReport, error) {
			return storekit.VerifyWith(ctx, txReader{tx}, key, storekit.VerifyOptions{})
		}},
	}
	for _, w := range ways {
		b.Run(w.name, func(b *testing.B) {
			ctx := context.Background()
			for i := 0; i < b.N; i++ {
				t0, c0 := time.Now(), cpuTime()
				tx, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
				if err != nil {
					b.Fatal(err)
				}
				rep, err := w.verify(ctx, tx)
				tx.Rollback()
				if err != nil {
					b.Fatal(err)
				}
				if !rep.OK() || rep.Leaves != uint64(n) || rep.Records != n {
					b.Fatalf("verify: %d leaves, %d records, problems %v", rep.Leaves, rep.Records, rep.Problems)
				}
				// The wall time depends on what else the machine runs; the
				// CPU time of the process (user and system) much less.
				b.ReportMetric(time.Since(t0).Seconds(), "verify-s")
				b.ReportMetric((cpuTime() - c0).Seconds(), "cpu-s")
			}
		})
	}
}

// cpuTime is the CPU time the process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
