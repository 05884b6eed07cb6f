package api

import (
	"context"
	"net/http"
	"strconv"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/tlog"
	"github.com/qantar-project/qantar/web/httpx"
)

// Log is the read side of the Merkle log that the server publishes.
type Log interface {
	Checkpoint(ctx context.Context) ([]byte, error)
	LogKey() string
	Tile(ctx context.Context, t tlog.TileID) ([]byte, error)
	Proof(ctx context.Context, kind qantar.Kind, id int64, version int) (*tlog.RecordProof, error)
}

// logCheckpoint serves the latest signed checkpoint (C2SP tlog-checkpoint);
// on a server with witnesses, the newest one their quorum cosigned, so that
// every reader is shown the history the witnesses saw.
func (s *Server) logCheckpoint(w http.ResponseWriter, r *http.Request) error {
	if s.cfg.Witnessed == nil {
		return s.logHead(w, r)
	}
	cp := s.cfg.Witnessed()
	if cp == nil {
		w.Header().Set("Retry-After", "30")
		return qantar.Errorf(qantar.EUNAVAILABLE, "no checkpoint of this log is witnessed yet: its witnesses have not cosigned one")
	}
	return writeCheckpoint(w, cp)
}

// logHead serves the log's newest signed checkpoint, witnessed or not: to
// anyone on a server without witnesses, to writers on one with them.
func (s *Server) logHead(w http.ResponseWriter, r *http.Request) error {
	if s.cfg.Witnessed != nil {
		if _, err := httpx.RequireWriter(r); err != nil {
			return err
		}
	}
	cp, err := s.log.Checkpoint(r.Context())
	if err != nil {
		return err
	}
	return writeCheckpoint(w, cp)
}

func writeCheckpoint(w http.ResponseWriter, cp []byte) error {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	_, err := w.Write(cp)
	return err
}

// logKey serves the note verifier key, one line.
func (s *Server) logKey(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	_, err := w.Write([]byte(s.log.LogKey() + "\n"))
	return err
}

// logTile serves a hash tile or entry bundle (C2SP tlog-tiles). Full tiles
// never change, so they are cached forever; partial ones are not.
func (s *Server) logTile(w http.ResponseWriter, r *http.Request) error {
	t, err := tlog.ParseTilePath("tile/" + r.PathValue("path"))
	if err != nil {
		return err
	}
	b, err := s.log.Tile(r.Context(), t)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	if t.Partial() {
		w.Header().Set("Cache-Control", "no-cache")
	} else {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	}
	_, err = w.Write(b)
	return err
}

// apiProof serves the inclusion proof of one version of a record.
func (s *Server) apiProof(w http.ResponseWriter, r *http.Request) error {
	kind, id, err := pathRecord(r)
	if err != nil {
		return err
	}
	v, err := strconv.Atoi(r.URL.Query().Get("version"))
	if err != nil || v < 1 {
		return qantar.FieldErrorf("version", "is required: a positive version number")
	}
	// The record must be visible to the reader; the leaf itself reveals no
	// content (its commitment is salted).
	if rec, err := s.store.Get(r.Context(), kind, id); err == nil && qantar.IsPlaceholder(qantar.Visible(httpx.ActorOf(r), rec)) {
		return qantar.Errorf(qantar.ENOTFOUND, "%s/%d has no public version %d", kind, id, v)
	}
	p, err := s.log.Proof(r.Context(), kind, id, v)
	if err != nil {
		return err
	}
	// The version's salt, with which its commitment can be recomputed,
	// only when the reader sees the version whole (visibleHistory decides).
	if versions, err := s.store.History(r.Context(), kind, id); err == nil {
		if versions, err = s.figures.VisibleHistory(r, kind, versions); err == nil {
			for _, hv := range versions {
				if hv.Version == v {
					p.Salt = hv.Salt
				}
			}
		}
	}
	httpx.WriteJSON(w, http.StatusOK, p)
	return nil
}
