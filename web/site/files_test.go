package site_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"io"
	"io/fs"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"filippo.io/age"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/blob"
	"github.com/qantar-project/qantar/evidence"
	"github.com/qantar-project/qantar/sqlite"
	"github.com/qantar-project/qantar/web"
)

// fileMarker is written into a confidential file's name and bytes; no answer
// to an anonymous reader may carry it.
const fileMarker = "Zhyldyzmarker"

// filesFixture is a server that keeps evidence files in a local directory,
// encrypting what is not public to a fresh age key, with a token per role.
type filesFixture struct {
	db      *sqlite.DB
	srv     *httptest.Server
	dir     string
	tokens  map[string]string // role -> bearer secret
	source  int64
	touchy  int64 // a source citing a confidential person
	maxSize int64
	// recipients are the age recipients the server encrypts files to.
	recipients []string
}

func newFilesFixture(t *testing.T) *filesFixture {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "files.db"), sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	fx := &filesFixture{db: db, dir: filepath.Join(t.TempDir(), "files.db.files"), tokens: map[string]string{}, maxSize: 1 << 20}
	for _, role := range []string{qantar.RoleEditor, qantar.RoleViewer} {
		_, secret, err := db.CreateToken(ctx, role+" test", role)
		if err != nil {
			t.Fatal(err)
		}
		fx.tokens[role] = secret
	}
	src := &qantar.Source{SourceKind: "video", Title: qantar.Text{"en": "Synthetic footage"}}
	touchy := &qantar.Source{SourceKind: "testimony", Title: qantar.Text{"en": "Synthetic testimony"}}
	witness := &qantar.Person{Names: []qantar.Name{{Value: "Synthetic Hidden Witness"}}, Protection: qantar.Confidential}
	for _, r := range []qantar.Record{src, touchy, witness} {
		if err := db.Create(ctx, qantar.System, r); err != nil {
			t.Fatal(err)
		}
	}
	cit := &qantar.Citation{RecordKind: qantar.KindPerson, RecordID: witness.ID, SourceID: touchy.ID}
	if err := db.Create(ctx, qantar.System, cit); err != nil {
		t.Fatal(err)
	}
	fx.source, fx.touchy = src.ID, touchy.ID
	fx.recipients = []string{id.Recipient().String()}
	files := &evidence.Files{Blobs: blob.Local(fx.dir), Recipients: []string{id.Recipient().String()},
		Identities: []string{id.String()}, MaxSize: fx.maxSize}
	srv := web.New(web.Config{Store: db, Tokens: db, Log: db, Files: files, Logger: slog.New(slog.NewTextHandler(testLog{t}, nil))})
	fx.srv = httptest.NewServer(srv.Handler())
	t.Cleanup(fx.srv.Close)
	return fx
}

