package site

import (
	"context"
	"html/template"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/evidence"
	"github.com/qantar-project/qantar/web/httpx"
)

// filesView is the files section of a source's page: each file as the
// reader may see it, and the upload form for editors (multipart, no script).
type filesView struct {
	Rows   []fileRow
	Upload *fileUpload
}

type fileRow struct {
	id         int64
	Record     link
	SHA256     string   // empty when the reader may not see it
	HashParts  []string // SHA256 in four pieces, so that it can wrap on a narrow screen
	Size       int64
	MediaType  string
	CapturedAt string
	Derivation string
	Href       string // the bytes, when the reader may fetch them
	Replay     string // a web capture (WACZ) replayed as it was captured
	Image, PDF bool   // shown as a capped preview, or linked
	// Width and Height are the preview's, kept to the image's proportions.
	Width, Height int
	Thumb         string // a PDF's first page, when a thumbnail of it was added
	Protected     bool
	Deletion      bool // a deletion was requested
	Stamps        []fileStamp
	Origin        *fileOrigin // for readers who may see it
	Note          string
	NoteLang      string
	AlsoIn        []link // sources holding a near duplicate of this image
}

// fileStamp is one trusted timestamp: who gave it and the time it gives.
type fileStamp struct{ Authority, Time string }

// fileOrigin is what a file says of its making, as text: the position is a
// geo: link (a phone opens it in its own maps; the page draws no map).
type fileOrigin struct {
	TakenAt, Device, Software string
	Position                  string
	PositionHref              template.URL // geo:, built from two numbers
}

type fileUpload struct {
	Action     string
	Protection []option
	Derivation []option
}

// previewWidth caps an image's preview in the page.
const previewWidth = 240

// sourceFiles lists the files of a source as the reader may see them.
func (p *Site) sourceFiles(ctx context.Context, res *resolver, sourceID int64) (*filesView, error) {
	if p.files == nil {
		return nil, nil
	}
	recs, _, err := p.listCached(ctx, qantar.KindFile, qantar.Filter{Reader: res.reader, Limit: 500,
		Where: map[string]string{"source_id": itoa(sourceID)}})
	if err != nil {
		return nil, err
	}
	v := &filesView{}
	var images []int64
	for _, rec := range recs {
		f := rec.(*qantar.File)
		v.Rows = append(v.Rows, fileRowOf(res, f))
		if f.Metadata["phash"] != "" {
			images = append(images, f.ID)
		}
	}
	thumbnails(v.Rows, recs)
	if err := p.alsoIn(ctx, res, sourceID, v.Rows, images); err != nil {
		return nil, err
	}
	if res.reader.CanWrite() {
		v.Upload = &fileUpload{Action: recordHref(qantar.KindSource, sourceID) + "/files",
			Protection: protectionOptions(res.t, ""), Derivation: []option{{Value: "", Label: "—"}}}
		for _, d := range qantar.FileDerivations {
			v.Upload.Derivation = append(v.Upload.Derivation, option{Value: d, Label: res.t.S(derivationLabels[d])})
		}
	}
	return v, nil
}

// fileRowOf is one file's row, from the reader's projection of it.
func fileRowOf(res *resolver, f *qantar.File) fileRow {
	row := fileRow{id: f.ID, Record: link{Href: recordHref(qantar.KindFile, f.ID), Title: "#" + itoa(f.ID)}, SHA256: f.SHA256,
		Size: f.Size, MediaType: f.MediaType, Protected: f.SHA256 == "", Deletion: f.DeletionRequested != nil}
	if !f.CapturedAt.IsZero() {
		row.CapturedAt = f.CapturedAt.String()
	}
	if f.Derivation != "" {
		row.Derivation = res.t.S(derivationLabels[f.Derivation])
	}
	if f.Name != "" {
		row.Record.Title = f.Name
	}
	if row.Protected {
		return row
	}
	for i := 0; i+16 <= len(f.SHA256); i += 16 {
		row.HashParts = append(row.HashParts, f.SHA256[i:i+16])
	}
	row.Note, row.NoteLang = res.t.Text(f.Note), res.t.TextLang(f.Note)
	for _, ts := range f.Timestamps {
		row.Stamps = append(row.Stamps, fileStamp{Authority: ts.Authority, Time: ts.Time})
	}
	row.Origin = originView(f.Origin)
	if res.reader.CanSee(f.ProtectionLevel()) {
		row.Href = "/files/" + f.SHA256
		row.Image, row.PDF = inlineImage(f.MediaType), f.MediaType == "application/pdf"
		if f.MediaType == "application/zip" {
			row.Replay = "/captures/" + f.SHA256 + "/"
		}
		if row.Image {
			row.Width, row.Height = previewSize(f)
		}
	}
	return row
}

// previewSize is an image's preview size: previewWidth wide (or its own
// width if smaller), its height in proportion; no height when unknown.
func previewSize(f *qantar.File) (int, int) {
	w, _ := strconv.Atoi(f.Metadata["width"])
	h, _ := strconv.Atoi(f.Metadata["height"])
	if w <= 0 || h <= 0 {
		return previewWidth, 0
	}
	pw := min(w, previewWidth)
	return pw, max(1, h*pw/w)
}

