package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// buildBinary builds qantar once per test run.
var buildOnce struct {
	sync.Once
	path string
	err  error
}

func buildBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "qantar-bin-")
		if err != nil {
			buildOnce.err = err
			return
		}
		buildOnce.path = filepath.Join(dir, "qantar")
		out, err := exec.Command("go", "build", "-o", buildOnce.path, ".").CombinedOutput()
		if err != nil {
			buildOnce.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildOnce.err != nil {
		t.Fatal(buildOnce.err)
	}
	return buildOnce.path
}

var servingRE = regexp.MustCompile(`msg=serving addr=(http://[0-9.:]+)`)

// startBinary runs `qantar serve` as a process and returns its base URL.
func startBinary(t *testing.T, bin string, args ...string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	urlc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := servingRE.FindStringSubmatch(sc.Text()); m != nil {
				urlc <- m[1]
			}
		}
	}()
	select {
	case u := <-urlc:
		return cmd, u
	case <-time.After(60 * time.Second):
		t.Fatal("server did not start")
	}
	return nil, ""
}

// TestSIGKILLLosesNoAcknowledgedWrite kills the server during a burst of
// writes; after a restart every acknowledged record is there and the log
// verifies with no version missing its leaf.
func TestSIGKILLLosesNoAcknowledgedWrite(t *testing.T) {
	bin := buildBinary(t)
	db := filepath.Join(t.TempDir(), "crash.db")
	proc, base := startBinary(t, bin, "--db", db, "--empty")
	code, tok, errOut := run("token", "create", "--db", db, "--role", "editor", "--name", "crash")
	if code != 0 {
		t.Fatal(errOut)
	}
	c := client{t: t, base: base, token: strings.TrimSpace(tok)}

	var mu sync.Mutex
	acked := map[int]string{}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				name := fmt.Sprintf("Synthetic-%d-%d", w, i)
				code, v, err := c.tryDo("POST", "/api/v1/persons", `{"names":[{"value":"`+name+`"}]}`)
				if err != nil {
					return // the server is gone
				}
				if code == 201 {
					mu.Lock()
					acked[int(v["id"].(float64))] = name
					mu.Unlock()
				}
			}
		}(w)
	}
	time.Sleep(1500 * time.Millisecond)
	proc.Process.Signal(syscall.SIGKILL)
	proc.Wait()
	close(stop)
	wg.Wait()
	if len(acked) == 0 {
		t.Fatal("no write was acknowledged before the kill")
	}

	_, base = startBinary(t, bin, "--db", db, "--empty")
	c.base = base
	for id, name := range acked {
		code, v := c.do("GET", fmt.Sprintf("/api/v1/persons/%d", id), "")
		if code != 200 || !strings.Contains(fmt.Sprint(v["names"]), name) {
			t.Fatalf("acknowledged persons/%d (%s) lost: %d %v", id, name, code, v)
		}
	}
	if code, out, _ := run("verify", "--db", db); code != 0 {
		t.Fatalf("verify after SIGKILL: %s", out)
	}
	t.Logf("%d acknowledged writes survived SIGKILL", len(acked))
}
