package media

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"io"

	"github.com/corona10/goimagehash"
)

// PHash is the perceptual hash of the image r holds, as Inspect gives it,
// read as a stream (a file arriving). The image is decoded whole: its
// caller bounds its pixels first (Head's Width × Height ≤ HashMaxPixels).
func PHash(r io.Reader) (string, error) {
	img, _, err := image.Decode(r)
	if err != nil {
		return "", fail("", ErrCorrupt, err)
	}
	h, err := goimagehash.PerceptionHash(img)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%016x", h.GetHash()), nil
}

// CanStrip reports whether Strip can make a copy of this type without its
// metadata.
func CanStrip(mediaType string) bool {
	return mediaType == "image/jpeg" || mediaType == "image/png"
}

// Removes reports whether Strip would leave something out of the JPEG or
// PNG that head begins: a metadata segment or chunk that starts in head
// or, when head is the whole file (whole), anything after the image's end.
// Past head, and in a JPEG past its first scan, it cannot tell: there only
// the stripped copy itself can (Strip's output shorter than its input).
func Removes(head []byte, whole bool) bool {
	mt := Sniff(head)
	if !CanStrip(mt) {
		return false
	}
	if whole {
		var n countWriter
		if _, err := Strip(&n, bytes.NewReader(head)); err != nil {
			return true // damaged: no clean copy can be promised
		}
		return int(n) != len(head)
	}
	if mt == "image/png" {
		return pngRemoves(head)
	}
	return jpegRemoves(head)
}

type countWriter int

func (c *countWriter) Write(p []byte) (int, error) {
	*c += countWriter(len(p))
	return len(p), nil
}

// jpegRemoves walks a JPEG's segments in head up to its first scan.
func jpegRemoves(head []byte) bool {
	pos := 2
	for pos+4 <= len(head) {
		if head[pos] != 0xff {
			return false // damaged: Strip will say so
		}
		m := head[pos+1]
		if m == 0xff { // a fill byte
			pos++
			continue
		}
		if m == 0xd9 {
			return true // the image ends, and head is not the whole file
		}
		if m == 0x01 || (m >= 0xd0 && m <= 0xd7) {
			pos += 2
			continue
		}
		n := int(binary.BigEndian.Uint16(head[pos+2:]))
		body := head[pos+4 : min(pos+2+max(n, 2), len(head))]
		if len(body) < min(12, n-2) {
			return false // too little of it here to judge
		}
		if !keepJPEG(m, body) {
			return true
		}
		if m == 0xda {
			return false
		}
		pos += 2 + n
	}
	return false
}

// pngRemoves walks a PNG's chunks in head.
func pngRemoves(head []byte) bool {
	pos := 8
	for pos+8 <= len(head) {
		n := int64(binary.BigEndian.Uint32(head[pos:]))
		typ := string(head[pos+4 : pos+8])
		if !pngKeep[typ] {
			return true
		}
		if typ == "IEND" {
			return true // head is not the whole file: bytes follow the image
		}
		pos += 12 + int(min(n, 1<<31))
	}
	return false
}
