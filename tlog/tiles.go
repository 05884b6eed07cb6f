package tlog

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/qantar-project/qantar"
)

// Tiles follow C2SP tlog-tiles (https://c2sp.org/tlog-tiles): a tile is up
// to 256 consecutive hashes of one tree level, so that a client fetches a
// few static, cacheable files instead of asking for proofs.

// TileHeight is the height of a tile: a level-L tile holds hashes of tree
// level TileHeight·L.
const TileHeight = 8

// TileWidth is the number of hashes in a full tile.
const TileWidth = 1 << TileHeight

// MaxTileLevel is the highest level a tile path may name (the spec's limit).
const MaxTileLevel = 63

// The paths a Qantar server or static mirror serves its log at, under its
// base URL.
const (
	PathCheckpoint = "/log/checkpoint"
	PathKey        = "/log/key"
	PathTilePrefix = "/log/" // + TileID.Path()
)

// TileID names a hash tile (tile/<L>/<N>[.p/<W>]) or an entry bundle
// (tile/entries/<N>[.p/<W>]).
type TileID struct {
	Entries bool   // an entry bundle; Level is then 0
	Level   int    // 0..MaxTileLevel
	Index   uint64 // N, the tile's index within its level
	Width   int    // 1..TileWidth; TileWidth for a full tile
}

// Partial reports whether the tile is partial (fewer than 256 hashes).
func (t TileID) Partial() bool { return t.Width < TileWidth }

// Path returns the tile's path relative to the log's prefix, as the spec
// writes it: "tile/0/x001/x234/067", "tile/entries/000.p/17".
func (t TileID) Path() string {
	var b strings.Builder
	b.WriteString("tile/")
	if t.Entries {
		b.WriteString("entries")
	} else {
		b.WriteString(strconv.Itoa(t.Level))
	}
	b.WriteByte('/')
	b.WriteString(indexPath(t.Index))
	if t.Partial() {
		b.WriteString(".p/")
		b.WriteString(strconv.Itoa(t.Width))
	}
	return b.String()
}

// String returns Path.
func (t TileID) String() string { return t.Path() }

// indexPath encodes N in zero-padded three-digit elements, all but the last
// prefixed with x: 1234067 → "x001/x234/067".
func indexPath(n uint64) string {
	var groups []uint64
	for {
		groups = append(groups, n%1000)
		n /= 1000
		if n == 0 {
			break
		}
	}
	var b strings.Builder
	for i := len(groups) - 1; i >= 0; i-- {
		if i > 0 {
			fmt.Fprintf(&b, "x%03d/", groups[i])
		} else {
			fmt.Fprintf(&b, "%03d", groups[i])
		}
	}
	return b.String()
}

// ParseTilePath parses a tile path as Path writes it, starting with "tile/"
// (with Go 1.22 patterns: ParseTilePath("tile/" + r.PathValue("path")) for
// "GET /log/tile/{path...}"). It accepts only the one canonical spelling of
// each tile: no leading zeros, no empty or extra elements. Errors are
// qantar EINVALID errors saying what is wrong.
func ParseTilePath(p string) (TileID, error) {
	var t TileID
	bad := func(format string, args ...any) (TileID, error) {
		return TileID{}, qantar.Errorf(qantar.EINVALID, "tile path %q: %s", clip(p), fmt.Sprintf(format, args...))
	}
	rest, ok := strings.CutPrefix(p, "tile/")
	if !ok {
		return bad(`must start with "tile/"`)
	}
	level, rest, ok := strings.Cut(rest, "/")
	if !ok {
		return bad("want tile/<level>/<index> or tile/entries/<index>")
	}
	if level == "entries" {
		t.Entries = true
	} else {
		l, err := parseDecimal(level, MaxTileLevel)
		if err != nil {
			return bad("level: %v (want 0..%d or entries)", err, MaxTileLevel)
		}
		t.Level = int(l)
	}
	t.Width = TileWidth
	if idx, w, ok := strings.Cut(rest, ".p/"); ok {
		width, err := parseDecimal(w, TileWidth-1)
		if err != nil || width == 0 {
			return bad("partial width %q: want 1..%d with no leading zero", clip(w), TileWidth-1)
		}
		t.Width = int(width)
		rest = idx
	}
	elems := strings.Split(rest, "/")
	if len(elems) > 7 { // 7 groups of three digits hold any uint64
		return bad("index has %d elements; no tile index needs more than 7", len(elems))
	}
	var n uint64
	for i, e := range elems {
		last := i == len(elems)-1
		digits := e
		if !last {
			var ok bool
			if digits, ok = strings.CutPrefix(e, "x"); !ok {
				return bad("index element %d (%q) must start with x", i+1, clip(e))
			}
		}
		if len(digits) != 3 || strings.Trim(digits, "0123456789") != "" {
			return bad("index element %d (%q) must be three digits", i+1, clip(e))
		}
		if i == 0 && !last && digits == "000" {
			return bad("index has a leading x000 element")
		}
		g, _ := strconv.ParseUint(digits, 10, 64)
		if n > (math.MaxUint64-g)/1000 {
			return bad("index overflows 64 bits")
		}
		n = n*1000 + g
	}
	t.Index = n
	return t, nil
}

