// Package evidence adds evidence files to sources and serves them back: the
// bytes streamed into a blob.Store under their SHA-256 (age-encrypted when
// they must not leak), a qantar.File record written for each addition,
// derivative and deletion request, so that the log holds the chain of
// custody. The API, the source page, `qantar file add` and `qantar archive`
// all go through Receive; `GET /files/{sha256}` through Open; `verify --db`
// through Verify.
package evidence

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

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
	// SpoolDir is where a JPEG or PNG asked to be public waits, encrypted
	// to a key of its own, while it is inspected whole (spool.go); "" is
	// the system's temporary directory.
	SpoolDir string
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

// headLen is how much of a file is read ahead, before a byte is stored, to
// name its type, read its EXIF and XMP and size an image.
const headLen = 256 << 10

// Added is what one upload added: the file as it arrived and, when it was
// asked to be public but says who may have made it (EXIF, XMP, a position,
// a device), the public copy made without that metadata (derivation
// "stripped"); the original is then kept restricted.
type Added struct {
	File   *qantar.File `json:"file"`
	Public *qantar.File `json:"public_copy,omitempty"`
}

// Add streams r into the blob store and records it as a File of the source
// (see Receive); it returns the file as it arrived.
func (fs *Files) Add(ctx context.Context, st qantar.Store, actor qantar.Actor, up Upload, r io.Reader) (*qantar.File, error) {
	a, err := fs.Receive(ctx, st, actor, up, r)
	if err != nil {
		return nil, err
	}
	return a.File, nil
}

// Receive streams r into the blob store and records it as a File of the
// source: the type sniffed from the bytes, its origin (when, where, on what
// device) and an image's perceptual hash kept on the record, encrypted
// unless public, refused whole (nothing stored) when the actor may not
// write, the source or the original is missing, the file is over the limit
// or an image bomb. A file asked to be public whose metadata could name its
// maker is kept restricted, with a note saying why, and a JPEG or PNG gets a
// public copy without that metadata in the same request. Such a file never
// reaches the blob store in the clear, wherever its metadata lies: a JPEG
// or PNG whose head looks clean is inspected whole (its stripped copy made)
// before it is stored, and any other image whose metadata lies past its
// head, where media cannot read it, is kept restricted. The same bytes
// added again to the same source return the records already there.
func (fs *Files) Receive(ctx context.Context, st qantar.Store, actor qantar.Actor, up Upload, r io.Reader) (*Added, error) {
	if !actor.CanWrite() {
		return nil, qantar.Errorf(qantar.EFORBIDDEN, "only editors may add files")
	}
	f, err := fs.describe(ctx, st, up)
	if err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(r, headLen)
	head, peekErr := br.Peek(headLen)
	info, err := media.Head(head)
	if err != nil {
		return nil, err // an image bomb: refused before a byte is stored
	}
	describeBytes(f, up, info)
	d := door{askedPublic: f.ProtectionLevel() == qantar.Public}
	d.strip = d.askedPublic && media.CanStrip(f.MediaType)
	d.unchecked = d.askedPublic && (unchecked(f.MediaType) || partlyRead(f.MediaType, d.strip, peekErr == nil))
	d.dirty = d.askedPublic && (identifying(info) || d.unchecked || d.strip && media.Removes(head, peekErr != nil))
	if d.dirty {
		f.Protection = qantar.Restricted
	}
	opt := blob.PutOptions{MaxSize: fs.maxSize()}
	if f.ProtectionLevel() != qantar.Public {
		if len(fs.Recipients) == 0 {
			return nil, ErrNoRecipients
		}
		opt.Recipients = fs.Recipients
	}
	hash := info.Width > 0 && int64(info.Width)*int64(info.Height) <= media.HashMaxPixels
	got, err := fs.put(ctx, br, opt, d, hash)
	if err != nil {
		if got.copy != nil {
			fs.forget(ctx, st, got.copy.SHA256)
		}
		return nil, err
	}
	f.SHA256, f.Size, f.Encrypted = got.orig.SHA256, got.orig.Size, got.orig.Encrypted
	if got.phash != "" {
		if f.Metadata == nil {
			f.Metadata = map[string]string{}
		}
		f.Metadata["phash"] = got.phash
	}
	return fs.keep(ctx, st, actor, f, d, got)
}

// ErrNoRecipients refuses a file that must be encrypted when there is no
// one to encrypt it to: it is never stored in the clear instead.
var ErrNoRecipients = qantar.Errorf(qantar.EINVALID, "a protected file must be encrypted, and the server has no recipients (serve --file-recipients)")

