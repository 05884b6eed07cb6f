package main

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/qantar-project/qantar/witness"
)

// TestServeWitnessed: a server with a witness policy sends its checkpoints
// to a witness (qantar witness serve, a real server) and serves at
// /log/checkpoint only what the quorum cosigned, which a reader with the
// policy accepts; the unwitnessed head is for writers; /metrics says what
// the witness last cosigned.
func TestServeWitnessed(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "q.db")
	st, err := openAppStore(context.Background(), storeConfig{DSN: db})
	if err != nil {
		t.Fatal(err)
	}
	logKey := st.LogKey()
	st.Close()
	wkey := filepath.Join(dir, "w.key")
	code, out, errs := run("witness", "key", "--key", wkey, "--name", "partner.example/witness")
	if code != 0 {
		t.Fatalf("witness key: %d %s", code, errs)
	}
	url, _ := startWitnessCLI(t, "--key", wkey, "--db", filepath.Join(dir, "w.db"), "--log", logKey)
	policyText := "log " + logKey + "\nwitness partner " + strings.TrimSpace(out) + " " + url + "\nquorum partner\n"
	policy := filepath.Join(dir, "policy.txt")
	if err := os.WriteFile(policy, []byte(policyText), 0o644); err != nil {
		t.Fatal(err)
	}
	base := serveWith(t, serveConfig{DB: db, Synchronous: "NORMAL", WitnessPolicy: policy})
	var cp []byte
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		status, body := getStatus(t, base+"/log/checkpoint")
		if status == http.StatusOK {
			cp = body
			break
		}
		if status != http.StatusServiceUnavailable || time.Now().After(deadline) {
			t.Fatalf("/log/checkpoint: %d %s", status, body)
		}
	}
	p, err := witness.ParsePolicy(strings.NewReader(policyText))
	if err != nil {
		t.Fatal(err)
	}
	if err := witness.CheckQuorum(p, cp); err != nil {
		t.Errorf("a reader with the policy refuses the served checkpoint: %v\n%s", err, cp)
	}
	// A reader checks the whole log against the policy; a policy whose
	// quorum is a witness that cosigned nothing is refused.
	if code, out, errs := run("verify", "--url", base, "--policy", policy); code != 0 || !strings.Contains(out, "witnessed:") {
		t.Errorf("verify --policy: %d\n%s%s", code, out, errs)
	}
	_, other, _ := run("witness", "key", "--key", filepath.Join(dir, "other.key"), "--name", "other.example/witness")
	strict := filepath.Join(dir, "strict.txt")
	os.WriteFile(strict, []byte("log "+logKey+"\nwitness other "+strings.TrimSpace(other)+" http://127.0.0.1:9\nquorum other\n"), 0o644)
	if code, out, errs := run("verify", "--url", base, "--policy", strict, "--records=false"); code == 0 || !strings.Contains(errs, "not witnessed") {
		t.Errorf("verify with a quorum that never cosigned: %d\n%s%s", code, out, errs)
	}
	// A mirror published with the policy carries the cosigned checkpoint,
	// says how to check it, and is checked against the policy.
	mirror := filepath.Join(dir, "mirror")
	if code, out, errs := run("publish", "--db", db, "--out", mirror, "--witness-policy", policy); code != 0 {
		t.Fatalf("publish --witness-policy: %d\n%s%s", code, out, errs)
	}
	if v, _ := os.ReadFile(filepath.Join(mirror, "VERIFY.txt")); !strings.Contains(string(v), "--policy witnesses.txt") {
		t.Errorf("VERIFY.txt does not say how to check the witnesses")
	}
	if code, out, errs := run("publish", "--check", mirror, "--policy", policy); code != 0 || !strings.Contains(out, "witnessed:") {
		t.Errorf("publish --check --policy: %d\n%s%s", code, out, errs)
	}
	if code, _, errs := run("publish", "--check", mirror, "--policy", strict); code == 0 || !strings.Contains(errs, "not witnessed") {
		t.Errorf("publish --check with a quorum that never cosigned: %d %s", code, errs)
	}
	if status, _ := getStatus(t, base+"/log/head"); status != http.StatusUnauthorized {
		t.Errorf("/log/head to an anonymous reader: %d, want 401", status)
	}
	if m := httpGet(t, base+"/metrics"); !strings.Contains(m, `qantar_witness_cosigned_size{witness="partner"}`) ||
		strings.Contains(m, `qantar_witness_cosigned_size{witness="partner"} 0`+"\n") {
		t.Errorf("/metrics does not say what the witness cosigned:\n%s", m)
	}
}

// serveWith serves cfg on 127.0.0.1 until the test ends and returns its
// base URL.
func serveWith(t *testing.T, cfg serveConfig) string {
	t.Helper()
	var out safeBuffer
	ctx, cancel := context.WithCancel(context.Background())
	addrc, done := make(chan string, 1), make(chan error, 1)
	cfg.Addr, cfg.ready = "127.0.0.1:0", func(a string) { addrc <- a }
	go func() { done <- (&Main{Stdout: &out, Stderr: &out}).serve(ctx, cfg) }()
	t.Cleanup(func() { cancel(); <-done })
	select {
	case a := <-addrc:
		return "http://" + a
	case err := <-done:
		t.Fatalf("serve exited: %v\n%s", err, out.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("serve did not start\n%s", out.String())
	}
	return ""
}

// getStatus GETs url and returns the status and body, whatever the status.
func getStatus(t *testing.T, url string) (int, []byte) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}
