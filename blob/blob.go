// Package blob stores evidence files by the SHA-256 of their bytes: never
// modified, written whole or not at all, read back as streams. Backends: a
// local directory (the default, beside the database) and S3-compatible object
// storage. A file that must not leak is stored encrypted with age to the
// organisation's recipients; its address stays the hash of its plaintext, so
// the log and the public site can name it without holding it.
package blob

import (
	"context"
	"errors"
	"io"
)

// Info describes one stored file. SHA256 (lower-case hex) and Size are of
// the plaintext; Encrypted says the stored bytes are an age file.
type Info struct {
	SHA256    string
	Size      int64
	Encrypted bool
}

// PutOptions say how a file is stored. With Recipients set the bytes are
// encrypted to them (age X25519 recipients, "age1…") before they reach the
// backend; MaxSize > 0 refuses a longer stream (ErrTooLarge) and stores nothing.
type PutOptions struct {
	Recipients []string
	MaxSize    int64
}

// Store is one backend. Put streams r (never holding it whole), hashes the
// plaintext as it goes and stores it under that hash; putting the same bytes
// again stores nothing new and returns the same Info. Open returns the
// plaintext of a stored file; an encrypted one needs an identity ("AGE-SECRET-KEY-1…")
// that can decrypt it, else ErrLocked; its reader re-hashes what it reads and
// ends in ErrCorrupt if the stored bytes changed. A plain copy gives way to an
// encrypted Put of the same bytes (never the reverse), so asking for
// encryption never leaves the plaintext stored. Delete removes a file (after
// a granted deletion request); List walks every stored file in hash order.
type Store interface {
	Put(ctx context.Context, r io.Reader, opt PutOptions) (Info, error)
	Open(ctx context.Context, sha256 string, identities []string) (io.ReadCloser, error)
	Stat(ctx context.Context, sha256 string) (Info, error)
	Delete(ctx context.Context, sha256 string) error
	List(ctx context.Context, fn func(Info) error) error
}

// Errors a Store returns (wrapped with what it was doing).
var (
	ErrNotFound = errors.New("blob: no such file")
	ErrTooLarge = errors.New("blob: file larger than the limit")
	ErrLocked   = errors.New("blob: file is encrypted and no identity given can open it")
	ErrBadHash  = errors.New("blob: not a SHA-256 in hex")
)