// tileEnd returns the number of leaves a tile's last hash reaches to, and
// false if that is beyond any possible tree (2^64 leaves or more).
func tileEnd(t TileID) (uint64, bool) {
	shift := uint(TileHeight * t.Level)
	if t.Index > (math.MaxUint64-uint64(t.Width))/TileWidth {
		return 0, false
	}
	hashes := t.Index*TileWidth + uint64(t.Width) // hashes of level 8L before the tile's end
	if shift >= 64 || hashes > math.MaxUint64>>shift {
		return 0, false
	}
	return hashes << shift, true
}

// CheckTile reports whether a tree of the given size has every hash of the
// tile: a full tile once the tree has all 256, a partial tile of width W
// once it has those W. A partial tile stays servable after its full tile
// exists, so that a client holding an older checkpoint can still use it.
// The error is a qantar ENOTFOUND error.
func CheckTile(t TileID, treeSize uint64) error {
	if t.Width < 1 || t.Width > TileWidth || t.Level < 0 || t.Level > MaxTileLevel || t.Entries && t.Level != 0 {
		return qantar.Errorf(qantar.EINVALID, "tile %+v is not a valid tile", t)
	}
	if end, ok := tileEnd(t); !ok || end > treeSize {
		return qantar.Errorf(qantar.ENOTFOUND, "%s is not in the tree of size %d", t.Path(), treeSize)
	}
	return nil
}

// TilesForSize lists the tiles of a tree of the given size, level by level
// from 0: the full tiles, then the partial one if any. These are the tiles
// a client fetches to recompute the root (RFC 6962 over all of them).
func TilesForSize(size uint64) []TileID {
	var tiles []TileID
	for level := 0; level <= MaxTileLevel; level++ {
		shift := uint(TileHeight * level)
		if shift >= 64 || size>>shift == 0 {
			break
		}
		hashes := size >> shift // complete subtrees at tree level 8L
		for n := uint64(0); n < hashes/TileWidth; n++ {
			tiles = append(tiles, TileID{Level: level, Index: n, Width: TileWidth})
		}
		if w := hashes % TileWidth; w > 0 {
			tiles = append(tiles, TileID{Level: level, Index: hashes / TileWidth, Width: int(w)})
		}
	}
	return tiles
}

// ReadTile returns a hash tile's content, its Width hashes concatenated,
// from stored nodes of tree level 8·Level. It checks the tile against the
// tree size first (CheckTile).
func ReadTile(ctx context.Context, nr NodeReader, t TileID, treeSize uint64) ([]byte, error) {
	if t.Entries {
		return nil, qantar.Errorf(qantar.EINVALID, "%s is an entry bundle, not a hash tile", t.Path())
	}
	if err := CheckTile(t, treeSize); err != nil {
		return nil, err
	}
	level, begin := uint(TileHeight*t.Level), t.Index*TileWidth
	var hashes [][]byte
	var err error
	if rr, ok := nr.(NodeRangeReader); ok {
		hashes, err = rr.GetNodeRange(ctx, level, begin, begin+uint64(t.Width))
		if err == nil && len(hashes) != t.Width {
			err = fmt.Errorf("tlog: read %d nodes of level %d, got %d", t.Width, level, len(hashes))
		}
	} else {
		ids := make([]NodeID, t.Width)
		for i := range ids {
			ids[i] = NodeID{Level: level, Index: begin + uint64(i)}
		}
		hashes, err = getNodes(ctx, nr, ids)
	}
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(hashes)*HashSize)
	for i, h := range hashes {
		if len(h) != HashSize {
			return nil, fmt.Errorf("tlog: node (level %d, index %d) has %d bytes, want %d", level, begin+uint64(i), len(h), HashSize)
		}
		out = append(out, h...)
	}
	return out, nil
}

