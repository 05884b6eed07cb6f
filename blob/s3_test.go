package blob_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/qantar-project/qantar/blob"
)

// versitygw is a real S3 server, github.com/versity/versitygw (a tool in
// go.mod), over its POSIX backend in a temporary directory: started once for
// the package's tests, each store in a bucket of its own.
type versitygw struct {
	endpoint       string
	access, secret string
	dir            string
	cmd            *exec.Cmd
	err            error
}

var (
	gwOnce sync.Once
	gw     versitygw
)

// TestMain stops the server the tests started.
func TestMain(m *testing.M) {
	code := m.Run()
	if gw.cmd != nil {
		gw.cmd.Process.Kill()
		gw.cmd.Wait()
	}
	if gw.dir != "" {
		os.RemoveAll(gw.dir)
	}
	os.Exit(code)
}

// startVersitygw builds versitygw from the module cache at the version go.mod
// pins and starts it on a free port with generated credentials. A failure
// fails the test: the S3 backend is tested against a real server, never
// skipped.
func startVersitygw(t *testing.T) *versitygw {
	t.Helper()
	gwOnce.Do(func() { gw.err = gw.start() })
	if gw.err != nil {
		t.Fatalf("versitygw (github.com/versity/versitygw, a tool in go.mod): %v", gw.err)
	}
	return &gw
}

func (g *versitygw) start() error {
	dir, err := os.MkdirTemp("", "versitygw")
	if err != nil {
		return err
	}
	g.dir = dir
	// "go tool -n" builds the tool once and keeps the binary in the build
	// cache, so later runs start at once.
	out, err := exec.Command("go", "tool", "-n", "versitygw").Output()
	if err != nil {
		return fmt.Errorf("cannot build it (go tool -n versitygw): %v\n%s\nthe module must be in the module cache or reachable through the Go module proxy", err, errText(err))
	}
	bin := strings.TrimSpace(string(out))
	data := filepath.Join(dir, "data")
	if err := os.Mkdir(data, 0o700); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	addr := ln.Addr().String()
	ln.Close()
	g.access, g.secret = randomHex(10), randomHex(20)
	g.endpoint = "http://" + addr
	var logText bytes.Buffer
	g.cmd = exec.Command(bin, "--port", addr, "--access", g.access, "--secret", g.secret, "--quiet", "posix", data)
	g.cmd.Stdout, g.cmd.Stderr = &logText, &logText
	if err := g.cmd.Start(); err != nil {
		return err
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("does not listen on %s after 30 s:\n%s", addr, logText.String())
		}
	}
}

func errText(err error) []byte {
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.Stderr
	}
	return nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// client is a plain S3 client of the server, to look behind a store's back.
func (g *versitygw) client() *s3.Client {
	return s3.New(s3.Options{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider(g.access, g.secret, ""),
		UsePathStyle: true,
		BaseEndpoint: aws.String(g.endpoint),
	})
}

// newS3 returns a store in a new bucket, under prefix, and a client.
func newS3(t *testing.T, prefix string, partSize int64) (*blob.S3Store, *s3.Client, string) {
	g := startVersitygw(t)
	c := g.client()
	bucket := "t" + strings.ToLower(randomHex(8))
	if _, err := c.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: &bucket}); err != nil {
		t.Fatal(err)
	}
	s, err := blob.S3(blob.S3Config{
		Endpoint: g.endpoint, Bucket: bucket, Prefix: prefix, PathStyle: true,
		AccessKey: g.access, SecretKey: g.secret, PartSize: partSize,
	})
	if err != nil {
		t.Fatal(err)
	}
	return s, c, bucket
}

func s3Backend(t *testing.T) backend {
	return backend{name: "S3", open: func(t *testing.T) store {
		const prefix = "evidence/"
		s, c, bucket := newS3(t, prefix, 5<<20)
		ctx := context.Background()
		key := func(sha string) *string { return aws.String(prefix + sha) }
		return store{
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
					t.Fatal(err)
				}
			},
			leftovers: func() []string {
				var left []string
				out, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: &bucket})
				if err != nil {
					t.Fatal(err)
				}
				for _, o := range out.Contents {
					if k := aws.ToString(o.Key); strings.Contains(k, "/.") {
						left = append(left, k)
					}
				}
				ups, err := c.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: &bucket})
				if err != nil {
					t.Fatal(err)
				}
				for _, u := range ups.Uploads {
					left = append(left, "upload of "+aws.ToString(u.Key))
				}
				return left
			},
		}
	}}
}

// TestS3Layout: objects are named prefix+SHA-256 with their plaintext's
// size in metadata; a file over the copy limit is copied in parts; a store
// under another prefix of the same bucket sees none of them.
func TestS3Layout(t *testing.T) {
	ctx := context.Background()
	s, c, bucket := newS3(t, "a/", 5<<20)
	blob.SetMaxCopy(s, 5<<20)
	f := randomBytes(9, 12<<20+5)
	rcpt, id := newKey(t)
	info, err := s.Put(ctx, bytes.NewReader(f), blob.PutOptions{Recipients: []string{rcpt}})
	if err != nil {
		t.Fatal(err)
	}
	head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &bucket, Key: aws.String("a/" + info.SHA256)})
	if err != nil {
		t.Fatal(err)
	}
	if head.Metadata["qantar-size"] != fmt.Sprint(len(f)) || aws.ToInt64(head.ContentLength) <= int64(len(f)) {
		t.Fatalf("object: %d bytes, metadata %v", aws.ToInt64(head.ContentLength), head.Metadata)
	}
	if got, err := readAll(t, s, info.SHA256, []string{id}); err != nil || !bytes.Equal(got, f) {
		t.Fatalf("Open after a copy in parts: %d bytes, %v", len(got), err)
	}
	other, err := blob.S3(blob.S3Config{Endpoint: gw.endpoint, Bucket: bucket, Prefix: "b/", PathStyle: true, AccessKey: gw.access, SecretKey: gw.secret})
	if err != nil {
		t.Fatal(err)
	}
	if got := list(t, other); len(got) != 0 {
		t.Fatalf("another prefix lists %+v", got)
	}
	if _, err := blob.S3(blob.S3Config{Bucket: bucket, PartSize: 1 << 20}); err == nil {
		t.Fatal("a part size under 5 MiB: no error")
	}
}
