package tlog

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
	"golang.org/x/mod/sumdb/note"
)

func TestCheckpointSpecExample(t *testing.T) {
	// The note text of the example in c2sp.org/tlog-checkpoint.
	text := "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
	c, err := ParseCheckpoint([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	if c.Origin != "example.com/behind-the-sofa" || c.Size != 20852163 || len(c.Hash) != 32 {
		t.Errorf("ParseCheckpoint = %+v", c)
	}
	if got := string(c.Marshal()); got != text {
		t.Errorf("Marshal = %q, want %q", got, text)
	}
}

func TestCheckpointExtensions(t *testing.T) {
	text := "o\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\next one\next two\n"
	c, err := ParseCheckpoint([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Extensions) != 2 || string(c.Marshal()) != text {
		t.Errorf("extensions %q, marshal %q", c.Extensions, c.Marshal())
	}
}

func TestParseCheckpointErrors(t *testing.T) {
	root := "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
	tests := []struct {
		name, text, want string
	}{
		{"ErrEmpty", "", "newline"},
		{"ErrNoNewline", "o\n1\n" + root, "newline"},
		{"ErrTwoLines", "o\n1\n", "at least 3"},
		{"ErrEmptyOrigin", "\n1\n" + root + "\n", "line 1"},
		{"ErrSizeLeadingZero", "o\n01\n" + root + "\n", "line 2"},
		{"ErrSizeNegative", "o\n-1\n" + root + "\n", "line 2"},
		{"ErrSizeOverflow", "o\n18446744073709551616\n" + root + "\n", "line 2"},
		{"ErrRootShort", "o\n1\nAAAA\n", "line 3"},
		{"ErrRootURLBase64", "o\n1\n" + strings.ReplaceAll(root, "+", "-") + "\n", "line 3"},
		{"ErrRootUnpadded", "o\n1\n" + strings.TrimSuffix(root, "=") + "\n", "line 3"},
		{"ErrEmptyExtension", "o\n1\n" + root + "\n\n", "line 4"},
		{"ErrControl", "o\x01\n1\n" + root + "\n", "control"},
		{"ErrInvalidUTF8", "o\xff\n1\n" + root + "\n", "UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseCheckpoint([]byte(tt.text))
			if err == nil {
				t.Fatal("ParseCheckpoint succeeded")
			}
			if qantar.ErrorCode(err) != qantar.EINVALID || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q, want one mentioning %q", err, tt.want)
			}
		})
	}
}

func newKey(t *testing.T, origin string) (note.Signer, string) {
	t.Helper()
	skey, vkey, err := note.GenerateKey(rand.Reader, origin)
	if err != nil {
		t.Fatal(err)
	}
	s, err := note.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	return s, vkey
}

func TestSignAndOpenCheckpoint(t *testing.T) {
	origin := "qantar.example.org"
	s, vkey := newKey(t, origin)
	root := sha256.Sum256([]byte("root"))
	c := Checkpoint{Origin: origin, Size: 42, Hash: root[:]}
	signed, err := SignCheckpoint(s, c)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(signed, c.Marshal()) || !bytes.Contains(signed, []byte("\n\n— "+origin+" ")) {
		t.Fatalf("signed checkpoint is not a signed note:\n%s", signed)
	}
	got, err := OpenCheckpoint(signed, vkey+"\n") // as served by /log/key
	if err != nil {
		t.Fatal(err)
	}
	if got.Size != 42 || !bytes.Equal(got.Hash, root[:]) || got.Origin != origin {
		t.Errorf("OpenCheckpoint = %+v", got)
	}

	// A witness's cosignature, by a key the verifier does not know, is ignored.
	w, _ := newKey(t, "witness.example")
	n, err := note.Open(signed, note.VerifierList(mustVerifier(t, vkey)))
	if err != nil {
		t.Fatal(err)
	}
	cosigned, err := note.Sign(n, w)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := OpenCheckpoint(cosigned, vkey); err != nil {
		t.Errorf("cosigned checkpoint: %v", err)
	}

	other, otherKey := newKey(t, origin)
	forged, _ := SignCheckpoint(other, c)
	tampered := bytes.Replace(signed, []byte("\n42\n"), []byte("\n43\n"), 1)
	_, wrongName := newKey(t, "other.example.org")
	tests := []struct {
		name string
		msg  []byte
		key  string
	}{
		{"ErrOtherKey", forged, vkey},
		{"ErrTampered", tampered, vkey},
		{"ErrKeyOfOtherLog", signed, wrongName},
		{"ErrMalformedKey", signed, "not a key"},
		{"ErrNotANote", c.Marshal(), vkey},
		{"ErrWrongKeySameName", signed, otherKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := OpenCheckpoint(tt.msg, tt.key); err == nil || qantar.ErrorCode(err) != qantar.EINVALID {
				t.Errorf("OpenCheckpoint = %v, want an invalid error", err)
			}
		})
	}
	if _, err := SignCheckpoint(s, Checkpoint{Origin: "elsewhere", Hash: root[:]}); err == nil {
		t.Error("SignCheckpoint signed a checkpoint whose origin is not the key's name")
	}
}

