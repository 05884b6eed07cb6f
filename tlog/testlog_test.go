package tlog

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/qantar-project/qantar"
	"golang.org/x/mod/sumdb/note"
)

// This file is a synthetic log for tlog's own tests. Tests from outside the
// package, and the ones that serve a log over HTTP, use package tlogtest.

// TestLog is a synthetic log: leaves in memory, a MemStore of nodes, a
// signing key, and the signed checkpoint of its current size.
type TestLog struct {
	mu     sync.Mutex
	Origin string
	Nodes  *MemStore
	Leaves memLeaves
	Signer note.Signer
	VKey   string
	Size   uint64
	Signed []byte // latest signed checkpoint
}

type memLeaves [][]byte

func (m memLeaves) GetLeaves(_ context.Context, begin, end uint64) ([][]byte, error) {
	if begin > end || end > uint64(len(m)) {
		return nil, fmt.Errorf("leaves [%d, %d) not stored (have %d)", begin, end, len(m))
	}
	return m[begin:end], nil
}

// NewTestLog returns an empty test log with a fresh key.
func NewTestLog(t testing.TB) *TestLog {
	t.Helper()
	origin := "example.org/qantar-test"
	skey, vkey, err := note.GenerateKey(rand.Reader, origin)
	if err != nil {
		t.Fatal(err)
	}
	s, err := note.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	l := &TestLog{Origin: origin, Nodes: &MemStore{}, Signer: s, VKey: vkey}
	l.sign(t)
	return l
}

// SameKey returns a new, empty log signed with the same key: a fork.
func (l *TestLog) SameKey(t testing.TB) *TestLog {
	f := &TestLog{Origin: l.Origin, Nodes: &MemStore{}, Signer: l.Signer, VKey: l.VKey}
	f.sign(t)
	return f
}

// SyntheticLeaf returns the i-th synthetic leaf: a person version whose
// content is a made-up name; every seventh is a v1 salted leaf (protected,
// its salt never served), every seventh but one a v2 leaf (salted, its salt
// served with it), the others v1 public leaves.
func SyntheticLeaf(i uint64) (Leaf, []byte, []byte) {
	id := int64(i/3 + 1)
	version := int(i%3 + 1)
	op := qantar.OpUpdate
	if version == 1 {
		op = qantar.OpCreate
	}
	json := fmt.Appendf(nil, `{"id":%d,"version":%d,"names":[{"value":"Synthetic Person %d"}]}`, id, version, i)
	var salt []byte
	if i%7 == 5 || i%7 == 6 {
		h := sha256.Sum256(fmt.Appendf(nil, "salt %d", i)) // deterministic, for tests only
		salt = h[:]
	}
	l := Leaf{
		Index:      i,
		Time:       time.Date(2026, 1, 5, 9, 30, 0, 0, time.UTC).Add(time.Duration(i) * time.Second),
		Actor:      "token:3",
		Kind:       qantar.KindPerson,
		ID:         id,
		Version:    version,
		Op:         op,
		Salted:     salt != nil,
		Commitment: Commit(json, salt),
	}
	if i%7 == 5 {
		l.Format, l.Commitment = LeafV2, CommitV2(json, "", salt)
	}
	return l, json, salt
}

// Add appends n synthetic leaves in one batch and signs a checkpoint.
func (l *TestLog) Add(t testing.TB, n int) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	hashes := make([][]byte, n)
	for i := range hashes {
		leaf, _, _ := SyntheticLeaf(l.Size + uint64(i))
		enc, err := leaf.Encode()
		if err != nil {
			t.Fatal(err)
		}
		l.Leaves = append(l.Leaves, enc)
		hashes[i] = LeafHash(enc)
	}
	size, _, err := Append(context.Background(), l.Nodes, l.Size, hashes)
	if err != nil {
		t.Fatal(err)
	}
	l.Size = size
	l.sign(t)
}

func (l *TestLog) sign(t testing.TB) {
	root, err := Root(context.Background(), l.Nodes, l.Size)
	if err != nil {
		t.Fatal(err)
	}
	signed, err := SignCheckpoint(l.Signer, Checkpoint{Origin: l.Origin, Size: l.Size, Hash: root})
	if err != nil {
		t.Fatal(err)
	}
	l.Signed = signed
}
