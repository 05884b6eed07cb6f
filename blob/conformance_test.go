package blob_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"filippo.io/age"
	"github.com/qantar-project/qantar/blob"
)

// backend is one Store under test, with a way to reach its stored objects
// behind the Store's back, as a thief with a copy of the disk or bucket would.
type backend struct {
	name string
	// open returns an empty store.
	open func(t *testing.T) store
}

type store struct {
	blob.Store
	// raw returns the stored object of sha as it is kept.
	raw func(sha string) []byte
	// overwrite replaces the stored object of sha.
	overwrite func(sha string, b []byte)
	// leftovers lists what a Put left beside the stored files (temporary
	// files, unfinished uploads): nothing, after any Put.
	leftovers func() []string
}

func localBackend() backend {
	return backend{name: "Local", open: func(t *testing.T) store {
		dir := filepath.Join(t.TempDir(), "files")
		path := func(sha string) string { return filepath.Join(dir, sha[:2], sha) }
		return store{
			Store: blob.Local(dir),
			raw: func(sha string) []byte {
				b, err := os.ReadFile(path(sha))
				if err != nil {
					t.Fatal(err)
				}
				return b
			},
			overwrite: func(sha string, b []byte) {
				if err := os.WriteFile(path(sha), b, 0o600); err != nil {
					t.Fatal(err)
				}
			},
			leftovers: func() []string {
				var left []string
				filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
					if err == nil && !d.IsDir() && strings.HasPrefix(d.Name(), ".") {
						left = append(left, p)
					}
					return nil
				})
				return left
			},
		}
	}}
}

// backends are every Store the conformance tests run over.
func backends(t *testing.T) []backend {
	return []backend{localBackend(), s3Backend(t)}
}

func hashOf(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func randomBytes(seed uint64, n int) []byte {
	b := make([]byte, n)
	r := rand.NewChaCha8([32]byte{byte(seed), byte(seed >> 8)})
	r.Read(b)
	return b
}

func readAll(t *testing.T, s blob.Store, sha string, ids []string) ([]byte, error) {
	t.Helper()
	rc, err := s.Open(context.Background(), sha, ids)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

func list(t *testing.T, s blob.Store) []blob.Info {
	t.Helper()
	var got []blob.Info
	if err := s.List(context.Background(), func(i blob.Info) error { got = append(got, i); return nil }); err != nil {
		t.Fatal(err)
	}
	return got
}

// failingReader gives n bytes, then fails.
type failingReader struct {
	n   int
	err error
}

func (f *failingReader) Read(p []byte) (int, error) {
	if f.n == 0 {
		return 0, f.err
	}
	k := min(len(p), f.n)
	for i := range p[:k] {
		p[i] = 'x'
	}
	f.n -= k
	return k, nil
}

func newKey(t testing.TB) (recipient, identity string) {
	t.Helper()
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	return id.Recipient().String(), id.String()
}

func TestConformance(t *testing.T) {
	tests := []struct {
		name string
		run  func(t *testing.T, s store)
	}{
		{"PutOpenStatListDelete", testRoundTrip},
		{"SameBytesTwice", testSameBytesTwice},
		{"Empty", testEmpty},
		{"TooLarge", testTooLarge},
		{"FailingReader", testFailingReader},
		{"CancelledContext", testCancelled},
		{"Encrypted", testEncrypted},
		{"EncryptedRevealsNothing", testRevealsNothing},
		{"PlainGivesWayToEncrypted", testPlainThenEncrypted},
		{"BadHash", testBadHash},
		{"ChangedByte", testChangedByte},
	}
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) { tt.run(t, b.open(t)) })
			}
		})
	}
}

