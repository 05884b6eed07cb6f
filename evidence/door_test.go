package evidence_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"filippo.io/age"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/blob"
	"github.com/qantar-project/qantar/evidence"
	"github.com/qantar-project/qantar/media/mediatest"
)

// ageHeader begins every age-encrypted file.
var ageHeader = []byte("age-encryption.org/v1\n")

// watchedStore fails the test the moment a Put in the clear is handed
// bytes that name their maker: what reaches the backend unencrypted, at
// any time, not only what is left there at the end.
type watchedStore struct {
	blob.Store
	t    *testing.T
	mu   sync.Mutex
	puts int
}

func (w *watchedStore) Put(ctx context.Context, r io.Reader, opt blob.PutOptions) (blob.Info, error) {
	if len(opt.Recipients) > 0 {
		return w.Store.Put(ctx, r, opt)
	}
	var seen bytes.Buffer
	info, err := w.Store.Put(ctx, io.TeeReader(r, &seen), opt)
	if !mediatest.Clean(seen.Bytes()) {
		w.t.Errorf("a Put in the clear was handed %d bytes that name their maker", seen.Len())
	}
	w.mu.Lock()
	w.puts++
	w.mu.Unlock()
	return info, err
}

// everyObject is every object a backend holds or held (on S3 every
// version of every key, temporary ones included), by name.
type everyObject func(t *testing.T) map[string][]byte

// TestPublicImageNeverInTheClear: a JPEG whose EXIF (device, time,
// position) lies past its first 256 KiB, asked to be public, on a local
// directory and on S3 with versioning: no Put in the clear ever gets its
// bytes, and afterwards no object, nor any older version of any key, holds
// them unencrypted; the original is restricted and encrypted, its
// stripped copy public. A clean JPEG of the same size is public as it came,
// with no copy; the spool leaves nothing behind.
func TestPublicImageNeverInTheClear(t *testing.T) {
	gw := startGateway(t, "--versioning-dir", t.TempDir())
	for _, b := range []struct {
		name string
		open func(t *testing.T) (blob.Store, everyObject)
	}{{"Local", localObjects}, {"S3", gw.versioned}} {
		t.Run(b.name, func(t *testing.T) {
			bs, objects := b.open(t)
			testNeverInTheClear(t, bs, objects)
		})
	}
}

func testNeverInTheClear(t *testing.T, bs blob.Store, objects everyObject) {
	ctx := context.Background()
	st := openSQLite(t)
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	spoolDir := t.TempDir()
	watched := &watchedStore{Store: bs, t: t}
	fs := &evidence.Files{Blobs: watched, Recipients: []string{id.Recipient().String()}, Identities: []string{id.String()}, SpoolDir: spoolDir}
	src := &qantar.Source{SourceKind: "photo", Title: qantar.Text{"en": "Synthetic photographs of a square"}}
	if err := st.Create(ctx, matrixEditor, src); err != nil {
		t.Fatal(err)
	}
	late := mediatest.JPEGLateEXIF(t, mediatest.Picture(320, 240, 5, 0), 300<<10)
	if at := bytes.Index(late, []byte("Exif\x00\x00")); at < 256<<10 {
		t.Fatalf("the EXIF block starts at byte %d, inside the head", at)
	}
	a, err := fs.Receive(ctx, st, matrixEditor, evidence.Upload{SourceID: src.ID, Name: "IMG_0002.jpg", Protection: qantar.Public}, bytes.NewReader(late))
	if err != nil {
		t.Fatal(err)
	}
	if a.File.ProtectionLevel() != qantar.Restricted || !a.File.Encrypted || a.Public == nil {
		t.Fatalf("late EXIF asked public: %+v, copy %+v", a.File, a.Public)
	}
	if a.Public.Encrypted || a.Public.ProtectionLevel() != qantar.Public || a.Public.Size >= a.File.Size {
		t.Errorf("the public copy: %+v", a.Public)
	}
	clean := mediatest.JPEG(t, mediatest.Noise(800, 600, 8), 90, false)
	if len(clean) < 300<<10 {
		t.Fatalf("the clean JPEG is %d bytes, within the head", len(clean))
	}
	c, err := fs.Receive(ctx, st, matrixEditor, evidence.Upload{SourceID: src.ID, Name: "clean.jpg", Protection: qantar.Public}, bytes.NewReader(clean))
	if err != nil {
		t.Fatal(err)
	}
	if c.File.ProtectionLevel() != qantar.Public || c.File.Encrypted || c.Public != nil {
		t.Errorf("a clean JPEG asked public: %+v, copy %+v", c.File, c.Public)
	}
	all := objects(t)
	checkObjects(t, all, map[string][]byte{a.File.SHA256: nil, a.Public.SHA256: nil, c.File.SHA256: clean})
	if left, _ := os.ReadDir(spoolDir); len(left) != 0 {
		t.Errorf("the spool left %d files behind", len(left))
	}
	if watched.puts == 0 {
		t.Error("no Put in the clear was watched")
	}
}

