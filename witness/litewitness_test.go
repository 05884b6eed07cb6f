package witness

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qantar-project/qantar/tlog/tlogtest"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// litewitness is filippo.io/torchwood/cmd/litewitness, an ecosystem
// witness, pinned in go.mod as a tool (with witnessctl, which configures
// it), built here and run as a real server on 127.0.0.1.
type litewitness struct {
	URL  string
	VKey string // as litewitness logs it
	cmd  *exec.Cmd
	done chan struct{}
}

// buildTools builds litewitness and witnessctl from the module cache at
// the versions go.mod pins. A failure says why, and fails the test: the
// interoperability check is part of the suite, never skipped.
func buildTools(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	for _, tool := range []string{"litewitness", "witnessctl"} {
		out, err := exec.Command("go", "build", "-o", filepath.Join(dir, tool), "filippo.io/torchwood/cmd/"+tool).CombinedOutput()
		if err != nil {
			t.Fatalf("cannot build %s (filippo.io/torchwood v0.6.1, a tool in go.mod): %v\n%s\n"+
				"the module must be in the module cache or reachable through the Go module proxy (go mod download filippo.io/torchwood)", tool, err, out)
		}
	}
	return dir
}

// startAgent serves an ssh-agent holding key on a Unix socket, as
// litewitness takes its key from one.
func startAgent(t testing.TB, key ed25519.PrivateKey) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "lw") // short: a socket path has a length limit
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	sock := filepath.Join(dir, "agent.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	keyring := agent.NewKeyring()
	if err := keyring.Add(agent.AddedKey{PrivateKey: key}); err != nil {
		t.Fatal(err)
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { defer c.Close(); agent.ServeAgent(keyring, c) }()
		}
	}()
	return sock
}

// startLitewitness configures a litewitness database for the log and
// starts litewitness, named name, with a new key.
func startLitewitness(t testing.TB, tools, name string, l *tlogtest.Log) *litewitness {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	sshPub, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	sock := startAgent(t, priv)
	db := filepath.Join(t.TempDir(), "litewitness.db")
	for _, args := range [][]string{{"add-log", "-db", db, "-origin", l.Origin}, {"add-key", "-db", db, "-origin", l.Origin, "-key", l.VKey}} {
		if out, err := exec.Command(filepath.Join(tools, "witnessctl"), args...).CombinedOutput(); err != nil {
			t.Fatalf("witnessctl %s: %v\n%s", args[0], err, out)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	lw := &litewitness{URL: "http://" + addr, done: make(chan struct{})}
	lw.cmd = exec.Command(filepath.Join(tools, "litewitness"), "-db", db, "-name", name, "-key", ssh.FingerprintSHA256(sshPub),
		"-ssh-agent", sock, "-listen", addr)
	stderr, err := lw.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := lw.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(lw.Stop)
	vkeys := make(chan string, 1)
	var logMu sync.Mutex
	var logText bytes.Buffer
	go func() {
		defer close(lw.done)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			logMu.Lock()
			fmt.Fprintln(&logText, sc.Text())
			logMu.Unlock()
			if _, v, ok := strings.Cut(sc.Text(), "vkey="); ok {
				vkeys <- strings.Fields(v)[0]
			}
		}
		lw.cmd.Wait()
	}()
	select {
	case lw.VKey = <-vkeys:
	case <-lw.done:
		t.Fatalf("litewitness exited:\n%s", logText.String())
	case <-time.After(30 * time.Second):
		t.Fatal("litewitness did not say its key within 30 s")
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			break
		} else if time.Now().After(deadline) {
			logMu.Lock()
			t.Fatalf("litewitness does not listen on %s: %v\n%s", addr, err, logText.String())
		}
	}
	return lw
}

// Stop ends litewitness and waits for it.
func (lw *litewitness) Stop() {
	if lw.cmd.Process != nil {
		lw.cmd.Process.Kill()
		<-lw.done
	}
}

