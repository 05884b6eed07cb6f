package blob

import (
	"bytes"
	"context"
	"errors"
	"io"
	"runtime"
	"syscall"
	"testing"
	"time"
)

// fullDisk takes n bytes, then fails as a full disk does.
type fullDisk struct{ n int }

func (d *fullDisk) Write(p []byte) (int, error) {
	if len(p) > d.n {
		k := d.n
		d.n = 0
		return k, syscall.ENOSPC
	}
	d.n -= len(p)
	return len(p), nil
}

// TestEncodeFullDisk: a write that fails midway (a full disk, a dropped
// connection) fails the Put with its error, and the goroutines end.
func TestEncodeFullDisk(t *testing.T) {
	before := runtime.NumGoroutine()
	src := bytes.Repeat([]byte("evidence"), 2<<20)
	for _, n := range []int{0, 100, 3 << 20, len(src) - 1} {
		for _, opt := range []PutOptions{{}, {Recipients: []string{"age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p"}}} {
			_, err := encode(context.Background(), &fullDisk{n: n}, bytes.NewReader(src), opt)
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("encode onto a disk full after %d bytes: %v, want ENOSPC", n, err)
			}
		}
	}
	if _, err := encode(context.Background(), io.Discard, bytes.NewReader(src), PutOptions{}); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(5 * time.Second); runtime.NumGoroutine() > before; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines left running, %d before", runtime.NumGoroutine(), before)
		}
	}
}

// TestAgePlainSize: the plaintext size read back from an age file's size
// is right at and around the 64 KiB chunk boundaries.
func TestAgePlainSize(t *testing.T) {
	for _, n := range []int{0, 1, ageChunk - 1, ageChunk, ageChunk + 1, 2 * ageChunk, 3*ageChunk + 5} {
		var stored bytes.Buffer
		info, err := encode(context.Background(), &stored, bytes.NewReader(make([]byte, n)),
			PutOptions{Recipients: []string{"age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p"}})
		if err != nil {
			t.Fatal(err)
		}
		got, err := describe(info.SHA256, bytes.NewReader(stored.Bytes()), int64(stored.Len()))
		if err != nil || got != info {
			t.Errorf("%d bytes: describe = %+v, %v; want %+v", n, got, err, info)
		}
	}
}
