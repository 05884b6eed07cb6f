// Package tsa gets and checks RFC 3161 timestamp tokens: an authority
// signs that a SHA-256 digest (a file's, or a batch's Merkle root) existed
// at a time, independently of Qantar's own log. Stamp asks one or more
// authorities; a token is kept as DER (the TimeStampToken, a CMS
// SignedData); Verify checks its signature against the authority's roots,
// its message imprint against the digest, and gives the time. An authority
// that is down or answers garbage is a named error for that authority
// alone: the file stays preserved without its token, and is stamped later.
package tsa

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/notaryproject/tspclient-go"
	"github.com/qantar-project/qantar"
)

// Errors of this package, wrapped with the authority or the detail; each
// is a *qantar.Error whose message is a catalogue key.
var (
	ErrUnavailable  = qantar.Errorf(qantar.EINVALID, "the timestamp authority did not answer; the file is kept and will be stamped later")
	ErrBadResponse  = qantar.Errorf(qantar.EINVALID, "the timestamp authority's answer is not a valid timestamp")
	ErrInvalidToken = qantar.Errorf(qantar.EINVALID, "the timestamp token does not verify")
	ErrWrongDigest  = qantar.Errorf(qantar.EINVALID, "the timestamp token is for other bytes")
	ErrBadDigest    = qantar.Errorf(qantar.EINVALID, "a SHA-256 digest is 32 bytes")
)

// oidSHA256 is id-sha256 (RFC 5754).
var oidSHA256 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}

// Authority is an RFC 3161 time-stamping service reached over HTTP(S).
type Authority struct {
	Name string
	URL  string // where timestamp queries are POSTed
	// Client is the HTTP client; nil is one with a 30-second timeout.
	Client *http.Client
}

// Result is one authority's answer for one digest: a DER token and the
// time it gives, or the error that left the digest without its token.
type Result struct {
	Authority string
	Digest    []byte
	Token     []byte
	Time      time.Time
	Err       error
}

// Stamp asks every authority for a token over each digest (SHA-256, 32
// bytes), and returns one Result per digest and authority, in that order.
// It never fails as a whole: an authority that is down or answers garbage
// leaves its Results with Err set (ErrUnavailable, ErrBadResponse), for the
// caller to retry later. The authorities are asked at the same time, each
// for one digest after another; one that did not answer is not asked
// again in this call (its remaining digests get the same error), so a
// batch never waits a timeout per digest.
func Stamp(ctx context.Context, digests [][]byte, authorities []Authority) []Result {
	out := make([]Result, len(digests)*len(authorities))
	var wg sync.WaitGroup
	for j, a := range authorities {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var down error
			for i, d := range digests {
				r := Result{Authority: a.Name, Digest: d}
				if down != nil {
					r.Err = down
				} else if r.Token, r.Time, r.Err = Request(ctx, a, d); errors.Is(r.Err, ErrUnavailable) {
					down = r.Err
				}
				out[i*len(authorities)+j] = r
			}
		}()
	}
	wg.Wait()
	return out
}

// Request asks a for a token over digest and returns it (DER) with its
// time, after checking that it answers this request: its status, nonce
// and message imprint, and that it carries its signing certificate.
func Request(ctx context.Context, a Authority, digest []byte) ([]byte, time.Time, error) {
	if len(digest) != 32 {
		return nil, time.Time{}, ErrBadDigest
	}
	nonce, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 64))
	if err != nil {
		return nil, time.Time{}, err
	}
	req := &tspclient.Request{
		Version: 1,
		MessageImprint: tspclient.MessageImprint{
			HashAlgorithm: pkix.AlgorithmIdentifier{Algorithm: oidSHA256, Parameters: asn1.RawValue{Tag: asn1.TagNull, FullBytes: []byte{asn1.TagNull, 0}}},
			HashedMessage: bytes.Clone(digest),
		},
		Nonce:   nonce,
		CertReq: true,
	}
	client := a.Client
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	ts, err := tspclient.NewHTTPTimestamper(client, a.URL)
	if err != nil {
		return nil, time.Time{}, fail(fmt.Sprint(a.Name), ErrUnavailable, err)
	}
	resp, err := ts.Timestamp(ctx, req)
	if err != nil {
		return nil, time.Time{}, classify(a.Name, err)
	}
	token, err := resp.SignedToken()
	if err != nil {
		return nil, time.Time{}, fail(fmt.Sprint(a.Name), ErrBadResponse, err)
	}
	info, err := token.Info()
	if err != nil {
		return nil, time.Time{}, fail(fmt.Sprint(a.Name), ErrBadResponse, err)
	}
	return bytes.Clone(resp.TimestampToken.FullBytes), info.GenTime, nil
}

