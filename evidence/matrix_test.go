package evidence_test

// The matrix: each store (SQLite, PostgreSQL) with each file backend
// (a local directory, S3 on a real versitygw server): add a public and a
// restricted file, a derivative, fetch by role, a deletion request, and
// Verify catching a changed byte in any stored file.

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/blob"
	"github.com/qantar-project/qantar/evidence"
	"github.com/qantar-project/qantar/internal/testworld"
)

var (
	matrixEditor = qantar.Actor{ID: "token:1", Name: "synthetic editor", Role: qantar.RoleEditor}
	matrixViewer = qantar.Actor{ID: "token:2", Name: "synthetic viewer", Role: qantar.RoleViewer}
)

// fileBackend is a blob store with a way behind its back to its stored
// objects, as a thief with a copy of the disk or the bucket has.
type fileBackend struct {
	blob.Store
	raw       func(sha string) []byte
	overwrite func(sha string, b []byte)
}

type namedOpen[T any] struct {
	name string
	open func(t *testing.T) T
}

func TestMatrix(t *testing.T) {
	gw := startGateway(t)
	stores := []namedOpen[qantar.Store]{{"SQLite", openSQLite}, {"PostgreSQL", openPostgres}}
	backends := []namedOpen[fileBackend]{{"Local", openLocal}, {"S3", gw.open}}
	for _, st := range stores {
		for _, b := range backends {
			t.Run(st.name+"/"+b.name, func(t *testing.T) { testMatrix(t, st.open(t), b.open(t)) })
		}
	}
}

func testMatrix(t *testing.T, st qantar.Store, fb fileBackend) {
	ctx := context.Background()
	fs := testworld.Files(t, fb)
	src := &qantar.Source{SourceKind: "video", Title: qantar.Text{"en": "Synthetic footage of a square"}}
	if err := st.Create(ctx, matrixEditor, src); err != nil {
		t.Fatal(err)
	}
	pubBytes := []byte("A synthetic public statement, published by its author.\n")
	secretBytes := []byte(strings.Repeat("A synthetic witness statement naming nobody real. ", 3000))
	pub := mustAdd(t, fs, st, evidence.Upload{SourceID: src.ID, Name: "statement.txt", Protection: qantar.Public}, pubBytes)
	secret := mustAdd(t, fs, st, evidence.Upload{SourceID: src.ID, Name: "witness.txt"}, secretBytes)
	if pub.Encrypted || pub.ProtectionLevel() != qantar.Public || !secret.Encrypted || secret.ProtectionLevel() != qantar.Restricted {
		t.Fatalf("public %v/%s, restricted %v/%s", pub.Encrypted, pub.ProtectionLevel(), secret.Encrypted, secret.ProtectionLevel())
	}
	if stored := fb.raw(secret.SHA256); bytes.Contains(stored, secretBytes[:64]) || !bytes.HasPrefix(stored, []byte("age-encryption.org/v1\n")) {
		t.Fatalf("the restricted file is stored in the clear (%d bytes)", len(stored))
	}
	if !bytes.Equal(fb.raw(pub.SHA256), pubBytes) {
		t.Fatal("the public file is not stored as it came")
	}
	// A derivative (OCR text of the restricted file) is restricted with it.
	ocr := mustAdd(t, fs, st, evidence.Upload{SourceID: src.ID, Name: "witness-ocr.txt", DerivedFrom: secret.SHA256, Derivation: "ocr_text"},
		[]byte("OCR text of a synthetic statement.\n"))
	if ocr.DerivedFrom != secret.SHA256 || ocr.ProtectionLevel() != qantar.Restricted || !ocr.Encrypted {
		t.Fatalf("derivative: %+v", ocr)
	}
	checkFetch(t, fs, st, pub, pubBytes, secret, secretBytes)
	checkDeletionRequest(t, st, secret)
	checkVerify(t, st, fb, fs.Identities, pub, secret, ocr)
}

func mustAdd(t *testing.T, fs *evidence.Files, st qantar.Store, up evidence.Upload, b []byte) *qantar.File {
	t.Helper()
	f, err := fs.Add(context.Background(), st, matrixEditor, up, bytes.NewReader(b))
	if err != nil {
		t.Fatalf("add %s: %v", up.Name, err)
	}
	if f.ID == 0 || f.Size != int64(len(b)) || f.SHA256 != sha(b) {
		t.Fatalf("add %s: %+v", up.Name, f)
	}
	return f
}