// door is what was decided of a file at the door: asked to be public, a
// JPEG or PNG of which a stripped copy is made, and found (in its head) to
// carry metadata that could name its maker.
type door struct {
	askedPublic, strip, dirty bool
	// unchecked: a file whose metadata media cannot read whole (video and
	// audio containers write place and device anywhere, often at the end;
	// an image media cannot strip, past its head).
	unchecked bool
}

// spooled reports whether the file is held in a spool until it is seen
// whole: a JPEG or PNG asked to be public whose head looked clean, whose
// metadata may yet lie further on.
func (d door) spooled() bool { return d.strip && !d.dirty }

// unchecked reports whether the metadata of files of this type cannot be
// read at the door, so that such a file is never made public unseen.
func unchecked(mediaType string) bool {
	return strings.HasPrefix(mediaType, "video/") || strings.HasPrefix(mediaType, "audio/")
}

// partlyRead reports whether an image's metadata may lie where the door
// did not read it: past the head of an image media cannot strip (a GIF's
// comment, a WebP's EXIF chunk at its end); a JPEG or PNG is seen whole
// through its stripped copy.
func partlyRead(mediaType string, strip, longerThanHead bool) bool {
	return longerThanHead && !strip && strings.HasPrefix(mediaType, "image/")
}

// describeBytes fills in what the first bytes say: the sniffed type (and a
// note when the declared one disagrees), an image's size, its origin.
func describeBytes(f *qantar.File, up Upload, info *media.Info) {
	f.MediaType = info.MediaType
	if declared := baseType(up.DeclaredType); declared != "" && declared != "application/octet-stream" && declared != baseType(f.MediaType) {
		f.DeclaredType = up.DeclaredType
		f.Note = typeNote(declared, baseType(f.MediaType))
	}
	f.Metadata = sizeMetadata(info)
	f.Origin = originOf(info)
}

// headMetadata is what a file's first bytes say that its record keeps of
// its size: an image's width and height, read from its header by package
// media (never its pixels), which refuses an image bomb (media.ErrImageBomb).
func headMetadata(head []byte) (map[string]string, error) {
	info, err := media.Head(head)
	if err != nil {
		return nil, err
	}
	return sizeMetadata(info), nil
}

func sizeMetadata(info *media.Info) map[string]string {
	if info.Width <= 0 || info.Height <= 0 {
		return nil
	}
	return map[string]string{"width": strconv.Itoa(info.Width), "height": strconv.Itoa(info.Height)}
}

// keep settles a public file that turned out to carry metadata past its
// head and writes the records, the original and its public copy together.
func (fs *Files) keep(ctx context.Context, st qantar.Store, actor qantar.Actor, f *qantar.File, d door, got received) (*Added, error) {
	copySHA := ""
	if got.copy != nil && got.copy.SHA256 != f.SHA256 {
		copySHA = got.copy.SHA256
	}
	if old, err := find(ctx, st, qantar.System, map[string]string{"source_id": strconv.FormatInt(f.SourceID, 10), "sha256": f.SHA256}); err == nil {
		if copySHA != "" {
			fs.forget(ctx, st, copySHA)
		}
		return fs.already(ctx, st, old), nil
	}
	if f.DerivedFrom == f.SHA256 {
		fs.forget(ctx, st, copySHA)
		fs.forget(ctx, st, f.SHA256)
		return nil, qantar.FieldErrorf("derived_from", "a file cannot be derived from itself")
	}
	pub, err := fs.settle(ctx, f, d, got, copySHA)
	if err != nil {
		fs.forget(ctx, st, copySHA)
		fs.forget(ctx, st, f.SHA256)
		return nil, err
	}
	if pub != nil {
		if old, err := find(ctx, st, qantar.System, map[string]string{"source_id": strconv.FormatInt(f.SourceID, 10), "sha256": pub.SHA256}); err == nil {
			pub = old // the same clean copy was added before
		}
	}
	err = st.InTx(ctx, func(w qantar.Writer) error {
		if err := w.Create(ctx, actor, f); err != nil {
			return err
		}
		if pub != nil && pub.ID == 0 {
			return w.Create(ctx, actor, pub)
		}
		return nil
	})
	if err != nil {
		f.ID = 0
		fs.forget(ctx, st, copySHA)
		fs.forget(ctx, st, f.SHA256)
		return nil, err
	}
	return &Added{File: f, Public: pub}, nil
}

// already is what an upload of bytes the source has returns: the record
// there and its stripped copy, if it has one.
func (fs *Files) already(ctx context.Context, st qantar.Store, old *qantar.File) *Added {
	a := &Added{File: old}
	if c, err := find(ctx, st, qantar.System, map[string]string{"source_id": strconv.FormatInt(old.SourceID, 10),
		"derived_from": old.SHA256, "derivation": "stripped"}); err == nil {
		a.Public = c
	}
	return a
}

