package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/tlog"
	"github.com/qantar-project/qantar/tlog/tlogtest"
	"github.com/qantar-project/qantar/witness"
)

// startWitnessCLI runs `qantar witness serve` in-process on 127.0.0.1 and
// returns its URL and a function that stops it and returns its exit code.
func startWitnessCLI(t *testing.T, args ...string) (string, func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var errb safeBuffer
	codec := make(chan int, 1)
	go func() {
		codec <- (&Main{Stdout: &safeBuffer{}, Stderr: &errb}).Run(ctx, append([]string{"witness", "serve", "--addr", "127.0.0.1:0"}, args...))
	}()
	addr := regexp.MustCompile(`addr=(http://127\.0\.0\.1:\d+)`)
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if m := addr.FindStringSubmatch(errb.String()); m != nil {
			stop := func() int { cancel(); return <-codec }
			t.Cleanup(func() { cancel() })
			return m[1], stop
		}
		select {
		case code := <-codec:
			t.Fatalf("qantar witness serve exited %d:\n%s", code, errb.String())
		default:
		}
	}
	cancel()
	t.Fatalf("qantar witness serve did not start:\n%s", errb.String())
	return "", nil
}

// TestWitnessCommand: `qantar witness key` creates and prints the key,
// `qantar witness serve` cosigns a log for a Cosigner, and after a restart
// on the same database it still knows the size it cosigned.
func TestWitnessCommand(t *testing.T) {
	dir := t.TempDir()
	key, db := filepath.Join(dir, "w.key"), filepath.Join(dir, "w.db")
	code, out, errs := run("witness", "key", "--key", key, "--name", "partner.example/witness")
	if code != 0 || !strings.HasPrefix(out, "partner.example/witness+") {
		t.Fatalf("witness key: %d %q %q", code, out, errs)
	}
	vkey := strings.TrimSpace(out)
	if fi, err := os.Stat(key); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", fi, err)
	}
	if code, again, _ := run("witness", "key", "--key", key); code != 0 || strings.TrimSpace(again) != vkey {
		t.Errorf("witness key again: %d %q, want %q", code, again, vkey)
	}
	l := tlogtest.New(t)
	logs := filepath.Join(dir, "logs.txt")
	os.WriteFile(logs, []byte("# the logs of our partners\nlog "+l.VKey+" https://example.org\nwitness other other.example+00000000+BA== https://other.example\nquorum other\n"), 0o644)
	url, stop := startWitnessCLI(t, "--key", key, "--db", db, "--logs", logs)
	p, err := witness.ParsePolicy(strings.NewReader("log " + l.VKey + "\nwitness partner " + vkey + " " + url + "\nquorum partner\n"))
	if err != nil {
		t.Fatal(err)
	}
	cosigner := func() *witness.Cosigner {
		c, err := witness.NewCosigner(witness.CosignerConfig{Policy: p, LogKey: l.VKey, Proof: witness.TileProofs(func(ctx context.Context, tl tlog.TileID) ([]byte, error) {
			return tlog.ReadTile(ctx, l.Nodes, tl, l.Size)
		})})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	l.Add(t, 7)
	if _, err := cosigner().Cosign(context.Background(), l.Signed); err != nil {
		t.Fatalf("cosign through qantar witness serve: %v", err)
	}
	if code := stop(); code != 0 {
		t.Fatalf("witness serve stopped with %d", code)
	}
	url, _ = startWitnessCLI(t, "--key", key, "--db", db, "--log", l.VKey)
	p, _ = witness.ParsePolicy(strings.NewReader("log " + l.VKey + "\nwitness partner " + vkey + " " + url + "\nquorum partner\n"))
	l.Add(t, 3)
	c := cosigner()
	cosigned, err := c.Cosign(context.Background(), l.Signed)
	if err != nil {
		t.Fatalf("after a restart: %v", err)
	}
	if err := witness.CheckQuorum(p, cosigned); err != nil {
		t.Errorf("reader: %v", err)
	}
	if st := c.States()[0]; st.Size != 10 {
		t.Errorf("state %+v, want size 10 (learnt from the restarted witness's 409)", st)
	}
}

