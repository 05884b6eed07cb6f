package site

import (
	"bytes"
	"io"
	"net/http"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/capture"
	"github.com/qantar-project/qantar/web/httpx"
)

// maxReplay is the largest web capture replayed from memory.
const maxReplay = 256 << 20

// captureReplay serves /captures/{sha256}/…: a web capture (a WACZ file of a
// source, `qantar archive`) replayed as it was captured, under capture's
// strict CSP (no script runs), to a reader who may fetch the file; every
// replay of an encrypted capture is in the audit log.
func (p *Site) captureReplay(w http.ResponseWriter, r *http.Request) error {
	sha := r.PathValue("sha")
	if p.files == nil || !qantar.IsSHA256(sha) {
		return qantar.Errorf(qantar.ENOTFOUND, "no such file")
	}
	f, rc, err := p.files.Open(r.Context(), p.store, httpx.ActorOf(r), sha)
	if err != nil {
		return err
	}
	defer rc.Close()
	if f.MediaType != "application/zip" {
		return qantar.Errorf(qantar.ENOTFOUND, "this file is not a web capture")
	}
	if f.Size > maxReplay {
		return qantar.Errorf(qantar.ETOOLARGE, "the capture is larger than the limit of %d bytes for replay: download it instead", int64(maxReplay))
	}
	if f.Encrypted {
		p.auth.Audit(r, qantar.AuditView, qantar.KindFile, f.ID, "replay "+f.ProtectionLevel())
	}
	data, err := io.ReadAll(io.LimitReader(rc, maxReplay+1))
	if err != nil {
		return err
	}
	h, err := capture.Replay(bytes.NewReader(data), int64(len(data)), "/captures/"+sha+"/")
	if err != nil {
		return qantar.Errorf(qantar.ENOTFOUND, "this file is not a web capture")
	}
	h.ServeHTTP(w, r)
	return nil
}
