package qantar

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"
)

// TokenPrefix starts every API token secret, so that a leaked one is easy to
// recognise in logs and by secret scanners.
const TokenPrefix = "qtr_"

// NewTokenSecret returns a random token secret and the hash a store keeps
// of it. Every store makes and hashes secrets this way, so that a token
// copied between stores (qantar copy) keeps working.
func NewTokenSecret() (secret string, hash []byte) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	secret = TokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	return secret, HashTokenSecret(secret)
}

// HashTokenSecret returns the SHA-256 of a secret. Secrets are random and
// long, so a plain hash (not a password hash) is enough.
func HashTokenSecret(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// CheckNewToken checks a new token's name and role, returning the name as
// it is stored.
func CheckNewToken(name, role string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", FieldErrorf("name", "is required")
	}
	if len(name) > 200 {
		return "", FieldErrorf("name", "is longer than 200 bytes")
	}
	for _, r := range Roles {
		if r == role {
			return name, nil
		}
	}
	return "", FieldErrorf("role", "%q is not a role (viewer, editor, admin)", role)
}

// TokenActor is the actor of token id.
func TokenActor(id int64, name, role string) Actor {
	return Actor{ID: fmt.Sprintf("token:%d", id), Name: name, Role: role}
}