// classify names a failed request: no answer at all, or an HTTP error
// status (ErrUnavailable: try again later), or an answer that is not a
// timestamp for this request (ErrBadResponse).
func classify(name string, err error) error {
	var ue *url.Error
	var ne net.Error
	if errors.As(err, &ue) || errors.As(err, &ne) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, context.Canceled) || strings.Contains(err.Error(), "response bad status") {
		return fail(fmt.Sprint(name), ErrUnavailable, err)
	}
	return fail(fmt.Sprint(name), ErrBadResponse, err)
}

// Verify checks a DER token: its CMS signature by a certificate for time
// stamping that chains to roots (valid at the token's time), and its
// message imprint, which must be the SHA-256 digest given. It returns the
// time the authority vouches for.
func Verify(token, digest []byte, roots *x509.CertPool) (time.Time, error) {
	if roots == nil {
		return time.Time{}, fail("", ErrInvalidToken, "no roots")
	}
	return verify(token, digest, roots)
}

// VerifyStructure checks what a token says of itself when no roots of its
// authority are known: that it is a timestamp token signed, unaltered, by
// the certificate for time stamping it carries, over the SHA-256 digest
// given. It does not say who the signer is (Verify with roots does), only
// that the token was not changed and is for these bytes.
func VerifyStructure(token, digest []byte) (time.Time, error) {
	return verify(token, digest, nil)
}

// verify is Verify; nil roots trust the certificates the token carries.
func verify(token, digest []byte, roots *x509.CertPool) (time.Time, error) {
	if len(digest) != 32 {
		return time.Time{}, ErrBadDigest
	}
	st, err := tspclient.ParseSignedToken(token)
	if err != nil {
		return time.Time{}, fail("", ErrInvalidToken, err)
	}
	info, err := st.Info()
	if err != nil {
		return time.Time{}, fail("", ErrInvalidToken, err)
	}
	if roots == nil {
		if len(st.Certificates) == 0 {
			return time.Time{}, fail("", ErrInvalidToken, "the token carries no certificate")
		}
		roots = x509.NewCertPool()
		for _, c := range st.Certificates {
			roots.AddCert(c)
		}
	}
	if _, err := st.Verify(context.Background(), x509.VerifyOptions{Roots: roots, CurrentTime: info.GenTime}); err != nil {
		return time.Time{}, fail("", ErrInvalidToken, err)
	}
	mi := info.MessageImprint
	if !mi.HashAlgorithm.Algorithm.Equal(oidSHA256) || !bytes.Equal(mi.HashedMessage, digest) {
		return time.Time{}, ErrWrongDigest
	}
	return info.GenTime, nil
}

// Roots reads an authority's PEM certificate chain (as
// /api/v1/timestamp/certchain serves it, leaf first) and trusts its last
// certificate, the root, alone: the others must be carried by the token.
func Roots(pemChain []byte) (*x509.CertPool, error) {
	var last *x509.Certificate
	for rest := pemChain; ; {
		var b *pem.Block
		if b, rest = pem.Decode(rest); b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, fail("", ErrInvalidToken, err)
		}
		last = c
	}
	if last == nil {
		return nil, fail("", ErrInvalidToken, "no certificate in the chain")
	}
	pool := x509.NewCertPool()
	pool.AddCert(last)
	return pool, nil
}
