package api

import (
	"net/http"
	"strconv"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/evidence"
	"github.com/qantar-project/qantar/web/httpx"
)

// addedFile is the answer to an upload: the File record as it was added
// and, when it was asked to be public but its metadata could name its
// maker, the public copy made without that metadata (the original is then
// restricted, and its note says why).
type addedFile struct {
	*qantar.File
	PublicCopy *qantar.File `json:"public_copy,omitempty"`
}

// apiAddFile is POST /api/v1/sources/{id}/files: a multipart upload whose
// part "file" is streamed into the file store (evidence.Files.AddMultipart),
// answered with the File record and its public copy, if one was made.
// Editors only, checked before any byte is read.
func (s *Server) apiAddFile(w http.ResponseWriter, r *http.Request) error {
	actor, err := httpx.RequireWriter(r)
	if err != nil {
		return err
	}
	if s.cfg.Files == nil {
		return qantar.Errorf(qantar.ENOTFOUND, "this server keeps no files")
	}
	id, err := httpx.PathID(r)
	if err != nil {
		return err
	}
	a, err := s.cfg.Files.AddMultipart(r, s.store, actor, id)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/files/"+strconv.FormatInt(a.File.ID, 10))
	httpx.WriteJSON(w, http.StatusCreated, addedFile{File: a.File, PublicCopy: a.Public})
	return nil
}

// apiCreateFile refuses POST /api/v1/files: a File record is written only
// with the bytes it describes.
func (s *Server) apiCreateFile(w http.ResponseWriter, r *http.Request) error {
	return qantar.Errorf(qantar.EINVALID, "a file is added with its bytes: POST /api/v1/sources/{id}/files")
}

// maxDistance bounds ?max_distance= of the similar files: beyond it
// unrelated pictures match.
const maxDistance = 20

// apiSimilarFiles is GET /api/v1/files/{id}/similar[?max_distance=N]: the
// files near this image (evidence.Similar) among those the reader may see,
// across sources, nearest first; none for a file the reader may not see.
func (s *Server) apiSimilarFiles(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r)
	if err != nil {
		return err
	}
	dist := evidence.DefaultDistance
	if v := r.URL.Query().Get("max_distance"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > maxDistance {
			return qantar.FieldErrorf("max_distance", "must be a whole number from 0 to %d", maxDistance)
		}
		dist = n
	}
	rec, err := s.store.Get(r.Context(), qantar.KindFile, id)
	if err != nil {
		return err
	}
	near, err := evidence.Similar(r.Context(), s.store, httpx.ActorOf(r), rec.(*qantar.File), dist)
	if err != nil {
		return err
	}
	if near == nil {
		near = []evidence.Near{}
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"file_id": id, "max_distance": dist, "similar": near})
	return nil
}
