package witness

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/qantar-project/qantar"
	"golang.org/x/mod/sumdb/note"
)

// AlgCosignatureV1 is the signature type byte of an Ed25519 cosignature
// key (C2SP tlog-cosignature, signed-note): it enters the key ID and the
// verifier key's encoding.
const AlgCosignatureV1 = 0x04

// algEd25519 is the signature type of a plain Ed25519 note key, the kind a
// log signs its checkpoints with.
const algEd25519 = 0x01

// cosigSize is a cosignature's length after the key ID: a big-endian
// 64-bit POSIX time and an Ed25519 signature.
const cosigSize = 8 + ed25519.SignatureSize

// keyID is the 32-bit key ID of the spec: SHA-256(name || "\n" || alg ||
// public key)[:4], big-endian.
func keyID(name string, alg byte, pub []byte) uint32 {
	h := sha256.New()
	h.Write([]byte(name))
	h.Write([]byte{'\n', alg})
	h.Write(pub)
	return binary.BigEndian.Uint32(h.Sum(nil))
}

// cosignedMessage is what a cosignature signs: "cosignature/v1", the time
// line, then the checkpoint's whole note body.
func cosignedMessage(t uint64, body []byte) []byte {
	m := make([]byte, 0, 40+len(body))
	m = append(m, "cosignature/v1\ntime "...)
	m = strconv.AppendUint(m, t, 10)
	m = append(m, '\n')
	return append(m, body...)
}

// Signer makes tlog-cosignature/v1 cosignatures: a note.Signer whose
// signatures carry the time they were made.
type Signer struct {
	name string
	id   uint32
	key  ed25519.PrivateKey
	// Now is the clock of the cosignatures' time; time.Now when nil.
	Now func() time.Time
}

// Name implements note.Signer.
func (s *Signer) Name() string { return s.name }

// KeyHash implements note.Signer.
func (s *Signer) KeyHash() uint32 { return s.id }

// Sign implements note.Signer: the time, then the Ed25519 signature of the
// cosigned message over the note's text.
func (s *Signer) Sign(body []byte) ([]byte, error) {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	t := now().Unix()
	if t < 0 {
		return nil, errors.New("witness: clock before 1970")
	}
	sig := binary.BigEndian.AppendUint64(make([]byte, 0, cosigSize), uint64(t))
	return append(sig, ed25519.Sign(s.key, cosignedMessage(uint64(t), body))...), nil
}

// VerifierKey returns the signer's verifier key, to give to logs and
// readers: name+keyid+base64(0x04 || public key).
func (s *Signer) VerifierKey() string {
	return encodeKey(s.name, s.id, AlgCosignatureV1, s.key.Public().(ed25519.PublicKey))
}

func encodeKey(name string, id uint32, alg byte, key []byte) string {
	return fmt.Sprintf("%s+%08x+%s", name, id, base64.StdEncoding.EncodeToString(append([]byte{alg}, key...)))
}

// Verifier checks tlog-cosignature/v1 cosignatures of one witness key: a
// note.Verifier.
type Verifier struct {
	name string
	id   uint32
	key  ed25519.PublicKey
}

// Name implements note.Verifier.
func (v *Verifier) Name() string { return v.name }

// KeyHash implements note.Verifier.
func (v *Verifier) KeyHash() uint32 { return v.id }

// Verify implements note.Verifier.
func (v *Verifier) Verify(body, sig []byte) bool {
	if len(sig) != cosigSize {
		return false
	}
	t := binary.BigEndian.Uint64(sig)
	if t > math.MaxInt64 {
		return false
	}
	return ed25519.Verify(v.key, cosignedMessage(t, body), sig[8:])
}

// String returns the verifier key.
func (v *Verifier) String() string { return encodeKey(v.name, v.id, AlgCosignatureV1, v.key) }

// NewVerifier parses a witness's verifier key, name+keyid+base64(0x04 ||
// 32-byte Ed25519 key). Other key types are refused by name.
func NewVerifier(vkey string) (*Verifier, error) {
	name, id, alg, key, err := splitKey(vkey)
	if err != nil {
		return nil, err
	}
	if alg != AlgCosignatureV1 {
		return nil, fmt.Errorf("key type %s is not a tlog-cosignature/v1 key (type 0x04, Ed25519)", keyType(alg))
	}
	if len(key) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("an Ed25519 cosignature key has %d bytes, not %d", ed25519.PublicKeySize, len(key))
	}
	if keyID(name, alg, key) != id {
		return nil, fmt.Errorf("key ID %08x is not the ID of the key", id)
	}
	return &Verifier{name: name, id: id, key: ed25519.PublicKey(key)}, nil
}

// keyType names a signed-note signature type for an error message.
func keyType(alg byte) string {
	switch alg {
	case algEd25519:
		return "0x01 (Ed25519, a log's key)"
	case AlgCosignatureV1:
		return "0x04 (Ed25519 cosignature/v1)"
	case 0x05:
		return "0x05 (RFC 6962 tree head)"
	case 0x06:
		return "0x06 (ML-DSA-44 cosignature, not supported yet)"
	}
	return fmt.Sprintf("0x%02x (unknown)", alg)
}

