// Package tlogtest serves a synthetic Qantar log over HTTP, laid out as a
// real server or mirror serves it (<base>/log/checkpoint, /log/key,
// /log/tile/...), for the tests of clients that read a log from outside
// (tlog/client, a spec-only client). It may change a response on its way
// out (Log.Mutate) to play a mirror that lies.
package tlogtest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/tlog"
	"github.com/qantar-project/qantar/tlog/client"
	"golang.org/x/mod/sumdb/note"
)

// Log is a synthetic log: leaves in memory, a MemStore of nodes, a signing
// key, and the signed checkpoint of its current size.
type Log struct {
	mu     sync.Mutex
	Origin string
	Nodes  *tlog.MemStore
	Leaves Leaves
	Signer note.Signer
	VKey   string
	Size   uint64
	Signed []byte // latest signed checkpoint
	// Records holds the canonical JSON of each public leaf's version, as
	// the mirror's API would show them.
	Records []client.RecordVersion
	// Mutate, if set, may change a response body before it is served.
	Mutate func(path string, body []byte) []byte
}

// Leaves are encoded leaves in memory: a tlog.LeafReader.
type Leaves = tlog.MemLeaves

// New returns an empty log with a fresh key.
func New(t testing.TB) *Log {
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
	l := &Log{Origin: origin, Nodes: &tlog.MemStore{}, Signer: s, VKey: vkey}
	l.sign(t)
	return l
}

// SameKey returns a new, empty log signed with the same key: a fork.
func (l *Log) SameKey(t testing.TB) *Log {
	f := &Log{Origin: l.Origin, Nodes: &tlog.MemStore{}, Signer: l.Signer, VKey: l.VKey}
	f.sign(t)
	return f
}

// SyntheticActor is the account that writes every synthetic version.
const SyntheticActor = "token:3"

// SyntheticLeaf returns the i-th synthetic leaf, its content and salt: a
// person version by SyntheticActor whose content is a made-up name; every
// seventh is a v1 salted leaf (protected, its salt never served), every
// seventh but one a v2 leaf and every seventh but two a v3 leaf (salted,
// their salt served with them; v3 shows only the class "editor"), the
// others v1 public leaves. (A real log holds no older format after a newer
// one; the mix here exercises each format at every position.)
func SyntheticLeaf(i uint64) (tlog.Leaf, []byte, []byte) {
	id := int64(i/3 + 1)
	version := int(i%3 + 1)
	op := qantar.OpUpdate
	if version == 1 {
		op = qantar.OpCreate
	}
	json := fmt.Appendf(nil, `{"id":%d,"version":%d,"names":[{"value":"Synthetic Person %d"}]}`, id, version, i)
	var salt []byte
	if i%7 >= 4 {
		h := sha256.Sum256(fmt.Appendf(nil, "salt %d", i)) // deterministic, for tests only
		salt = h[:]
	}
	l := tlog.Leaf{
		Index:      i,
		Time:       time.Date(2026, 1, 5, 9, 30, 0, 0, time.UTC).Add(time.Duration(i) * time.Second),
		Actor:      SyntheticActor,
		Kind:       qantar.KindPerson,
		ID:         id,
		Version:    version,
		Op:         op,
		Salted:     salt != nil,
		Commitment: tlog.Commit(json, salt),
	}
	switch i % 7 {
	case 4:
		l.Format, l.Actor, l.Commitment = tlog.LeafV3, tlog.ActorClass(SyntheticActor), tlog.CommitV3(json, "", SyntheticActor, salt)
	case 5:
		l.Format, l.Commitment = tlog.LeafV2, tlog.CommitV2(json, "", salt)
	}
	return l, json, salt
}

