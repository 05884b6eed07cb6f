package tlog

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
	sumdb "golang.org/x/mod/sumdb/tlog"
)

func TestTilePath(t *testing.T) {
	tests := []struct {
		path string
		id   TileID
	}{
		{"tile/0/000", TileID{Level: 0, Index: 0, Width: 256}},
		{"tile/0/001", TileID{Level: 0, Index: 1, Width: 256}},
		{"tile/1/999", TileID{Level: 1, Index: 999, Width: 256}},
		{"tile/0/x001/000", TileID{Level: 0, Index: 1000, Width: 256}},
		{"tile/2/x001/x234/067", TileID{Level: 2, Index: 1234067, Width: 256}},
		{"tile/0/x001/x234/067.p/8", TileID{Level: 0, Index: 1234067, Width: 8}},
		{"tile/63/000.p/255", TileID{Level: 63, Index: 0, Width: 255}},
		{"tile/entries/000.p/1", TileID{Entries: true, Index: 0, Width: 1}},
		{"tile/entries/x018/x446/x744/x073/x709/x551/615", TileID{Entries: true, Index: 1<<64 - 1, Width: 256}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			got, err := ParseTilePath(tt.path)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.id {
				t.Errorf("ParseTilePath = %+v, want %+v", got, tt.id)
			}
			if p := tt.id.Path(); p != tt.path {
				t.Errorf("Path = %q, want %q", p, tt.path)
			}
		})
	}
}

// TestTilePathMatchesSumDB checks the path encoding against Go's checksum
// database, an independent implementation of the same scheme (whose paths
// also name the tile height).
func TestTilePathMatchesSumDB(t *testing.T) {
	for _, n := range []int64{0, 7, 999, 1000, 1001, 123456, 1234067, 1<<62 + 12345} {
		for _, w := range []int{1, 17, 255, 256} {
			for _, l := range []int{-1, 0, 1, 5} {
				id := TileID{Level: max(l, 0), Entries: l < 0, Index: uint64(n), Width: w}
				st := sumdb.Tile{H: TileHeight, L: l, N: n, W: w}
				want := strings.Replace(strings.Replace(st.Path(), "tile/8/", "tile/", 1), "tile/data/", "tile/entries/", 1)
				if got := id.Path(); got != want {
					t.Errorf("Path(%+v) = %q, sumdb says %q", id, got, want)
				}
			}
		}
	}
}

func TestParseTilePathErrors(t *testing.T) {
	for _, p := range []string{
		"",
		"/tile/0/000",
		"tile/0",
		"tile/0/",
		"tile//000",
		"tile/00/000",
		"tile/-1/000",
		"tile/64/000",
		"tile/x/000",
		"tile/data/000",
		"tile/0/00",
		"tile/0/0000",
		"tile/0/1",
		"tile/0/abc",
		"tile/0/x000/001",
		"tile/0/001/002",
		"tile/0/x001",
		"tile/0/x01/002",
		"tile/0/xx001/002",
		"tile/0/000.p/0",
		"tile/0/000.p/256",
		"tile/0/000.p/08",
		"tile/0/000.p/",
		"tile/0/000.p/8/",
		"tile/0/000.p/8.p/9",
		"tile/0/000/",
		"tile/entries/x018/x446/x744/x073/x709/x551/616",
		"tile/0/x001/x001/x001/x001/x001/x001/x001/001",
		"tile/0/000?x=1",
	} {
		t.Run(p, func(t *testing.T) {
			id, err := ParseTilePath(p)
			if err == nil {
				t.Fatalf("ParseTilePath succeeded: %+v", id)
			}
			if qantar.ErrorCode(err) != qantar.EINVALID || !strings.Contains(err.Error(), "tile path") {
				t.Errorf("error %q (code %s) does not say it is a bad tile path", err, qantar.ErrorCode(err))
			}
		})
	}
}

