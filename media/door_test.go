package media_test

import (
	"bytes"
	"testing"

	"github.com/qantar-project/qantar/media"
	"github.com/qantar-project/qantar/media/mediatest"
)

// PHash read from a stream is Inspect's; HasEXIF and the origin are read
// from a JPEG's head.
func TestMediaPHashStreamAndHead(t *testing.T) {
	b := mediatest.JPEG(t, mediatest.Picture(200, 150, 1, 0), 90, true)
	info, err := media.Inspect(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	h, err := media.PHash(bytes.NewReader(b))
	if err != nil || h != info.PHash || len(h) != 16 {
		t.Errorf("PHash %q %v, Inspect %q", h, err, info.PHash)
	}
	head, err := media.Head(b[:min(len(b), 64<<10)])
	if err != nil || !head.HasEXIF || head.Make != mediatest.Maker || head.GPS == nil || head.TakenZoned {
		t.Errorf("head %+v %v", head, err)
	}
	if _, err := media.PHash(bytes.NewReader([]byte("%PDF-1.4 not an image"))); err == nil {
		t.Error("PHash of a PDF: no error")
	}
}

// Removes says what Strip would leave out, from a head or a whole file.
func TestMediaRemoves(t *testing.T) {
	pic := mediatest.Picture(64, 48, 2, 0)
	clean := mediatest.JPEG(t, pic, 90, false)
	exif := mediatest.JPEG(t, pic, 90, true)
	png := mediatest.PNG(t, pic, "")
	pngText := mediatest.PNG(t, pic, "Synthetic Author")
	big := mediatest.PNG(t, mediatest.Noise(300, 300, 3), "Synthetic Author") // its tEXt is past a 64 KiB head
	for _, tc := range []struct {
		name  string
		head  []byte
		whole bool
		want  bool
	}{
		{"clean JPEG", clean, true, false},
		{"clean JPEG head", clean[:len(clean)/2], false, false},
		{"JPEG with EXIF", exif, true, true},
		{"JPEG with EXIF head", exif[:40], false, true},
		{"JPEG then trailing bytes", append(append([]byte{}, clean...), "trailer"...), true, true},
		{"clean PNG", png, true, false},
		{"clean PNG head", png[:len(png)-12], false, false},
		{"PNG with text", pngText, true, true},
		{"PNG then trailing bytes, head", append(append([]byte{}, png...), "x"...)[:len(png)], false, true},
		{"big PNG, text past the head", big[:64<<10], false, false},
		{"big PNG whole", big, true, true},
		{"PDF", []byte("%PDF-1.7\n<x:xmpmeta>"), true, false},
	} {
		if got := media.Removes(tc.head, tc.whole); got != tc.want {
			t.Errorf("%s: Removes = %v, want %v", tc.name, got, tc.want)
		}
	}
	if !media.CanStrip("image/png") || !media.CanStrip("image/jpeg") || media.CanStrip("video/mp4") || media.CanStrip("image/webp") {
		t.Error("CanStrip")
	}
}
