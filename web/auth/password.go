package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters: OWASP's recommended minimum (19 MiB, 2 passes, one
// lane), which keeps a sign-in near 50 ms on a small shared server. They are
// written into every hash, so raising them later leaves old hashes valid.
const (
	argonMemory  = 19 * 1024
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
)

// MinPassword is the shortest password accepted, in bytes.
const MinPassword = 12

// HashPassword returns the argon2id PHC string of a password.
func HashPassword(password string) (string, error) {
	if len(password) < MinPassword {
		return "", fmt.Errorf("a password needs at least %d characters", MinPassword)
	}
	if len(password) > 1024 {
		return "", fmt.Errorf("a password is at most 1024 bytes")
	}
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

// CheckPassword reports whether password matches a PHC string made by
// HashPassword, comparing in constant time.
func CheckPassword(phc, password string) bool {
	parts := strings.Split(phc, "$")
	if len(parts) != 6 || parts[1] != "argon2id" || len(password) > 1024 {
		return false
	}
	var v int
	var m, t uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &threads); err != nil || m == 0 || m > 1<<18 || t == 0 || t > 16 || threads == 0 {
		return false
	}
	enc := base64.RawStdEncoding
	salt, err := enc.DecodeString(parts[4])
	if err != nil {
		return false
	}
	want, err := enc.DecodeString(parts[5])
	if err != nil || len(want) == 0 || len(want) > 128 {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, t, m, threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is checked when no account has the name given, so that a
// sign-in takes as long for an unknown name as for a wrong password.
var dummyHash = func() string {
	h, _ := HashPassword("no account has this password")
	return h
}()

// Bounds on the password hashing done at once: each hash holds argonMemory,
// so a burst of sign-ins waits for a turn (at most hashQueue of them in the
// gate, each waiting at most hashWait) instead of taking the server's memory.
const (
	hashQueue = 64
	hashWait  = 5 * time.Second
)

// ErrBusy is a sign-in that found no turn to hash its password.
var ErrBusy = errors.New("too many sign-ins at once")

// hashGate lets a few password checks run at once.
type hashGate struct {
	slots  chan struct{}
	inside atomic.Int64 // hashing or waiting
}

// newHashGate allows one check per processor, at most 4.
func newHashGate() *hashGate {
	return &hashGate{slots: make(chan struct{}, min(max(runtime.GOMAXPROCS(0), 1), 4))}
}

// check is CheckPassword once a turn is free; ErrBusy when too many wait
// or none came in time.
func (g *hashGate) check(ctx context.Context, phc, password string) (bool, error) {
	defer g.inside.Add(-1)
	if g.inside.Add(1) > hashQueue {
		return false, ErrBusy
	}
	timer := time.NewTimer(hashWait)
	defer timer.Stop()
	select {
	case g.slots <- struct{}{}:
	case <-timer.C:
		return false, ErrBusy
	case <-ctx.Done():
		return false, ErrBusy
	}
	defer func() { <-g.slots }()
	return CheckPassword(phc, password), nil
}