// upload posts a multipart form (fields first, then the file) as role
// ("" anonymous) and returns the status and the answer.
func (fx *filesFixture) upload(t *testing.T, role, path string, fields map[string]string, name, ctype string, data []byte) (int, []byte) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="file"; filename="`+name+`"`)
	h.Set("Content-Type", ctype)
	w, _ := mw.CreatePart(h)
	w.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", fx.srv.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return fx.send(t, role, req)
}

func (fx *filesFixture) send(t *testing.T, role string, req *http.Request) (int, []byte) {
	t.Helper()
	if role != "" {
		req.Header.Set("Authorization", "Bearer "+fx.tokens[role])
	}
	resp, err := noRedirect().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func (fx *filesFixture) fetch(t *testing.T, role, path string) (int, []byte, http.Header) {
	t.Helper()
	req, _ := http.NewRequest("GET", fx.srv.URL+path, nil)
	if role != "" {
		req.Header.Set("Authorization", "Bearer "+fx.tokens[role])
	}
	resp, err := noRedirect().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b, resp.Header
}

func pngBytes(t *testing.T, extra string) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 3, 2))
	img.Set(1, 1, color.RGBA{200, 10, 10, 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	b.WriteString(extra) // bytes after IEND: still a PNG to every reader
	return b.Bytes()
}

func hashOf(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

func decodeFile(t *testing.T, b []byte) *qantar.File {
	t.Helper()
	var f qantar.File
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatalf("not a File record: %v\n%s", err, b)
	}
	return &f
}

// A confidential file: stored encrypted (its bytes and name nowhere on disk
// in the clear), fetched whole by an editor (and audited), 404 to a viewer
// and to anonymous readers, and its fileMarker in no answer they can get.
func TestFileProtected(t *testing.T) {
	fx := newFilesFixture(t)
	data := pngBytes(t, "secret "+fileMarker)
	status, b := fx.upload(t, qantar.RoleEditor, "/api/v1/sources/"+itoa(fx.source)+"/files",
		map[string]string{"protection": qantar.Confidential, "captured_at": "2022-01-05T14:30"}, fileMarker+".png", "image/png", data)
	if status != http.StatusCreated {
		t.Fatalf("upload: %d %s", status, b)
	}
	f := decodeFile(t, b)
	if !f.Encrypted || f.SHA256 != hashOf(data) || f.Size != int64(len(data)) || f.MediaType != "image/png" || f.Metadata["width"] != "3" {
		t.Fatalf("stored as %+v", f)
	}
	filepath.WalkDir(fx.dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			raw, _ := os.ReadFile(p)
			if bytes.Contains(raw, []byte(fileMarker)) || bytes.Contains([]byte(p), []byte(fileMarker)) {
				t.Errorf("%s holds the plaintext", p)
			}
		}
		return nil
	})
	sha := f.SHA256
	for _, path := range []string{"/api/v1/files", "/api/v1/files/" + itoa(f.ID), "/api/v1/files/" + itoa(f.ID) + "/history",
		"/api/v1/files?sha256=" + sha, "/files", "/files/" + itoa(f.ID), "/files/" + itoa(f.ID) + "/history",
		"/sources/" + itoa(fx.source), "/files?format=csv", "/files?format=json", "/files?q=" + fileMarker} {
		for _, role := range []string{"", qantar.RoleViewer} {
			_, body, _ := fx.fetch(t, role, path)
			if bytes.Contains(bytes.ReplaceAll(body, []byte("q="+fileMarker), nil), []byte(fileMarker)) || bytes.Contains(body, []byte(sha)) {
				t.Errorf("%s as %q shows the marker or the hash", path, role)
			}
		}
	}
	// Search pages echo the query: the marker may appear no more often
	// than a word that matches nothing.
	for _, path := range []string{"/search?q=", "/api/v1/search?q="} {
		_, hit, _ := fx.fetch(t, "", path+fileMarker)
		_, miss, _ := fx.fetch(t, "", path+"Qwertyuiopasd")
		if bytes.Count(hit, []byte(fileMarker)) != bytes.Count(miss, []byte("Qwertyuiopasd")) {
			t.Errorf("%s finds the marker", path)
		}
	}
	for _, role := range []string{"", qantar.RoleViewer} {
		if status, _, _ := fx.fetch(t, role, "/files/"+sha); status != http.StatusNotFound {
			t.Errorf("/files/{sha} as %q: %d, want 404", role, status)
		}
	}
	status, body, h := fx.fetch(t, qantar.RoleEditor, "/files/"+sha)
	if status != http.StatusOK || !bytes.Equal(body, data) || h.Get("Content-Type") != "image/png" || h.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("editor fetch: %d, %d bytes, %v", status, len(body), h)
	}
	audit, _, err := fx.db.ListAudit(context.Background(), 10, 0)
	if err != nil || len(audit) == 0 || audit[0].Kind != qantar.KindFile || audit[0].RecordID != f.ID {
		t.Errorf("the editor's fetch is not in the audit log: %+v (%v)", audit, err)
	}
	// The editor's source page lists it with a preview; the fileMarker is theirs to see.
	if _, page, _ := fx.fetch(t, qantar.RoleEditor, "/sources/"+itoa(fx.source)); !bytes.Contains(page, []byte(`src="/files/`+sha)) || !bytes.Contains(page, []byte(`enctype="multipart/form-data"`)) {
		t.Errorf("the editor's source page lacks the preview or the upload form")
	}
}

