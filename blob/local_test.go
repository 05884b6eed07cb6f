package blob_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qantar-project/qantar/blob"
)

// TestLocalLayout: a file lives at dir/ab/abcd…, readable by the owner only.
func TestLocalLayout(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "files")
	info, err := blob.Local(dir).Put(context.Background(), strings.NewReader("evidence"), blob.PutOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]os.FileMode{
		dir:                                 os.ModeDir | 0o700,
		filepath.Join(dir, info.SHA256[:2]): os.ModeDir | 0o700,
		filepath.Join(dir, info.SHA256[:2], info.SHA256): 0o600,
	} {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode() != want {
			t.Errorf("%s: mode %v, want %v", path, fi.Mode(), want)
		}
	}
}

// TestLocalListEmpty: a store whose directory does not exist yet lists nothing.
func TestLocalListEmpty(t *testing.T) {
	s := blob.Local(filepath.Join(t.TempDir(), "none"))
	if err := s.List(context.Background(), func(blob.Info) error { t.Fatal("called"); return nil }); err != nil {
		t.Fatal(err)
	}
}

// TestLocalSizes: files around the block and buffer sizes a Put writes in
// (4 KiB, 4 MiB) come back whole, plain and encrypted.
func TestLocalSizes(t *testing.T) {
	s := blob.Local(filepath.Join(t.TempDir(), "files"))
	rcpt, id := newKey(t)
	for i, n := range []int{1, 4095, 4096, 4097, 4<<20 - 1, 4 << 20, 4<<20 + 1, 12<<20 + 5} {
		f := randomBytes(uint64(100+i), n)
		for _, opt := range []blob.PutOptions{{}, {Recipients: []string{rcpt}}} {
			info, err := s.Put(context.Background(), bytes.NewReader(f), opt)
			if err != nil || info.SHA256 != hashOf(f) || info.Size != int64(n) {
				t.Fatalf("%d bytes: Put = %+v, %v", n, info, err)
			}
			if got, err := readAll(t, s, info.SHA256, []string{id}); err != nil || !bytes.Equal(got, f) {
				t.Fatalf("%d bytes (encrypted %v): read back %d, %v", n, info.Encrypted, len(got), err)
			}
			if err := s.Delete(context.Background(), info.SHA256); err != nil {
				t.Fatal(err)
			}
		}
	}
}
