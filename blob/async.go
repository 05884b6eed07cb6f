package blob

import (
	"io"
	"sync"
	"sync/atomic"
	"unsafe"
)

// Buffers a Put streams through. The reads are copyBuffer long (stream.go);
// the stored bytes leave in writeBuffer strides, a whole number of disk
// blocks and aligned to one, so a local file can take them without the page
// cache (file.go), and an S3 part is a few of them.
const (
	writeBuffer  = 4 << 20
	writeBuffers = 2 // one filled while the other is written
	readBuffers  = 3 // one read into while the others are hashed
	blockAlign   = 4096
)

// Buffers are kept from one Put to the next (a file sent as many small
// ones allocates nothing after the first), and taken only as a stream needs
// them: a Put of a few bytes holds one of each.
var (
	writePool = sync.Pool{New: func() any { b := alignedBuffer(writeBuffer); return &b }}
	readPool  = sync.Pool{New: func() any { b := make([]byte, copyBuffer); return &b }}
)

// alignedBuffer returns n bytes whose first is at a multiple of blockAlign
// in memory, as direct I/O wants.
func alignedBuffer(n int) []byte {
	b := make([]byte, n+blockAlign)
	off := int(-uintptr(unsafe.Pointer(unsafe.SliceData(b))) & (blockAlign - 1))
	return b[off : off+n : off+n]
}

func getBuffer(p *sync.Pool) []byte    { return (*p.Get().(*[]byte))[:0] }
func putBuffer(p *sync.Pool, b []byte) { b = b[:cap(b)]; p.Put(&b) }

// asyncWriter writes behind: it fills one buffer while a goroutine writes
// the ones before to w, so hashing and encryption run while the disk or the
// network takes the bytes. Every Write to w but the last is writeBuffer
// bytes long, from an aligned buffer; a Write to it copies, never holds p.
type asyncWriter struct {
	w    io.Writer
	cur  []byte
	made int // buffers taken from writePool
	free chan []byte
	full chan []byte
	done chan struct{}
	err  atomic.Pointer[error]
	shut bool
}

func newAsyncWriter(w io.Writer) *asyncWriter {
	a := &asyncWriter{w: w, cur: getBuffer(&writePool), made: 1,
		free: make(chan []byte, writeBuffers), full: make(chan []byte, writeBuffers), done: make(chan struct{})}
	go a.run()
	return a
}

func (a *asyncWriter) run() {
	defer close(a.done)
	for b := range a.full {
		if a.err.Load() == nil {
			if _, err := a.w.Write(b); err != nil {
				a.err.Store(&err)
			}
		}
		a.free <- b[:0]
	}
}

func (a *asyncWriter) failed() error {
	if p := a.err.Load(); p != nil {
		return *p
	}
	return nil
}

func (a *asyncWriter) Write(p []byte) (int, error) {
	n := 0
	for len(p) > 0 {
		if err := a.failed(); err != nil {
			return n, err
		}
		k := copy(a.cur[len(a.cur):cap(a.cur)], p)
		a.cur, p, n = a.cur[:len(a.cur)+k], p[k:], n+k
		if len(a.cur) == cap(a.cur) {
			a.full <- a.cur
			a.cur = a.next()
		}
	}
	return n, nil
}

// next is an empty buffer: one the writer is done with, or a new one while
// fewer than writeBuffers are out.
func (a *asyncWriter) next() []byte {
	select {
	case b := <-a.free:
		return b
	default:
	}
	if a.made < writeBuffers {
		a.made++
		return getBuffer(&writePool)
	}
	return <-a.free
}

// Close writes what is left, waits for the writes to end and returns the
// first error. It must be called, even after an error, to end the goroutine
// and give the buffers back; calling it again only returns that error.
func (a *asyncWriter) Close() error {
	if a.shut {
		return a.failed()
	}
	a.shut = true
	if len(a.cur) > 0 {
		a.full <- a.cur
	} else {
		putBuffer(&writePool, a.cur)
	}
	a.cur = nil
	close(a.full)
	<-a.done
	for range len(a.free) {
		putBuffer(&writePool, <-a.free)
	}
	return a.failed()
}
