package blob

import "os"

// SetMaxCopy sets the largest object s copies in one request, so a test can
// take the multipart copy that objects over 5 GiB take.
func SetMaxCopy(s *S3Store, n int64) { s.maxCopy = n }

// OpenDirect and AlignedBuffer let the benchmark measure the disk with the
// direct I/O a local Put uses.
func OpenDirect(name string) *os.File { return openDirect(name) }
func AlignedBuffer(n int) []byte      { return alignedBuffer(n) }
