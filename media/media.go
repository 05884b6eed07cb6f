// Package media looks at a file as it arrives: its real type (sniffed from
// the bytes, never taken from its name or what the uploader declared), the
// metadata a camera or phone writes into it (EXIF and XMP: when it was
// taken, on what device, where), its dimensions (an image bomb, whose
// header claims more pixels than any photograph, is refused before it is
// decoded), and a perceptual hash of an image for finding near-duplicates
// across sources. Strip writes a public derivative of a JPEG or PNG with
// the metadata left out.
package media

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // DecodeConfig and Decode of the common image types
	_ "image/jpeg"
	_ "image/png"
	"io"
	"math/bits"
	"net/http"
	"strconv"
	"time"

	"github.com/qantar-project/qantar"
)

// Errors of Inspect and Strip; each is a *qantar.Error whose message is a
// catalogue key.
var (
	ErrImageBomb = qantar.Errorf(qantar.EINVALID, "the image claims more pixels than any photograph has (an image bomb), and is refused")
	ErrNotImage  = qantar.Errorf(qantar.EINVALID, "metadata can be stripped only from a JPEG or PNG image")
	ErrCorrupt   = qantar.Errorf(qantar.EINVALID, "the image is damaged and cannot be read")
)

// Limits of an image: a side over MaxSide pixels, or more than MaxPixels
// in all, is a bomb. Images up to HashMaxPixels are decoded for their
// perceptual hash (a decoded image takes 4 bytes a pixel).
const (
	MaxSide       = 20000
	MaxPixels     = 100_000_000
	HashMaxPixels = 40_000_000
)

// metaLen is how much of a file is searched for EXIF and XMP: cameras and
// phones write them in the first segments.
const metaLen = 4 << 20

// GPS is a position in decimal degrees (WGS 84), negative south and west.
type GPS struct {
	Latitude, Longitude float64
}

// Info is what Inspect found.
type Info struct {
	MediaType     string
	Width, Height int
	Taken         time.Time // when the camera says the picture was taken (its clock, its zone)
	// TakenZoned says Taken was written with its zone (XMP); EXIF's
	// date has none, and Taken is then the clock's reading given as UTC.
	TakenZoned  bool
	Make, Model string // the device
	Software    string
	GPS         *GPS
	HasEXIF     bool // an EXIF block was found, whatever it says
	HasXMP      bool
	// PHash is the 64-bit perceptual hash of an image (pHash, DCT), as 16
	// hexadecimal digits; "" when it is not an image Go decodes or is
	// larger than HashMaxPixels.
	PHash string
}

// Inspect reads what a file is and says of itself, reading no more than
// the start of a file that is not an image.
func Inspect(r io.ReaderAt, size int64) (*Info, error) {
	head := make([]byte, min(size, metaLen))
	n, err := r.ReadAt(head, 0)
	if err != nil && err != io.EOF {
		return nil, err
	}
	info, err := look(head[:n], io.NewSectionReader(r, 0, size))
	if err != nil || info.Width == 0 {
		return info, err
	}
	if int64(info.Width)*int64(info.Height) <= HashMaxPixels {
		h, err := PHash(io.NewSectionReader(r, 0, size))
		if err != nil && errors.Is(err, ErrCorrupt) {
			return nil, err
		}
		info.PHash = h
	}
	return info, nil
}

// Head is what the first bytes of a file say (a stream's start, as it
// arrives): its type, EXIF and XMP, and an image's size from its header, an
// image bomb refused (ErrImageBomb). It decodes no pixels and computes no
// hash; a header cut short by the end of head says nothing of the size.
func Head(head []byte) (*Info, error) {
	info, err := look(head, bytes.NewReader(head))
	if errors.Is(err, ErrCorrupt) {
		return &Info{MediaType: Sniff(head)}, nil
	}
	return info, err
}

