package api

import (
	"net/http"
	"strconv"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/web/httpx"
)

// apiAddFile is POST /api/v1/sources/{id}/files: a multipart upload whose
// part "file" is streamed into the file store (evidence.Files.AddMultipart),
// answered with the File record. Editors only, checked before any byte is read.
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
	f, err := s.cfg.Files.AddMultipart(r, s.store, actor, id)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/files/"+strconv.FormatInt(f.ID, 10))
	httpx.WriteJSON(w, http.StatusCreated, f)
	return nil
}

// apiCreateFile refuses POST /api/v1/files: a File record is written only
// with the bytes it describes.
func (s *Server) apiCreateFile(w http.ResponseWriter, r *http.Request) error {
	return qantar.Errorf(qantar.EINVALID, "a file is added with its bytes: POST /api/v1/sources/{id}/files")
}