func TestTilesForSizeSpecExample(t *testing.T) {
	// The spec's example: a tree of size 70,000 is 273 full level-0 tiles,
	// a partial level-0 tile of width 112, a full level-1 tile, a partial
	// level-1 tile of width 17 and a partial level-2 tile of width 1.
	var b strings.Builder
	full := map[int]int{}
	for _, tile := range TilesForSize(70000) {
		if tile.Partial() {
			fmt.Fprintf(&b, "%d:%d.p/%d ", tile.Level, tile.Index, tile.Width)
		} else {
			full[tile.Level]++
		}
	}
	if got, want := b.String(), "0:273.p/112 1:1.p/17 2:0.p/1 "; got != want || full[0] != 273 || full[1] != 1 || len(full) != 2 {
		t.Errorf("TilesForSize(70000): partial %q, full %v", got, full)
	}
	// "a tree of size 256 will be represented by a full level 0 tile and a
	// partial level 1 tile of width 1"
	if got := TilesForSize(256); len(got) != 2 || got[0] != (TileID{Width: 256}) || got[1] != (TileID{Level: 1, Width: 1}) {
		t.Errorf("TilesForSize(256) = %+v", got)
	}
	if got := TilesForSize(0); len(got) != 0 {
		t.Errorf("TilesForSize(0) = %+v, want none", got)
	}
}

func TestCheckTile(t *testing.T) {
	tests := []struct {
		path string
		size uint64
		ok   bool
	}{
		{"tile/0/000", 256, true},
		{"tile/0/000", 255, false},
		{"tile/0/000.p/255", 255, true},
		{"tile/0/000.p/255", 254, false},
		{"tile/0/000.p/5", 300, true}, // an older checkpoint's partial tile stays servable
		{"tile/0/001.p/44", 300, true},
		{"tile/0/001.p/45", 300, false},
		{"tile/1/000.p/1", 256, true},
		{"tile/1/000.p/1", 255, false},
		{"tile/1/000", 65536, true},
		{"tile/1/000", 65535, false},
		{"tile/entries/001.p/44", 300, true},
		{"tile/entries/002", 300, false},
		{"tile/8/000.p/1", 1<<64 - 1, false}, // would need 2^64 leaves
		{"tile/63/000.p/1", 1<<64 - 1, false},
		{"tile/0/x018/x446/x744/x073/x709/x551/615", 1<<64 - 1, false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s@%d", tt.path, tt.size), func(t *testing.T) {
			id, err := ParseTilePath(tt.path)
			if err != nil {
				t.Fatal(err)
			}
			err = CheckTile(id, tt.size)
			if (err == nil) != tt.ok {
				t.Fatalf("CheckTile = %v, want ok %v", err, tt.ok)
			}
			if err != nil && qantar.ErrorCode(err) != qantar.ENOTFOUND {
				t.Errorf("error code %s, want not_found", qantar.ErrorCode(err))
			}
		})
	}
}

// TestReadTileMatchesSumDB builds the same tree with Go's checksum database
// code, which knows nothing of transparency-dev/merkle, and compares every
// tile of a 70,000-leaf tree (full and partial, three levels).
func TestReadTileMatchesSumDB(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 70,000-leaf tree twice")
	}
	ctx := context.Background()
	const n = 70000
	leaves := testLeaves(n)
	ns := &MemStore{}
	if _, _, err := Append(ctx, ns, 0, hashAll(leaves)); err != nil {
		t.Fatal(err)
	}
	var stored []sumdb.Hash
	reader := sumdb.HashReaderFunc(func(idx []int64) ([]sumdb.Hash, error) {
		out := make([]sumdb.Hash, len(idx))
		for i, x := range idx {
			out[i] = stored[x]
		}
		return out, nil
	})
	for i, l := range leaves {
		hs, err := sumdb.StoredHashes(int64(i), l, reader)
		if err != nil {
			t.Fatal(err)
		}
		stored = append(stored, hs...)
	}
	for _, id := range TilesForSize(n) {
		got, err := ReadTile(ctx, ns, id, n)
		if err != nil {
			t.Fatal(err)
		}
		want, err := sumdb.ReadTileData(sumdb.Tile{H: TileHeight, L: id.Level, N: int64(id.Index), W: id.Width}, reader)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from sumdb's", id.Path())
		}
	}
	th, err := sumdb.TreeHash(n, reader)
	if err != nil {
		t.Fatal(err)
	}
	if root, _ := Root(ctx, ns, n); !bytes.Equal(root, th[:]) {
		t.Errorf("root %x, sumdb's %x", root, th)
	}
}

