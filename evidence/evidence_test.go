package evidence

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"net/http"
	"testing"
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

// An image bomb's size is read from its header only: no pixel is decoded.
func TestImageSizeFromHeaderOnly(t *testing.T) {
	head := pngHeader(60000, 60000)
	mt := http.DetectContentType(head)
	got := imageSize(mt, head)
	if mt != "image/png" || got["width"] != "60000" || got["height"] != "60000" {
		t.Errorf("%s: %v", mt, got)
	}
	if imageSize("application/pdf", head) != nil || imageSize("image/png", []byte("\x89PNG\r\n\x1a\n")) != nil {
		t.Errorf("metadata from what is not a readable image")
	}
}

func TestBaseType(t *testing.T) {
	for in, want := range map[string]string{"text/plain; charset=utf-8": "text/plain", "IMAGE/PNG": "image/png", "": "", "not a type": ""} {
		if got := baseType(in); got != want {
			t.Errorf("baseType(%q) = %q, want %q", in, got, want)
		}
	}
}