// look reads head's type and metadata and, for an image, its size from the
// header that r starts with.
func look(head []byte, r io.Reader) (*Info, error) {
	info := &Info{MediaType: Sniff(head)}
	readExif(head, info)
	readXMP(head, info)
	if !isImage(info.MediaType) {
		return info, nil
	}
	cfg, _, err := image.DecodeConfig(r)
	if err != nil {
		if info.MediaType == "image/webp" {
			return info, nil // sized by no decoder here
		}
		return nil, fail("", ErrCorrupt, err)
	}
	if cfg.Width > MaxSide || cfg.Height > MaxSide || int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		return nil, fail("", ErrImageBomb, fmt.Sprintf("%d×%d", cfg.Width, cfg.Height))
	}
	info.Width, info.Height = cfg.Width, cfg.Height
	return info, nil
}

func isImage(mediaType string) bool {
	switch mediaType {
	case "image/jpeg", "image/png", "image/gif", "image/webp":
		return true
	}
	return false
}

// Distance is the number of bits in which two perceptual hashes differ:
// 0 for the same picture, up to about 10 for the same picture resized,
// recompressed or lightly edited, about 32 for unrelated pictures.
func Distance(a, b string) (int, error) {
	x, err := strconv.ParseUint(a, 16, 64)
	if err != nil {
		return 0, fmt.Errorf("perceptual hash %q: %w", a, err)
	}
	y, err := strconv.ParseUint(b, 16, 64)
	if err != nil {
		return 0, fmt.Errorf("perceptual hash %q: %w", b, err)
	}
	return bits.OnesCount64(x ^ y), nil
}

// Sniff names the type of a file from its first bytes: the magic numbers
// of PDF, JPEG, PNG, GIF, WebP, MP4 and QuickTime, MP3, Ogg and WAV, then
// net/http's sniffing.
func Sniff(head []byte) string {
	has := func(off int, magic string) bool {
		return len(head) >= off+len(magic) && string(head[off:off+len(magic)]) == magic
	}
	switch {
	case has(0, "%PDF-"):
		return "application/pdf"
	case has(0, "\xff\xd8\xff"):
		return "image/jpeg"
	case has(0, "\x89PNG\r\n\x1a\n"):
		return "image/png"
	case has(0, "GIF87a"), has(0, "GIF89a"):
		return "image/gif"
	case has(0, "RIFF") && has(8, "WEBP"):
		return "image/webp"
	case has(0, "RIFF") && has(8, "WAVE"):
		return "audio/wav"
	case has(4, "ftyp"):
		switch {
		case has(8, "qt  "):
			return "video/quicktime"
		case has(8, "M4A "), has(8, "M4B "):
			return "audio/mp4"
		}
		return "video/mp4"
	case has(0, "OggS"):
		return "audio/ogg"
	case has(0, "ID3"), len(head) > 1 && head[0] == 0xff && head[1]&0xe6 == 0xe2: // ID3 tag, or MPEG audio frame sync with layer III
		return "audio/mpeg"
	}
	return http.DetectContentType(head)
}

// readXMP notes an XMP packet and takes from it what EXIF did not say.
func readXMP(head []byte, info *Info) {
	start := bytes.Index(head, []byte("<x:xmpmeta"))
	if start < 0 {
		return
	}
	end := bytes.Index(head[start:], []byte("</x:xmpmeta>"))
	if end < 0 {
		return
	}
	info.HasXMP = true
	x := head[start : start+end]
	if info.Make == "" {
		info.Make = xmpValue(x, "tiff:Make")
	}
	if info.Model == "" {
		info.Model = xmpValue(x, "tiff:Model")
	}
	if info.Taken.IsZero() {
		for _, k := range []string{"exif:DateTimeOriginal", "photoshop:DateCreated", "xmp:CreateDate"} {
			if t, err := time.Parse(time.RFC3339, xmpValue(x, k)); err == nil {
				info.Taken, info.TakenZoned = t, true
				break
			}
		}
	}
	if info.GPS == nil {
		lat, ok1 := xmpCoordinate(xmpValue(x, "exif:GPSLatitude"))
		lon, ok2 := xmpCoordinate(xmpValue(x, "exif:GPSLongitude"))
		if ok1 && ok2 {
			info.GPS = &GPS{Latitude: lat, Longitude: lon}
		}
	}
}
