// Package mediatest makes synthetic images for tests of what happens to a
// file at the door: a JPEG with EXIF naming a device and a position, a PNG
// whose metadata comes after its image data, pictures that are near
// duplicates of each other. Nothing here is a real photograph.
package mediatest

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"testing"

	exif "github.com/dsoprea/go-exif/v3"
	exifcommon "github.com/dsoprea/go-exif/v3/common"
)

// The device and position the EXIF block names: no public copy of a file
// may hold Maker or Model. The position is in Almaty, 43°14'18"N 76°56'45"E.
const (
	Maker     = "SecretPhoneMaker"
	Model     = "Model X-17"
	Latitude  = 43 + 14.0/60 + 18.0/3600
	Longitude = 76 + 56.0/60 + 45.0/3600
	TakenAt   = "2022-01-05T14:30:00" // as the record keeps it (no zone)
)

// EXIF is a TIFF EXIF block naming the device, the time taken and the position.
func EXIF(t testing.TB) []byte {
	t.Helper()
	im, err := exifcommon.NewIfdMappingWithStandard()
	if err != nil {
		t.Fatal(err)
	}
	ib := exif.NewIfdBuilder(im, exif.NewTagIndex(), exifcommon.IfdStandardIfdIdentity, binary.BigEndian)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(ib.AddStandardWithName("Make", Maker))
	must(ib.AddStandardWithName("Model", Model))
	exifIb, err := exif.GetOrCreateIbFromRootIb(ib, "IFD/Exif")
	must(err)
	must(exifIb.AddStandardWithName("DateTimeOriginal", "2022:01:05 14:30:00"))
	gps, err := exif.GetOrCreateIbFromRootIb(ib, "IFD/GPSInfo")
	must(err)
	r := func(n uint32) exifcommon.Rational { return exifcommon.Rational{Numerator: n, Denominator: 1} }
	must(gps.AddStandardWithName("GPSLatitudeRef", "N"))
	must(gps.AddStandardWithName("GPSLatitude", []exifcommon.Rational{r(43), r(14), r(18)}))
	must(gps.AddStandardWithName("GPSLongitudeRef", "E"))
	must(gps.AddStandardWithName("GPSLongitude", []exifcommon.Rational{r(76), r(56), r(45)}))
	b, err := exif.NewIfdByteEncoder().EncodeToExif(ib)
	must(err)
	return b
}

// Picture is a synthetic w×h picture; the same seed gives the same
// picture, and shift moves its colours a little (a near duplicate).
func Picture(w, h int, seed uint64, shift int) image.Image {
	rng := rand.New(rand.NewPCG(seed, 1))
	blocks := make([]uint8, 64)
	for i := range blocks {
		blocks[i] = uint8(rng.IntN(256))
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			v := int(blocks[(y*8/h)*8+x*8/w]) + shift
			v = max(0, min(255, v))
			img.Set(x, y, color.RGBA{uint8(v), uint8(255 - v), uint8(v / 2), 255})
		}
	}
	return img
}

// Noise is a w×h picture of random pixels: its PNG hardly compresses.
func Noise(w, h int, seed uint64) image.Image {
	rng := rand.New(rand.NewPCG(seed, 2))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = uint8(rng.IntN(256))
	}
	return img
}

// JPEG encodes img at quality q, with the EXIF block in an APP1 segment
// when withEXIF.
func JPEG(t testing.TB, img image.Image, q int, withEXIF bool) []byte {
	t.Helper()
	var enc bytes.Buffer
	if err := jpeg.Encode(&enc, img, &jpeg.Options{Quality: q}); err != nil {
		t.Fatal(err)
	}
	b := enc.Bytes()
	if !withEXIF {
		return b
	}
	out := append([]byte{}, b[:2]...)
	out = append(out, segment(0xe1, append([]byte("Exif\x00\x00"), EXIF(t)...))...)
	return append(out, b[2:]...)
}

// JPEGLateEXIF is a JPEG whose EXIF block (device, time, position) comes
// after pad bytes of ICC profile segments, which a stripped copy keeps: a
// file whose first bytes look clean and whose metadata lies past them.
func JPEGLateEXIF(t testing.TB, img image.Image, pad int) []byte {
	t.Helper()
	b := JPEG(t, img, 90, false)
	out := append([]byte{}, b[:2]...)
	const chunk = 60000
	count := (pad + chunk - 1) / chunk
	for seq := 1; seq <= count; seq++ {
		body := append([]byte("ICC_PROFILE\x00"), byte(seq), byte(count))
		body = append(body, make([]byte, min(chunk, pad-(seq-1)*chunk))...)
		out = append(out, segment(0xe2, body)...)
	}
	out = append(out, segment(0xe1, append([]byte("Exif\x00\x00"), EXIF(t)...))...)
	return append(out, b[2:]...)
}

// segment is a JPEG marker segment with its length.
func segment(marker byte, body []byte) []byte {
	seg := []byte{0xff, marker, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(body)+2))
	return append(seg, body...)
}

// PNG encodes img; text, when given, goes into a tEXt chunk after the image
// data, just before the end (where some programs write it).
func PNG(t testing.TB, img image.Image, text string) []byte {
	t.Helper()
	var enc bytes.Buffer
	if err := png.Encode(&enc, img); err != nil {
		t.Fatal(err)
	}
	b := enc.Bytes()
	if text == "" {
		return b
	}
	iend := len(b) - 12
	out := append([]byte{}, b[:iend]...)
	out = append(out, Chunk("tEXt", []byte("Author\x00"+text))...)
	return append(out, b[iend:]...)
}

// Chunk is a PNG chunk with its length and CRC.
func Chunk(typ string, data []byte) []byte {
	c := make([]byte, 8, 12+len(data))
	binary.BigEndian.PutUint32(c, uint32(len(data)))
	copy(c[4:], typ)
	c = append(c, data...)
	return binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(c[4:]))
}

// Clean reports whether b says nothing of its maker: no device, no
// position, no EXIF or XMP (read by media.Inspect's rules, here as bytes).
func Clean(b []byte) bool {
	for _, s := range []string{Maker, Model, "Exif\x00", "xmpmeta", "2022:01:05"} {
		if bytes.Contains(b, []byte(s)) {
			return false
		}
	}
	return true
}
