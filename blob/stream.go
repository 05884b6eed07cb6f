package blob

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"strings"

	"filippo.io/age"
)

// ErrCorrupt is returned by a reader from Open when the bytes it read do not
// hash to the address they were stored under: the stored object changed.
var ErrCorrupt = errors.New("blob: stored file does not match its SHA-256")

// copyBuffer is the size of the buffer each Put streams through: large
// enough that the hash, the cipher and the writes run in long strides, small
// enough that a Put never holds more than a few of them.
const copyBuffer = 1 << 20

// checkHash says whether s is a SHA-256 in lower-case hex.
func checkHash(s string) error {
	if len(s) != sha256.Size*2 {
		return fmt.Errorf("%w: %q", ErrBadHash, s)
	}
	for _, c := range s {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return fmt.Errorf("%w: %q", ErrBadHash, s)
		}
	}
	return nil
}

// parseRecipients reads age recipients ("age1…"), one a string.
func parseRecipients(list []string) ([]age.Recipient, error) {
	rs, err := age.ParseRecipients(strings.NewReader(strings.Join(list, "\n")))
	if err != nil {
		return nil, fmt.Errorf("blob: recipients: %w", err)
	}
	return rs, nil
}

// parseIdentities reads age identities ("AGE-SECRET-KEY-1…"); none is no
// identity, which opens only what is not encrypted.
func parseIdentities(list []string) ([]age.Identity, error) {
	if len(list) == 0 {
		return nil, nil
	}
	ids, err := age.ParseIdentities(strings.NewReader(strings.Join(list, "\n")))
	if err != nil {
		return nil, fmt.Errorf("blob: identities: %w", err)
	}
	return ids, nil
}

// ctxReader stops a stream when its context ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// encode streams r into w as a Store keeps it: the plaintext is hashed and
// counted as it passes, refused past opt.MaxSize, and encrypted to
// opt.Recipients when there are any. The Info it returns is of the
// plaintext; w holds the stored bytes, complete only when err is nil.
func encode(ctx context.Context, w io.Writer, r io.Reader, opt PutOptions) (Info, error) {
	var recipients []age.Recipient
	if len(opt.Recipients) > 0 {
		var err error
		if recipients, err = parseRecipients(opt.Recipients); err != nil {
			return Info{}, err
		}
	}
	bw := newAsyncWriter(w)
	defer bw.Close() // after an error; a second Close does nothing
	dst := io.Writer(bw)
	var enc io.WriteCloser
	if recipients != nil {
		var err error
		if enc, err = age.Encrypt(bw, recipients...); err != nil {
			return Info{}, fmt.Errorf("blob: encrypt: %w", err)
		}
		dst = enc
	}
	h := sha256.New()
	src := io.Reader(ctxReader{ctx, r})
	if opt.MaxSize > 0 {
		// One byte more than the limit tells a stream at the limit from one over it.
		src = io.LimitReader(src, opt.MaxSize+1)
	}
	n, err := hashedCopy(dst, src, h)
	if err != nil {
		return Info{}, fmt.Errorf("blob: put: %w", err)
	}
	if opt.MaxSize > 0 && n > opt.MaxSize {
		return Info{}, fmt.Errorf("blob: put: %w (%d bytes)", ErrTooLarge, opt.MaxSize)
	}
	if enc != nil {
		if err := enc.Close(); err != nil {
			return Info{}, fmt.Errorf("blob: encrypt: %w", err)
		}
	}
	if err := bw.Close(); err != nil {
		return Info{}, fmt.Errorf("blob: put: %w", err)
	}
	return Info{SHA256: hex.EncodeToString(h.Sum(nil)), Size: n, Encrypted: enc != nil}, nil
}

// hashedCopy copies src to dst and hashes the bytes in h on another
// goroutine, so that hashing runs beside encryption and writing: each
// buffer read goes to the hasher and to dst, and comes back to be read into
// again once the hasher is done with it (dst is done with it when its Write
// returns). Up to readBuffers buffers are taken from readPool, only as the
// stream needs them, and given back at the end.
func hashedCopy(dst io.Writer, src io.Reader, h hash.Hash) (int64, error) {
	free := make(chan []byte, readBuffers)
	toHash := make(chan []byte, readBuffers)
	hashed := make(chan struct{})
	go func() {
		defer close(hashed)
		for b := range toHash {
			h.Write(b)
			free <- b[:cap(b)]
		}
	}()
	made := 0
	var buf []byte // the buffer being read into, not yet sent to the hasher
	defer func() {
		close(toHash)
		<-hashed
		if buf != nil {
			putBuffer(&readPool, buf)
		}
		for range len(free) {
			putBuffer(&readPool, <-free)
		}
	}()
	var total int64
	for {
		buf, made = nextRead(free, made)
		n, err := io.ReadFull(src, buf)
		if n > 0 {
			toHash <- buf[:n]
			b := buf[:n]
			buf = nil
			if _, werr := dst.Write(b); werr != nil {
				return total, werr
			}
			total += int64(n)
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return total, nil
		}
		if err != nil {
			return total, err
		}
	}
}

