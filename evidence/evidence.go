// Package evidence adds evidence files to sources and serves them back: the
// bytes streamed into a blob.Store under their SHA-256 (age-encrypted when
// they must not leak), a qantar.File record written for each addition,
// derivative and deletion request, so that the log holds the chain of
// custody. The API, the source page and `qantar file add` all go through Add;
// `GET /files/{sha256}` through Open; `verify --db` through Verify.
package evidence

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"strconv"
	"strings"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/blob"
	"github.com/qantar-project/qantar/locale"
	"github.com/qantar-project/qantar/media"
)

// DefaultMaxSize is the largest file accepted unless configured (2 GiB).
const DefaultMaxSize int64 = 2 << 30

// Files is where evidence files are kept and who can open them.
type Files struct {
	Blobs blob.Store
	// Recipients are the organisation's age recipients ("age1…"): every
	// file that is not public is encrypted to them. Without any, such a
	// file is refused rather than stored in the clear.
	Recipients []string
	// Identities ("AGE-SECRET-KEY-1…") let the server decrypt a file for a
	// reader whose role may see it; without them an encrypted file is
	// served to nobody.
	Identities []string
	// MaxSize bounds one file (DefaultMaxSize when 0).
	MaxSize int64
}

// Upload is what the uploader says of a file; the bytes say the rest.
type Upload struct {
	SourceID     int64
	Name         string
	DeclaredType string // the Content-Type sent; kept only when the bytes disagree
	Protection   string // "" is restricted; a derivative defaults to its original's level
	DerivedFrom  string // the original's SHA-256, for a derivative
	Derivation   string
	CapturedAt   qantar.Date
}

// sniffLen is how much of a file is read ahead to name its type and size an image.
const sniffLen = 64 << 10

// Add streams r into the blob store and records it as a File of the source:
// the type sniffed from the bytes, encrypted unless public, refused whole
// (nothing stored) when the actor may not write, the source or the original
// is missing, or the file is over the limit. The same bytes added again to
// the same source return the record already there.
func (fs *Files) Add(ctx context.Context, st qantar.Store, actor qantar.Actor, up Upload, r io.Reader) (*qantar.File, error) {
	if !actor.CanWrite() {
		return nil, qantar.Errorf(qantar.EFORBIDDEN, "only editors may add files")
	}
	f, err := fs.describe(ctx, st, up)
	if err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(r, sniffLen)
	head, _ := br.Peek(sniffLen)
	f.MediaType = http.DetectContentType(head)
	if declared := baseType(up.DeclaredType); declared != "" && declared != "application/octet-stream" && declared != baseType(f.MediaType) {
		f.DeclaredType = up.DeclaredType
		f.Note = typeNote(declared, baseType(f.MediaType))
	}
	if f.Metadata, err = headMetadata(head); err != nil {
		return nil, err // an image bomb: refused before a byte is stored
	}
	opt := blob.PutOptions{MaxSize: fs.maxSize()}
	if f.ProtectionLevel() != qantar.Public {
		if len(fs.Recipients) == 0 {
			return nil, qantar.Errorf(qantar.EINVALID, "a protected file must be encrypted, and the server has no recipients (serve --file-recipients)")
		}
		opt.Recipients = fs.Recipients
	}
	info, err := fs.Blobs.Put(ctx, br, opt)
	if errors.Is(err, blob.ErrTooLarge) {
		return nil, qantar.Errorf(qantar.ETOOLARGE, "the file is larger than the limit of %d bytes", fs.maxSize())
	}
	if err != nil {
		return nil, fmt.Errorf("store file: %w", err)
	}
	f.SHA256, f.Size, f.Encrypted = info.SHA256, info.Size, info.Encrypted
	if old, err := find(ctx, st, qantar.System, map[string]string{"source_id": strconv.FormatInt(f.SourceID, 10), "sha256": f.SHA256}); err == nil {
		return old, nil
	}
	if f.DerivedFrom == f.SHA256 {
		return nil, qantar.FieldErrorf("derived_from", "a file cannot be derived from itself")
	}
	if err := st.Create(ctx, actor, f); err != nil {
		fs.forget(ctx, st, f.SHA256)
		return nil, err
	}
	return f, nil
}