// splitKey splits a note key into its name, key ID, type byte and key.
func splitKey(vkey string) (name string, id uint32, alg byte, key []byte, err error) {
	name, rest, ok1 := strings.Cut(vkey, "+")
	hexID, b64, ok2 := strings.Cut(rest, "+")
	if !ok1 || !ok2 || !validName(name) || len(hexID) != 8 {
		return "", 0, 0, nil, errors.New("not a verifier key (name+keyid+base64 key)")
	}
	id64, err := strconv.ParseUint(hexID, 16, 32)
	if err != nil {
		return "", 0, 0, nil, fmt.Errorf("key ID %q is not 8 hex digits", hexID)
	}
	raw, err := base64.StdEncoding.Strict().DecodeString(b64)
	if err != nil || len(raw) < 2 {
		return "", 0, 0, nil, errors.New("the key is not base64")
	}
	return name, uint32(id64), raw[0], raw[1:], nil
}

// validName is the signed-note rule for key names: non-empty UTF-8 with
// no space and no plus.
func validName(name string) bool {
	return name != "" && utf8.ValidString(name) && !strings.ContainsFunc(name, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || r == '+'
	})
}

// GenerateKey returns a new witness key named name: the signer key to keep
// secret (PRIVATE+KEY+name+keyid+base64(0x04 || seed)) and the verifier key
// to publish.
func GenerateKey(r io.Reader, name string) (skey, vkey string, err error) {
	if !validName(name) {
		return "", "", qantar.Errorf(qantar.EINVALID, "witness name %q must be non-empty UTF-8 without spaces or '+', such as witness.example.org", name)
	}
	pub, priv, err := ed25519.GenerateKey(r)
	if err != nil {
		return "", "", err
	}
	id := keyID(name, AlgCosignatureV1, pub)
	return "PRIVATE+KEY+" + encodeKey(name, id, AlgCosignatureV1, priv.Seed()), encodeKey(name, id, AlgCosignatureV1, pub), nil
}

// NewSigner parses a signer key from GenerateKey.
func NewSigner(skey string) (*Signer, error) {
	rest, ok := strings.CutPrefix(skey, "PRIVATE+KEY+")
	if !ok {
		return nil, errors.New("not a witness signer key (PRIVATE+KEY+name+keyid+key)")
	}
	name, id, alg, seed, err := splitKey(rest)
	if err != nil {
		return nil, err
	}
	if alg != AlgCosignatureV1 || len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("key type %s: a witness signs with an Ed25519 cosignature/v1 key", keyType(alg))
	}
	priv := ed25519.NewKeyFromSeed(seed)
	if keyID(name, alg, priv.Public().(ed25519.PublicKey)) != id {
		return nil, fmt.Errorf("key ID %08x is not the ID of the key", id)
	}
	return &Signer{name: name, id: id, key: priv}, nil
}

// LoadOrCreateKey returns the witness's signer from the key file at path,
// creating the file (mode 0600, never overwritten) with a new key named
// name when there is none. An existing file must be private to its owner;
// name, when not empty, must be its key's name.
func LoadOrCreateKey(path, name string) (*Signer, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		if name == "" {
			return nil, qantar.Errorf(qantar.EINVALID, "witness key %s does not exist: name the new witness with --name (such as witness.example.org)", path)
		}
		return createKey(path, name)
	} else if err != nil {
		return nil, fmt.Errorf("witness key: %w", err)
	}
	if fi, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("witness key: %w", err)
	} else if runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
		return nil, qantar.Errorf(qantar.EINVALID, "witness key %s has mode %04o: others could read it and cosign as this witness; make it private (chmod 600 %s)", path, fi.Mode().Perm(), path)
	}
	s, err := NewSigner(strings.TrimSpace(string(b)))
	if err != nil {
		return nil, qantar.Errorf(qantar.EINVALID, "witness key %s: %v", path, err)
	}
	if name != "" && s.Name() != name {
		return nil, qantar.Errorf(qantar.EINVALID, "witness key %s is named %q, not %q", path, s.Name(), name)
	}
	return s, nil
}

// createKey writes a new key to a temporary file and links it into place,
// so that the key appears whole or not at all and a key another process
// created meanwhile is kept.
func createKey(path, name string) (*Signer, error) {
	skey, _, err := GenerateKey(rand.Reader, name)
	if err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".qantar-witness-key-*")
	if err != nil {
		return nil, fmt.Errorf("witness key: %w", err)
	}
	defer os.Remove(tmp.Name())
	err = tmp.Chmod(0o600)
	if runtime.GOOS == "windows" {
		err = nil
	}
	if err == nil {
		_, err = tmp.WriteString(skey + "\n")
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Link(tmp.Name(), path)
	}
	if errors.Is(err, fs.ErrExist) {
		return LoadOrCreateKey(path, name)
	} else if err != nil {
		return nil, fmt.Errorf("witness key: %w", err)
	}
	return NewSigner(skey)
}

// CosignatureTime returns the time a cosignature line says it was made.
func CosignatureTime(sig note.Signature) (time.Time, error) {
	raw, err := base64.StdEncoding.DecodeString(sig.Base64)
	if err != nil || len(raw) != 4+cosigSize {
		return time.Time{}, errors.New("not a cosignature/v1 signature")
	}
	t := binary.BigEndian.Uint64(raw[4:])
	if t > math.MaxInt64 {
		return time.Time{}, errors.New("cosignature time out of range")
	}
	return time.Unix(int64(t), 0).UTC(), nil
}