func TestReadTileAndBundle(t *testing.T) {
	ctx := context.Background()
	leaves := testLeaves(300)
	ns := &MemStore{}
	if _, _, err := Append(ctx, ns, 0, hashAll(leaves)); err != nil {
		t.Fatal(err)
	}
	tile, err := ReadTile(ctx, ns, TileID{Index: 1, Width: 44}, 300)
	if err != nil {
		t.Fatal(err)
	}
	// A store without GetNodeRange is read node by node, to the same bytes.
	byIDs, err := ReadTile(ctx, idsOnly{ns}, TileID{Index: 1, Width: 44}, 300)
	if err != nil || !bytes.Equal(byIDs, tile) {
		t.Errorf("ReadTile through GetNodes differs from GetNodeRange: %v", err)
	}
	if len(tile) != 44*HashSize || !bytes.Equal(tile[:HashSize], LeafHash(leaves[256])) {
		t.Errorf("partial tile 0/001.p/44 does not hold the hashes of leaves 256..299")
	}
	bundle, err := ReadBundle(ctx, MemLeaves(leaves), TileID{Entries: true, Index: 1, Width: 44}, 300)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := DecodeBundle(bundle)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 44 || !bytes.Equal(entries[43], leaves[299]) {
		t.Errorf("bundle entries/001.p/44 holds %d entries, want leaves 256..299", len(entries))
	}
	for _, tc := range []struct {
		name string
		err  error
		code string
	}{
		{"ErrBundleAsTile", func() error { _, err := ReadTile(ctx, ns, TileID{Entries: true, Width: 1}, 300); return err }(), qantar.EINVALID},
		{"ErrTileAsBundle", func() error { _, err := ReadBundle(ctx, MemLeaves(leaves), TileID{Width: 1}, 300); return err }(), qantar.EINVALID},
		{"ErrBeyondTree", func() error { _, err := ReadTile(ctx, ns, TileID{Index: 1, Width: 256}, 300); return err }(), qantar.ENOTFOUND},
		{"ErrBadWidth", func() error { _, err := ReadTile(ctx, ns, TileID{Width: 0}, 300); return err }(), qantar.EINVALID},
	} {
		if qantar.ErrorCode(tc.err) != tc.code {
			t.Errorf("%s: error %v, want code %s", tc.name, tc.err, tc.code)
		}
	}
}

func TestBundleRoundTrip(t *testing.T) {
	entries := [][]byte{[]byte("a"), {}, bytes.Repeat([]byte{7}, MaxEntrySize), []byte(exampleEncoding)}
	b, err := EncodeBundle(entries)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b[:3], []byte{0, 1, 'a'}) {
		t.Errorf("bundle starts %x, want 0001 61", b[:3])
	}
	got, err := DecodeBundle(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(entries) {
		t.Fatalf("decoded %d entries, want %d", len(got), len(entries))
	}
	for i := range got {
		if !bytes.Equal(got[i], entries[i]) {
			t.Errorf("entry %d differs", i)
		}
	}
	if _, err := EncodeBundle([][]byte{make([]byte, MaxEntrySize+1)}); err == nil {
		t.Error("EncodeBundle accepted an entry over 65,535 bytes")
	}
	for name, bad := range map[string][]byte{
		"ErrHalfLength": {0},
		"ErrShortEntry": {0, 5, 'a', 'b'},
		"ErrTrailing":   {0, 1, 'a', 0},
	} {
		if _, err := DecodeBundle(bad); err == nil || qantar.ErrorCode(err) != qantar.EINVALID {
			t.Errorf("%s: DecodeBundle(%x) = %v, want an invalid error", name, bad, err)
		}
	}
}

func FuzzParseTilePath(f *testing.F) {
	for _, s := range []string{"tile/0/000", "tile/entries/x001/x234/067.p/8", "tile/63/000.p/255", "tile/0/x000/001", "tile/1/999.p/0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := ParseTilePath(s)
		if err != nil {
			if qantar.ErrorCode(err) != qantar.EINVALID {
				t.Fatalf("error %v has code %s", err, qantar.ErrorCode(err))
			}
			return
		}
		if id.Path() != s {
			t.Fatalf("ParseTilePath(%q) = %+v, whose Path is %q", s, id, id.Path())
		}
		_ = CheckTile(id, 1<<64-1) // must not panic or overflow
	})
}

func FuzzDecodeBundle(f *testing.F) {
	f.Add([]byte{0, 1, 'a', 0, 0})
	f.Add([]byte{0, 5, 'a'})
	f.Fuzz(func(t *testing.T, b []byte) {
		entries, err := DecodeBundle(b)
		if err != nil {
			return
		}
		again, err := EncodeBundle(entries)
		if err != nil || !bytes.Equal(again, b) {
			t.Fatalf("DecodeBundle(%x) re-encodes as %x, %v", b, again, err)
		}
	})
}

// idsOnly hides MemStore's GetNodeRange.
type idsOnly struct{ NodeReader }
