package tlog

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/qantar-project/qantar"
	"golang.org/x/mod/sumdb/note"
)

// Checkpoint is a C2SP tlog-checkpoint (https://c2sp.org/tlog-checkpoint):
// the log's origin, a tree size and the root at that size. Signed, it is a
// promise anyone can keep and hold the log to later.
type Checkpoint struct {
	Origin string
	Size   uint64
	Hash   []byte // the RFC 6962 root, HashSize bytes
	// Extensions are any further lines, opaque; Qantar writes none.
	Extensions []string
}

// MaxCheckpointSize bounds a checkpoint note read from outside.
const MaxCheckpointSize = 64 << 10

// Marshal returns the checkpoint's note text: origin, size and base64 root,
// each on its own line, then any extension lines.
func (c Checkpoint) Marshal() []byte {
	var b bytes.Buffer
	b.WriteString(c.Origin)
	b.WriteByte('\n')
	b.WriteString(strconv.FormatUint(c.Size, 10))
	b.WriteByte('\n')
	b.WriteString(base64.StdEncoding.EncodeToString(c.Hash))
	b.WriteByte('\n')
	for _, e := range c.Extensions {
		b.WriteString(e)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// ParseCheckpoint parses a checkpoint's note text (not the signed note: see
// OpenCheckpoint), strictly: at least three non-empty lines, each ending in
// a newline; a decimal size with no leading zero; a 32-byte root in
// standard, padded base64. Errors name the line.
func ParseCheckpoint(text []byte) (Checkpoint, error) {
	var c Checkpoint
	bad := func(line int, format string, args ...any) error {
		return qantar.Errorf(qantar.EINVALID, "checkpoint line %d: %s", line, fmt.Sprintf(format, args...))
	}
	if len(text) > MaxCheckpointSize {
		return c, qantar.Errorf(qantar.EINVALID, "checkpoint: %d bytes, more than %d", len(text), MaxCheckpointSize)
	}
	if !utf8.Valid(text) {
		return c, qantar.Errorf(qantar.EINVALID, "checkpoint: not valid UTF-8")
	}
	if len(text) == 0 || text[len(text)-1] != '\n' {
		return c, qantar.Errorf(qantar.EINVALID, "checkpoint: must end with a newline")
	}
	lines := strings.Split(string(text[:len(text)-1]), "\n")
	if len(lines) < 3 {
		return c, qantar.Errorf(qantar.EINVALID, "checkpoint: has %d lines, want at least 3 (origin, size, root)", len(lines))
	}
	for i, l := range lines {
		if l == "" {
			return c, bad(i+1, "is empty")
		}
		for _, r := range l {
			if unicode.IsControl(r) {
				return c, bad(i+1, "holds control character %U", r)
			}
		}
	}
	c.Origin = lines[0]
	size, err := parseDecimal(lines[1], math.MaxUint64)
	if err != nil {
		return c, bad(2, "tree size: %v", err)
	}
	c.Size = size
	h, err := base64.StdEncoding.Strict().DecodeString(lines[2])
	if err != nil || len(h) != HashSize {
		return c, bad(3, "root hash: want the base64 of %d bytes", HashSize)
	}
	c.Hash = h
	if len(lines) > 3 {
		c.Extensions = lines[3:]
	}
	return c, nil
}

// SignCheckpoint returns the checkpoint as a signed note. The signer's name
// must be the checkpoint's origin, as the spec recommends and
// OpenCheckpoint requires.
func SignCheckpoint(s note.Signer, c Checkpoint) ([]byte, error) {
	if s.Name() != c.Origin {
		return nil, fmt.Errorf("tlog: sign checkpoint: key name %q is not the origin %q", s.Name(), c.Origin)
	}
	if len(c.Hash) != HashSize {
		return nil, fmt.Errorf("tlog: sign checkpoint: root has %d bytes", len(c.Hash))
	}
	text := c.Marshal()
	if _, err := ParseCheckpoint(text); err != nil {
		return nil, fmt.Errorf("tlog: sign checkpoint: %w", err)
	}
	return note.Sign(&note.Note{Text: string(text)}, s)
}

// OpenCheckpoint verifies a signed checkpoint with the log's verifier key
// (the one line GET /log/key serves) and parses it. Signatures by other
// keys (witnesses' cosignatures) are ignored, as the note spec says; the
// checkpoint's origin must be the key's name.
func OpenCheckpoint(msg []byte, verifierKey string) (Checkpoint, error) {
	if len(msg) > MaxCheckpointSize {
		return Checkpoint{}, qantar.Errorf(qantar.EINVALID, "signed checkpoint: %d bytes, more than %d", len(msg), MaxCheckpointSize)
	}
	v, err := note.NewVerifier(strings.TrimSpace(verifierKey))
	if err != nil {
		return Checkpoint{}, qantar.Errorf(qantar.EINVALID, "verifier key: %v", err)
	}
	n, err := note.Open(msg, note.VerifierList(v))
	if err != nil {
		var unverified *note.UnverifiedNoteError
		if errors.As(err, &unverified) {
			return Checkpoint{}, qantar.Errorf(qantar.EINVALID, "checkpoint is not signed by the key %s", v.Name())
		}
		return Checkpoint{}, qantar.Errorf(qantar.EINVALID, "signed checkpoint: %v", err)
	}
	c, err := ParseCheckpoint([]byte(n.Text))
	if err != nil {
		return Checkpoint{}, err
	}
	if c.Origin != v.Name() {
		return Checkpoint{}, qantar.Errorf(qantar.EINVALID, "checkpoint origin %q is not the key's name %q", clip(c.Origin), v.Name())
	}
	return c, nil
}

// LoadOrCreateKey returns the log's signer and verifier key, reading the
// signer key from path or, if no file is there, generating one and writing
// it with mode 0600. The key lives outside the database so that a copy of
// the database cannot sign checkpoints. It refuses a key file that others
// may read, one that is malformed, and one whose name is not origin (a new
// origin is a new log: move the old key aside deliberately).
func LoadOrCreateKey(path, origin string) (signer note.Signer, verifierKey string, err error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return createKey(path, origin)
	} else if err != nil {
		return nil, "", fmt.Errorf("log key: %w", err)
	}
	if runtime.GOOS != "windows" {
		fi, err := os.Stat(path)
		if err != nil {
			return nil, "", fmt.Errorf("log key: %w", err)
		}
		if fi.Mode().Perm()&0o077 != 0 {
			return nil, "", qantar.Errorf(qantar.EINVALID, "log key %s has mode %04o: others could read it and sign as this log; make it private (chmod 600 %s)", path, fi.Mode().Perm(), path)
		}
	}
	skey := strings.TrimSuffix(string(b), "\n")
	signer, vkey, err := ParseSignerKey(skey)
	if err != nil {
		return nil, "", qantar.Errorf(qantar.EINVALID, "log key %s: %v", path, err)
	}
	if signer.Name() != origin {
		return nil, "", qantar.Errorf(qantar.EINVALID, "log key %s is for the log %q, not %q: a new origin is a new log; move the old key aside to start one", path, signer.Name(), origin)
	}
	return signer, vkey, nil
}

func createKey(path, origin string) (note.Signer, string, error) {
	if err := checkOrigin(origin); err != nil {
		return nil, "", err
	}
	skey, vkey, err := note.GenerateKey(rand.Reader, origin)
	if err != nil {
		return nil, "", qantar.Errorf(qantar.EINVALID, "log origin %q: %v", origin, err)
	}
	signer, err := note.NewSigner(skey)
	if err != nil {
		return nil, "", fmt.Errorf("log key: %w", err)
	}
	// Write a temporary file, then link it into place: the key appears
	// whole or not at all, and a key that another process created in the
	// meantime is never overwritten.
	tmp, err := os.CreateTemp(filepath.Dir(path), ".qantar-log-key-*")
	if err != nil {
		return nil, "", fmt.Errorf("log key: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil && runtime.GOOS != "windows" {
		tmp.Close()
		return nil, "", fmt.Errorf("log key: %w", err)
	}
	if _, err := tmp.WriteString(skey + "\n"); err != nil {
		tmp.Close()
		return nil, "", fmt.Errorf("log key: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return nil, "", fmt.Errorf("log key: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return nil, "", fmt.Errorf("log key: %w", err)
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return LoadOrCreateKey(path, origin)
		}
		return nil, "", fmt.Errorf("log key: %w", err)
	}
	return signer, vkey, nil
}

// checkOrigin applies the note spec's rule for key names, which the
// checkpoint's origin must follow since Qantar signs with the origin as
// name: non-empty UTF-8 with no space and no plus.
func checkOrigin(origin string) error {
	if origin == "" || !utf8.ValidString(origin) || strings.ContainsFunc(origin, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || r == '+'
	}) {
		return qantar.Errorf(qantar.EINVALID, "log origin %q must be non-empty UTF-8 without spaces or '+', such as example.org/qantar", clip(origin))
	}
	return nil
}

// ParseSignerKey parses a note signer key ("PRIVATE+KEY+<name>+<hash>+<key>")
// and derives its verifier key, which x/mod/sumdb/note does not expose.
func ParseSignerKey(skey string) (note.Signer, string, error) {
	signer, err := note.NewSigner(skey)
	if err != nil {
		return nil, "", fmt.Errorf("not a note signer key (PRIVATE+KEY+<name>+<hash>+<key>): %v", err)
	}
	// NewSigner accepted it, so the format is known: the last field is the
	// base64 of the algorithm byte and the Ed25519 seed.
	// The name holds no '+' but the base64 may.
	parts := strings.SplitN(skey, "+", 5)
	raw, _ := base64.StdEncoding.DecodeString(parts[len(parts)-1])
	if len(parts) != 5 || len(raw) != 1+ed25519.SeedSize {
		return nil, "", fmt.Errorf("signer key: want an Ed25519 key")
	}
	pub := ed25519.NewKeyFromSeed(raw[1:]).Public().(ed25519.PublicKey)
	vkey, err := note.NewEd25519VerifierKey(signer.Name(), pub)
	if err != nil {
		return nil, "", fmt.Errorf("signer key: %v", err)
	}
	if v, err := note.NewVerifier(vkey); err != nil || v.KeyHash() != signer.KeyHash() {
		return nil, "", fmt.Errorf("signer key: its hash does not match its key")
	}
	return signer, vkey, nil
}
