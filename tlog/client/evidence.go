package client

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/qantar-project/qantar/tlog"
)

// EvidenceFormat names the format of Evidence, as its "format" field.
const EvidenceFormat = "qantar-fork-evidence/v1"

// Evidence is what a third party needs to show that a log's operator
// signed two checkpoints that cannot both be true. In JSON (Marshal) it is
// a file a reader can hand to anyone:
//
//   - smaller_checkpoint and larger_checkpoint: the two checkpoints, as
//     signed (C2SP signed notes; open them with verifier_key, obtained out
//     of band);
//   - consistency_proof (base64 hashes, RFC 6962) and prefix_root: the
//     proof leads from (smaller size, prefix_root) to (larger size, larger
//     root), so prefix_root is the root of the first leaves of the tree the
//     larger checkpoint signs. When it is not the smaller checkpoint's
//     root, the two signed trees disagree on those leaves: a fork. With
//     equal sizes, two roots are the fork, and the proof is empty.
//
// A checkpoint larger than the tree served later (a rollback) comes
// without a proof: the served tree cannot prove anything about a larger
// one, and a stale mirror looks the same. Check says so.
type Evidence struct {
	Format      string    `json:"format"`
	Mirror      string    `json:"mirror,omitempty"`
	FoundAt     time.Time `json:"found_at,omitzero"`
	Problem     string    `json:"problem"`
	VerifierKey string    `json:"verifier_key"`
	Smaller     string    `json:"smaller_checkpoint"`
	Larger      string    `json:"larger_checkpoint"`
	// PrefixRoot is the root of the first (smaller size) leaves of the
	// larger tree, as the proof shows it.
	PrefixRoot       []byte   `json:"prefix_root,omitempty"`
	ConsistencyProof [][]byte `json:"consistency_proof"`
}

// InconsistencyError is the error that carries Evidence: errors.As finds
// it in the *VerificationError of Verify.
type InconsistencyError struct {
	Evidence *Evidence
}

func (e *InconsistencyError) Error() string {
	return "the log is inconsistent with a checkpoint kept earlier: " + e.Evidence.Problem
}

// Marshal returns the evidence as indented JSON, ending in a newline.
func (e *Evidence) Marshal() ([]byte, error) {
	b, err := json.MarshalIndent(e, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// ParseEvidence reads Evidence as Marshal writes it.
func ParseEvidence(b []byte) (*Evidence, error) {
	var e Evidence
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		return nil, fmt.Errorf("fork evidence: %w", err)
	}
	if e.Format != EvidenceFormat {
		return nil, fmt.Errorf("fork evidence: format %q, want %q", e.Format, EvidenceFormat)
	}
	return &e, nil
}

// ErrNoFork is Check's answer when the evidence shows no fork: the proof
// is valid and the two checkpoints agree.
var ErrNoFork = errors.New("the two checkpoints are consistent: no fork shown")

// Check checks the evidence with a verifier key the checker trusts
// (not necessarily e.VerifierKey): it returns nil when the key's owner
// signed two checkpoints that the proof shows cannot both be true, and an
// error saying why not otherwise (ErrNoFork when they agree).
func (e *Evidence) Check(verifierKey string) error {
	small, err := tlog.OpenCheckpoint([]byte(e.Smaller), verifierKey)
	if err != nil {
		return fmt.Errorf("smaller checkpoint: %w", err)
	}
	large, err := tlog.OpenCheckpoint([]byte(e.Larger), verifierKey)
	if err != nil {
		return fmt.Errorf("larger checkpoint: %w", err)
	}
	switch {
	case small.Origin != large.Origin:
		return fmt.Errorf("the checkpoints are of two logs (%q and %q)", small.Origin, large.Origin)
	case small.Size > large.Size:
		return fmt.Errorf("the smaller checkpoint has size %d, the larger %d", small.Size, large.Size)
	case small.Size == large.Size && !bytes.Equal(small.Hash, large.Hash):
		return nil // two roots for one size
	case e.PrefixRoot == nil:
		return fmt.Errorf("no consistency proof: a checkpoint of size %d served after one of size %d shows a rollback, which a stale mirror also shows; it is not proof of a fork", small.Size, large.Size)
	}
	if err := tlog.VerifyConsistency(small.Size, large.Size, e.ConsistencyProof, e.PrefixRoot, large.Hash); err != nil {
		return fmt.Errorf("the consistency proof does not lead to the larger checkpoint's root: %v", err)
	}
	if bytes.Equal(e.PrefixRoot, small.Hash) {
		return ErrNoFork
	}
	return nil
}

// Summary says in words what the evidence shows, for a person.
func (e *Evidence) Summary() string {
	small, err1 := tlog.ParseCheckpoint(noteText(e.Smaller))
	large, err2 := tlog.ParseCheckpoint(noteText(e.Larger))
	if err1 != nil || err2 != nil {
		return e.Problem
	}
	if e.PrefixRoot == nil {
		return fmt.Sprintf("log %s signed a tree of %d leaves (root %s), and the mirror now serves one of %d: %s", large.Origin,
			large.Size, b64(large.Hash), small.Size, e.Problem)
	}
	return fmt.Sprintf("log %s signed a tree of %d leaves with root %s, and a tree of %d leaves whose first %d have root %s: two histories",
		small.Origin, small.Size, b64(small.Hash), large.Size, small.Size, b64(e.PrefixRoot))
}

// noteText is the text of a signed note, without its signatures.
func noteText(signed string) []byte {
	b := []byte(signed)
	if i := bytes.Index(b, []byte("\n\n")); i >= 0 {
		return b[:i+1]
	}
	return b
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
