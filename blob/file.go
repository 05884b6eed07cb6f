package blob

import (
	"errors"
	"os"
	"syscall"
	"unsafe"
)

// fileSink writes a Put's stored bytes to its temporary file, in order.
// Whole aligned blocks go through a second descriptor opened for direct I/O
// where the system and the file system allow it: straight from the buffer
// to the disk, without a copy into the page cache (which cost the Put more
// CPU than the hash) and without a gigabyte of dirty pages for the final
// fsync to flush, so the disk writes while the next blocks are hashed and
// encrypted. The rest (the last, partial block) and every write on a
// system without direct I/O go through the file itself. The caller still
// syncs f: that makes the data, the allocation and the file's size durable.
type fileSink struct {
	f      *os.File
	direct *os.File // nil: no direct I/O
	off    int64
}

func newFileSink(f *os.File) *fileSink {
	return &fileSink{f: f, direct: openDirect(f.Name())}
}

// directOK says whether p may go through the direct descriptor.
func (s *fileSink) directOK(p []byte) bool {
	return s.direct != nil && len(p) > 0 && len(p)%blockAlign == 0 &&
		uintptr(unsafe.Pointer(unsafe.SliceData(p)))%blockAlign == 0 && s.off%blockAlign == 0
}

func (s *fileSink) Write(p []byte) (int, error) {
	if s.directOK(p) {
		n, err := s.direct.WriteAt(p, s.off)
		if err == nil || n > 0 || !errors.Is(err, syscall.EINVAL) {
			s.off += int64(n)
			return n, err
		}
		// A file system that opens for direct I/O and then refuses it
		// (its blocks are larger, or it never does): the page cache it is.
		s.direct.Close()
		s.direct = nil
	}
	n, err := s.f.WriteAt(p, s.off)
	s.off += int64(n)
	return n, err
}

// Close closes the direct descriptor; f stays open.
func (s *fileSink) Close() error {
	if s.direct == nil {
		return nil
	}
	err := s.direct.Close()
	s.direct = nil
	return err
}
