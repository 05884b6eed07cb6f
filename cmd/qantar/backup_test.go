package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/sqlite"
	"github.com/qantar-project/qantar/tlog"
)

// A backup taken while writers go on restores to a database that verifies
// and holds every write acknowledged before the backup began, and every
// write whose leaf is under the backup's checkpoint.
func TestBackupDuringWritesRestores(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "live.db")
	db, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var mu sync.Mutex
	acked := map[int64]bool{} // person ids whose Create returned
	var stop atomic.Bool
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; !stop.Load(); i++ {
				p := &qantar.Person{Names: []qantar.Name{{Value: fmt.Sprintf("Synthetic Writer%d Person%d", w, i)}}}
				if err := db.Create(ctx, qantar.System, p); err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				acked[p.ID] = true
				mu.Unlock()
			}
		}()
	}
	// Let the writers write, then back up while they go on.
	for {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 200 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	mu.Lock()
	before := make([]int64, 0, len(acked))
	for id := range acked {
		before = append(before, id)
	}
	mu.Unlock()
	out := filepath.Join(dir, "backup.db")
	code, stdout, stderr := runQantar(t, "backup", "--db", path, "--out", out)
	stop.Store(true)
	wg.Wait()
	if code != exitOK || !strings.Contains(stdout, "verified") {
		t.Fatalf("backup: exit %d\n%s%s", code, stdout, stderr)
	}
	for _, s := range []string{".partial", ".partial-wal", ".partial-shm"} {
		if _, err := os.Stat(filepath.Join(dir, ".backup.db"+s)); err == nil {
			t.Errorf("left %s behind", s)
		}
	}
	if fi, err := os.Stat(out); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("backup file: %v %v", fi, err)
	}
	cpText, err := os.ReadFile(out + ".checkpoint")
	if err != nil {
		t.Fatal(err)
	}
	cp, err := tlog.OpenCheckpoint(cpText, db.LogKey())
	if err != nil {
		t.Fatal(err)
	}

	// Restore elsewhere, with the key put back first.
	target := filepath.Join(t.TempDir(), "restored.db")
	if code, _, stderr := runQantar(t, "restore", "--from", out, "--db", target); code != exitProblem || !strings.Contains(stderr, "no log key") {
		t.Fatalf("restore without the key: exit %d %s", code, stderr)
	}
	key, err := os.ReadFile(path + ".logkey")
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, target+".logkey", key)
	must(t, os.Chmod(target+".logkey", 0o600))
	if code, stdout, stderr := runQantar(t, "restore", "--from", out, "--db", target); code != exitOK {
		t.Fatalf("restore: exit %d\n%s%s", code, stdout, stderr)
	}
	if code, stdout, stderr := runQantar(t, "verify", "--db", target); code != exitOK {
		t.Fatalf("verify restored: exit %d\n%s%s", code, stdout, stderr)
	}
	r, err := sqlite.Open(ctx, target, sqlite.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for _, id := range before {
		if _, err := r.Get(ctx, qantar.KindPerson, id); err != nil {
			t.Fatalf("person %d, acknowledged before the backup, is not in it: %v", id, err)
		}
	}
	// Every version under the checkpoint is there, none beyond it: one
	// person per leaf.
	got, _ := r.Checkpoint(ctx)
	if string(got) != string(cpText) {
		t.Error("the restored database holds another checkpoint than the backup recorded")
	}
	counts, err := r.Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if uint64(counts[qantar.KindPerson]) != cp.Size {
		t.Errorf("restored %d persons under a checkpoint of %d leaves", counts[qantar.KindPerson], cp.Size)
	}
	if cp.Size < uint64(len(before)) {
		t.Errorf("checkpoint of %d leaves, fewer than the %d writes acknowledged before", cp.Size, len(before))
	}

	// A second restore onto a database that holds data is refused, and a
	// backup whose log does not verify is refused.
	if code, _, stderr := runQantar(t, "restore", "--from", out, "--db", target); code != exitProblem || !strings.Contains(stderr, "not empty") {
		t.Fatalf("restore over data: exit %d %s", code, stderr)
	}
	sqlExec(t, out, `UPDATE versions SET data = replace(data, 'Synthetic', 'Altered') WHERE leaf_index = 0`)
	other := filepath.Join(t.TempDir(), "other.db")
	writeFile(t, other+".logkey", key)
	must(t, os.Chmod(other+".logkey", 0o600))
	if code, _, stderr := runQantar(t, "restore", "--from", out, "--db", other); code != exitProblem || !strings.Contains(stderr, "does not verify") {
		t.Fatalf("restore of a tampered backup: exit %d %s", code, stderr)
	}
	if _, err := os.Stat(other); err == nil {
		t.Error("a refused restore left a database")
	}
}
