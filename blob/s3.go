package blob

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// S3Config says where an S3-compatible store keeps its files.
type S3Config struct {
	Endpoint  string // e.g. "https://s3.example.org"; empty for AWS itself
	Region    string // "us-east-1" when empty
	Bucket    string // must exist
	Prefix    string // put before each key, e.g. "evidence/"
	AccessKey string
	SecretKey string
	PathStyle bool  // bucket in the path, not the host name (most servers other than AWS)
	PartSize  int64 // bytes per uploaded part (at least 5 MiB; 16 MiB when 0): what a Put holds in memory
	// HTTPClient, when set, makes the requests.
	HTTPClient *http.Client
}

// S3Store keeps files as objects named Prefix+SHA-256. A Put uploads the
// stored bytes (in parts, never holding more than one) under a temporary key,
// copies the object to its address once the hash is known, and deletes the
// temporary object; any failure aborts the upload and stores nothing.
type S3Store struct {
	c        *s3.Client
	bucket   string
	prefix   string
	partSize int64
	// maxCopy is the largest object copied in one request (S3's limit is
	// 5 GiB); larger ones are copied in parts of maxCopy.
	maxCopy int64
}

var _ Store = (*S3Store)(nil)

// The object metadata an S3Store writes: the plaintext's size, and whether
// the object is an age file.
const (
	metaSize      = "qantar-size"
	metaEncrypted = "qantar-encrypted"
)

// tempKeys is where a Put's object is uploaded before it has its hash.
const tempKeys = ".put/"

const minPartSize = 5 << 20

// S3 returns the store cfg describes. It does not connect: the first call
// does.
func S3(cfg S3Config) (*S3Store, error) {
	if cfg.Bucket == "" {
		return nil, errors.New("blob: S3 needs a bucket")
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	if cfg.PartSize == 0 {
		cfg.PartSize = 16 << 20
	}
	if cfg.PartSize < minPartSize {
		return nil, fmt.Errorf("blob: S3 part size %d is under S3's minimum of 5 MiB", cfg.PartSize)
	}
	opts := s3.Options{
		Region:       cfg.Region,
		Credentials:  credentials.NewStaticCredentialsProvider(cfg.AccessKey, cfg.SecretKey, ""),
		UsePathStyle: cfg.PathStyle,
		// Checksums only where S3 requires them: not every compatible server
		// knows the newer ones, and the hash that matters is ours.
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
	}
	if cfg.Endpoint != "" {
		opts.BaseEndpoint = aws.String(cfg.Endpoint)
	}
	if cfg.HTTPClient != nil {
		opts.HTTPClient = cfg.HTTPClient
	}
	return &S3Store{c: s3.New(opts), bucket: cfg.Bucket, prefix: cfg.Prefix, partSize: cfg.PartSize, maxCopy: 5 << 30}, nil
}

func (s *S3Store) key(sha string) string { return s.prefix + sha }

// notFound says whether err is S3's answer that there is no such object.
func notFound(err error) bool {
	var re *awshttp.ResponseError
	return errors.As(err, &re) && re.HTTPStatusCode() == http.StatusNotFound
}

// Put stores r under the SHA-256 of its plaintext, keeping what is already
// stored unless a plain copy gives way to an encrypted one (as LocalStore).
func (s *S3Store) Put(ctx context.Context, r io.Reader, opt PutOptions) (Info, error) {
	var nonce [16]byte
	rand.Read(nonce[:])
	tmp := s.prefix + tempKeys + hex.EncodeToString(nonce[:])
	up := &upload{ctx: ctx, s: s, key: tmp, buf: make([]byte, 0, s.partSize)}
	info, err := encode(ctx, up, r, opt)
	if err == nil {
		err = up.finish()
	}
	if err != nil {
		return Info{}, errors.Join(err, up.abort())
	}
	// From here on the temporary object exists: whatever happens, delete it.
	defer s.c.DeleteObject(context.WithoutCancel(ctx), &s3.DeleteObjectInput{Bucket: &s.bucket, Key: &tmp})
	if old, err := s.Stat(ctx, info.SHA256); err == nil && (old.Encrypted || !info.Encrypted) {
		return old, nil
	} else if err != nil && !errors.Is(err, ErrNotFound) {
		return Info{}, err
	}
	if err := s.copy(ctx, tmp, up.stored, info); err != nil {
		return Info{}, fmt.Errorf("blob: put: %w", err)
	}
	return info, nil
}

func metadata(info Info) map[string]string {
	m := map[string]string{metaSize: strconv.FormatInt(info.Size, 10)}
	if info.Encrypted {
		m[metaEncrypted] = "age"
	}
	return m
}

// copy copies the object at tmp, of size stored, to info's address with
// info's metadata.
func (s *S3Store) copy(ctx context.Context, tmp string, stored int64, info Info) error {
	src := s.bucket + "/" + tmp
	key := s.key(info.SHA256)
	if stored <= s.maxCopy {
		_, err := s.c.CopyObject(ctx, &s3.CopyObjectInput{
			Bucket: &s.bucket, Key: &key, CopySource: &src,
			Metadata: metadata(info), MetadataDirective: types.MetadataDirectiveReplace,
		})
		return err
	}
	cctx, cancel := settled(ctx) // as upload's: its id is known whenever the server made it
	mu, err := s.c.CreateMultipartUpload(cctx, &s3.CreateMultipartUploadInput{Bucket: &s.bucket, Key: &key, Metadata: metadata(info)})
	cancel()
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		s.c.AbortMultipartUpload(context.WithoutCancel(ctx), &s3.AbortMultipartUploadInput{Bucket: &s.bucket, Key: &key, UploadId: mu.UploadId})
		return err
	}
	var parts []types.CompletedPart
	for off, n := int64(0), int32(1); off < stored; off, n = off+s.maxCopy, n+1 {
		rng := fmt.Sprintf("bytes=%d-%d", off, min(off+s.maxCopy, stored)-1)
		out, err := s.c.UploadPartCopy(ctx, &s3.UploadPartCopyInput{
			Bucket: &s.bucket, Key: &key, UploadId: mu.UploadId, PartNumber: aws.Int32(n),
			CopySource: &src, CopySourceRange: &rng,
		})
		if err != nil {
			s.c.AbortMultipartUpload(context.WithoutCancel(ctx), &s3.AbortMultipartUploadInput{Bucket: &s.bucket, Key: &key, UploadId: mu.UploadId})
			return err
		}
		parts = append(parts, types.CompletedPart{ETag: out.CopyPartResult.ETag, PartNumber: aws.Int32(n)})
	}
	_, err = s.c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{
		Bucket: &s.bucket, Key: &key, UploadId: mu.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: parts},
	})
	if err != nil {
		s.c.AbortMultipartUpload(context.WithoutCancel(ctx), &s3.AbortMultipartUploadInput{Bucket: &s.bucket, Key: &key, UploadId: mu.UploadId})
	}
	return err
}

