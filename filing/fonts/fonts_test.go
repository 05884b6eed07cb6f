package fonts

import (
	"testing"
)

// kazakh are the letters of the Kazakh Cyrillic alphabet that Russian does
// not have; russian are the 33 letters of the Russian alphabet, both cases.
const (
	kazakh  = "ӘәҒғҚқҢңӨөҰұҮүҺһІі"
	russian = "АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдеёжзийклмнопрстуфхцчшщъыьэюя"
)

func TestEmbeddedFontsCoverKazakhAndRussian(t *testing.T) {
	for name, get := range map[string]func() (Cmap, error){"regular": RegularCmap, "bold": BoldCmap} {
		c, err := get()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if n := len([]rune(russian)); n != 66 {
			t.Fatalf("the Russian alphabet here has %d letters, want 66", n)
		}
		for _, r := range kazakh + russian + "«»—№0123456789" {
			if !c.Covers(r) {
				t.Errorf("%s font has no glyph for %q (U+%04X)", name, r, r)
			}
		}
	}
}

// TestCmapTellsMissingGlyphs holds the reader to saying no: a font that
// covered everything would make the test above pass for nothing.
func TestCmapTellsMissingGlyphs(t *testing.T) {
	c, err := RegularCmap()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []rune{0x4E2D /* 中: DejaVu has no CJK */, 0xAC00 /* 가 */, 0x0915 /* Devanagari ka */} {
		if c.Covers(r) {
			t.Errorf("cmap says %q is covered; DejaVu Sans has no such glyph", r)
		}
	}
	if !c.Covers('A') {
		t.Error("the basic Latin letter A is not covered")
	}
	if len(c) < 3000 {
		t.Errorf("only %d characters mapped: the cmap was not read whole", len(c))
	}
}

func TestReadCmapRefusesGarbage(t *testing.T) {
	for _, b := range [][]byte{nil, []byte("not a font at all"), Regular[:200]} {
		if _, err := ReadCmap(b); err == nil {
			t.Errorf("ReadCmap(%d bytes of garbage) gave no error", len(b))
		}
	}
}