func sha(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// checkFetch: anybody gets the public file; an anonymous reader is refused
// the restricted one exactly as a hash that names nothing, and never sees
// its hash; a viewer and an editor get it decrypted.
func checkFetch(t *testing.T, fs *evidence.Files, st qantar.Store, pub *qantar.File, pubBytes []byte, secret *qantar.File, secretBytes []byte) {
	ctx := context.Background()
	for _, c := range []struct {
		reader qantar.Actor
		f      *qantar.File
		want   []byte // nil: refused
	}{
		{qantar.Anonymous, pub, pubBytes}, {qantar.Anonymous, secret, nil},
		{matrixViewer, secret, secretBytes}, {matrixEditor, secret, secretBytes}, {matrixViewer, pub, pubBytes},
	} {
		rec, rc, err := fs.Open(ctx, st, c.reader, c.f.SHA256)
		if c.want == nil {
			_, _, none := fs.Open(ctx, st, c.reader, strings.Repeat("ab", 32))
			if rc != nil || rec != nil || qantar.ErrorCode(err) != qantar.ENOTFOUND || none == nil || err.Error() != none.Error() {
				t.Fatalf("%q opens %s: %v (a hash of nothing: %v)", c.reader.Role, c.f.Name, err, none)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%q opens %s: %v", c.reader.Role, c.f.Name, err)
		}
		got, err := io.ReadAll(rc)
		rc.Close()
		if err != nil || !bytes.Equal(got, c.want) {
			t.Fatalf("%q reads %s: %d bytes, %v", c.reader.Role, c.f.Name, len(got), err)
		}
	}
	recs, _, err := st.List(ctx, qantar.KindFile, qantar.Filter{Reader: qantar.Anonymous})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if f := r.(*qantar.File); f.ProtectionLevel() != qantar.Public && (f.SHA256 != "" || f.Name != "") {
			t.Errorf("an anonymous list shows a restricted file's hash or name: %+v", f)
		}
	}
	where := map[string]string{"sha256": secret.SHA256}
	if _, total, err := st.List(ctx, qantar.KindFile, qantar.Filter{Reader: qantar.Anonymous, Where: where}); err != nil || total != 0 {
		t.Errorf("an anonymous reader matches the restricted file by its hash: %d (%v)", total, err)
	}
}

// checkDeletionRequest: a request to delete is a new version of the File
// record, by its editor, in the log; the history keeps both.
func checkDeletionRequest(t *testing.T, st qantar.Store, f *qantar.File) {
	ctx := context.Background()
	rec, err := st.Get(ctx, qantar.KindFile, f.ID)
	if err != nil {
		t.Fatal(err)
	}
	cur := rec.(*qantar.File)
	cur.DeletionRequested = &qantar.DeletionRequest{Reason: "the synthetic witness withdrew consent", By: matrixEditor.ID}
	if err := st.Update(ctx, matrixEditor, cur); err != nil {
		t.Fatal(err)
	}
	hist, err := st.History(ctx, qantar.KindFile, f.ID)
	if err != nil || len(hist) != 2 {
		t.Fatalf("history: %d versions (%v), want 2", len(hist), err)
	}
	last := hist[1]
	if last.Actor != matrixEditor.ID || last.LeafIndex == nil || !bytes.Contains(last.Data, []byte("withdrew consent")) ||
		bytes.Contains(hist[0].Data, []byte("deletion_requested")) {
		t.Fatalf("history: %s then %s by %s", hist[0].Data, last.Data, last.Actor)
	}
}

// checkVerify: the stored files verify; without identities the encrypted
// ones are unchecked, not passed; a byte changed in the plain file and in
// an encrypted one is found, and only those.
func checkVerify(t *testing.T, st qantar.Store, fb fileBackend, ids []string, pub, secret, ocr *qantar.File) {
	ctx := context.Background()
	if problems, unchecked, err := evidence.Verify(ctx, st, fb, ids); err != nil || len(problems) != 0 || unchecked != 0 {
		t.Fatalf("Verify of untouched files: %v, %d unchecked, %v", problems, unchecked, err)
	}
	if problems, unchecked, err := evidence.Verify(ctx, st, fb, nil); err != nil || len(problems) != 0 || unchecked != 2 {
		t.Fatalf("Verify without identities: %v, %d unchecked (want 2), %v", problems, unchecked, err)
	}
	for _, f := range []*qantar.File{pub, secret} {
		b := fb.raw(f.SHA256)
		b[len(b)/2] ^= 0x01
		fb.overwrite(f.SHA256, b)
	}
	problems, _, err := evidence.Verify(ctx, st, fb, ids)
	if err != nil || len(problems) != 2 {
		t.Fatalf("Verify after a byte changed in two files: %q, %v", problems, err)
	}
	var said []string
	for _, p := range problems {
		said = append(said, p.Error())
	}
	text := strings.Join(said, "\n")
	if !strings.Contains(text, pub.SHA256) || !strings.Contains(text, secret.SHA256) || strings.Contains(text, ocr.SHA256) {
		t.Fatalf("Verify names %q; want %s and %s", problems, pub.SHA256, secret.SHA256)
	}
}

func openSQLite(t *testing.T) qantar.Store { return testworld.SQLite(t, testworld.Options{}) }

// openPostgres opens a store in a schema of its own; without
// QANTAR_TEST_POSTGRES the test fails: the PostgreSQL half of the matrix is
// never skipped.
func openPostgres(t *testing.T) qantar.Store { return testworld.Postgres(t, testworld.Options{}) }

func openLocal(t *testing.T) fileBackend {
	dir := filepath.Join(t.TempDir(), "files")
	path := func(sha string) string { return filepath.Join(dir, sha[:2], sha) }
	return fileBackend{
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
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// gateway is a real S3 server, github.com/versity/versitygw (a tool in
// go.mod) over its POSIX backend in a temporary directory, as blob's tests
// start it: one for the matrix, a bucket for each of its cells. posixArgs
// go to its posix backend (--versioning-dir DIR lets buckets keep versions).
type gateway struct {
	endpoint, access, secret string
}

func startGateway(t *testing.T, posixArgs ...string) *gateway {
	out, err := exec.Command("go", "tool", "-n", "versitygw").Output()
	if err != nil {
		t.Fatalf("versitygw (a tool in go.mod) cannot be built: %v", err)
	}
	data := t.TempDir()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	g := &gateway{endpoint: "http://" + addr, access: randomHex(10), secret: randomHex(20)}
	var logText bytes.Buffer
	args := append([]string{"--port", addr, "--access", g.access, "--secret", g.secret, "--quiet", "posix"}, posixArgs...)
	cmd := exec.Command(strings.TrimSpace(string(out)), append(args, data)...)
	cmd.Stdout, cmd.Stderr = &logText, &logText
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return g
		}
		if time.Now().After(deadline) {
			t.Fatalf("versitygw does not listen on %s after 30 s:\n%s", addr, logText.String())
		}
	}
}

// bucket makes a new bucket and a client of the gateway.
func (g *gateway) bucket(t *testing.T) (*s3.Client, string) {
	c := s3.New(s3.Options{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider(g.access, g.secret, ""),
		UsePathStyle: true, BaseEndpoint: aws.String(g.endpoint)})
	bucket := "m" + randomHex(8)
	if _, err := c.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: &bucket}); err != nil {
		t.Fatal(err)
	}
	return c, bucket
}

// open makes a new bucket and a store in it, under a prefix.
func (g *gateway) open(t *testing.T) fileBackend {
	ctx := context.Background()
	c, bucket := g.bucket(t)
	const prefix = "evidence/"
	s, err := blob.S3(blob.S3Config{Endpoint: g.endpoint, Bucket: bucket, Prefix: prefix, PathStyle: true, AccessKey: g.access, SecretKey: g.secret})
	if err != nil {
		t.Fatal(err)
	}
	key := func(sha string) *string { return aws.String(prefix + sha) }
	return fileBackend{
		Store: s,
		raw: func(sha string) []byte {
			out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: key(sha)})
			if err != nil {
				t.Fatal(err)
			}
			defer out.Body.Close()
			b, err := io.ReadAll(out.Body)
			if err != nil {
				t.Fatal(err)
			}
			return b
		},
		overwrite: func(sha string, b []byte) {
			if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: key(sha), Body: bytes.NewReader(b)}); err != nil {
				t.Fatal(fmt.Errorf("rewrite %s: %w", sha, err))
			}
		},
	}
}
