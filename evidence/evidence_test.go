package evidence

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"testing"

	"github.com/qantar-project/qantar/media"
)

// pngHeader is the start of a PNG that claims w×h pixels: an image bomb
// when decoded, a few bytes to read its size from.
func pngHeader(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 6 // 8-bit RGBA
	binary.Write(&b, binary.BigEndian, uint32(len(ihdr)))
	chunk := append([]byte("IHDR"), ihdr...)
	b.Write(chunk)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return b.Bytes()
}

// An image's size is read from its header only, and an image bomb (a header
// claiming 60,000 × 60,000 pixels) is refused before anything is stored.
func TestHeadMetadata(t *testing.T) {
	if _, err := headMetadata(pngHeader(60000, 60000)); !errors.Is(err, media.ErrImageBomb) {
		t.Errorf("image bomb: %v, want media.ErrImageBomb", err)
	}
	got, err := headMetadata(pngHeader(640, 480))
	if err != nil || got["width"] != "640" || got["height"] != "480" {
		t.Errorf("640×480: %v %v", got, err)
	}
	for _, head := range [][]byte{[]byte("%PDF-1.4\n"), []byte("\x89PNG\r\n\x1a\n")} {
		if got, err := headMetadata(head); got != nil || err != nil {
			t.Errorf("%q: %v %v, want nothing", head, got, err)
		}
	}
}

func TestBaseType(t *testing.T) {
	for in, want := range map[string]string{"text/plain; charset=utf-8": "text/plain", "IMAGE/PNG": "image/png", "": "", "not a type": ""} {
		if got := baseType(in); got != want {
			t.Errorf("baseType(%q) = %q, want %q", in, got, want)
		}
	}
}

// A lying declared type is noted in every language, never English alone.
func TestTypeNoteInEveryLanguage(t *testing.T) {
	n := typeNote("application/pdf", "image/png")
	if n["en"] != "declared as application/pdf; the bytes are image/png" || n["ru"] == "" || n["kk"] == "" || n["ru"] == n["en"] || n["kk"] == n["en"] {
		t.Errorf("note %v", n)
	}
}