// Open returns the plaintext of a stored object, checked against its hash as
// it is read.
func (s *S3Store) Open(ctx context.Context, sha string, identities []string) (io.ReadCloser, error) {
	if err := checkHash(sha); err != nil {
		return nil, err
	}
	out, err := s.c.GetObject(ctx, &s3.GetObjectInput{Bucket: &s.bucket, Key: aws.String(s.key(sha))})
	if notFound(err) {
		return nil, fmt.Errorf("blob: %s: %w", sha, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("blob: %w", err)
	}
	return decode(sha, out.Body, identities)
}

// Stat describes a stored object from its metadata, or from its first bytes
// when it has none (an object not put by an S3Store).
func (s *S3Store) Stat(ctx context.Context, sha string) (Info, error) {
	if err := checkHash(sha); err != nil {
		return Info{}, err
	}
	key := s.key(sha)
	out, err := s.c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &s.bucket, Key: &key})
	if notFound(err) {
		return Info{}, fmt.Errorf("blob: %s: %w", sha, ErrNotFound)
	}
	if err != nil {
		return Info{}, fmt.Errorf("blob: %w", err)
	}
	if size, err := strconv.ParseInt(out.Metadata[metaSize], 10, 64); err == nil {
		return Info{SHA256: sha, Size: size, Encrypted: out.Metadata[metaEncrypted] != ""}, nil
	}
	obj, err := s.c.GetObject(ctx, &s3.GetObjectInput{Bucket: &s.bucket, Key: &key})
	if err != nil {
		return Info{}, fmt.Errorf("blob: %w", err)
	}
	defer obj.Body.Close()
	return describe(sha, obj.Body, aws.ToInt64(out.ContentLength))
}

// Delete removes a stored object.
func (s *S3Store) Delete(ctx context.Context, sha string) error {
	if _, err := s.Stat(ctx, sha); err != nil {
		return err
	}
	if _, err := s.c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &s.bucket, Key: aws.String(s.key(sha))}); err != nil {
		return fmt.Errorf("blob: %w", err)
	}
	return nil
}

