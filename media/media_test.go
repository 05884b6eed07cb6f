package media

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
	"strings"
	"testing"
	"time"

	exif "github.com/dsoprea/go-exif/v3"
	exifcommon "github.com/dsoprea/go-exif/v3/common"
)

// exifBlock builds a TIFF EXIF block with the device, the date taken and
// a position in Almaty (43°14'18"N 76°56'45"E) with go-exif's builder.
func exifBlock(t *testing.T) []byte {
	t.Helper()
	im, err := exifcommon.NewIfdMappingWithStandard()
	if err != nil {
		t.Fatal(err)
	}
	ti := exif.NewTagIndex()
	ib := exif.NewIfdBuilder(im, ti, exifcommon.IfdStandardIfdIdentity, binary.BigEndian)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(ib.AddStandardWithName("Make", "SecretPhoneMaker"))
	must(ib.AddStandardWithName("Model", "Model X-17"))
	exifIb, err := exif.GetOrCreateIbFromRootIb(ib, "IFD/Exif")
	must(err)
	must(exifIb.AddStandardWithName("DateTimeOriginal", "2022:01:05 14:30:00"))
	gps, err := exif.GetOrCreateIbFromRootIb(ib, "IFD/GPSInfo")
	must(err)
	must(gps.AddStandardWithName("GPSLatitudeRef", "N"))
	must(gps.AddStandardWithName("GPSLatitude", []exifcommon.Rational{{Numerator: 43, Denominator: 1}, {Numerator: 14, Denominator: 1}, {Numerator: 18, Denominator: 1}}))
	must(gps.AddStandardWithName("GPSLongitudeRef", "E"))
	must(gps.AddStandardWithName("GPSLongitude", []exifcommon.Rational{{Numerator: 76, Denominator: 1}, {Numerator: 56, Denominator: 1}, {Numerator: 45, Denominator: 1}}))
	b, err := exif.NewIfdByteEncoder().EncodeToExif(ib)
	must(err)
	return b
}