// settle decides what a file asked to be public becomes once all its bytes
// were seen, and returns the public copy to record, if any:
//   - its stripped copy differs (it had metadata): the original is kept
//     restricted (stored encrypted: put saw to it) and the copy is public;
//   - no clean copy could be made (a damaged image), or it is of a type
//     that cannot be stripped and said who made it: it is kept restricted;
//   - otherwise it is public as it is.
func (fs *Files) settle(ctx context.Context, f *qantar.File, d door, got received, copySHA string) (*qantar.File, error) {
	if !d.askedPublic {
		return nil, nil
	}
	note := ""
	switch {
	case d.strip && copySHA != "":
		note = "Asked to be public, but its metadata (time, device or position) could name who made it: this original is kept restricted, and a copy without that metadata is public."
	case d.strip && (got.copy == nil || d.dirty):
		note = "Asked to be public, but its metadata could not be removed (the image could not be read whole): it is kept restricted."
	case d.unchecked:
		note = "Asked to be public, but the metadata of this type of file (time, device or position) cannot be checked: it is kept restricted until an editor publishes it."
	case d.dirty:
		note = "Asked to be public, but its metadata (time, device or position) could name who made it and cannot be removed from this type of file: it is kept restricted."
	default:
		return nil, nil // nothing to remove: public as it is
	}
	f.Protection = qantar.Restricted
	f.Note = joinNotes(f.Note, catalogueText(note))
	if !f.Encrypted { // put stores such a file encrypted from its first byte
		return nil, fmt.Errorf("file %s is kept restricted but was stored in the clear", f.SHA256)
	}
	if copySHA == "" {
		return nil, nil
	}
	// The copy takes no name: a camera's file name says when it was taken.
	return &qantar.File{SourceID: f.SourceID, SHA256: copySHA, Size: got.copy.Size, MediaType: f.MediaType,
		Protection: qantar.Public, Encrypted: got.copy.Encrypted, DerivedFrom: f.SHA256, Derivation: "stripped",
		CapturedAt: f.CapturedAt, Metadata: maps.Clone(f.Metadata)}, nil
}

// put streams the upload into the blob store: a file spooled at the door
// (door.spooled) is stored only once its stripped copy has shown what it
// is; anything else goes straight in, encrypted unless public.
func (fs *Files) put(ctx context.Context, r io.Reader, opt blob.PutOptions, d door, hash bool) (received, error) {
	if !d.spooled() {
		return fs.stream(ctx, r, func(r io.Reader) (blob.Info, error) { return fs.Blobs.Put(ctx, r, opt) }, d.strip, hash)
	}
	sp, err := newSpool(fs.SpoolDir, fs.maxSize())
	if err != nil {
		return received{}, err
	}
	defer sp.Close()
	got, err := fs.stream(ctx, r, sp.fill, true, hash)
	if err != nil {
		return got, err
	}
	got.orig, err = fs.unspool(ctx, sp, got)
	return got, err
}

// unspool stores a spooled file once its stripped copy is made. A copy the
// same byte for byte is the file itself, already stored in the clear:
// there was nothing to remove. Otherwise (metadata removed, or no copy
// could be made) the file is stored encrypted.
func (fs *Files) unspool(ctx context.Context, sp *spool, got received) (blob.Info, error) {
	if got.copy != nil && got.copy.SHA256 == got.orig.SHA256 {
		return *got.copy, nil
	}
	if len(fs.Recipients) == 0 {
		return blob.Info{}, ErrNoRecipients
	}
	r, err := sp.reader()
	if err != nil {
		return blob.Info{}, err
	}
	info, err := fs.Blobs.Put(ctx, r, blob.PutOptions{Recipients: fs.Recipients, MaxSize: fs.maxSize()})
	if err != nil {
		return blob.Info{}, fmt.Errorf("store file: %w", err)
	}
	if info.SHA256 != got.orig.SHA256 || !info.Encrypted {
		return blob.Info{}, fmt.Errorf("store file %s: stored as %+v", got.orig.SHA256, info)
	}
	return info, nil
}

// received is what streaming one upload gave: the original as stored,
// its stripped copy (nil when none was asked or none could be made) and
// an image's perceptual hash.
type received struct {
	orig  blob.Info
	copy  *blob.Info
	phash string
}