// describe checks what the uploader says and makes the record's first
// fields: the source must exist, a derivative's original too (its level is
// the derivative's unless another is given), and a file of a source that
// cites a person hidden from the public is never public.
func (fs *Files) describe(ctx context.Context, st qantar.Store, up Upload) (*qantar.File, error) {
	if _, err := st.Get(ctx, qantar.KindSource, up.SourceID); err != nil {
		return nil, err
	}
	f := &qantar.File{SourceID: up.SourceID, Name: strings.TrimSpace(up.Name), Protection: up.Protection,
		DerivedFrom: up.DerivedFrom, Derivation: up.Derivation, CapturedAt: up.CapturedAt}
	if f.DerivedFrom != "" {
		orig, err := find(ctx, st, qantar.System, map[string]string{"sha256": f.DerivedFrom})
		if err != nil {
			return nil, qantar.FieldErrorf("derived_from", "no file with SHA-256 %s", f.DerivedFrom)
		}
		if f.Protection == "" {
			f.Protection = orig.ProtectionLevel()
		}
	}
	if f.Protection == "" {
		f.Protection = qantar.Restricted
	}
	if f.Protection == qantar.Public {
		hidden, err := citesHidden(ctx, st, up.SourceID)
		if err != nil {
			return nil, err
		}
		if hidden {
			f.Protection = qantar.Restricted
		}
	}
	// Checked before any byte is stored; the hash and type come later.
	probe := *f
	probe.SHA256, probe.MediaType = strings.Repeat("0", 64), "application/octet-stream"
	if err := probe.Validate(); err != nil {
		return nil, err
	}
	return f, nil
}

// citesHidden reports whether a source cites anything about a person an
// anonymous reader may not see (its citation is redacted for them).
func citesHidden(ctx context.Context, st qantar.Store, sourceID int64) (bool, error) {
	resolve := qantar.StoreResolver(ctx, st)
	cits, err := qantar.ListAll(ctx, st, qantar.KindCitation, qantar.Filter{Reader: qantar.System,
		Where: map[string]string{"source_id": strconv.FormatInt(sourceID, 10)}})
	if err != nil {
		return false, err
	}
	for _, c := range cits {
		if qantar.Project(qantar.PublicReader, c, resolve) != c {
			return true, nil
		}
	}
	return false, nil
}

// forget deletes bytes just stored when no record names them.
func (fs *Files) forget(ctx context.Context, st qantar.Store, sha string) {
	if _, err := find(ctx, st, qantar.System, map[string]string{"sha256": sha}); err != nil {
		fs.Blobs.Delete(ctx, sha)
	}
}

func (fs *Files) maxSize() int64 {
	if fs.MaxSize > 0 {
		return fs.MaxSize
	}
	return DefaultMaxSize
}

// find returns the first live File matching where as reader sees it.
func find(ctx context.Context, st qantar.Store, reader qantar.Actor, where map[string]string) (*qantar.File, error) {
	recs, _, err := st.List(ctx, qantar.KindFile, qantar.Filter{Where: where, Reader: reader, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, qantar.Errorf(qantar.ENOTFOUND, "no such file")
	}
	return recs[0].(*qantar.File), nil
}

func baseType(t string) string {
	mt, _, err := mime.ParseMediaType(t)
	if err != nil {
		return ""
	}
	return mt
}

// typeNote says, in each language of the catalogue, that the declared type
// was not what the bytes are: record content every reader reads in theirs.
func typeNote(declared, sniffed string) qantar.Text {
	note := qantar.Text{}
	for _, lang := range []string{"kk", "ru", "en"} {
		note[lang] = locale.For(lang).S("declared as %s; the bytes are %s", declared, sniffed)
	}
	return note
}

// headMetadata is what a file's first bytes say that its record keeps: an
// image's width and height, read from its header by package media (never
// its pixels), which refuses an image bomb (media.ErrImageBomb).
func headMetadata(head []byte) (map[string]string, error) {
	info, err := media.Head(head)
	if err != nil {
		return nil, err
	}
	if info.Width <= 0 || info.Height <= 0 {
		return nil, nil
	}
	return map[string]string{"width": strconv.Itoa(info.Width), "height": strconv.Itoa(info.Height)}, nil
}

// ReadKeys reads an age recipients or identities file: one key a line,
// blank lines and # comments skipped.
func ReadKeys(path string) ([]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var keys []string
	for line := range strings.Lines(string(b)) {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			keys = append(keys, line)
		}
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("%s holds no key", path)
	}
	return keys, nil
}

// UploadLimit is the most an upload request may send: the file's limit and
// room for the form around it.
func (fs *Files) UploadLimit() int64 { return fs.maxSize() + 1<<20 }
