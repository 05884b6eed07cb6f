package media

import (
	"bufio"
	"encoding/binary"
	"errors"
	"io"
)

// Strip copies a JPEG or PNG from r to w without the metadata that can
// say who took it, where and on what: in a JPEG the APP1 (EXIF, XMP),
// APP13 (IPTC, Photoshop), other application segments but JFIF, ICC
// profiles and Adobe's colour transform, comments, and anything after the
// image ends; in a PNG every chunk but those that draw the image (tEXt,
// zTXt, iTXt, eXIf, tIME and unknown chunks go). The pixels are copied as
// they are, not re-encoded. It returns the type it stripped.
func Strip(w io.Writer, r io.Reader) (string, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(8)
	bw := bufio.NewWriterSize(w, 64<<10)
	var err error
	var mediaType string
	switch Sniff(head) {
	case "image/jpeg":
		mediaType, err = "image/jpeg", stripJPEG(bw, br)
	case "image/png":
		mediaType, err = "image/png", stripPNG(bw, br)
	default:
		return "", ErrNotImage
	}
	if err != nil {
		return "", err
	}
	return mediaType, bw.Flush()
}

func corrupt(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fail("", ErrCorrupt, "truncated")
	}
	return err
}

// keepJPEG says whether a marker segment stays: JFIF (APP0), ICC profiles
// (APP2 "ICC_PROFILE"), Adobe (APP14) and every segment that is not an
// application segment or a comment.
func keepJPEG(marker byte, body []byte) bool {
	switch {
	case marker == 0xe0:
		return len(body) >= 5 && string(body[:5]) == "JFIF\x00"
	case marker == 0xe2:
		return len(body) >= 12 && string(body[:12]) == "ICC_PROFILE\x00"
	case marker == 0xee:
		return len(body) >= 5 && string(body[:5]) == "Adobe"
	case marker > 0xe0 && marker <= 0xef, marker == 0xfe:
		return false
	}
	return true
}

func stripJPEG(w *bufio.Writer, r *bufio.Reader) error {
	var soi [2]byte
	if _, err := io.ReadFull(r, soi[:]); err != nil {
		return corrupt(err)
	}
	w.Write(soi[:])
	afterScan := false // copyScan has read the 0xFF of the next marker
	for {
		if !afterScan {
			b, err := r.ReadByte()
			if err != nil {
				return corrupt(err)
			}
			if b != 0xff {
				return fail("", ErrCorrupt, "no marker")
			}
		}
		afterScan = false
		m, err := r.ReadByte()
		for err == nil && m == 0xff { // fill bytes
			m, err = r.ReadByte()
		}
		if err != nil {
			return corrupt(err)
		}
		if m == 0xd9 { // EOI: what follows is not the image
			w.Write([]byte{0xff, 0xd9})
			return nil
		}
		if m == 0x01 || (m >= 0xd0 && m <= 0xd7) {
			w.Write([]byte{0xff, m})
			continue
		}
		var l [2]byte
		if _, err := io.ReadFull(r, l[:]); err != nil {
			return corrupt(err)
		}
		n := int(binary.BigEndian.Uint16(l[:]))
		if n < 2 {
			return fail("", ErrCorrupt, "segment length")
		}
		body := make([]byte, n-2)
		if _, err := io.ReadFull(r, body); err != nil {
			return corrupt(err)
		}
		if keepJPEG(m, body) {
			w.Write([]byte{0xff, m})
			w.Write(l[:])
			w.Write(body)
		}
		if m == 0xda { // SOS: copy the entropy-coded data up to the next marker
			if err := copyScan(w, r); err != nil {
				return err
			}
			afterScan = true
		}
	}
}

// copyScan copies entropy-coded data, in which 0xFF is followed by 0x00
// (a stuffed byte) or a restart marker, and stops after the 0xFF of any
// other marker.
func copyScan(w *bufio.Writer, r *bufio.Reader) error {
	for {
		b, err := r.ReadByte()
		if err != nil {
			return corrupt(err)
		}
		if b != 0xff {
			w.WriteByte(b)
			continue
		}
		next, err := r.Peek(1)
		if err != nil {
			return corrupt(err)
		}
		if next[0] == 0x00 || (next[0] >= 0xd0 && next[0] <= 0xd7) {
			w.WriteByte(b)
			m, _ := r.ReadByte()
			w.WriteByte(m)
			continue
		}
		return nil
	}
}

// pngKeep are the chunks that draw a PNG or an APNG.
var pngKeep = map[string]bool{
	"IHDR": true, "PLTE": true, "IDAT": true, "IEND": true, "tRNS": true, "gAMA": true, "cHRM": true,
	"sRGB": true, "iCCP": true, "sBIT": true, "bKGD": true, "pHYs": true, "acTL": true, "fcTL": true, "fdAT": true,
}

func stripPNG(w *bufio.Writer, r *bufio.Reader) error {
	var sig [8]byte
	if _, err := io.ReadFull(r, sig[:]); err != nil {
		return corrupt(err)
	}
	w.Write(sig[:])
	for {
		var h [8]byte
		if _, err := io.ReadFull(r, h[:]); err != nil {
			return corrupt(err)
		}
		n := binary.BigEndian.Uint32(h[:4])
		if n > 1<<31-1 {
			return fail("", ErrCorrupt, "chunk length")
		}
		typ := string(h[4:8])
		keep := pngKeep[typ]
		dst := io.Discard
		if keep {
			w.Write(h[:])
			dst = w
		}
		if _, err := io.CopyN(dst, r, int64(n)+4); err != nil { // data and CRC
			return corrupt(err)
		}
		if typ == "IEND" {
			return nil
		}
	}
}