func testRoundTrip(t *testing.T, s store) {
	ctx := context.Background()
	files := [][]byte{[]byte("a scan of the ruling"), randomBytes(1, 11<<20+17), []byte("a photo")}
	var shas []string
	for _, f := range files {
		info, err := s.Put(ctx, bytes.NewReader(f), blob.PutOptions{})
		if err != nil {
			t.Fatal(err)
		}
		want := blob.Info{SHA256: hashOf(f), Size: int64(len(f))}
		if info != want {
			t.Fatalf("Put = %+v, want %+v", info, want)
		}
		if st, err := s.Stat(ctx, want.SHA256); err != nil || st != want {
			t.Fatalf("Stat = %+v, %v; want %+v", st, err, want)
		}
		got, err := readAll(t, s, want.SHA256, nil)
		if err != nil || !bytes.Equal(got, f) {
			t.Fatalf("Open: %d bytes, %v; want the %d put", len(got), err, len(f))
		}
		shas = append(shas, want.SHA256)
	}
	got := list(t, s)
	if len(got) != len(files) {
		t.Fatalf("List: %d files, want %d", len(got), len(files))
	}
	for i := 1; i < len(got); i++ {
		if got[i-1].SHA256 >= got[i].SHA256 {
			t.Fatalf("List is not in hash order: %s before %s", got[i-1].SHA256, got[i].SHA256)
		}
	}
	if err := s.Delete(ctx, shas[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Stat(ctx, shas[0]); !errors.Is(err, blob.ErrNotFound) {
		t.Fatalf("Stat after Delete: %v, want ErrNotFound", err)
	}
	if _, err := s.Open(ctx, shas[0], nil); !errors.Is(err, blob.ErrNotFound) {
		t.Fatalf("Open after Delete: %v, want ErrNotFound", err)
	}
	if err := s.Delete(ctx, shas[0]); !errors.Is(err, blob.ErrNotFound) {
		t.Fatalf("Delete twice: %v, want ErrNotFound", err)
	}
	if n := len(list(t, s)); n != len(files)-1 {
		t.Fatalf("List after Delete: %d files, want %d", n, len(files)-1)
	}
	stop := errors.New("stop")
	if err := s.List(ctx, func(blob.Info) error { return stop }); !errors.Is(err, stop) {
		t.Fatalf("List's callback error: %v, want it returned", err)
	}
}

func testSameBytesTwice(t *testing.T, s store) {
	ctx := context.Background()
	f := randomBytes(2, 100_000)
	first, err := s.Put(ctx, bytes.NewReader(f), blob.PutOptions{})
	if err != nil {
		t.Fatal(err)
	}
	second, err := s.Put(ctx, bytes.NewReader(f), blob.PutOptions{})
	if err != nil || second != first {
		t.Fatalf("second Put = %+v, %v; want %+v", second, err, first)
	}
	if n := len(list(t, s)); n != 1 {
		t.Fatalf("List: %d files, want 1", n)
	}
	if left := s.leftovers(); len(left) > 0 {
		t.Fatalf("left behind: %v", left)
	}
}

func testEmpty(t *testing.T, s store) {
	for _, opt := range []blob.PutOptions{{}, {Recipients: []string{mustRecipient(t)}}} {
		info, err := s.Put(context.Background(), strings.NewReader(""), opt)
		if err != nil || info.Size != 0 || info.SHA256 != hashOf(nil) {
			t.Fatalf("Put of nothing = %+v, %v", info, err)
		}
		if st, err := s.Stat(context.Background(), info.SHA256); err != nil || st.Size != 0 {
			t.Fatalf("Stat of nothing = %+v, %v", st, err)
		}
	}
}

func mustRecipient(t *testing.T) string { r, _ := newKey(t); return r }

func testTooLarge(t *testing.T, s store) {
	ctx := context.Background()
	f := randomBytes(3, 1000)
	if _, err := s.Put(ctx, bytes.NewReader(f), blob.PutOptions{MaxSize: 999}); !errors.Is(err, blob.ErrTooLarge) {
		t.Fatalf("Put over the limit: %v, want ErrTooLarge", err)
	}
	if got := list(t, s); len(got) != 0 {
		t.Fatalf("stored over the limit: %+v", got)
	}
	if _, err := s.Stat(ctx, hashOf(f)); !errors.Is(err, blob.ErrNotFound) {
		t.Fatalf("Stat of a refused file: %v, want ErrNotFound", err)
	}
	if left := s.leftovers(); len(left) > 0 {
		t.Fatalf("left behind: %v", left)
	}
	if info, err := s.Put(ctx, bytes.NewReader(f), blob.PutOptions{MaxSize: 1000}); err != nil || info.Size != 1000 {
		t.Fatalf("Put at the limit = %+v, %v", info, err)
	}
}

func testFailingReader(t *testing.T, s store) {
	broken := errors.New("connection reset")
	for _, n := range []int{0, 5000, 6 << 20} {
		for _, opt := range []blob.PutOptions{{}, {Recipients: []string{mustRecipient(t)}}} {
			_, err := s.Put(context.Background(), &failingReader{n: n, err: broken}, opt)
			if !errors.Is(err, broken) {
				t.Fatalf("Put from a reader failing after %d bytes: %v, want its error", n, err)
			}
		}
	}
	if got := list(t, s); len(got) != 0 {
		t.Fatalf("stored from a failing reader: %+v", got)
	}
	if left := s.leftovers(); len(left) > 0 {
		t.Fatalf("left behind: %v", left)
	}
}

func testCancelled(t *testing.T, s store) {
	ctx, cancel := context.WithCancel(context.Background())
	r := &cancelAfter{n: 12 << 20, cancel: cancel}
	if _, err := s.Put(ctx, r, blob.PutOptions{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("Put with its context cancelled midway: %v, want context.Canceled", err)
	}
	if got := list(t, s); len(got) != 0 {
		t.Fatalf("stored after cancel: %+v", got)
	}
	if left := s.leftovers(); len(left) > 0 {
		t.Fatalf("left behind: %v", left)
	}
}

// cancelAfter cancels its context once it has given n bytes, and goes on.
type cancelAfter struct {
	n      int
	cancel func()
}

func (c *cancelAfter) Read(p []byte) (int, error) {
	if c.n <= 0 {
		c.cancel()
	}
	c.n -= len(p)
	return len(p), nil
}

func testEncrypted(t *testing.T, s store) {
	ctx := context.Background()
	rcpt, id := newKey(t)
	rcpt2, id2 := newKey(t)
	_, other := newKey(t)
	f := randomBytes(4, 200_000)
	info, err := s.Put(ctx, bytes.NewReader(f), blob.PutOptions{Recipients: []string{rcpt, rcpt2}})
	want := blob.Info{SHA256: hashOf(f), Size: int64(len(f)), Encrypted: true}
	if err != nil || info != want {
		t.Fatalf("Put = %+v, %v; want %+v", info, err, want)
	}
	if st, err := s.Stat(ctx, want.SHA256); err != nil || st != want {
		t.Fatalf("Stat = %+v, %v; want %+v", st, err, want)
	}
	if got := list(t, s); len(got) != 1 || got[0] != want {
		t.Fatalf("List = %+v, want [%+v]", got, want)
	}
	for _, ids := range [][]string{{id}, {id2}, {other, id2}} {
		if got, err := readAll(t, s, want.SHA256, ids); err != nil || !bytes.Equal(got, f) {
			t.Fatalf("Open with %d identities: %d bytes, %v", len(ids), len(got), err)
		}
	}
	for _, ids := range [][]string{nil, {other}} {
		if _, err := s.Open(ctx, want.SHA256, ids); !errors.Is(err, blob.ErrLocked) {
			t.Fatalf("Open with %d identities, none right: %v, want ErrLocked", len(ids), err)
		}
	}
	if _, err := s.Put(ctx, bytes.NewReader(f), blob.PutOptions{Recipients: []string{"age1notakey"}}); err == nil {
		t.Fatal("Put to a recipient that is not a key: no error")
	}
}

// testRevealsNothing: the stored bytes of an encrypted file hold no 16-byte
// run of its plaintext, so a copied disk or bucket gives away only sizes.
func testRevealsNothing(t *testing.T, s store) {
	var text bytes.Buffer
	for i := 0; text.Len() < 300_000; i++ {
		text.WriteString("Протокол допроса свидетеля, Алматы, январь 2022; witness statement line ")
		text.WriteString(strings.Repeat("#", i%7))
	}
	text.Write(randomBytes(5, 100_000))
	plain := text.Bytes()
	info, err := s.Put(context.Background(), bytes.NewReader(plain), blob.PutOptions{Recipients: []string{mustRecipient(t)}})
	if err != nil {
		t.Fatal(err)
	}
	windows := make(map[[16]byte]bool, len(plain))
	for i := 0; i+16 <= len(plain); i++ {
		windows[[16]byte(plain[i:i+16])] = true
	}
	stored := s.raw(info.SHA256)
	if len(stored) < len(plain) {
		t.Fatalf("stored %d bytes of %d", len(stored), len(plain))
	}
	for i := 0; i+16 <= len(stored); i++ {
		if windows[[16]byte(stored[i:i+16])] {
			t.Fatalf("stored bytes at %d hold plaintext %q", i, stored[i:i+16])
		}
	}
	if bytes.Contains(stored, []byte(info.SHA256)) {
		t.Fatal("stored bytes name the plaintext's hash")
	}
}

func testPlainThenEncrypted(t *testing.T, s store) {
	ctx := context.Background()
	rcpt, id := newKey(t)
	f := randomBytes(6, 70_000)
	if _, err := s.Put(ctx, bytes.NewReader(f), blob.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	info, err := s.Put(ctx, bytes.NewReader(f), blob.PutOptions{Recipients: []string{rcpt}})
	if err != nil || !info.Encrypted {
		t.Fatalf("encrypted Put over a plain copy = %+v, %v; want it encrypted", info, err)
	}
	if bytes.Equal(s.raw(info.SHA256), f) {
		t.Fatal("the plain copy is still stored")
	}
	again, err := s.Put(ctx, bytes.NewReader(f), blob.PutOptions{})
	if err != nil || again != info {
		t.Fatalf("plain Put over an encrypted copy = %+v, %v; want the encrypted one kept", again, err)
	}
	if got, err := readAll(t, s, info.SHA256, []string{id}); err != nil || !bytes.Equal(got, f) {
		t.Fatalf("Open: %d bytes, %v", len(got), err)
	}
}

func testBadHash(t *testing.T, s store) {
	ctx := context.Background()
	for _, bad := range []string{"", "abc", strings.Repeat("A", 64), strings.Repeat("g", 64), "../" + strings.Repeat("0", 61), strings.Repeat("0", 65)} {
		if _, err := s.Stat(ctx, bad); !errors.Is(err, blob.ErrBadHash) {
			t.Errorf("Stat(%q): %v, want ErrBadHash", bad, err)
		}
		if _, err := s.Open(ctx, bad, nil); !errors.Is(err, blob.ErrBadHash) {
			t.Errorf("Open(%q): %v, want ErrBadHash", bad, err)
		}
		if err := s.Delete(ctx, bad); !errors.Is(err, blob.ErrBadHash) {
			t.Errorf("Delete(%q): %v, want ErrBadHash", bad, err)
		}
	}
	if _, err := s.Stat(ctx, strings.Repeat("0", 64)); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("Stat of an absent file: %v, want ErrNotFound", err)
	}
}

// testChangedByte: a stored file with one byte changed fails to read back.
func testChangedByte(t *testing.T, s store) {
	ctx := context.Background()
	rcpt, id := newKey(t)
	f := randomBytes(7, 150_000)
	for _, opt := range []blob.PutOptions{{}, {Recipients: []string{rcpt}}} {
		info, err := s.Put(ctx, bytes.NewReader(f), opt)
		if err != nil {
			t.Fatal(err)
		}
		raw := s.raw(info.SHA256)
		raw[len(raw)-1000] ^= 1
		s.overwrite(info.SHA256, raw)
		if _, err := readAll(t, s, info.SHA256, []string{id}); err == nil {
			t.Fatalf("read a changed file (encrypted %v) without error", opt.Recipients != nil)
		} else if opt.Recipients == nil && !errors.Is(err, blob.ErrCorrupt) {
			t.Fatalf("read a changed file: %v, want ErrCorrupt", err)
		}
		if err := s.Delete(ctx, info.SHA256); err != nil {
			t.Fatal(err)
		}
	}
}
