package evidence

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/blob"
)

// Open returns the file with this SHA-256 as reader may fetch it: the record
// (the reader's projection) and its plaintext. A file the reader may not see
// whole, a deleted record, bytes that are gone or that the server cannot
// decrypt are all ENOTFOUND: the answer says nothing of what is hidden.
func (fs *Files) Open(ctx context.Context, st qantar.Store, reader qantar.Actor, sha string) (*qantar.File, io.ReadCloser, error) {
	notFound := qantar.Errorf(qantar.ENOTFOUND, "no such file")
	if !qantar.IsSHA256(sha) {
		return nil, nil, notFound
	}
	// Matched on the reader's own projection: a hidden file has no hash there.
	f, err := find(ctx, st, reader, map[string]string{"sha256": sha})
	if err != nil || f.SHA256 != sha || !reader.CanSee(f.ProtectionLevel()) {
		return nil, nil, notFound
	}
	rc, err := fs.Blobs.Open(ctx, sha, fs.Identities)
	switch {
	case errors.Is(err, blob.ErrNotFound), errors.Is(err, blob.ErrLocked):
		return nil, nil, notFound
	case err != nil:
		return nil, nil, fmt.Errorf("open file %s: %w", sha, err)
	}
	return f, rc, nil
}

// Verify re-reads every stored file that a File record names and says which
// are missing or whose bytes no longer hash to their address, each problem
// a catalogue key with its arguments (qantar.Error) that `qantar verify`
// says in the reader's language. An encrypted file is checked when
// identities can open it (age also authenticates every chunk); without them
// it is counted as unchecked, not passed.
func Verify(ctx context.Context, st qantar.Store, bs blob.Store, identities []string) (problems []*qantar.Error, unchecked int, err error) {
	recs, err := qantar.ListAll(ctx, st, qantar.KindFile, qantar.Filter{Reader: qantar.System})
	if err != nil {
		return nil, 0, err
	}
	byHash := map[string][]int64{}
	for _, r := range recs {
		f := r.(*qantar.File)
		byHash[f.SHA256] = append(byHash[f.SHA256], f.ID)
	}
	hashes := make([]string, 0, len(byHash))
	for h := range byHash {
		hashes = append(hashes, h)
	}
	sort.Strings(hashes)
	for _, h := range hashes {
		p, locked := checkOne(ctx, bs, h, byHash[h], identities)
		if locked {
			unchecked++
		}
		if p != nil {
			problems = append(problems, p)
		}
	}
	return problems, unchecked, nil
}

// checkOne re-hashes one stored file, named by the records ids: nil when
// its bytes are its address.
func checkOne(ctx context.Context, bs blob.Store, sha string, ids []int64, identities []string) (problem *qantar.Error, locked bool) {
	named := fmt.Sprint(ids)
	rc, err := bs.Open(ctx, sha, identities)
	switch {
	case errors.Is(err, blob.ErrLocked):
		return nil, true
	case errors.Is(err, blob.ErrNotFound):
		return qantar.Errorf(qantar.EINVALID, "files %s: %s: the stored bytes are missing", named, sha), false
	case err != nil:
		return qantar.Errorf(qantar.EINVALID, "files %s: %s: cannot be read: %v", named, sha, err), false
	}
	defer rc.Close()
	h := sha256.New()
	if _, err := io.Copy(h, rc); err != nil {
		return qantar.Errorf(qantar.EINVALID, "files %s: %s: its bytes changed (%v)", named, sha, err), false
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != sha {
		return qantar.Errorf(qantar.EINVALID, "files %s: %s: its bytes changed: they hash to %s", named, sha, got), false
	}
	return nil, false
}

// CopyPublic writes every stored file an anonymous reader may fetch into
// dir, each under its SHA-256 (streamed, through a temporary file), for an
// export or a mirror; it returns how many. Files hidden from the public are
// never read.
func (fs *Files) CopyPublic(ctx context.Context, st qantar.Store, dir string) (int, error) {
	recs, err := qantar.ListAll(ctx, st, qantar.KindFile, qantar.Filter{Reader: qantar.Anonymous})
	if err != nil {
		return 0, err
	}
	done := map[string]bool{}
	for _, r := range recs {
		f := r.(*qantar.File)
		if f.SHA256 == "" || done[f.SHA256] || !qantar.Anonymous.CanSee(f.ProtectionLevel()) {
			continue
		}
		_, rc, err := fs.Open(ctx, st, qantar.Anonymous, f.SHA256)
		if qantar.ErrorCode(err) == qantar.ENOTFOUND {
			continue // bytes deleted after a granted request, or not decryptable here
		}
		if err != nil {
			return len(done), err
		}
		err = copyTo(rc, dir, f.SHA256)
		rc.Close()
		if err != nil {
			return len(done), err
		}
		done[f.SHA256] = true
	}
	return len(done), nil
}

func copyTo(r io.Reader, dir, name string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".copy-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := io.Copy(tmp, r); err != nil {
		tmp.Close()
		return fmt.Errorf("copy file %s: %w", name, err)
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), filepath.Join(dir, name))
}