// Add appends n synthetic leaves in one batch and signs a checkpoint.
func (l *Log) Add(t testing.TB, n int) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	hashes := make([][]byte, n)
	for i := range hashes {
		leaf, json, salt := SyntheticLeaf(l.Size + uint64(i))
		enc, err := leaf.Encode()
		if err != nil {
			t.Fatal(err)
		}
		l.Leaves = append(l.Leaves, enc)
		hashes[i] = tlog.LeafHash(enc)
		switch {
		case leaf.Format != tlog.LeafV1: // public, its salt and actor served
			l.Records = append(l.Records, client.RecordVersion{Kind: leaf.Kind, ID: leaf.ID, Version: leaf.Version, Canonical: json, Salt: salt, Actor: SyntheticActor})
		case salt == nil:
			l.Records = append(l.Records, client.RecordVersion{Kind: leaf.Kind, ID: leaf.ID, Version: leaf.Version, Canonical: json})
		}
	}
	size, _, err := tlog.Append(context.Background(), l.Nodes, l.Size, hashes)
	if err != nil {
		t.Fatal(err)
	}
	l.Size = size
	l.sign(t)
}

// ReadTile reads a tile of the log at its current size, as a server's log
// does; safe to call while another goroutine adds to the log.
func (l *Log) ReadTile(ctx context.Context, t tlog.TileID) ([]byte, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return tlog.ReadTile(ctx, l.Nodes, t, l.Size)
}

// AddLeaves appends encoded leaves of the caller's own (another history,
// to play a fork) and signs a checkpoint.
func (l *Log) AddLeaves(t testing.TB, encoded ...[]byte) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	hashes := make([][]byte, len(encoded))
	for i, enc := range encoded {
		l.Leaves = append(l.Leaves, enc)
		hashes[i] = tlog.LeafHash(enc)
	}
	size, _, err := tlog.Append(context.Background(), l.Nodes, l.Size, hashes)
	if err != nil {
		t.Fatal(err)
	}
	l.Size = size
	l.sign(t)
}

// Fork returns a log with l's key whose first leaf is another than l's
// (its actor changed) and whose other leaves are the synthetic ones, n in
// all: a second history signed by the same operator.
func (l *Log) Fork(t testing.TB, n int) *Log {
	t.Helper()
	f := l.SameKey(t)
	leaf, _, _ := SyntheticLeaf(0)
	leaf.Actor = "token:9"
	enc, err := leaf.Encode()
	if err != nil {
		t.Fatal(err)
	}
	f.AddLeaves(t, enc)
	f.Add(t, n-1)
	return f
}

func (l *Log) sign(t testing.TB) {
	root, err := tlog.Root(context.Background(), l.Nodes, l.Size)
	if err != nil {
		t.Fatal(err)
	}
	signed, err := tlog.SignCheckpoint(l.Signer, tlog.Checkpoint{Origin: l.Origin, Size: l.Size, Hash: root})
	if err != nil {
		t.Fatal(err)
	}
	l.Signed = signed
}

// ServeHTTP serves the log as a Qantar server does, mapping tlog's errors
// to 400 and 404.
func (l *Log) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var body []byte
	var err error
	switch p := r.URL.Path; {
	case p == tlog.PathCheckpoint:
		body = l.Signed
	case p == tlog.PathKey:
		body = []byte(l.VKey + "\n")
	case strings.HasPrefix(p, tlog.PathTilePrefix+"tile/"):
		var t tlog.TileID
		if t, err = tlog.ParseTilePath(strings.TrimPrefix(p, tlog.PathTilePrefix)); err == nil {
			if t.Entries {
				body, err = tlog.ReadBundle(r.Context(), l.Leaves, t, l.Size)
			} else {
				body, err = tlog.ReadTile(r.Context(), l.Nodes, t, l.Size)
			}
		}
	default:
		http.NotFound(w, r)
		return
	}
	if err != nil {
		status := http.StatusInternalServerError
		switch qantar.ErrorCode(err) {
		case qantar.EINVALID:
			status = http.StatusBadRequest
		case qantar.ENOTFOUND:
			status = http.StatusNotFound
		}
		http.Error(w, err.Error(), status)
		return
	}
	if l.Mutate != nil {
		body = l.Mutate(r.URL.Path, append([]byte(nil), body...))
	}
	w.Write(body)
}

// Serve starts an httptest server for the log, closed with the test.
func (l *Log) Serve(t testing.TB) *httptest.Server {
	srv := httptest.NewServer(l)
	t.Cleanup(srv.Close)
	return srv
}
