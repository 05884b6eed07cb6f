package blob

import (
	"io"
	"sync/atomic"
)

// asyncWriter writes behind: it fills one buffer while a goroutine writes
// the other to w, so hashing and encryption run while the disk or the
// network takes the bytes before. It holds two buffers of its size.
type asyncWriter struct {
	w    io.Writer
	cur  []byte
	free chan []byte
	full chan []byte
	done chan struct{}
	err  atomic.Pointer[error]
	shut bool
}

func newAsyncWriter(w io.Writer, size int) *asyncWriter {
	a := &asyncWriter{w: w, cur: make([]byte, 0, size), free: make(chan []byte, 2), full: make(chan []byte, 1), done: make(chan struct{})}
	a.free <- make([]byte, 0, size)
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
			a.cur = <-a.free
		}
	}
	return n, nil
}

// Close writes what is left, waits for the writes to end and returns the
// first error. It must be called, even after an error, to end the
// goroutine; calling it again only returns that error.
func (a *asyncWriter) Close() error {
	if a.shut {
		return a.failed()
	}
	a.shut = true
	if len(a.cur) > 0 {
		a.full <- a.cur
		a.cur = nil
	}
	close(a.full)
	<-a.done
	return a.failed()
}