// TestLitewitness: the built-in witness and litewitness both cosign the
// log as it grows, with the cosignature format each implements on its
// own; a forked checkpoint is refused by both (the built-in one keeps the
// evidence); with litewitness stopped a quorum of one still holds, and a
// quorum of both does not.
func TestLitewitness(t *testing.T) {
	tools := buildTools(t)
	l := tlogtest.New(t)
	ours := startWitness(t, "w1.example", l.VKey)
	lw := startLitewitness(t, tools, "lw.example", l)
	lwKey, err := NewVerifier(lw.VKey)
	if err != nil {
		t.Fatalf("litewitness's verifier key %q: %v", lw.VKey, err)
	}
	policy := func(q string) *Policy {
		return mustPolicy(t, policyText(l.VKey, "witness lw "+lwKey.String()+" "+lw.URL+"\n"+q, ours))
	}
	both := newCosigner(t, l, policy("group g all w1 lw\nquorum g"))
	anyOne := newCosigner(t, l, policy("group g any w1 lw\nquorum g"))
	ctx := context.Background()
	for _, n := range []int{5, 1, 300} {
		l.Add(t, n)
		cosigned, err := both.Cosign(ctx, l.Signed)
		if err != nil {
			t.Fatalf("size %d: %v", l.Size, err)
		}
		checked, err := policy("quorum lw").Check(cosigned)
		if err != nil || len(checked.Cosignatures) != 2 {
			t.Fatalf("size %d: the reader: %+v, %v", l.Size, checked, err)
		}
	}
	// A fork of the same size, sent by the cosigner as the log's newest
	// checkpoint: both witnesses refuse it.
	fork := l.Fork(t, int(l.Size))
	forkCosigner := newCosigner(t, fork, policy("group g any w1 lw\nquorum g"))
	forkCosigner.SetKnown("w1", l.Size)
	forkCosigner.SetKnown("lw", l.Size)
	_, err = forkCosigner.Cosign(ctx, fork.Signed)
	if err == nil || strings.Count(err.Error(), "422") != 2 {
		t.Errorf("the fork: %v; want both witnesses to refuse it with 422", err)
	}
	if ev, _ := ours.DB.Evidence(ctx); len(ev) != 1 || !bytes.Equal(ev[0].Submitted, fork.Signed) || !bytes.Equal(ev[0].Known, l.Signed) {
		t.Errorf("evidence of the fork: %+v", ev)
	}
	// The log goes on; litewitness stops.
	l.Add(t, 3)
	if _, err := anyOne.Cosign(ctx, l.Signed); err != nil {
		t.Fatalf("both up: %v", err)
	}
	lw.Stop()
	l.Add(t, 2)
	if _, err := anyOne.Cosign(ctx, l.Signed); err != nil {
		t.Errorf("a quorum of one with litewitness stopped: %v", err)
	}
	if ch, err := anyOne.cfg.Policy.Check(anyOne.Witnessed()); err != nil || ch.Checkpoint.Size != l.Size {
		t.Errorf("witnessed with litewitness stopped: %+v, %v", ch, err)
	}
	before := both.Witnessed()
	if _, err := both.Cosign(ctx, l.Signed); err == nil {
		t.Error("a quorum of both held with litewitness stopped")
	}
	if !bytes.Equal(both.Witnessed(), before) {
		t.Error("the quorum of both moved without litewitness")
	}
}

// BenchmarkAddCheckpoint: one add-checkpoint round trip (a log one leaf
// larger each time, its proof read from tiles, the cosignature verified)
// to the built-in witness, with litewitness as the reference in the same
// run. Both keep their state in SQLite and sync each advance.
func BenchmarkAddCheckpoint(b *testing.B) {
	tools := buildTools(b)
	for _, which := range []string{"qantar", "litewitness"} {
		b.Run(which, func(b *testing.B) {
			l := tlogtest.New(b)
			var p *Policy
			if which == "qantar" {
				w := startWitness(b, "w1.example", l.VKey)
				p = mustPolicy(b, policyText(l.VKey, "quorum w1", w))
			} else {
				lw := startLitewitness(b, tools, "lw.example", l)
				p = mustPolicy(b, "log "+l.VKey+"\nwitness lw "+lw.VKey+" "+lw.URL+"\nquorum lw\n")
			}
			c := newCosigner(b, l, p)
			l.Add(b, 1000)
			ctx := context.Background()
			for b.Loop() {
				b.StopTimer()
				l.Add(b, 1)
				b.StartTimer()
				if _, err := c.Cosign(ctx, l.Signed); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