// stream puts r into the blob store (or a spool) through store and, on the
// way, hands the same bytes to the stripper of a public copy (stored
// beside it, in the clear: it holds no metadata) and to the perceptual
// hasher, each on its own goroutine through a pipe: the file is read once
// and never held whole.
func (fs *Files) stream(ctx context.Context, r io.Reader, store func(io.Reader) (blob.Info, error), strip, hash bool) (received, error) {
	var got received
	var wg sync.WaitGroup
	var pipes []*io.PipeWriter
	tap := func(consume func(io.Reader)) {
		pr, pw := io.Pipe()
		pipes = append(pipes, pw)
		wg.Go(func() {
			defer io.Copy(io.Discard, pr) // whatever the consumer left, so that the tee never blocks
			consume(pr)
		})
	}
	if strip {
		tap(func(pr io.Reader) {
			if info, err := fs.putStripped(ctx, pr); err == nil {
				got.copy = &info
			}
		})
	}
	if hash {
		tap(func(pr io.Reader) { got.phash, _ = media.PHash(pr) })
	}
	src := r
	if len(pipes) > 0 {
		ws := make([]io.Writer, len(pipes))
		for i, pw := range pipes {
			ws[i] = pw
		}
		src = io.TeeReader(r, io.MultiWriter(ws...))
	}
	info, err := store(src)
	for _, pw := range pipes {
		pw.CloseWithError(err) // nil: io.EOF
	}
	wg.Wait()
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.Is(err, blob.ErrTooLarge) || errors.As(err, &mbe) {
			return got, qantar.Errorf(qantar.ETOOLARGE, "the file is larger than the limit of %d bytes", fs.maxSize())
		}
		return got, fmt.Errorf("store file: %w", err)
	}
	got.orig = info
	return got, nil
}

// putStripped stores the copy of the image r holds that media.Strip makes.
func (fs *Files) putStripped(ctx context.Context, r io.Reader) (blob.Info, error) {
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		_, err := media.Strip(pw, r)
		pw.CloseWithError(err)
		done <- err
	}()
	info, err := fs.Blobs.Put(ctx, pr, blob.PutOptions{MaxSize: fs.maxSize()})
	pr.CloseWithError(io.ErrClosedPipe) // the stripper stops if the store stopped first
	if serr := <-done; err == nil && serr != nil {
		err = serr
	}
	return info, err
}

// identifying reports whether a file's own metadata could say who made it:
// any EXIF or XMP, a device, a position.
func identifying(info *media.Info) bool {
	return info.HasEXIF || info.HasXMP || info.GPS != nil || info.Make != "" || info.Model != "" || info.Software != ""
}

// originOf is what a file says of its making, for its record (nil: nothing).
func originOf(info *media.Info) *qantar.FileOrigin {
	o := &qantar.FileOrigin{Software: clean(info.Software)}
	device := clean(info.Make)
	if model := clean(info.Model); model != "" && !strings.HasPrefix(strings.ToLower(model), strings.ToLower(device)) {
		device = strings.TrimSpace(device + " " + model)
	} else if model != "" {
		device = model
	}
	o.Device = device
	if !info.Taken.IsZero() {
		if info.TakenZoned {
			o.TakenAt = info.Taken.Format(time.RFC3339)
		} else {
			o.TakenAt = info.Taken.Format("2006-01-02T15:04:05")
		}
	}
	if g := info.GPS; g != nil && g.Latitude >= -90 && g.Latitude <= 90 && g.Longitude >= -180 && g.Longitude <= 180 {
		lat, lon := g.Latitude, g.Longitude
		o.Latitude, o.Longitude = &lat, &lon
	}
	if *o == (qantar.FileOrigin{}) {
		return nil
	}
	return o
}

// clean makes a string a device wrote fit a record: valid UTF-8, no
// control characters, at most 200 characters.
func clean(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == utf8.RuneError {
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, ""))
	if r := []rune(strings.TrimSpace(s)); len(r) > 200 {
		return string(r[:200])
	}
	return strings.TrimSpace(s)
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
	if sha == "" {
		return
	}
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
	return catalogueText("declared as %s; the bytes are %s", declared, sniffed)
}

// catalogueText is a note in each language of the catalogue.
func catalogueText(format string, args ...any) qantar.Text {
	note := qantar.Text{}
	for _, lang := range []string{"kk", "ru", "en"} {
		note[lang] = locale.For(lang).S(format, args...)
	}
	return note
}

// joinNotes is a after b, language by language.
func joinNotes(a, b qantar.Text) qantar.Text {
	if len(a) == 0 {
		return b
	}
	out := qantar.Text{}
	for lang, s := range b {
		out[lang] = strings.TrimSpace(a[lang] + " " + s)
	}
	return out
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
