package witness

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/qantar-project/qantar/tlog"
	"golang.org/x/mod/sumdb/note"
)

// MaxProofLines is the most consistency proof lines a request may carry
// (C2SP tlog-witness).
const MaxProofLines = 63

// maxRequest bounds an add-checkpoint body: the old size, the proof and a
// checkpoint with its signatures.
const maxRequest = 64 + MaxProofLines*46 + tlog.MaxCheckpointSize

// Server is a C2SP tlog-witness: POST /add-checkpoint cosigns a checkpoint
// of a log it knows once it is consistent with the last one it cosigned
// for that log, which it keeps in its DB.
type Server struct {
	signer *Signer
	db     *DB
	logs   map[string][]note.Verifier // by origin
	log    *slog.Logger
	now    func() time.Time
}

// NewServer returns a witness that cosigns with signer, keeps its state in
// db, and accepts the logs of logKeys (note verifier keys of type 0x01,
// each named by its log's origin; several keys may share an origin).
func NewServer(signer *Signer, db *DB, logKeys []string, logger *slog.Logger) (*Server, error) {
	if len(logKeys) == 0 {
		return nil, errors.New("a witness needs at least one log (--log VKEY or --logs FILE)")
	}
	s := &Server{signer: signer, db: db, logs: map[string][]note.Verifier{}, log: logger, now: time.Now}
	if s.log == nil {
		s.log = slog.Default()
	}
	for _, k := range logKeys {
		if _, _, alg, _, err := splitKey(k); err != nil {
			return nil, fmt.Errorf("log key %q: %v", clip(k), err)
		} else if alg != algEd25519 {
			return nil, fmt.Errorf("log key %q: type %s; a log signs with an Ed25519 note key (type 0x01)", clip(k), keyType(alg))
		}
		v, err := note.NewVerifier(k)
		if err != nil {
			return nil, fmt.Errorf("log key %q: %v", clip(k), err)
		}
		s.logs[v.Name()] = append(s.logs[v.Name()], v)
	}
	return s, nil
}

// RequestError is why a witness refused a request: the HTTP status of the
// spec and a message; Size is the size it knows, for a 409.
type RequestError struct {
	Status  int
	Message string
	Size    uint64
}

func (e *RequestError) Error() string { return fmt.Sprintf("%d %s", e.Status, e.Message) }

func refuse(status int, format string, args ...any) *RequestError {
	return &RequestError{Status: status, Message: fmt.Sprintf(format, args...)}
}

// ServeHTTP serves POST /add-checkpoint, and at GET / the witness's
// verifier key.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/" && (r.Method == http.MethodGet || r.Method == http.MethodHead):
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintf(w, "%s\n", s.signer.VerifierKey())
		return
	case r.URL.Path != "/add-checkpoint":
		http.NotFound(w, r)
		return
	case r.Method != http.MethodPost:
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "add-checkpoint takes a POST", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRequest))
	if err != nil {
		http.Error(w, "request body too large or unreadable", http.StatusRequestEntityTooLarge)
		return
	}
	sigs, err := s.AddCheckpoint(r.Context(), body)
	var re *RequestError
	switch {
	case errors.As(err, &re) && re.Status == http.StatusConflict:
		w.Header().Set("Content-Type", "text/x.tlog.size")
		w.WriteHeader(http.StatusConflict)
		fmt.Fprintf(w, "%d\n", re.Size)
	case errors.As(err, &re):
		http.Error(w, re.Message, re.Status)
	case err != nil:
		s.log.Error("witness: add-checkpoint", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
	default:
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write(sigs)
	}
}

// request is a parsed add-checkpoint body.
type request struct {
	old   uint64
	proof [][]byte
	note  []byte
}

func parseRequest(body []byte) (request, error) {
	var req request
	head, msg, ok := bytes.Cut(body, []byte("\n\n"))
	if !ok {
		return req, refuse(http.StatusBadRequest, "want an old size line, proof lines, an empty line and a checkpoint")
	}
	lines := strings.Split(string(head), "\n")
	n, ok := strings.CutPrefix(lines[0], "old ")
	old, err := strconv.ParseUint(n, 10, 64)
	if !ok || err != nil || strconv.FormatUint(old, 10) != n {
		return req, refuse(http.StatusBadRequest, "first line: want old and a decimal size")
	}
	if len(lines)-1 > MaxProofLines {
		return req, refuse(http.StatusBadRequest, "%d proof lines, more than %d", len(lines)-1, MaxProofLines)
	}
	for i, l := range lines[1:] {
		h, err := base64.StdEncoding.Strict().DecodeString(l)
		if err != nil || len(h) != tlog.HashSize {
			return req, refuse(http.StatusBadRequest, "proof line %d: want the base64 of a %d-byte hash", i+1, tlog.HashSize)
		}
		req.proof = append(req.proof, h)
	}
	req.old, req.note = old, msg
	return req, nil
}