// TestWitnessCommandRefuses: no log, a log key of the wrong type, and a
// bad --logs line are refused before anything is served.
func TestWitnessCommandRefuses(t *testing.T) {
	dir := t.TempDir()
	key := filepath.Join(dir, "w.key")
	_, wkey, _ := witness.GenerateKey(strings.NewReader(strings.Repeat("k", 64)), "w.example")
	bad := filepath.Join(dir, "bad.txt")
	os.WriteFile(bad, []byte("\n\nnot-a-key\n"), 0o644)
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--key", key, "--name", "w.example"}, exitUsage, "--log VKEY or --logs FILE"},
		{[]string{"--key", key, "--name", "w.example", "--log", wkey}, exitProblem, "type 0x04"},
		{[]string{"--key", key, "--name", "w.example", "--logs", bad}, exitProblem, "line 3"},
		{[]string{"--key", filepath.Join(dir, "new.key"), "--log", "x+00000000+AQ=="}, exitProblem, "--name"},
	} {
		code, _, errs := run(append([]string{"witness", "serve", "--addr", "127.0.0.1:0", "--db", filepath.Join(dir, "w.db")}, c.args...)...)
		if code != c.code || !strings.Contains(errs, c.want) {
			t.Errorf("witness serve %v: %d %q; want %d and %q", c.args, code, errs, c.code, c.want)
		}
	}
	if code, _, _ := run("witness"); code != exitUsage {
		t.Errorf("witness without a subcommand: %d", code)
	}
}

// TestWitnessStores: a Cosigner wired as serve would wire it (the store's
// Checkpoint, LogKey and Tile) gets a real store's log witnessed while
// records are written, on SQLite and on PostgreSQL.
func TestWitnessStores(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			dir := t.TempDir()
			dsn := filepath.Join(dir, "q.db")
			if engine == "postgres" {
				dsn = pgTestURL(t)
				t.Setenv("QANTAR_LOG_KEY", filepath.Join(dir, "log.key"))
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			store, err := openAppStore(ctx, storeConfig{DSN: dsn, Synchronous: "NORMAL", LogOrigin: "qantar.example.org/log"})
			if err != nil {
				t.Fatal(err)
			}
			defer store.Close()
			witnessStores(ctx, t, store, dir)
		})
	}
}

func witnessStores(ctx context.Context, t *testing.T, store appStore, dir string) {
	keyFile := filepath.Join(dir, "w.key")
	code, out, errs := run("witness", "key", "--key", keyFile, "--name", "partner.example")
	if code != 0 {
		t.Fatalf("witness key: %s %s", out, errs)
	}
	wkey := strings.TrimSpace(out)
	url, _ := startWitnessCLI(t, "--key", keyFile, "--db", filepath.Join(dir, "w.db"), "--log", store.LogKey())
	p, err := witness.ParsePolicy(strings.NewReader("log " + store.LogKey() + "\nwitness partner " + wkey + " " + url + "\nquorum partner\n"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := witness.NewCosigner(witness.CosignerConfig{Policy: p, LogKey: store.LogKey(), Proof: witness.TileProofs(store.Tile),
		Interval: 20 * time.Millisecond, StateFile: filepath.Join(dir, "witnessed")})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); c.Run(ctx, store.Checkpoint) }()
	defer func() { cancel(); <-done }() // before the store closes
	for i := range 300 {
		p := &qantar.Person{Names: []qantar.Name{{Value: "Synthetic Witnessed Person " + strconv.Itoa(i)}}}
		if err := store.Create(ctx, qantar.System, p); err != nil {
			t.Fatal(err)
		}
		c.Notify()
	}
	latest, err := store.Checkpoint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cp, err := tlog.OpenCheckpoint(latest, store.LogKey())
	if err != nil || cp.Size < 300 {
		t.Fatalf("latest checkpoint: %+v %v", cp, err)
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if w := c.Witnessed(); w != nil {
			if ch, err := p.Check(w); err == nil && ch.Checkpoint.Size == cp.Size {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("size %d not witnessed in 30 s; states %+v", cp.Size, c.States())
		}
	}
	if st := c.States()[0]; st.Size != cp.Size {
		t.Errorf("witness state %+v, want size %d", st, cp.Size)
	}
}
