package blob

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// TestFileSink: aligned blocks (through direct I/O where the file system
// allows it), a buffer that is not aligned in memory, and a partial last
// block land in order, with or without direct I/O.
func TestFileSink(t *testing.T) {
	src := make([]byte, 3*writeBuffer+12345)
	rand.NewChaCha8([32]byte{7}).Read(src)
	for _, direct := range []bool{true, false} {
		f, err := os.CreateTemp(t.TempDir(), tempPrefix+"*")
		if err != nil {
			t.Fatal(err)
		}
		s := newFileSink(f)
		if runtime.GOOS == "linux" && direct && s.direct == nil {
			t.Logf("%s: no direct I/O on this file system; the page cache is used", filepath.Dir(f.Name()))
		}
		if !direct {
			s.Close()
		}
		buf := alignedBuffer(writeBuffer)
		odd := make([]byte, writeBuffer+1)[1:] // a whole block, not aligned in memory
		for i, p := range [][]byte{src[:writeBuffer], src[writeBuffer : 2*writeBuffer], src[2*writeBuffer : 3*writeBuffer], src[3*writeBuffer:]} {
			b := buf[:len(p)]
			if i == 1 {
				b = odd[:len(p)]
			}
			copy(b, p)
			if n, err := s.Write(b); n != len(b) || err != nil {
				t.Fatalf("write %d: %d, %v", i, n, err)
			}
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(f.Name())
		if err != nil || !bytes.Equal(got, src) {
			t.Fatalf("direct %v: read back %d bytes (%v), wrote %d", direct, len(got), err, len(src))
		}
	}
}

// TestAlignedBuffer: a buffer for direct I/O starts on a block boundary.
func TestAlignedBuffer(t *testing.T) {
	for range 10 {
		b := alignedBuffer(writeBuffer)
		if len(b) != writeBuffer || cap(b) != writeBuffer || !(&fileSink{direct: os.Stdout}).directOK(b) {
			t.Fatalf("buffer of %d (cap %d), aligned %v", len(b), cap(b), (&fileSink{direct: os.Stdout}).directOK(b))
		}
	}
}