// originView is a file's origin as text, nil when the reader sees none.
func originView(o *qantar.FileOrigin) *fileOrigin {
	if o == nil {
		return nil
	}
	v := &fileOrigin{TakenAt: strings.Replace(o.TakenAt, "T", " ", 1), Device: o.Device, Software: o.Software}
	if o.Latitude != nil && o.Longitude != nil {
		lat := strconv.FormatFloat(*o.Latitude, 'f', 6, 64)
		lon := strconv.FormatFloat(*o.Longitude, 'f', 6, 64)
		v.Position, v.PositionHref = lat+", "+lon, template.URL("geo:"+lat+","+lon)
	}
	return v
}

// thumbnails gives each PDF the reader may open the preview of its first
// page when a thumbnail of it, an image they may fetch, is among the files.
func thumbnails(rows []fileRow, recs []qantar.Record) {
	thumb := map[string]string{}
	for i, rec := range recs {
		f := rec.(*qantar.File)
		if f.Derivation == "thumbnail" && f.DerivedFrom != "" && rows[i].Image {
			thumb[f.DerivedFrom] = rows[i].Href
		}
	}
	for i := range rows {
		if rows[i].PDF {
			rows[i].Thumb = thumb[rows[i].SHA256]
		}
	}
}

// alsoIn links, for each image, the other sources that hold a near
// duplicate of it among the files the reader may see (evidence.SimilarAll).
func (p *Site) alsoIn(ctx context.Context, res *resolver, sourceID int64, rows []fileRow, images []int64) error {
	if len(images) == 0 {
		return nil
	}
	near, err := evidence.SimilarAll(ctx, cachedLists{p.store, p}, res.reader, images, evidence.DefaultDistance)
	if err != nil {
		return err
	}
	for i := range rows {
		seen := map[int64]bool{sourceID: true}
		for _, n := range near[rows[i].id] {
			if s := n.File.SourceID; !seen[s] {
				seen[s] = true
				rows[i].AlsoIn = append(rows[i].AlsoIn, res.link(ctx, qantar.KindSource, s))
			}
		}
	}
	return nil
}

// cachedLists is the store with its lists answered from the site's cache,
// kept per checkpoint and per level of trust (listCached): the images that
// near duplicates are looked for among are read once a checkpoint, not at
// every view of a source page.
type cachedLists struct {
	qantar.Store
	p *Site
}

func (c cachedLists) List(ctx context.Context, kind qantar.Kind, f qantar.Filter) ([]qantar.Record, int, error) {
	return c.p.listCached(ctx, kind, f)
}

// derivationLabels are the catalogue's words for qantar.FileDerivations.
var derivationLabels = map[string]string{"ocr_text": "OCR text", "thumbnail": "Thumbnail", "redacted": "Redacted copy",
	"stripped": "Copy without metadata", "other": "Other derivative"}

// inlineImage reports whether a type is shown in the page (raster images
// only: an SVG can carry script and is always downloaded).
func inlineImage(t string) bool {
	switch t {
	case "image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp":
		return true
	}
	return false
}

// fileOrRecord serves /files/{id}: a SHA-256 is the file's bytes, a number
// its record page.
func (p *Site) fileOrRecord(w http.ResponseWriter, r *http.Request) error {
	if key := r.PathValue("id"); qantar.IsSHA256(key) {
		return p.fileDownload(w, r, key)
	}
	return p.record(qantar.KindFile)(w, r)
}

// fileDownload streams a file the reader may fetch (evidence.Files.Open
// decides, from the reader's projection), with its sniffed type, its length,
// no sniffing by the browser, and as an attachment unless it is a raster
// image or a PDF. Every fetch of an encrypted file is in the audit log.
func (p *Site) fileDownload(w http.ResponseWriter, r *http.Request, sha string) error {
	if p.files == nil {
		return qantar.Errorf(qantar.ENOTFOUND, "no such file")
	}
	f, rc, err := p.files.Open(r.Context(), p.store, httpx.ActorOf(r), sha)
	if err != nil {
		return err
	}
	defer rc.Close()
	if f.Encrypted {
		p.auth.Audit(r, qantar.AuditView, qantar.KindFile, f.ID, "download "+f.ProtectionLevel())
	}
	h := w.Header()
	h.Set("Content-Type", f.MediaType)
	h.Set("Content-Length", strconv.FormatInt(f.Size, 10))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox")
	disp := "attachment"
	if inlineImage(f.MediaType) || f.MediaType == "application/pdf" {
		disp = "inline"
	}
	name := f.Name
	if name == "" || strings.ContainsAny(name, "/\\") {
		name = f.SHA256
	}
	h.Set("Content-Disposition", mime.FormatMediaType(disp, map[string]string{"filename": name}))
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return nil
	}
	if _, err := io.Copy(w, rc); err != nil {
		p.logger.Error("serve file", "sha256", sha, "err", err)
	}
	return nil
}

// addFile takes the source page's upload form and goes back to the page.
func (p *Site) addFile(w http.ResponseWriter, r *http.Request) error {
	actor, err := httpx.RequireWriter(r)
	if err != nil {
		return err
	}
	if p.files == nil {
		return qantar.Errorf(qantar.ENOTFOUND, "this server keeps no files")
	}
	id, err := httpx.PathID(r)
	if err != nil {
		return err
	}
	if _, err := p.files.AddMultipart(r, p.store, actor, id); err != nil {
		return err
	}
	http.Redirect(w, r, recordHref(qantar.KindSource, id)+"#files", http.StatusSeeOther)
	return nil
}

// noNewFile refuses a File record typed in without its bytes.
func (p *Site) noNewFile(w http.ResponseWriter, r *http.Request) error {
	return qantar.Errorf(qantar.EINVALID, "a file is added with its bytes: POST /api/v1/sources/{id}/files")
}
