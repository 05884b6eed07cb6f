// Package fonts holds the fonts Qantar embeds in the PDFs it writes: DejaVu
// Sans regular and bold (Debian's fonts-dejavu-core 2.37, licence in
// LICENSE beside this file), which cover Kazakh and Russian Cyrillic. It
// also reads a TrueType font's character map, so that a test and the PDF
// writer can tell which characters a font can draw.
package fonts

import (
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
)

// Regular and Bold are the TrueType files embedded in every PDF.
var (
	//go:embed DejaVuSans.ttf
	Regular []byte
	//go:embed DejaVuSans-Bold.ttf
	Bold []byte
)

// Cmap is the set of characters a font maps to a glyph.
type Cmap map[rune]bool

// Covers reports whether the font has a glyph for r.
func (c Cmap) Covers(r rune) bool { return c[r] }

var (
	once     sync.Once
	regular  Cmap
	cmapErr  error
	boldCmap Cmap
)

// RegularCmap and BoldCmap are the character maps of the embedded fonts,
// read once.
func RegularCmap() (Cmap, error) { load(); return regular, cmapErr }

// BoldCmap is the bold font's character map.
func BoldCmap() (Cmap, error) { load(); return boldCmap, cmapErr }

func load() {
	once.Do(func() {
		if regular, cmapErr = ReadCmap(Regular); cmapErr == nil {
			boldCmap, cmapErr = ReadCmap(Bold)
		}
	})
}

// ReadCmap reads the Unicode character map of a TrueType font (a format 4
// or format 12 subtable of platform 0 or platform 3 encoding 1 or 10).
func ReadCmap(ttf []byte) (Cmap, error) {
	table, err := findTable(ttf, "cmap")
	if err != nil {
		return nil, err
	}
	if len(table) < 4 {
		return nil, errors.New("cmap table too short")
	}
	n := int(binary.BigEndian.Uint16(table[2:]))
	best := -1
	for i := 0; i < n; i++ {
		rec := table[4+8*i:]
		if len(rec) < 8 {
			return nil, errors.New("cmap records cut short")
		}
		platform, enc := binary.BigEndian.Uint16(rec), binary.BigEndian.Uint16(rec[2:])
		off := int(binary.BigEndian.Uint32(rec[4:]))
		if off+4 > len(table) || !(platform == 0 || platform == 3 && (enc == 1 || enc == 10)) {
			continue
		}
		format := binary.BigEndian.Uint16(table[off:])
		if format == 12 || (format == 4 && best < 0) {
			best = off
		}
	}
	if best < 0 {
		return nil, errors.New("no Unicode cmap subtable of format 4 or 12")
	}
	sub := table[best:]
	if binary.BigEndian.Uint16(sub) == 12 {
		return format12(sub)
	}
	return format4(sub)
}

// findTable returns the bytes of a named table of a TrueType file.
func findTable(ttf []byte, tag string) ([]byte, error) {
	if len(ttf) < 12 {
		return nil, errors.New("not a TrueType file")
	}
	n := int(binary.BigEndian.Uint16(ttf[4:]))
	for i := 0; i < n; i++ {
		rec := ttf[12+16*i:]
		if len(rec) < 16 {
			break
		}
		if string(rec[:4]) == tag {
			off, size := binary.BigEndian.Uint32(rec[8:]), binary.BigEndian.Uint32(rec[12:])
			if uint64(off)+uint64(size) > uint64(len(ttf)) {
				return nil, fmt.Errorf("table %s runs past the file", tag)
			}
			return ttf[off : off+size], nil
		}
	}
	return nil, fmt.Errorf("no %s table", tag)
}

// format4 reads segments of 16-bit codes (the Basic Multilingual Plane).
func format4(sub []byte) (Cmap, error) {
	if len(sub) < 14 {
		return nil, errors.New("cmap format 4 too short")
	}
	segX2 := int(binary.BigEndian.Uint16(sub[6:]))
	ends, starts := 14, 14+segX2+2
	deltas, ranges := starts+segX2, starts+2*segX2
	if ranges+segX2 > len(sub) {
		return nil, errors.New("cmap format 4 cut short")
	}
	u16 := func(at int) int { return int(binary.BigEndian.Uint16(sub[at:])) }
	out := Cmap{}
	for s := 0; s < segX2; s += 2 {
		start, end := u16(starts+s), u16(ends+s)
		delta, ro := u16(deltas+s), u16(ranges+s)
		for c := start; c <= end && c != 0xFFFF; c++ {
			glyph := (c + delta) & 0xFFFF
			if ro != 0 {
				at := ranges + s + ro + 2*(c-start)
				if at+2 > len(sub) {
					return nil, errors.New("cmap format 4 glyph index out of range")
				}
				if glyph = u16(at); glyph != 0 {
					glyph = (glyph + delta) & 0xFFFF
				}
			}
			if glyph != 0 {
				out[rune(c)] = true
			}
		}
	}
	return out, nil
}

// format12 reads groups of 32-bit codes.
func format12(sub []byte) (Cmap, error) {
	if len(sub) < 16 {
		return nil, errors.New("cmap format 12 too short")
	}
	n := int(binary.BigEndian.Uint32(sub[12:]))
	if 16+12*n > len(sub) {
		return nil, errors.New("cmap format 12 cut short")
	}
	out := Cmap{}
	for i := 0; i < n; i++ {
		g := sub[16+12*i:]
		start, end := binary.BigEndian.Uint32(g), binary.BigEndian.Uint32(g[4:])
		glyph := binary.BigEndian.Uint32(g[8:])
		for c := start; c <= end && c <= 0x10FFFF; c++ {
			if glyph+(c-start) != 0 {
				out[rune(c)] = true
			}
		}
	}
	return out, nil
}