// checkObjects: every object is age-encrypted or says nothing of its
// maker, those in want are there, and one given bytes holds them as they are.
func checkObjects(t *testing.T, all map[string][]byte, want map[string][]byte) {
	t.Helper()
	for name, b := range all {
		if !bytes.HasPrefix(b, ageHeader) && !mediatest.Clean(b) {
			t.Errorf("%s holds, in the clear, bytes that name their maker", name)
		}
	}
	for sha, b := range want {
		found := false
		for name, got := range all {
			if strings.HasSuffix(name, sha) || strings.Contains(name, sha+"@") {
				found = true
				if b != nil && !bytes.Equal(got, b) {
					t.Errorf("%s is not stored as it came", name)
				}
			}
		}
		if !found {
			t.Errorf("no object holds %s (objects: %d)", sha, len(all))
		}
	}
}

// localObjects is a local directory and every file in it, temporary ones
// included.
func localObjects(t *testing.T) (blob.Store, everyObject) {
	dir := filepath.Join(t.TempDir(), "files")
	return blob.Local(dir), func(t *testing.T) map[string][]byte {
		all := map[string][]byte{}
		err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := os.ReadFile(p)
			all[p] = b
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return all
	}
}

// versioned is a store in a new bucket with versioning on, and every
// version of every key in that bucket ("key@version").
func (g *gateway) versioned(t *testing.T) (blob.Store, everyObject) {
	ctx := context.Background()
	c, bucket := g.bucket(t)
	if _, err := c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: &bucket,
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}}); err != nil {
		t.Fatalf("versioning: %v", err)
	}
	s, err := blob.S3(blob.S3Config{Endpoint: g.endpoint, Bucket: bucket, Prefix: "evidence/", PathStyle: true, AccessKey: g.access, SecretKey: g.secret})
	if err != nil {
		t.Fatal(err)
	}
	return s, func(t *testing.T) map[string][]byte {
		out, err := c.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: &bucket})
		if err != nil || aws.ToBool(out.IsTruncated) {
			t.Fatalf("list versions: %v (truncated %v)", err, out != nil && aws.ToBool(out.IsTruncated))
		}
		all := map[string][]byte{}
		for _, v := range out.Versions {
			o, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: v.Key, VersionId: v.VersionId})
			if err != nil {
				t.Fatalf("get %s@%s: %v", aws.ToString(v.Key), aws.ToString(v.VersionId), err)
			}
			b, err := io.ReadAll(o.Body)
			o.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			all[aws.ToString(v.Key)+"@"+aws.ToString(v.VersionId)] = b
		}
		if len(out.Versions) <= 3 {
			t.Errorf("%d versions in a versioned bucket: the temporary objects' are missing", len(out.Versions))
		}
		return all
	}
}