const xmp = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description tiff:Make="XmpMaker" ` +
	`exif:GPSLatitude="43,14.3N" exif:GPSLongitude="76,56.75E"/></rdf:RDF></x:xmpmeta>`

func picture(w, h int, shift int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			v := uint8((x*255/w + y*64/h + shift) % 256)
			if (x/8+y/8)%2 == 0 {
				v /= 2
			}
			img.Set(x, y, color.RGBA{v, 255 - v, uint8(x * y % 256), 255})
		}
	}
	return img
}

func segment(marker byte, body []byte) []byte {
	s := []byte{0xff, marker, 0, 0}
	binary.BigEndian.PutUint16(s[2:], uint16(len(body)+2))
	return append(s, body...)
}

// jpegWithMetadata is a JPEG with EXIF and XMP APP1 segments, an IPTC
// APP13 segment, a comment and bytes after its end.
func jpegWithMetadata(t *testing.T) []byte {
	var enc bytes.Buffer
	if err := jpeg.Encode(&enc, picture(64, 48, 0), &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	b := enc.Bytes()
	var out bytes.Buffer
	out.Write(b[:2])
	out.Write(segment(0xe1, append([]byte("Exif\x00\x00"), exifBlock(t)...)))
	out.Write(segment(0xe1, append([]byte("http://ns.adobe.com/xap/1.0/\x00"), xmp...)))
	out.Write(segment(0xed, []byte("Photoshop 3.0\x008BIM SecretPhoneMaker caption")))
	out.Write(segment(0xfe, []byte("comment by SecretPhoneMaker")))
	out.Write(b[2:])
	out.WriteString("trailing SecretPhoneMaker")
	return out.Bytes()
}

func chunk(typ string, data []byte) []byte {
	c := make([]byte, 8, 12+len(data))
	binary.BigEndian.PutUint32(c, uint32(len(data)))
	copy(c[4:], typ)
	c = append(c, data...)
	return binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(c[4:]))
}

// pngWithMetadata is a PNG with eXIf, tEXt and iTXt chunks before its image data.
func pngWithMetadata(t *testing.T) []byte {
	var enc bytes.Buffer
	if err := png.Encode(&enc, picture(40, 30, 0)); err != nil {
		t.Fatal(err)
	}
	b := enc.Bytes()
	ihdrEnd := 8 + 8 + 13 + 4
	var out bytes.Buffer
	out.Write(b[:ihdrEnd])
	out.Write(chunk("eXIf", exifBlock(t)))
	out.Write(chunk("tEXt", []byte("Author\x00SecretPhoneMaker")))
	out.Write(chunk("iTXt", []byte("XML:com.adobe.xmp\x00\x00\x00\x00\x00"+xmp)))
	out.Write(b[ihdrEnd:])
	return out.Bytes()
}

func inspect(t *testing.T, b []byte) *Info {
	t.Helper()
	info, err := Inspect(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	return info
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-4 }

func TestInspectReadsMetadata(t *testing.T) {
	for name, b := range map[string][]byte{"jpeg": jpegWithMetadata(t), "png": pngWithMetadata(t)} {
		info := inspect(t, b)
		if info.MediaType != "image/"+name || info.Make != "SecretPhoneMaker" || info.Model != "Model X-17" || !info.HasXMP {
			t.Errorf("%s: %+v", name, info)
		}
		if !info.Taken.Equal(time.Date(2022, 1, 5, 14, 30, 0, 0, time.UTC)) {
			t.Errorf("%s: taken %v", name, info.Taken)
		}
		if info.GPS == nil || !near(info.GPS.Latitude, 43+14.0/60+18.0/3600) || !near(info.GPS.Longitude, 76+56.0/60+45.0/3600) {
			t.Errorf("%s: GPS %+v", name, info.GPS)
		}
		if info.PHash == "" || (name == "jpeg" && (info.Width != 64 || info.Height != 48)) {
			t.Errorf("%s: %dx%d phash %q", name, info.Width, info.Height, info.PHash)
		}
	}
}

func TestStripLeavesNoDeviceOrPosition(t *testing.T) {
	for name, b := range map[string][]byte{"jpeg": jpegWithMetadata(t), "png": pngWithMetadata(t)} {
		var out bytes.Buffer
		mt, err := Strip(&out, bytes.NewReader(b))
		if err != nil || mt != "image/"+name {
			t.Fatalf("%s: %s %v", name, mt, err)
		}
		s := out.Bytes()
		for _, never := range []string{"SecretPhoneMaker", "Model X-17", "xmpmeta", "Exif\x00", "2022:01:05", "MM\x00*"} {
			if bytes.Contains(s, []byte(never)) {
				t.Errorf("%s: the stripped copy still holds %q", name, never)
			}
		}
		info := inspect(t, s)
		if info.GPS != nil || info.Make != "" || info.Model != "" || !info.Taken.IsZero() || info.HasXMP {
			t.Errorf("%s: stripped copy says %+v", name, info)
		}
		orig := inspect(t, b)
		if info.Width != orig.Width || info.Height != orig.Height || info.PHash != orig.PHash {
			t.Errorf("%s: the picture changed: %+v, was %+v", name, info, orig)
		}
	}
	if _, err := Strip(&bytes.Buffer{}, strings.NewReader("%PDF-1.7 not an image")); !errors.Is(err, ErrNotImage) {
		t.Errorf("pdf: %v, want ErrNotImage", err)
	}
	b := jpegWithMetadata(t)
	if _, err := Strip(&bytes.Buffer{}, bytes.NewReader(b[:len(b)/3])); !errors.Is(err, ErrCorrupt) {
		t.Errorf("truncated: %v, want ErrCorrupt", err)
	}
}

// TestImageBomb: a PNG whose header claims 30,000 × 30,000 pixels (its
// data would take 3.6 GB decoded) is refused from its header alone.
func TestImageBomb(t *testing.T) {
	for _, wh := range [][2]uint32{{30000, 30000}, {15000, 15000}, {100, 25000}} {
		ihdr := make([]byte, 13)
		binary.BigEndian.PutUint32(ihdr, wh[0])
		binary.BigEndian.PutUint32(ihdr[4:], wh[1])
		ihdr[8], ihdr[9] = 8, 6
		b := append([]byte("\x89PNG\r\n\x1a\n"), chunk("IHDR", ihdr)...)
		b = append(b, chunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})...)
		b = append(b, chunk("IEND", nil)...)
		if _, err := Inspect(bytes.NewReader(b), int64(len(b))); !errors.Is(err, ErrImageBomb) {
			t.Errorf("%v: %v, want ErrImageBomb", wh, err)
		}
	}
}

func TestSniffTheBytesNotTheName(t *testing.T) {
	for want, head := range map[string]string{
		"application/pdf":           "%PDF-1.4\n",
		"image/webp":                "RIFF\x10\x00\x00\x00WEBPVP8 ",
		"audio/wav":                 "RIFF\x10\x00\x00\x00WAVEfmt ",
		"video/mp4":                 "\x00\x00\x00\x18ftypisom\x00\x00\x02\x00",
		"video/quicktime":           "\x00\x00\x00\x14ftypqt  \x00\x00\x02\x00",
		"audio/mpeg":                "ID3\x04\x00\x00\x00\x00\x00\x00",
		"audio/ogg":                 "OggS\x00\x02\x00\x00",
		"text/plain; charset=utf-8": "Протокол допроса",
	} {
		if got := Sniff([]byte(head)); got != want {
			t.Errorf("%q: %s, want %s", head, got, want)
		}
	}
}

func TestPerceptualHashFindsNearDuplicates(t *testing.T) {
	enc := func(img image.Image, q int) []byte {
		var b bytes.Buffer
		jpeg.Encode(&b, img, &jpeg.Options{Quality: q})
		return b.Bytes()
	}
	a := inspect(t, enc(picture(256, 192, 0), 95)).PHash
	same := inspect(t, enc(picture(256, 192, 0), 40)).PHash // recompressed
	other := image.NewRGBA(image.Rect(0, 0, 256, 192))
	for y := 0; y < 192; y++ {
		for x := 0; x < 256; x++ {
			other.Set(x, y, color.Gray{uint8((x*x + 3*y*y/7) % 256)})
		}
	}
	diff := inspect(t, enc(other, 95)).PHash
	dSame, err := Distance(a, same)
	if err != nil {
		t.Fatal(err)
	}
	dDiff, _ := Distance(a, diff)
	if dSame > 6 || dDiff < 16 {
		t.Errorf("distance to a recompressed copy %d (want ≤ 6), to another picture %d (want ≥ 16)", dSame, dDiff)
	}
}
