package site_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/media"
	"github.com/qantar-project/qantar/media/mediatest"
)

// addedAnswer is the API's answer to an upload: the file and its public copy.
type addedAnswer struct {
	qantar.File
	PublicCopy *qantar.File `json:"public_copy"`
}

func (fx *filesFixture) addPublic(t *testing.T, source int64, name string, data []byte) addedAnswer {
	t.Helper()
	status, b := fx.upload(t, qantar.RoleEditor, "/api/v1/sources/"+itoa(source)+"/files", map[string]string{"protection": qantar.Public}, name, "image/jpeg", data)
	if status != http.StatusCreated {
		t.Fatalf("upload %s: %d %s", name, status, b)
	}
	var a addedAnswer
	if err := json.Unmarshal(b, &a); err != nil {
		t.Fatal(err)
	}
	return a
}

// The position as the page writes it.
const pagePosition = "43.238333, 76.945833"

// A JPEG with EXIF GPS uploaded as public, through the API and through the
// source page's form: the original restricted and encrypted, a copy
// without its metadata public, and that copy is what anybody fetches (no
// position, no device in its bytes); the origin is on the record for a
// viewer (API and page) and nowhere for an anonymous reader; the new texts
// are in kk and ru on the page.
func TestFileMediaPublicJPEGWithGPS(t *testing.T) {
	fx := newFilesFixture(t)
	data := mediatest.JPEG(t, mediatest.Picture(320, 240, 21, 0), 90, true)
	a := fx.addPublic(t, fx.source, "IMG_0001.jpg", data)
	if a.ProtectionLevel() != qantar.Restricted || !a.Encrypted || a.Origin == nil || a.Origin.Device != mediatest.Maker+" "+mediatest.Model || a.Note.IsEmpty() {
		t.Errorf("the original: %+v", a.File)
	}
	c := a.PublicCopy
	if c == nil || c.ProtectionLevel() != qantar.Public || c.Derivation != "stripped" || c.DerivedFrom != a.SHA256 || c.Origin != nil {
		t.Fatalf("the public copy: %+v", c)
	}
	if status, _, _ := fx.fetch(t, "", "/files/"+a.SHA256); status != http.StatusNotFound {
		t.Errorf("anonymous fetch of the original: %d", status)
	}
	status, body, _ := fx.fetch(t, "", "/files/"+c.SHA256)
	info, err := media.Inspect(bytes.NewReader(body), int64(len(body)))
	if status != http.StatusOK || err != nil || info.GPS != nil || info.Make != "" || info.HasEXIF || !mediatest.Clean(body) || info.Width != 320 {
		t.Errorf("anonymous fetch of the copy: %d %+v %v", status, info, err)
	}
	// The origin: a viewer's, never an anonymous reader's.
	for _, path := range []string{"/api/v1/files/" + itoa(a.ID), "/api/v1/files?source_id=" + itoa(fx.source)} {
		_, anon, _ := fx.fetch(t, "", path)
		_, seen, _ := fx.fetch(t, qantar.RoleViewer, path)
		if bytes.Contains(anon, []byte(`"origin"`)) || bytes.Contains(anon, []byte(mediatest.Maker)) || bytes.Contains(anon, []byte("43.2383")) {
			t.Errorf("%s shows an anonymous reader the origin: %s", path, anon)
		}
		if !bytes.Contains(seen, []byte(`"origin"`)) || !bytes.Contains(seen, []byte(mediatest.Maker)) || !bytes.Contains(seen, []byte(`"latitude":43.2383`)) {
			t.Errorf("%s hides the origin from a viewer: %s", path, seen)
		}
	}
	page := "/sources/" + itoa(fx.source)
	_, anon, _ := fx.fetch(t, "", page)
	_, seen, _ := fx.fetch(t, qantar.RoleViewer, page)
	for _, s := range []string{mediatest.Maker, pagePosition, "geo:", "2022-01-05 14:30"} {
		if bytes.Contains(anon, []byte(s)) {
			t.Errorf("the anonymous page shows %q", s)
		}
		if !bytes.Contains(seen, []byte(s)) {
			t.Errorf("the viewer's page lacks %q", s)
		}
	}
	if !bytes.Contains(anon, []byte(`src="/files/`+c.SHA256)) || bytes.Contains(anon, []byte(a.SHA256)) {
		t.Error("the anonymous page does not preview the copy, or names the original's hash")
	}
	if !bytes.Contains(seen, []byte("not yet timestamped")) {
		t.Error("the page does not say the files are not yet timestamped")
	}

	// Through the page's form: the same.
	form := mediatest.JPEG(t, mediatest.Picture(200, 100, 22, 0), 85, true)
	if status, b := fx.upload(t, qantar.RoleEditor, page+"/files", map[string]string{"protection": qantar.Public}, "form.jpg", "image/jpeg", form); status != http.StatusSeeOther {
		t.Fatalf("the page's form: %d %s", status, b)
	}
	recs, _, err := fx.db.List(context.Background(), qantar.KindFile, qantar.Filter{Reader: qantar.System, Where: map[string]string{"source_id": itoa(fx.source)}, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var orig, copied *qantar.File
	for _, r := range recs {
		if f := r.(*qantar.File); f.Name == "form.jpg" && f.Derivation == "" {
			orig = f
		} else if f.Derivation == "stripped" && f.Name == "" {
			copied = f // the copy takes no name: a camera's says when
		}
	}
	if orig == nil || copied == nil || orig.ProtectionLevel() != qantar.Restricted || !orig.Encrypted || copied.ProtectionLevel() != qantar.Public || copied.DerivedFrom != orig.SHA256 {
		t.Fatalf("through the form: %+v %+v", orig, copied)
	}
	if _, body, _ := fx.fetch(t, "", "/files/"+copied.SHA256); !mediatest.Clean(body) || len(body) == 0 {
		t.Error("the form's public copy is not clean")
	}

	// In kk and ru, none of the new texts is left in English.
	english := []string{">Trusted timestamp<", "not yet timestamped", ">Taken (by the device's clock)<", ">Device<", ">Position<",
		"Copy without metadata", "Asked to be public", "a copy without that metadata is made public"}
	for _, lang := range []string{"kk", "ru"} {
		for _, role := range []string{qantar.RoleViewer, qantar.RoleEditor} {
			_, b, _ := fx.fetch(t, role, "/files/"+itoa(orig.ID)+"?lang="+lang)
			_, p, _ := fx.fetch(t, role, page+"?lang="+lang)
			for _, s := range english {
				if bytes.Contains(p, []byte(s)) || bytes.Contains(b, []byte(s)) {
					t.Errorf("%s, %s: %q is in English", lang, role, s)
				}
			}
			if !bytes.Contains(p, []byte(pagePosition)) {
				t.Errorf("%s, %s: no position on the page", lang, role)
			}
		}
	}
}

// Near duplicates across sources: the source page links, for each image,
// the other sources holding one among the files the reader may see; the
// API lists them; a restricted file is never listed, counted or linked for
// an anonymous reader.
func TestFileMediaSimilarAcrossSources(t *testing.T) {
	fx := newFilesFixture(t)
	ctx := context.Background()
	other := &qantar.Source{SourceKind: "photo", Title: qantar.Text{"en": "Synthetic second source"}}
	if err := fx.db.Create(ctx, qantar.System, other); err != nil {
		t.Fatal(err)
	}
	pic := mediatest.Picture(256, 192, 31, 0)
	a := fx.addPublic(t, fx.source, "a.jpg", mediatest.JPEG(t, pic, 95, true)) // a restricted original and its public copy
	b := fx.addPublic(t, other.ID, "b.jpg", mediatest.JPEG(t, mediatest.Picture(256, 192, 31, 5), 60, false))
	// The touchy source cites a hidden person: its files are never public.
	h := fx.addPublic(t, fx.touchy, "h.jpg", mediatest.JPEG(t, pic, 70, false))
	if b.ProtectionLevel() != qantar.Public || b.PublicCopy != nil || h.ProtectionLevel() == qantar.Public {
		t.Fatalf("b %+v, h %+v", b.File, h.File)
	}
	similar := func(role string, id int64) map[int64]bool {
		status, body, _ := fx.fetch(t, role, "/api/v1/files/"+itoa(id)+"/similar")
		var ans struct {
			Similar []struct {
				File     qantar.File `json:"file"`
				Distance int         `json:"distance"`
			} `json:"similar"`
		}
		if err := json.Unmarshal(body, &ans); err != nil || status != http.StatusOK {
			t.Fatalf("similar as %q: %d %s", role, status, body)
		}
		out := map[int64]bool{}
		for _, s := range ans.Similar {
			out[s.File.ID] = true
		}
		return out
	}
	if got := similar("", b.ID); len(got) != 1 || !got[a.PublicCopy.ID] {
		t.Errorf("anonymous, near b: %v, want only %d", got, a.PublicCopy.ID)
	}
	if got := similar(qantar.RoleViewer, b.ID); len(got) != 3 || !got[a.ID] || !got[a.PublicCopy.ID] || !got[h.ID] {
		t.Errorf("viewer, near b: %v", got)
	}
	if got := similar("", h.ID); len(got) != 0 {
		t.Errorf("anonymous, near a restricted file: %v", got)
	}
	if status, _, _ := fx.fetch(t, "", "/api/v1/files/"+itoa(b.ID)+"/similar?max_distance=99"); status != http.StatusBadRequest {
		t.Errorf("max_distance=99: %d", status)
	}
	link := func(id int64) string { return `href="/sources/` + itoa(id) + `"` }
	also := func(page []byte) string {
		i := bytes.Index(page, []byte(`class="file-also"`))
		if i < 0 {
			return ""
		}
		return string(page[i : i+bytes.Index(page[i:], []byte("</dd>"))])
	}
	_, anonB, _ := fx.fetch(t, "", "/sources/"+itoa(other.ID))
	_, seenB, _ := fx.fetch(t, qantar.RoleViewer, "/sources/"+itoa(other.ID))
	if s := also(anonB); !strings.Contains(s, link(fx.source)) || strings.Contains(s, link(fx.touchy)) {
		t.Errorf("the anonymous page of b: also in %q", s)
	}
	if s := also(seenB); !strings.Contains(s, link(fx.source)) || !strings.Contains(s, link(fx.touchy)) {
		t.Errorf("the viewer's page of b: also in %q", s)
	}
	_, anonA, _ := fx.fetch(t, "", "/sources/"+itoa(fx.source))
	if s := also(anonA); !strings.Contains(s, link(other.ID)) || strings.Contains(s, link(fx.touchy)) {
		t.Errorf("the anonymous page of a: also in %q", s)
	}
}

// A PDF is linked, with its first page when a thumbnail of it was added;
// a file's trusted timestamps are listed with their authority and time,
// and one without any says so.
func TestFileMediaPDFThumbnailAndTimestamps(t *testing.T) {
	fx := newFilesFixture(t)
	pdf := []byte("%PDF-1.7\n%%EOF\n")
	status, b := fx.upload(t, qantar.RoleEditor, "/api/v1/sources/"+itoa(fx.source)+"/files", map[string]string{"protection": qantar.Public}, "ruling.pdf", "application/pdf", pdf)
	if status != http.StatusCreated {
		t.Fatalf("pdf: %d %s", status, b)
	}
	p := decodeFile(t, b)
	thumb := mediatest.PNG(t, mediatest.Picture(120, 160, 61, 0), "")
	status, b = fx.upload(t, qantar.RoleEditor, "/api/v1/sources/"+itoa(fx.source)+"/files",
		map[string]string{"protection": qantar.Public, "derived_from": p.SHA256, "derivation": "thumbnail"}, "page1.png", "image/png", thumb)
	if status != http.StatusCreated {
		t.Fatalf("thumbnail: %d %s", status, b)
	}
	th := decodeFile(t, b)
	ctx := context.Background()
	rec, err := fx.db.Get(ctx, qantar.KindFile, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	f := rec.(*qantar.File)
	f.Timestamps = []qantar.FileTimestamp{{Authority: "https://tsa.example.org", Time: "2026-01-02T03:04:05Z", Token: []byte{0x30, 0x03, 0x02, 0x01, 0x01}}}
	if err := fx.db.Update(ctx, qantar.System, f); err != nil {
		t.Fatal(err)
	}
	_, page, _ := fx.fetch(t, "", "/sources/"+itoa(fx.source))
	for _, want := range []string{`src="/files/` + th.SHA256 + `" alt="First page"`, `href="/files/` + p.SHA256 + `">Open the PDF`,
		"https://tsa.example.org: <time>2026-01-02T03:04:05Z</time>", "not yet timestamped"} {
		if !bytes.Contains(page, []byte(want)) {
			t.Errorf("the page lacks %s", want)
		}
	}
}
