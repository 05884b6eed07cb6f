package blob_test

import (
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