// List calls fn for each stored object in hash order (S3 lists keys in
// byte order); an error from fn stops the walk and is returned.
func (s *S3Store) List(ctx context.Context, fn func(Info) error) error {
	p := s3.NewListObjectsV2Paginator(s.c, &s3.ListObjectsV2Input{Bucket: &s.bucket, Prefix: &s.prefix, Delimiter: aws.String("/")})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("blob: list: %w", err)
		}
		for _, o := range page.Contents {
			sha := aws.ToString(o.Key)[len(s.prefix):]
			if checkHash(sha) != nil {
				continue
			}
			info, err := s.Stat(ctx, sha)
			if errors.Is(err, ErrNotFound) {
				continue // deleted since the page was listed
			}
			if err != nil {
				return err
			}
			if err := fn(info); err != nil {
				return fmt.Errorf("blob: list: %w", err)
			}
		}
	}
	return nil
}

// upload is a writer that uploads what it is given to key: in one request
// when it ends within a part, else as a multipart upload of parts of
// cap(buf) bytes. The requests that make something on the server (begin
// the multipart upload, put the object, complete it) are not interrupted by
// the Put's context, only bounded by createTimeout: a cancelled request
// could have made it on the server without the client learning of it, and
// abort could not undo what it does not know of. The parts stay
// cancellable: aborting the upload deletes them all.
type upload struct {
	ctx    context.Context
	s      *S3Store
	key    string
	buf    []byte
	id     *string // the multipart upload, once begun
	parts  []types.CompletedPart
	stored int64
	done   bool // the object exists
}

func (u *upload) Write(p []byte) (int, error) {
	n := 0
	for len(p) > 0 {
		k := min(len(p), cap(u.buf)-len(u.buf))
		u.buf = append(u.buf, p[:k]...)
		p, n = p[k:], n+k
		if len(u.buf) == cap(u.buf) {
			if err := u.flush(); err != nil {
				return n, err
			}
		}
	}
	return n, nil
}

// flush uploads the buffer as the next part.
func (u *upload) flush() error {
	s := u.s
	if u.id == nil {
		ctx, cancel := settled(u.ctx)
		out, err := s.c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: &s.bucket, Key: &u.key})
		cancel()
		if err != nil {
			return err
		}
		u.id = out.UploadId
		if err := u.ctx.Err(); err != nil {
			return err
		}
	}
	n := aws.Int32(int32(len(u.parts) + 1))
	out, err := s.c.UploadPart(u.ctx, &s3.UploadPartInput{
		Bucket: &s.bucket, Key: &u.key, UploadId: u.id, PartNumber: n,
		Body: bytes.NewReader(u.buf), ContentLength: aws.Int64(int64(len(u.buf))),
	})
	if err != nil {
		return err
	}
	u.parts = append(u.parts, types.CompletedPart{ETag: out.ETag, PartNumber: n})
	u.stored += int64(len(u.buf))
	u.buf = u.buf[:0]
	return nil
}

// finish uploads what is left and completes the object.
func (u *upload) finish() error {
	s := u.s
	if u.id == nil {
		ctx, cancel := settled(u.ctx)
		_, err := s.c.PutObject(ctx, &s3.PutObjectInput{
			Bucket: &s.bucket, Key: &u.key, Body: bytes.NewReader(u.buf), ContentLength: aws.Int64(int64(len(u.buf))),
		})
		cancel()
		u.stored, u.done = int64(len(u.buf)), err == nil
		if err == nil {
			err = u.ctx.Err()
		}
		return err
	}
	if len(u.buf) > 0 {
		if err := u.flush(); err != nil {
			return err
		}
	}
	ctx, cancel := settled(u.ctx)
	_, err := s.c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{
		Bucket: &s.bucket, Key: &u.key, UploadId: u.id,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: u.parts},
	})
	cancel()
	u.done = err == nil
	if err == nil {
		err = u.ctx.Err()
	}
	return err
}

// createTimeout bounds a request that makes something on the server, which
// the Put's context does not interrupt.
const createTimeout = 10 * time.Minute

// settled is the context of such a request: the Put's values, not its
// cancellation, and createTimeout.
func settled(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), createTimeout)
}

// abort undoes an upload that failed: the multipart upload is aborted, or
// the object deleted, even when the context that stopped it has ended.
func (u *upload) abort() error {
	ctx, s := context.WithoutCancel(u.ctx), u.s
	switch {
	case u.done:
		_, err := s.c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &s.bucket, Key: &u.key})
		return err
	case u.id != nil:
		_, err := s.c.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: &s.bucket, Key: &u.key, UploadId: u.id})
		return err
	}
	return nil
}
