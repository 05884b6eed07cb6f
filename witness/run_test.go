package witness

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qantar-project/qantar/tlog/tlogtest"
)

// TestRun: the background loop cosigns each new checkpoint it is told of
// (Notify never blocks, even with its witness down), and Witnessed follows.
func TestRun(t *testing.T) {
	l := tlogtest.New(t)
	w := startWitness(t, "w1.example", l.VKey)
	p := mustPolicy(t, policyText(l.VKey, "quorum w1", w))
	c, err := NewCosigner(CosignerConfig{Policy: p, LogKey: l.VKey, Proof: TileProofs(logTiles(l)), Logger: quiet(), Interval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var latest []byte
	grow := func(n int) {
		mu.Lock()
		defer mu.Unlock()
		l.Add(t, n)
		latest = l.Signed
	}
	grow(2)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		c.Run(ctx, func(context.Context) ([]byte, error) {
			mu.Lock()
			defer mu.Unlock()
			return latest, nil
		})
	}()
	defer func() { cancel(); <-done }()
	waitSize := func(want uint64) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for time.Now().Before(deadline) {
			if got := c.Witnessed(); got != nil {
				if ch, err := p.Check(got); err == nil && ch.Checkpoint.Size == want {
					return
				}
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Fatalf("the checkpoint of size %d was not witnessed; states %+v", want, c.States())
	}
	waitSize(2)
	for _, n := range []int{1, 40, 260} {
		grow(n)
		c.Notify()
		c.Notify() // a second one while the first is pending does not block
		waitSize(l.Size)
	}
	w.HTTP.Close()
	before := c.Witnessed()
	start := time.Now()
	for range 100 {
		grow(1)
		c.Notify()
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("100 writes with the witness down took %v", d)
	}
	deadline := time.Now().Add(10 * time.Second)
	for c.States()[0].LastError == "" && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if st := c.States()[0]; st.LastError == "" || st.Size != 303 {
		t.Errorf("state of the stopped witness: %+v", st)
	}
	if string(c.Witnessed()) != string(before) {
		t.Error("the witnessed checkpoint moved while its only witness was down")
	}
}

// TestStateFile: the newest witnessed checkpoint outlives a restart, and
// a state file the policy does not accept is refused.
func TestStateFile(t *testing.T) {
	l := tlogtest.New(t)
	w := startWitness(t, "w1.example", l.VKey)
	p := mustPolicy(t, policyText(l.VKey, "quorum w1", w))
	state := filepath.Join(t.TempDir(), "witnessed")
	cfg := CosignerConfig{Policy: p, LogKey: l.VKey, Proof: TileProofs(logTiles(l)), Logger: quiet(), StateFile: state}
	c, err := NewCosigner(cfg)
	if err != nil {
		t.Fatal(err)
	}
	l.Add(t, 4)
	cosigned, err := c.Cosign(context.Background(), l.Signed)
	if err != nil {
		t.Fatal(err)
	}
	again, err := NewCosigner(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again.Witnessed(), cosigned) {
		t.Errorf("after a restart Witnessed is %q, want the checkpoint cosigned before", again.Witnessed())
	}
	os.WriteFile(state, l.Signed, 0o644) // the log's checkpoint without its cosignature
	if _, err := NewCosigner(cfg); err == nil || !strings.Contains(err.Error(), "not witnessed") {
		t.Errorf("an uncosigned state file: %v", err)
	}
	offline := &testWitness{Name: "w2.example", Signer: otherKey(t, "w2.example")} // no URL
	cfg.Policy, cfg.StateFile = mustPolicy(t, policyText(l.VKey, "group g all w1 w2\nquorum g", w, offline)), ""
	if _, err := NewCosigner(cfg); err == nil || !strings.Contains(err.Error(), "cannot be met") {
		t.Errorf("a quorum that needs a witness without a URL: %v", err)
	}
}