// NodeRangeReader is an optional NodeReader method that ReadTile uses when
// a store has it: the nodes [begin, end) of one level, in order, which SQL
// reads with one range scan of the primary key instead of a list of ids.
type NodeRangeReader interface {
	GetNodeRange(ctx context.Context, level uint, begin, end uint64) ([][]byte, error)
}

// LeafReader reads encoded leaves [begin, end) in order; the store keeps
// them in a table of (index, bytes).
type LeafReader interface {
	GetLeaves(ctx context.Context, begin, end uint64) ([][]byte, error)
}

// MemLeaves are encoded leaves in memory, a LeafReader: for tests, as
// MemStore is for nodes.
type MemLeaves [][]byte

// GetLeaves implements LeafReader.
func (m MemLeaves) GetLeaves(_ context.Context, begin, end uint64) ([][]byte, error) {
	if begin > end || end > uint64(len(m)) {
		return nil, fmt.Errorf("leaves [%d, %d) not stored (have %d)", begin, end, len(m))
	}
	return m[begin:end], nil
}

// ReadBundle returns an entry bundle: the encoded leaves of the tile's 256
// (or Width) indexes, each after its two-byte length.
func ReadBundle(ctx context.Context, lr LeafReader, t TileID, treeSize uint64) ([]byte, error) {
	if !t.Entries {
		return nil, qantar.Errorf(qantar.EINVALID, "%s is a hash tile, not an entry bundle", t.Path())
	}
	if err := CheckTile(t, treeSize); err != nil {
		return nil, err
	}
	begin := t.Index * TileWidth
	leaves, err := lr.GetLeaves(ctx, begin, begin+uint64(t.Width))
	if err != nil {
		return nil, fmt.Errorf("tlog: read leaves: %w", err)
	}
	if len(leaves) != t.Width {
		return nil, fmt.Errorf("tlog: read leaves [%d, %d): got %d", begin, begin+uint64(t.Width), len(leaves))
	}
	return EncodeBundle(leaves)
}

// MaxEntrySize is the largest entry a bundle can hold (a uint16 length).
const MaxEntrySize = math.MaxUint16

// EncodeBundle encodes entries as an entry bundle: for each, its length as
// a big-endian uint16, then its bytes.
func EncodeBundle(entries [][]byte) ([]byte, error) {
	n := 0
	for i, e := range entries {
		if len(e) > MaxEntrySize {
			return nil, qantar.Errorf(qantar.EINVALID, "entry %d has %d bytes; a bundle entry holds at most %d", i, len(e), MaxEntrySize)
		}
		n += 2 + len(e)
	}
	b := make([]byte, 0, n)
	for _, e := range entries {
		b = binary.BigEndian.AppendUint16(b, uint16(len(e)))
		b = append(b, e...)
	}
	return b, nil
}

// DecodeBundle splits an entry bundle into its entries. The entries alias b.
func DecodeBundle(b []byte) ([][]byte, error) {
	var entries [][]byte
	for off := 0; off < len(b); {
		if len(b)-off < 2 {
			return nil, qantar.Errorf(qantar.EINVALID, "entry bundle: entry %d: length cut short at byte %d", len(entries), off)
		}
		n := int(binary.BigEndian.Uint16(b[off:]))
		off += 2
		if len(b)-off < n {
			return nil, qantar.Errorf(qantar.EINVALID, "entry bundle: entry %d at byte %d: length %d but only %d bytes left", len(entries), off-2, n, len(b)-off)
		}
		entries = append(entries, b[off:off+n:off+n])
		off += n
	}
	return entries, nil
}
