package evidence

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"os"

	"filippo.io/age"

	"github.com/qantar-project/qantar/blob"
)

// spool holds an upload while it is inspected whole: a JPEG or PNG asked to
// be public whose first bytes looked clean, until its stripped copy shows
// whether anything had to go. It is a temporary file encrypted to a key
// made for it alone and held only in memory, removed from its directory at
// once where the system allows it: the bytes reach no disk in the clear,
// and nothing readable is left if the process dies. Nothing of the file is
// put in the blob store before it is settled.
type spool struct {
	file *os.File
	id   *age.X25519Identity
	enc  io.WriteCloser
	sum  hash.Hash
	max  int64
}

func newSpool(dir string, maxSize int64) (*spool, error) {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return nil, fmt.Errorf("spool: %w", err)
	}
	f, err := os.CreateTemp(dir, "qantar-door-*")
	if err != nil {
		return nil, fmt.Errorf("spool: %w", err)
	}
	os.Remove(f.Name()) // unlinked while open (not on Windows: Close removes it)
	enc, err := age.Encrypt(f, id.Recipient())
	if err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, fmt.Errorf("spool: %w", err)
	}
	return &spool{file: f, id: id, enc: enc, sum: sha256.New(), max: maxSize}, nil
}

// fill writes all of r to the spool and says what a blob Put would have:
// the plaintext's SHA-256 and size (never Encrypted: it is in no store).
func (s *spool) fill(r io.Reader) (blob.Info, error) {
	n, err := io.Copy(io.MultiWriter(s.enc, s.sum), io.LimitReader(r, s.max+1))
	if err != nil {
		return blob.Info{}, err
	}
	if n > s.max {
		return blob.Info{}, blob.ErrTooLarge
	}
	if err := s.enc.Close(); err != nil {
		return blob.Info{}, fmt.Errorf("spool: %w", err)
	}
	return blob.Info{SHA256: hex.EncodeToString(s.sum.Sum(nil)), Size: n}, nil
}

// reader reads the plaintext back from the start.
func (s *spool) reader() (io.Reader, error) {
	if _, err := s.file.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("spool: %w", err)
	}
	r, err := age.Decrypt(bufio.NewReaderSize(s.file, 1<<20), s.id)
	if err != nil {
		return nil, fmt.Errorf("spool: %w", err)
	}
	return r, nil
}

// Close removes the spool.
func (s *spool) Close() {
	s.file.Close()
	os.Remove(s.file.Name())
}