// nextRead is a buffer to read into: one the hasher is done with, or a new
// one while fewer than readBuffers are out.
func nextRead(free chan []byte, made int) ([]byte, int) {
	select {
	case b := <-free:
		return b, made
	default:
	}
	if made < readBuffers {
		b := getBuffer(&readPool)
		return b[:cap(b)], made + 1
	}
	return <-free, made
}

// ageMagic begins every age file (https://age-encryption.org/v1).
const ageMagic = "age-encryption.org/v1\n"

// age's STREAM payload: a 16-byte nonce, then chunks of up to 64 KiB of
// plaintext, each with a 16-byte tag; only an empty plaintext ends in an
// empty chunk.
const (
	ageNonce = 16
	ageChunk = 64 << 10
	ageTag   = 16
)

// agePlainSize is the plaintext size of an age file of total bytes whose
// header is headerLen bytes long.
func agePlainSize(headerLen, total int64) (int64, error) {
	p := total - headerLen - ageNonce
	if p < ageTag {
		return 0, fmt.Errorf("blob: age file of %d bytes is truncated", total)
	}
	chunks := (p + ageChunk + ageTag - 1) / (ageChunk + ageTag)
	return p - chunks*ageTag, nil
}

// describe reads the start of a stored object of total bytes and says what
// it holds: an age file's plaintext size, or the object itself.
func describe(sha string, head io.Reader, total int64) (Info, error) {
	br := bufio.NewReader(head)
	magic, err := br.Peek(len(ageMagic))
	if err != nil || string(magic) != ageMagic {
		return Info{SHA256: sha, Size: total}, nil
	}
	hdr, err := age.ExtractHeader(br)
	if err != nil {
		return Info{}, fmt.Errorf("blob: %s: age header: %w", sha, err)
	}
	size, err := agePlainSize(int64(len(hdr)), total)
	if err != nil {
		return Info{}, err
	}
	return Info{SHA256: sha, Size: size, Encrypted: true}, nil
}

// decode returns the plaintext of a stored object: decrypted with ids when
// it is an age file (ErrLocked when none opens it), checked against sha as
// it is read.
func decode(sha string, stored io.ReadCloser, identities []string) (io.ReadCloser, error) {
	br := bufio.NewReaderSize(stored, copyBuffer)
	var plain io.Reader = br
	if magic, err := br.Peek(len(ageMagic)); err == nil && string(magic) == ageMagic {
		ids, err := parseIdentities(identities)
		if err != nil {
			stored.Close()
			return nil, err
		}
		if len(ids) == 0 {
			stored.Close()
			return nil, fmt.Errorf("blob: %s: %w", sha, ErrLocked)
		}
		plain, err = age.Decrypt(br, ids...)
		if err != nil {
			stored.Close()
			var nomatch *age.NoIdentityMatchError
			if errors.As(err, &nomatch) {
				return nil, fmt.Errorf("blob: %s: %w", sha, ErrLocked)
			}
			return nil, fmt.Errorf("blob: %s: decrypt: %w", sha, err)
		}
	}
	return &checkedReader{sha: sha, r: plain, c: stored, h: sha256.New()}, nil
}

// checkedReader hashes what it reads and, at the end of the stream, fails
// with ErrCorrupt instead of io.EOF when the bytes are not the ones stored.
type checkedReader struct {
	sha string
	r   io.Reader
	c   io.Closer
	h   hash.Hash
}

func (c *checkedReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.h.Write(p[:n])
	if err == io.EOF && hex.EncodeToString(c.h.Sum(nil)) != c.sha {
		return n, fmt.Errorf("blob: %s: %w", c.sha, ErrCorrupt)
	}
	if err != nil && err != io.EOF {
		return n, fmt.Errorf("blob: %s: %w", c.sha, err)
	}
	return n, err
}

func (c *checkedReader) Close() error { return c.c.Close() }
