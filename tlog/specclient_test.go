package tlog_test

// A client written from the C2SP specs alone, as the "done when"
// asks: it uses no Qantar package to read the log, only net/http, the
// signed-note reference code (golang.org/x/mod/sumdb/note) and Go's checksum
// database tile code (golang.org/x/mod/sumdb/tlog), which shares nothing
// with transparency-dev/merkle. The server side is tlogtest.

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/qantar-project/qantar/tlog/tlogtest"
	"golang.org/x/mod/sumdb/note"
	sumdb "golang.org/x/mod/sumdb/tlog"
)

type specClient struct {
	t    *testing.T
	base string
}

func (c specClient) get(path string) []byte {
	c.t.Helper()
	resp, err := http.Get(c.base + path)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 {
		c.t.Fatalf("GET %s: %s %v", path, resp.Status, err)
	}
	return b
}

// checkpoint opens the signed checkpoint with the key and parses its three
// lines (c2sp.org/tlog-checkpoint).
func (c specClient) checkpoint(signed []byte, vkey string) (origin string, size int64, root sumdb.Hash) {
	c.t.Helper()
	v, err := note.NewVerifier(vkey)
	if err != nil {
		c.t.Fatal(err)
	}
	n, err := note.Open(signed, note.VerifierList(v))
	if err != nil {
		c.t.Fatalf("checkpoint signature: %v", err)
	}
	lines := strings.Split(n.Text, "\n")
	if len(lines) < 4 || lines[0] != v.Name() {
		c.t.Fatalf("checkpoint text %q", n.Text)
	}
	size, err = strconv.ParseInt(lines[1], 10, 64)
	if err != nil {
		c.t.Fatal(err)
	}
	h, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(h) != 32 {
		c.t.Fatalf("root %q", lines[2])
	}
	copy(root[:], h)
	return lines[0], size, root
}

// tiles adapts the server to sumdb's TileReader: the C2SP path is sumdb's
// without the height element ("tile/8/0/x001/234" → "tile/0/x001/234").
type tiles struct{ c specClient }

func (tiles) Height() int { return 8 }

func (r tiles) ReadTiles(ts []sumdb.Tile) ([][]byte, error) {
	out := make([][]byte, len(ts))
	for i, t := range ts {
		out[i] = r.c.get("/log/" + strings.Replace(t.Path(), "tile/8/", "tile/", 1))
	}
	return out, nil
}

func (tiles) SaveTiles([]sumdb.Tile, [][]byte) {}

// rfc6962Root computes MTH over leaf hashes, straight from RFC 6962 §2.1.
func rfc6962Root(hashes [][32]byte) [32]byte {
	if len(hashes) == 0 {
		return sha256.Sum256(nil)
	}
	if len(hashes) == 1 {
		return hashes[0]
	}
	k := 1
	for k*2 < len(hashes) {
		k *= 2
	}
	l, r := rfc6962Root(hashes[:k]), rfc6962Root(hashes[k:])
	return sha256.Sum256(append(append([]byte{1}, l[:]...), r[:]...))
}

func TestSpecOnlyClient(t *testing.T) {
	log := tlogtest.New(t)
	log.Add(t, 700)
	oldSigned := log.Signed
	log.Add(t, 66000-700)
	srv := log.Serve(t)
	c := specClient{t: t, base: srv.URL}

	// The key, one line; the checkpoint, verified with it.
	vkey := strings.TrimSuffix(string(c.get("/log/key")), "\n")
	if strings.Contains(vkey, "\n") {
		t.Fatalf("/log/key is not one line: %q", vkey)
	}
	signed := c.get("/log/checkpoint")
	_, size, root := c.checkpoint(signed, vkey)
	tree := sumdb.Tree{N: size, Hash: root}

	// Tiles: sumdb's reader fetches them and checks them against the root.
	hr := sumdb.TileHashReader(tree, tiles{c})
	got, err := sumdb.TreeHash(size, hr)
	if err != nil {
		t.Fatal(err)
	}
	if got != root {
		t.Fatalf("root from tiles %x, checkpoint %x", got, root)
	}

	// Entry bundles: every entry hashes to its level-0 tile hash, and the
	// RFC 6962 root over all of them is the checkpoint's.
	var leafHashes [][32]byte
	for n := int64(0); n*256 < size; n++ {
		w := min(size-n*256, 256)
		tile := sumdb.Tile{H: 8, L: -1, N: n, W: int(w)}
		bundle := c.get("/log/" + strings.Replace(tile.Path(), "tile/8/data/", "tile/entries/", 1))
		level0 := c.get("/log/" + strings.Replace(sumdb.Tile{H: 8, L: 0, N: n, W: int(w)}.Path(), "tile/8/", "tile/", 1))
		for i := 0; i < int(w); i++ {
			if len(bundle) < 2 {
				t.Fatalf("bundle %d cut short at entry %d", n, i)
			}
			l := int(binary.BigEndian.Uint16(bundle))
			entry := bundle[2 : 2+l]
			bundle = bundle[2+l:]
			h := sumdb.RecordHash(entry)
			if !bytes.Equal(h[:], level0[i*32:(i+1)*32]) {
				t.Fatalf("entry %d does not hash to its level-0 tile hash", n*256+int64(i))
			}
			leafHashes = append(leafHashes, h)
		}
		if len(bundle) != 0 {
			t.Fatalf("bundle %d has %d trailing bytes", n, len(bundle))
		}
	}
	if r := rfc6962Root(leafHashes); r != root {
		t.Fatalf("RFC 6962 root over the entries %x, checkpoint %x", r, root)
	}

	// The earlier checkpoint is a prefix: a consistency proof built from
	// the tiles, checked against both roots.
	_, oldSize, oldRoot := c.checkpoint(oldSigned, vkey)
	p, err := sumdb.ProveTree(size, oldSize, hr)
	if err != nil {
		t.Fatal(err)
	}
	if err := sumdb.CheckTree(p, size, root, oldSize, oldRoot); err != nil {
		t.Fatalf("old checkpoint is not a prefix: %v", err)
	}
	if r := rfc6962Root(leafHashes[:oldSize]); r != oldRoot {
		t.Fatalf("old root %x, recomputed %x", oldRoot, r)
	}
	// And the check can fail: a forged old root is not consistent.
	forged := oldRoot
	forged[0] ^= 1
	if err := sumdb.CheckTree(p, size, root, oldSize, forged); err == nil {
		t.Fatal("forged old checkpoint passed")
	}
	t.Logf("spec-only client checked %d leaves and an old checkpoint of %d", size, oldSize)
}
