package witness

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"
)

// TestCosignatureFormat checks a cosignature against the spec's bytes
// computed here by hand: the key ID, the time prefix, and an Ed25519
// signature of "cosignature/v1\ntime T\n" and the checkpoint.
func TestCosignatureFormat(t *testing.T) {
	s := otherKey(t, "witness.example.org/w1")
	s.Now = func() time.Time { return time.Unix(1679315147, 0) }
	body := "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
	signed, err := note.Sign(&note.Note{Text: body}, s)
	if err != nil {
		t.Fatal(err)
	}
	line := strings.TrimSuffix(strings.TrimPrefix(string(signed), body+"\n— witness.example.org/w1 "), "\n")
	raw, err := base64.StdEncoding.DecodeString(line)
	if err != nil || len(raw) != 4+8+64 {
		t.Fatalf("signature line %q: %d bytes, %v", line, len(raw), err)
	}
	vkey := s.VerifierKey()
	keyB64 := strings.SplitN(vkey, "+", 3)[2]
	key, _ := base64.StdEncoding.DecodeString(keyB64)
	if key[0] != 0x04 {
		t.Fatalf("verifier key type %#x, want 0x04", key[0])
	}
	sum := sha256.Sum256(append([]byte("witness.example.org/w1\n"), key...))
	if binary.BigEndian.Uint32(raw) != binary.BigEndian.Uint32(sum[:]) {
		t.Errorf("key ID %x, want SHA-256(name || \\n || 0x04 || key)[:4] = %x", raw[:4], sum[:4])
	}
	if got := binary.BigEndian.Uint64(raw[4:]); got != 1679315147 {
		t.Errorf("timestamp %d, want 1679315147", got)
	}
	msg := "cosignature/v1\ntime 1679315147\n" + body
	if !ed25519.Verify(ed25519.PublicKey(key[1:]), []byte(msg), raw[12:]) {
		t.Error("the signature is not an Ed25519 signature of the cosigned message")
	}
	v, err := NewVerifier(vkey)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := note.Open(signed, note.VerifierList(v)); err != nil {
		t.Errorf("open with the verifier: %v", err)
	}
	// The same signature does not verify another checkpoint.
	forged := strings.Replace(string(signed), "20852163", "20852164", 1)
	if _, err := note.Open([]byte(forged), note.VerifierList(v)); err == nil {
		t.Error("a cosignature verified another checkpoint")
	}
	tm, err := CosignatureTime(note.Signature{Base64: line})
	if err != nil || tm.Unix() != 1679315147 {
		t.Errorf("CosignatureTime = %v, %v", tm, err)
	}
}

func TestVerifierKeyRefused(t *testing.T) {
	s := otherKey(t, "w.example")
	good := s.VerifierKey()
	name, id, _, key, _ := splitKey(good)
	mldsa := encodeKey(name, id, 0x06, key)
	logKey := encodeKey(name, keyID(name, 0x01, key), 0x01, key)
	for vkey, want := range map[string]string{
		mldsa:                "0x06",
		logKey:               "0x01",
		"w.example+00000000": "not a verifier key",
		strings.Replace(good, "+"+good[10:18]+"+", "+00000000+", 1): "key ID",
	} {
		if _, err := NewVerifier(vkey); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("NewVerifier(%q) = %v, want an error naming %q", vkey, err, want)
		}
	}
}

func TestKeyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.key")
	if _, err := LoadOrCreateKey(path, ""); err == nil {
		t.Error("a missing key without a name was created")
	}
	s, err := LoadOrCreateKey(path, "witness.example.org")
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v, %v; want 0600", fi.Mode().Perm(), err)
	}
	again, err := LoadOrCreateKey(path, "")
	if err != nil || again.VerifierKey() != s.VerifierKey() {
		t.Errorf("reloaded key %v, %v; want %s", again, err, s.VerifierKey())
	}
	if _, err := LoadOrCreateKey(path, "other.example"); err == nil {
		t.Error("a key was loaded under another name")
	}
	os.Chmod(path, 0o644)
	if _, err := LoadOrCreateKey(path, ""); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("a key others may read: %v", err)
	}
}