// A public file whose declared type lies gets the sniffed one; it is served
// to anybody with its length, inline as an image; a text file is an
// attachment; a derivative of a confidential original is confidential.
func TestFilePublicAndDerived(t *testing.T) {
	fx := newFilesFixture(t)
	img := pngBytes(t, "")
	status, b := fx.upload(t, qantar.RoleEditor, "/api/v1/sources/"+itoa(fx.source)+"/files",
		map[string]string{"protection": qantar.Public}, "report.pdf", "application/pdf", img)
	if status != http.StatusCreated {
		t.Fatalf("upload: %d %s", status, b)
	}
	f := decodeFile(t, b)
	if f.Encrypted || f.MediaType != "image/png" || f.DeclaredType != "application/pdf" || f.Note.IsEmpty() {
		t.Errorf("a lying type: %+v", f)
	}
	status, body, h := fx.fetch(t, "", "/files/"+f.SHA256)
	if status != http.StatusOK || !bytes.Equal(body, img) || h.Get("Content-Length") != itoa(int64(len(img))) ||
		!strings.HasPrefix(h.Get("Content-Disposition"), "inline") {
		t.Errorf("anonymous fetch of a public image: %d %v", status, h)
	}
	status, b = fx.upload(t, qantar.RoleEditor, "/sources/"+itoa(fx.source)+"/files",
		map[string]string{"protection": qantar.Public}, "notes.html", "text/plain", []byte("<html><script>alert(1)</script>"))
	if status != http.StatusSeeOther {
		t.Fatalf("the page's upload form: %d %s", status, b)
	}
	if _, page, _ := fx.fetch(t, "", "/sources/"+itoa(fx.source)); !bytes.Contains(page, []byte(`src="/files/`+f.SHA256)) || bytes.Contains(page, []byte("multipart")) {
		t.Errorf("the anonymous source page lacks the public preview or offers the upload form")
	}
	html := hashOf([]byte("<html><script>alert(1)</script>"))
	if _, _, h := fx.fetch(t, "", "/files/"+html); !strings.HasPrefix(h.Get("Content-Disposition"), "attachment") {
		t.Errorf("an HTML file is served as %q", h.Get("Content-Disposition"))
	}

	orig := pngBytes(t, "original")
	_, b = fx.upload(t, qantar.RoleEditor, "/api/v1/sources/"+itoa(fx.source)+"/files", map[string]string{"protection": qantar.Confidential}, "o.png", "image/png", orig)
	o := decodeFile(t, b)
	status, b = fx.upload(t, qantar.RoleEditor, "/api/v1/sources/"+itoa(fx.source)+"/files",
		map[string]string{"derived_from": o.SHA256, "derivation": "thumbnail"}, "t.png", "image/png", pngBytes(t, "thumb"))
	if d := decodeFile(t, b); status != http.StatusCreated || d.ProtectionLevel() != qantar.Confidential || !d.Encrypted || d.DerivedFrom != o.SHA256 {
		t.Errorf("a derivative of a confidential file: %d %+v", status, d)
	}
	// A file of a source citing a hidden person is never public.
	_, b = fx.upload(t, qantar.RoleEditor, "/api/v1/sources/"+itoa(fx.touchy)+"/files", map[string]string{"protection": qantar.Public}, "w.png", "image/png", pngBytes(t, "w"))
	if d := decodeFile(t, b); d.ProtectionLevel() == qantar.Public || !d.Encrypted {
		t.Errorf("a file of a source about a hidden person: %+v", d)
	}
}

