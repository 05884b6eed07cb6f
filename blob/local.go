package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// LocalStore keeps files in a directory: each under dir/ab/abcd… (the first
// two hex digits of its SHA-256, then the whole hash), readable by the
// owner only. A Put writes to a temporary file in dir (its large blocks
// with direct I/O where the file system allows it: file.go), syncs it and
// renames it into place, so a file is there whole or not at all.
type LocalStore struct {
	dir string
}

var _ Store = (*LocalStore)(nil)

// Local returns the store in dir, which it creates (0700) on the first Put.
func Local(dir string) *LocalStore { return &LocalStore{dir: dir} }

// tempPrefix names a Put's file before it has its hash; List skips them and
// a crashed Put leaves only such a file behind.
const tempPrefix = ".put-"

func (s *LocalStore) path(sha string) string { return filepath.Join(s.dir, sha[:2], sha) }

// Put stores r under the SHA-256 of its plaintext. Bytes already stored are
// kept as they are, except that a plain copy gives way to an encrypted one:
// a Put that asks for encryption never leaves the plaintext on disk.
func (s *LocalStore) Put(ctx context.Context, r io.Reader, opt PutOptions) (info Info, err error) {
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return Info{}, fmt.Errorf("blob: %w", err)
	}
	tmp, err := os.CreateTemp(s.dir, tempPrefix+"*")
	if err != nil {
		return Info{}, fmt.Errorf("blob: %w", err)
	}
	sink := newFileSink(tmp)
	defer func() {
		if err != nil {
			sink.Close()
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if info, err = encode(ctx, sink, r, opt); err != nil {
		return Info{}, err
	}
	if err = sink.Close(); err != nil {
		return Info{}, fmt.Errorf("blob: put: %w", err)
	}
	if err = tmp.Sync(); err != nil {
		return Info{}, fmt.Errorf("blob: put: %w", err)
	}
	if err = tmp.Close(); err != nil {
		return Info{}, fmt.Errorf("blob: put: %w", err)
	}
	if old, serr := s.Stat(ctx, info.SHA256); serr == nil && (old.Encrypted || !info.Encrypted) {
		os.Remove(tmp.Name())
		return old, nil
	}
	if err = s.place(tmp.Name(), info.SHA256); err != nil {
		return Info{}, err
	}
	return info, nil
}

// place renames a complete temporary file to its address and syncs the
// directories, so the name survives a crash.
func (s *LocalStore) place(tmp, sha string) error {
	sub := filepath.Dir(s.path(sha))
	if err := os.MkdirAll(sub, 0o700); err != nil {
		return fmt.Errorf("blob: put: %w", err)
	}
	if err := os.Rename(tmp, s.path(sha)); err != nil {
		return fmt.Errorf("blob: put: %w", err)
	}
	for _, d := range []string{sub, s.dir} {
		if err := syncDir(d); err != nil {
			return fmt.Errorf("blob: put: %w", err)
		}
	}
	return nil
}

// syncDir makes a directory's entries durable. Windows has no such call
// (a directory cannot be flushed) and makes a rename durable by itself.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return err
	}
	return nil
}

// Open returns the plaintext of a stored file, checked against its hash as
// it is read (the reader's last Read fails with ErrCorrupt if it changed).
func (s *LocalStore) Open(ctx context.Context, sha string, identities []string) (io.ReadCloser, error) {
	if err := checkHash(sha); err != nil {
		return nil, err
	}
	f, err := os.Open(s.path(sha))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("blob: %s: %w", sha, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("blob: %w", err)
	}
	return decode(sha, f, identities)
}

// Stat describes a stored file without decrypting it.
func (s *LocalStore) Stat(ctx context.Context, sha string) (Info, error) {
	if err := checkHash(sha); err != nil {
		return Info{}, err
	}
	f, err := os.Open(s.path(sha))
	if errors.Is(err, fs.ErrNotExist) {
		return Info{}, fmt.Errorf("blob: %s: %w", sha, ErrNotFound)
	}
	if err != nil {
		return Info{}, fmt.Errorf("blob: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return Info{}, fmt.Errorf("blob: %w", err)
	}
	return describe(sha, f, fi.Size())
}

// Delete removes a stored file.
func (s *LocalStore) Delete(ctx context.Context, sha string) error {
	if err := checkHash(sha); err != nil {
		return err
	}
	err := os.Remove(s.path(sha))
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("blob: %s: %w", sha, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("blob: %w", err)
	}
	return syncDir(filepath.Dir(s.path(sha)))
}

// List calls fn for each stored file in hash order; an error from fn stops
// the walk and is returned.
func (s *LocalStore) List(ctx context.Context, fn func(Info) error) error {
	err := filepath.WalkDir(s.dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if path == s.dir && errors.Is(err, fs.ErrNotExist) {
				return fs.SkipAll
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.IsDir() || strings.HasPrefix(d.Name(), tempPrefix) || checkHash(d.Name()) != nil ||
			filepath.Base(filepath.Dir(path)) != d.Name()[:2] {
			return nil
		}
		info, err := s.Stat(ctx, d.Name())
		if err != nil {
			return err
		}
		return fn(info)
	})
	if err != nil {
		return fmt.Errorf("blob: list: %w", err)
	}
	return nil
}