func mustVerifier(t *testing.T, vkey string) note.Verifier {
	v, err := note.NewVerifier(vkey)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestLoadOrCreateKey(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "qantar.db.logkey")
	origin := "qantar.example.org/log"
	s1, v1, err := LoadOrCreateKey(path, origin)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %04o, want 0600", fi.Mode().Perm())
	}
	if !strings.HasPrefix(v1, origin+"+") || strings.ContainsAny(v1, "\n ") {
		t.Errorf("verifier key %q is not one line for %s", v1, origin)
	}
	s2, v2, err := LoadOrCreateKey(path, origin)
	if err != nil {
		t.Fatal(err)
	}
	if v1 != v2 || s1.KeyHash() != s2.KeyHash() {
		t.Error("second load returned another key")
	}
	// The reloaded signer's checkpoints verify with the first verifier key.
	signed, err := SignCheckpoint(s2, Checkpoint{Origin: origin, Size: 0, Hash: EmptyRoot()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := OpenCheckpoint(signed, v1); err != nil {
		t.Error(err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d files, want only the key", len(entries))
	}

	t.Run("ErrOtherOrigin", func(t *testing.T) {
		_, _, err := LoadOrCreateKey(path, "other.example.org")
		if err == nil || !strings.Contains(err.Error(), "new origin") {
			t.Errorf("err = %v, want a refusal naming the origin", err)
		}
	})
	t.Run("ErrLooseMode", func(t *testing.T) {
		if runtime.GOOS == "windows" {
			t.Skip("no Unix modes")
		}
		p := filepath.Join(t.TempDir(), "key")
		b, _ := os.ReadFile(path)
		os.WriteFile(p, b, 0o644)
		os.Chmod(p, 0o644)
		_, _, err := LoadOrCreateKey(p, origin)
		if err == nil || !strings.Contains(err.Error(), "chmod 600") {
			t.Errorf("err = %v, want a refusal saying chmod 600", err)
		}
	})
	t.Run("ErrMalformed", func(t *testing.T) {
		for name, content := range map[string]string{
			"Empty":       "",
			"Garbage":     "hello\n",
			"VerifierKey": v1 + "\n",
			"BadHash":     strings.Replace(mustRead(t, path), "PRIVATE+KEY+"+origin+"+", "PRIVATE+KEY+"+origin+"+00000000", 1),
		} {
			p := filepath.Join(t.TempDir(), "key")
			if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			if _, _, err := LoadOrCreateKey(p, origin); err == nil || !strings.Contains(err.Error(), p) {
				t.Errorf("%s: err = %v, want an error naming the file", name, err)
			}
		}
	})
	t.Run("ErrBadOrigin", func(t *testing.T) {
		for _, o := range []string{"", "has space", "a+b", "tab\there"} {
			if _, _, err := LoadOrCreateKey(filepath.Join(t.TempDir(), "key"), o); err == nil {
				t.Errorf("origin %q accepted", o)
			}
		}
	})
	t.Run("ErrNoDirectory", func(t *testing.T) {
		if _, _, err := LoadOrCreateKey(filepath.Join(dir, "missing", "key"), origin); err == nil {
			t.Error("key created in a directory that does not exist")
		}
	})
}

func mustRead(t *testing.T, path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func FuzzParseCheckpoint(f *testing.F) {
	f.Add([]byte("example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"))
	f.Add([]byte("o\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\next\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := ParseCheckpoint(b)
		if err != nil {
			if qantar.ErrorCode(err) != qantar.EINVALID {
				t.Fatalf("error %v has code %s", err, qantar.ErrorCode(err))
			}
			return
		}
		if !bytes.Equal(c.Marshal(), b) {
			t.Fatalf("ParseCheckpoint(%q) marshals back as %q", b, c.Marshal())
		}
	})
}

func TestParseSignerKey(t *testing.T) {
	// The example key pair of golang.org/x/mod/sumdb/note's documentation;
	// its key data holds a '+'.
	skey := "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
	want := "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
	if _, got, err := ParseSignerKey(skey); err != nil || got != want {
		t.Fatalf("ParseSignerKey = %q, %v; want %q", got, err, want)
	}
	for range 50 {
		skey, vkey, err := note.GenerateKey(rand.Reader, "k")
		if err != nil {
			t.Fatal(err)
		}
		if _, got, err := ParseSignerKey(skey); err != nil || got != vkey {
			t.Fatalf("ParseSignerKey(%q) = %q, %v; want %q", skey, got, err, vkey)
		}
	}
}