// Refusals store nothing: no role, a file over the limit, a missing source,
// a record without bytes; a deletion request is a version.
func TestFileRefusalsAndDeletionRequest(t *testing.T) {
	fx := newFilesFixture(t)
	path := "/api/v1/sources/" + itoa(fx.source) + "/files"
	pub := map[string]string{"protection": qantar.Public}
	for _, tc := range []struct {
		name, role, path string
		size             int64
		want             int
	}{
		{"Anonymous", "", path, 10, http.StatusUnauthorized},
		{"Viewer", qantar.RoleViewer, path, 10, http.StatusForbidden},
		{"TooLarge", qantar.RoleEditor, path, fx.maxSize + 1, http.StatusRequestEntityTooLarge},
		{"NoSource", qantar.RoleEditor, "/api/v1/sources/999999/files", 10, http.StatusNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if status, b := fx.upload(t, tc.role, tc.path, pub, "x.bin", "application/octet-stream", bytes.Repeat([]byte("x"), int(tc.size))); status != tc.want {
				t.Errorf("status %d, want %d: %s", status, tc.want, b)
			}
		})
	}
	req, _ := http.NewRequest("POST", fx.srv.URL+"/api/v1/files", strings.NewReader(`{"source_id":1,"sha256":"`+strings.Repeat("a", 64)+`","size":1,"media_type":"x/y"}`))
	req.Header.Set("Content-Type", "application/json")
	if status, _ := fx.send(t, qantar.RoleEditor, req); status != http.StatusBadRequest {
		t.Errorf("a File record without its bytes: %d, want 400", status)
	}
	req, _ = http.NewRequest("POST", fx.srv.URL+"/edit/files/new", strings.NewReader("json=%7B%7D"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if status, _ := fx.send(t, qantar.RoleEditor, req); status != http.StatusBadRequest {
		t.Errorf("a File record typed into the workspace: %d, want 400", status)
	}
	if n, _ := fx.db.Count(context.Background()); n[qantar.KindFile] != 0 {
		t.Errorf("refusals wrote %d files", n[qantar.KindFile])
	}
	if entries, _ := os.ReadDir(fx.dir); len(entries) != 0 {
		t.Errorf("refused uploads left %d entries in the store", len(entries))
	}

	_, b := fx.upload(t, qantar.RoleEditor, path, pub, "a.txt", "text/plain", []byte("synthetic evidence"))
	f := decodeFile(t, b)
	f.DeletionRequested = &qantar.DeletionRequest{Reason: "the witness withdrew consent", By: "synthetic editor"}
	body, _ := json.Marshal(f)
	req, _ = http.NewRequest("PUT", fx.srv.URL+"/api/v1/files/"+itoa(f.ID), bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if status, b := fx.send(t, qantar.RoleEditor, req); status != http.StatusOK {
		t.Fatalf("deletion request: %d %s", status, b)
	}
	_, hist, _ := fx.fetch(t, "", "/api/v1/files/"+itoa(f.ID)+"/history")
	if !bytes.Contains(hist, []byte("withdrew consent")) || bytes.Count(hist, []byte(`"version"`)) < 2 {
		t.Errorf("the history lacks the deletion request: %s", hist)
	}
}

// An image bomb (a PNG header claiming 30,000 × 30,000 pixels) is refused
// from its header, in the reader's words, and nothing is stored.
func TestFileImageBombRefused(t *testing.T) {
	fx := newFilesFixture(t)
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr, 30000)
	binary.BigEndian.PutUint32(ihdr[4:], 30000)
	ihdr[8], ihdr[9] = 8, 6
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	binary.Write(&b, binary.BigEndian, uint32(len(ihdr)))
	b.WriteString("IHDR")
	b.Write(ihdr)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(append([]byte("IHDR"), ihdr...)))
	count := func() int {
		recs, _, err := fx.db.List(context.Background(), qantar.KindFile, qantar.Filter{Reader: qantar.System, Limit: qantar.MaxLimit})
		if err != nil {
			t.Fatal(err)
		}
		entries, _ := os.ReadDir(fx.dir)
		return len(recs)*1000 + len(entries)
	}
	before := count()
	status, body := fx.upload(t, qantar.RoleEditor, "/api/v1/sources/"+itoa(fx.source)+"/files",
		map[string]string{"protection": qantar.Public}, "bomb.png", "image/png", b.Bytes())
	if status != http.StatusBadRequest && status != http.StatusUnprocessableEntity || !bytes.Contains(body, []byte("image bomb")) {
		t.Fatalf("an image bomb: %d %s", status, body)
	}
	if count() != before {
		t.Error("a refused image bomb left a file record or stored bytes")
	}
}
