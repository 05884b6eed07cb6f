package media

import (
	"bytes"
	"strconv"
	"strings"
	"time"

	exif "github.com/dsoprea/go-exif/v3"
	exifcommon "github.com/dsoprea/go-exif/v3/common"
)

// readExif takes the date taken, the device and the position from the
// first EXIF block in head (a JPEG's APP1, a PNG's eXIf, a WebP's EXIF
// chunk, or a TIFF header anywhere). A damaged block yields what could be
// read; go-exif's panics stop here.
func readExif(head []byte, info *Info) {
	defer func() { _ = recover() }()
	raw, err := exif.SearchAndExtractExif(head)
	if err != nil {
		return
	}
	info.HasEXIF = true
	tags, _, err := exif.GetFlatExifData(raw, nil)
	if err != nil && len(tags) == 0 {
		return
	}
	byName := map[string]exif.ExifTag{}
	for _, t := range tags {
		if _, ok := byName[t.TagName]; !ok {
			byName[t.TagName] = t
		}
	}
	str := func(name string) string {
		if t, ok := byName[name]; ok {
			if s, ok := t.Value.(string); ok {
				return strings.TrimSpace(strings.TrimRight(s, "\x00"))
			}
		}
		return ""
	}
	info.Make, info.Model, info.Software = str("Make"), str("Model"), str("Software")
	for _, k := range []string{"DateTimeOriginal", "DateTimeDigitized", "DateTime"} {
		if t, err := time.Parse("2006:01:02 15:04:05", str(k)); err == nil {
			info.Taken = t
			break
		}
	}
	lat, ok1 := gpsDegrees(str("GPSLatitudeRef"), byName["GPSLatitude"])
	lon, ok2 := gpsDegrees(str("GPSLongitudeRef"), byName["GPSLongitude"])
	if ok1 && ok2 {
		info.GPS = &GPS{Latitude: lat, Longitude: lon}
	}
}

func gpsDegrees(ref string, t exif.ExifTag) (float64, bool) {
	rs, ok := t.Value.([]exifcommon.Rational)
	if !ok || len(rs) != 3 || ref == "" {
		return 0, false
	}
	d, err := exif.NewGpsDegreesFromRationals(ref, rs)
	if err != nil {
		return 0, false
	}
	return d.Decimal(), true
}

// xmpValue is the value of an XMP property written as an attribute
// (tiff:Make="…") or an element (<tiff:Make>…</tiff:Make>).
func xmpValue(x []byte, name string) string {
	if i := bytes.Index(x, []byte(name+`="`)); i >= 0 {
		rest := x[i+len(name)+2:]
		if j := bytes.IndexByte(rest, '"'); j >= 0 {
			return string(rest[:j])
		}
	}
	if i := bytes.Index(x, []byte("<"+name+">")); i >= 0 {
		rest := x[i+len(name)+2:]
		if j := bytes.Index(rest, []byte("</"+name+">")); j >= 0 {
			return strings.TrimSpace(string(rest[:j]))
		}
	}
	return ""
}

// xmpCoordinate reads XMP's GPS coordinate form, "DDD,MM.mmmK" or
// "DDD,MM,SSK" with K one of N, S, E, W.
func xmpCoordinate(s string) (float64, bool) {
	if len(s) < 2 {
		return 0, false
	}
	k := s[len(s)-1]
	parts := strings.Split(s[:len(s)-1], ",")
	if len(parts) < 2 || len(parts) > 3 || !strings.ContainsRune("NSEW", rune(k)) {
		return 0, false
	}
	v, scale := 0.0, 1.0
	for _, p := range parts {
		f, err := strconv.ParseFloat(p, 64)
		if err != nil {
			return 0, false
		}
		v += f / scale
		scale *= 60
	}
	if k == 'S' || k == 'W' {
		v = -v
	}
	return v, true
}
