package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"strconv"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/blob"
	"github.com/qantar-project/qantar/evidence"
	"github.com/qantar-project/qantar/internal/testworld"
	"github.com/qantar-project/qantar/media/mediatest"
	"github.com/qantar-project/qantar/web/api"
	"github.com/qantar-project/qantar/web/httpx"
)

// fileStore is a store the file API is tested on, with its log.
type fileStore interface {
	qantar.Store
	api.Log
}

// fileAPI is the API over st with a file store that encrypts to a fresh key.
func fileAPI(t *testing.T, st fileStore) http.Handler {
	t.Helper()
	files := testworld.Files(t, blob.Local(t.TempDir()))
	mux := http.NewServeMux()
	api.New(api.Config{Store: st, Log: st, Files: files, Logger: slog.New(slog.DiscardHandler)}).Routes(mux)
	return mux
}

func fileRequest(t *testing.T, h http.Handler, actor qantar.Actor, r *http.Request) *httptest.ResponseRecorder {
	t.Helper()
	r = r.WithContext(httpx.WithActor(r.Context(), actor))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func uploadPublic(t *testing.T, h http.Handler, actor qantar.Actor, source int64, name string, data []byte) *httptest.ResponseRecorder {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("protection", qantar.Public)
	hdr := textproto.MIMEHeader{}
	hdr.Set("Content-Disposition", `form-data; name="file"; filename="`+name+`"`)
	hdr.Set("Content-Type", "image/jpeg")
	pw, _ := mw.CreatePart(hdr)
	pw.Write(data)
	mw.Close()
	r := httptest.NewRequest("POST", "/api/v1/sources/"+fileID(source)+"/files", &body)
	r.Header.Set("Content-Type", mw.FormDataContentType())
	return fileRequest(t, h, actor, r)
}

type uploaded struct {
	qantar.File
	PublicCopy *qantar.File `json:"public_copy"`
}

// The upload's answer names both records (the original kept restricted,
// its origin on it, and the public copy); the origin is served to a viewer
// and never to an anonymous reader; /similar lists near duplicates across
// sources among what the reader may see. On SQLite and PostgreSQL.
func TestFileAPIOriginAndSimilar(t *testing.T) {
	for _, named := range testworld.Stores[fileStore](t, testworld.Options{}) {
		t.Run(named.Name, func(t *testing.T) {
			st := named.Store
			h := fileAPI(t, st)
			ctx := context.Background()
			var sources [2]int64
			for i := range sources {
				s := &qantar.Source{SourceKind: "photo", Title: qantar.Text{"en": "Synthetic source"}}
				if err := st.Create(ctx, qantar.System, s); err != nil {
					t.Fatal(err)
				}
				sources[i] = s.ID
			}
			if w := uploadPublic(t, h, anonymous, sources[0], "x.jpg", []byte("x")); w.Code != http.StatusUnauthorized {
				t.Errorf("anonymous upload: %d", w.Code)
			}
			w := uploadPublic(t, h, editor, sources[0], "a.jpg", mediatest.JPEG(t, mediatest.Picture(256, 192, 41, 0), 92, true))
			var a uploaded
			if err := json.Unmarshal(w.Body.Bytes(), &a); err != nil || w.Code != http.StatusCreated {
				t.Fatalf("upload: %d %s", w.Code, w.Body)
			}
			if a.ProtectionLevel() != qantar.Restricted || a.Origin == nil || a.Origin.Latitude == nil || a.PublicCopy == nil ||
				a.PublicCopy.ProtectionLevel() != qantar.Public || a.PublicCopy.Origin != nil || w.Header().Get("Location") != "/api/v1/files/"+fileID(a.ID) {
				t.Fatalf("the answer: %s", w.Body)
			}
			get := func(actor qantar.Actor, path string) *httptest.ResponseRecorder {
				return fileRequest(t, h, actor, httptest.NewRequest("GET", path, nil))
			}
			if b := get(anonymous, "/api/v1/files/"+fileID(a.ID)).Body.Bytes(); bytes.Contains(b, []byte(`"origin"`)) || bytes.Contains(b, []byte(mediatest.Maker)) {
				t.Errorf("anonymous sees the origin: %s", b)
			}
			if b := get(viewer, "/api/v1/files/"+fileID(a.ID)).Body.Bytes(); !bytes.Contains(b, []byte(`"latitude":43.238`)) || !bytes.Contains(b, []byte(mediatest.Maker)) {
				t.Errorf("a viewer does not see the origin: %s", b)
			}
			b := uploaded{}
			w = uploadPublic(t, h, editor, sources[1], "b.jpg", mediatest.JPEG(t, mediatest.Picture(256, 192, 41, 4), 55, false))
			if err := json.Unmarshal(w.Body.Bytes(), &b); err != nil || b.ProtectionLevel() != qantar.Public || b.PublicCopy != nil {
				t.Fatalf("a clean public JPEG: %s", w.Body)
			}
			similar := func(actor qantar.Actor, id int64) []int64 {
				w := get(actor, "/api/v1/files/"+fileID(id)+"/similar")
				var ans struct {
					Similar []evidence.Near `json:"similar"`
				}
				if err := json.Unmarshal(w.Body.Bytes(), &ans); err != nil || w.Code != http.StatusOK {
					t.Fatalf("similar: %d %s", w.Code, w.Body)
				}
				var ids []int64
				for _, n := range ans.Similar {
					ids = append(ids, n.File.ID)
				}
				return ids
			}
			if got := similar(anonymous, b.ID); len(got) != 1 || got[0] != a.PublicCopy.ID {
				t.Errorf("anonymous, near b: %v, want [%d]", got, a.PublicCopy.ID)
			}
			if got := similar(viewer, b.ID); len(got) != 2 {
				t.Errorf("viewer, near b: %v, want the original and its copy", got)
			}
			if got := similar(anonymous, a.ID); len(got) != 0 {
				t.Errorf("anonymous, near the restricted original: %v", got)
			}
			if w := get(anonymous, "/api/v1/files/999999/similar"); w.Code != http.StatusNotFound {
				t.Errorf("an unknown file: %d", w.Code)
			}
			if w := get(anonymous, "/api/v1/files/"+fileID(b.ID)+"/similar?max_distance=x"); w.Code != http.StatusBadRequest {
				t.Errorf("a bad max_distance: %d", w.Code)
			}
		})
	}
}

func fileID(n int64) string { return strconv.FormatInt(n, 10) }
