package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/sqlite"
)

// TestSIGKILLDuringImport kills `qantar import` in the middle of writing a
// large synthetic list (through the bulk write path) and checks that the
// import left nothing half-done: the database holds exactly what it held
// before, the log verifies, and the same import run again lands whole.
func TestSIGKILLDuringImport(t *testing.T) {
	bin := buildBinary(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "q.db")
	small := filepath.Join(dir, "small.csv")
	if err := os.WriteFile(small, []byte("external_key,name_ru\nSYN-BASE-1,Синтетический Первый\nSYN-BASE-2,Синтетический Второй\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(bin, "import", "--db", db, "--kind", "person", small).CombinedOutput(); err != nil {
		t.Fatalf("baseline import: %v\n%s", err, out)
	}
	const rows = 60000
	big := filepath.Join(dir, "big.csv")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	w.WriteString("external_key,name_ru,name_latn,birth_date\n")
	for i := range rows {
		fmt.Fprintf(w, "SYN-K-%06d,Синтетический Человек %d,Synthetic Person %d,%02d.%02d.%d\n", i, i, i, 1+i%28, 1+i%12, 1940+i%70)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()

	// Kill once the import's write transaction has put some megabytes in
	// the WAL: rows are being written, nothing is committed.
	cmd := exec.Command(bin, "import", "--db", db, "--kind", "person", big)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	killed := false
	for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if fi, err := os.Stat(db + "-wal"); err == nil && fi.Size() > 8<<20 {
			cmd.Process.Signal(syscall.SIGKILL)
			killed = true
			break
		}
	}
	err = cmd.Wait()
	if !killed {
		t.Fatalf("the import ended (%v) before its write was seen; make the list larger", err)
	}

	count := func() int {
		t.Helper()
		s, err := sqlite.Open(context.Background(), db, sqlite.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		n, err := s.Count(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return n[qantar.KindPerson]
	}
	verify := func() {
		t.Helper()
		if out, err := exec.Command(bin, "verify", "--db", db).CombinedOutput(); err != nil {
			t.Fatalf("verify: %v\n%s", err, out)
		}
	}
	if n := count(); n != 2 {
		t.Fatalf("after a killed import the database holds %d persons, want the 2 it held before", n)
	}
	verify()
	if out, err := exec.Command(bin, "import", "--db", db, "--kind", "person", big).CombinedOutput(); err != nil {
		t.Fatalf("import again: %v\n%s", err, out)
	}
	if n := count(); n != 2+rows {
		t.Fatalf("after the import ran again: %d persons, want %d", n, 2+rows)
	}
	verify()
}
