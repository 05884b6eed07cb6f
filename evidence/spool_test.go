package evidence

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/qantar-project/qantar/blob"
)

// The spool's file holds only age ciphertext, is gone from its directory
// while it is used, gives the plaintext back whole with its hash, and
// refuses more than its limit.
func TestSpool(t *testing.T) {
	dir := t.TempDir()
	plain := []byte(strings.Repeat("Synthetic EXIF naming SecretPhoneMaker at 43.2380,76.9450. ", 5000))
	sp, err := newSpool(dir, int64(len(plain)))
	if err != nil {
		t.Fatal(err)
	}
	defer sp.Close()
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("the spool is listed in its directory: %v", left)
	}
	info, err := sp.fill(bytes.NewReader(plain))
	if err != nil || info.Size != int64(len(plain)) || info.SHA256 != sha256Hex(plain) || info.Encrypted {
		t.Fatalf("fill: %+v %v", info, err)
	}
	if _, err := sp.file.Seek(0, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	stored, _ := io.ReadAll(sp.file)
	if !bytes.HasPrefix(stored, []byte("age-encryption.org/v1\n")) || bytes.Contains(stored, []byte("SecretPhoneMaker")) {
		t.Errorf("the spool's file is not ciphertext alone (%d bytes)", len(stored))
	}
	r, err := sp.reader()
	if err != nil {
		t.Fatal(err)
	}
	if back, err := io.ReadAll(r); err != nil || !bytes.Equal(back, plain) {
		t.Errorf("read back %d bytes, %v", len(back), err)
	}
	over, err := newSpool(dir, int64(len(plain))-1)
	if err != nil {
		t.Fatal(err)
	}
	defer over.Close()
	if _, err := over.fill(bytes.NewReader(plain)); !errors.Is(err, blob.ErrTooLarge) {
		t.Errorf("over the limit: %v", err)
	}
}

func sha256Hex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}