// AddCheckpoint handles one add-checkpoint body and returns the
// cosignature line, or a *RequestError.
func (s *Server) AddCheckpoint(ctx context.Context, body []byte) ([]byte, error) {
	req, err := parseRequest(body)
	if err != nil {
		return nil, err
	}
	n, cp, err := s.open(req.note)
	if err != nil {
		return nil, err
	}
	if req.old > cp.Size {
		return nil, refuse(http.StatusBadRequest, "old size %d is larger than the checkpoint's %d", req.old, cp.Size)
	}
	known, err := s.db.Known(ctx, cp.Origin)
	if err != nil {
		return nil, err
	}
	if known.Size != req.old {
		return nil, &RequestError{Status: http.StatusConflict, Message: "old size is not the size this witness knows", Size: known.Size}
	}
	if err := s.checkConsistent(ctx, req, known, cp); err != nil {
		return nil, err
	}
	ok, err := s.db.advance(ctx, known, cp, req.note, s.now())
	if err != nil {
		return nil, err
	}
	if !ok { // another request advanced it since we read it
		now, err := s.db.Known(ctx, cp.Origin)
		if err != nil {
			return nil, err
		}
		return nil, &RequestError{Status: http.StatusConflict, Message: "another checkpoint was cosigned meanwhile", Size: now.Size}
	}
	signed, err := note.Sign(&note.Note{Text: n.Text}, s.signer)
	if err != nil {
		return nil, err
	}
	s.log.Info("witness: cosigned", "origin", cp.Origin, "size", cp.Size, "old", req.old)
	return signed[len(n.Text)+1:], nil
}

// open verifies the checkpoint with the keys of its origin's log: 404
// for a log the witness does not know, 403 for a checkpoint none of them
// signed, 400 for one that is not a checkpoint.
func (s *Server) open(msg []byte) (*note.Note, tlog.Checkpoint, error) {
	origin, _, _ := bytes.Cut(msg, []byte("\n"))
	vs, ok := s.logs[string(origin)]
	if !ok {
		return nil, tlog.Checkpoint{}, refuse(http.StatusNotFound, "this witness does not know the log %q", clip(string(origin)))
	}
	n, err := note.Open(msg, note.VerifierList(vs...))
	var unverified *note.UnverifiedNoteError
	var invalid *note.InvalidSignatureError
	switch {
	case errors.As(err, &unverified) || errors.As(err, &invalid):
		return nil, tlog.Checkpoint{}, refuse(http.StatusForbidden, "the checkpoint is not signed by a key of the log %q that this witness knows", clip(string(origin)))
	case err != nil:
		return nil, tlog.Checkpoint{}, refuse(http.StatusBadRequest, "not a signed note: %v", err)
	}
	cp, err := tlog.ParseCheckpoint([]byte(n.Text))
	if err != nil {
		return nil, tlog.Checkpoint{}, refuse(http.StatusBadRequest, "%v", err)
	}
	return n, cp, nil
}

// checkConsistent checks the proof from the known checkpoint to cp; an
// inconsistent one is kept as evidence and refused with 422.
func (s *Server) checkConsistent(ctx context.Context, req request, known Known, cp tlog.Checkpoint) error {
	if req.old == 0 && (known.Signed == nil || cp.Size > 0) { // every tree extends the empty one
		if len(req.proof) > 0 {
			return refuse(http.StatusBadRequest, "a proof from size 0 must be empty")
		}
		return nil
	}
	err := tlog.VerifyConsistency(known.Size, cp.Size, req.proof, known.Root, cp.Hash)
	if err == nil {
		return nil
	}
	problem := fmt.Sprintf("the consistency proof from size %d to %d does not verify against the checkpoint cosigned before: %v", known.Size, cp.Size, err)
	if known.Size == cp.Size {
		problem = fmt.Sprintf("a checkpoint of size %d with another root than the one cosigned before", cp.Size)
	}
	now := s.now()
	e := Evidence{Origin: cp.Origin, Problem: problem, OldSize: req.old, Known: known.Signed, Submitted: req.note, Proof: req.proof, FirstAt: now, LastAt: now}
	if err := s.db.keep(ctx, e, cp.Marshal()); err != nil {
		return err
	}
	s.log.Warn("witness: inconsistent checkpoint kept as evidence", "origin", cp.Origin, "size", cp.Size, "known", known.Size, "problem", problem)
	return refuse(http.StatusUnprocessableEntity, "%s", problem)
}
