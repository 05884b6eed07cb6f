package evidence_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"io"
	"strconv"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/blob"
	"github.com/qantar-project/qantar/evidence"
	"github.com/qantar-project/qantar/internal/testworld"
	"github.com/qantar-project/qantar/media"
	"github.com/qantar-project/qantar/media/mediatest"
)

// mediaWorld is a store with three sources and a file store that encrypts
// to a fresh key.
type mediaWorld struct {
	st      qantar.Store
	files   *evidence.Files
	sources [3]int64
}

func newMediaWorld(t testing.TB, st qantar.Store) *mediaWorld {
	t.Helper()
	w := &mediaWorld{st: st, files: testworld.Files(t, blob.Local(t.TempDir()))}
	for i := range w.sources {
		s := &qantar.Source{SourceKind: "photo", Title: qantar.Text{"en": "Synthetic photographs " + string(rune('A'+i))}}
		if err := st.Create(context.Background(), qantar.System, s); err != nil {
			t.Fatal(err)
		}
		w.sources[i] = s.ID
	}
	return w
}

func (w *mediaWorld) add(t *testing.T, source int64, protection, name string, data []byte) *evidence.Added {
	t.Helper()
	a, err := w.files.Receive(context.Background(), w.st, qantar.System, evidence.Upload{SourceID: source, Name: name, Protection: protection}, bytes.NewReader(data))
	if err != nil {
		t.Fatalf("add %s: %v", name, err)
	}
	return a
}

// fetch is what reader gets of a file's bytes (nil: refused).
func (w *mediaWorld) fetch(t *testing.T, reader qantar.Actor, sha string) []byte {
	t.Helper()
	_, rc, err := w.files.Open(context.Background(), w.st, reader, sha)
	if err != nil {
		return nil
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A JPEG with EXIF (device, time, GPS) asked to be public: the original is
// kept restricted and encrypted with its origin on the record, and a copy
// without the metadata, the same picture, is public and is what an
// anonymous reader fetches.
func TestMediaPublicJPEGWithGPS(t *testing.T) {
	for _, s := range testworld.Stores[qantar.Store](t, testworld.Options{}) {
		t.Run(s.Name, func(t *testing.T) {
			w := newMediaWorld(t, s.Store)
			data := mediatest.JPEG(t, mediatest.Picture(320, 240, 7, 0), 92, true)
			a := w.add(t, w.sources[0], qantar.Public, "IMG_0001.jpg", data)
			f, c := a.File, a.Public
			if f.ProtectionLevel() != qantar.Restricted || !f.Encrypted || f.Note.IsEmpty() || f.Note["kk"] == f.Note["en"] || f.Note["ru"] == f.Note["en"] {
				t.Errorf("original: %+v", f)
			}
			o := f.Origin
			if o == nil || o.Device != mediatest.Maker+" "+mediatest.Model || o.TakenAt != mediatest.TakenAt || o.Latitude == nil ||
				*o.Latitude-mediatest.Latitude > 1e-6 || mediatest.Latitude-*o.Latitude > 1e-6 {
				t.Errorf("origin %+v", o)
			}
			if c == nil {
				t.Fatal("no public copy")
			}
			if c.ProtectionLevel() != qantar.Public || c.Encrypted || c.Origin != nil || c.Derivation != "stripped" || c.DerivedFrom != f.SHA256 ||
				c.Metadata["phash"] == "" || c.Metadata["phash"] != f.Metadata["phash"] || c.Metadata["width"] != "320" {
				t.Errorf("copy: %+v", c)
			}
			if w.fetch(t, qantar.Anonymous, f.SHA256) != nil {
				t.Error("an anonymous reader fetched the original")
			}
			got := w.fetch(t, qantar.Anonymous, c.SHA256)
			info, err := media.Inspect(bytes.NewReader(got), int64(len(got)))
			if err != nil || info.GPS != nil || info.Make != "" || info.HasEXIF || info.HasXMP || !mediatest.Clean(got) || info.PHash != f.Metadata["phash"] {
				t.Errorf("the public copy says %+v (%v), clean %v", info, err, mediatest.Clean(got))
			}
			if orig := w.fetch(t, qantar.Actor{ID: "v", Role: qantar.RoleViewer}, f.SHA256); !bytes.Equal(orig, data) {
				t.Error("a viewer does not get the original byte for byte")
			}
			// Seen by an anonymous reader: the original without hash or origin.
			recs, _, err := s.Store.List(context.Background(), qantar.KindFile, qantar.Filter{Reader: qantar.Anonymous, Where: map[string]string{"source_id": itoa(w.sources[0])}})
			if err != nil || len(recs) != 2 {
				t.Fatalf("anonymous list: %d %v", len(recs), err)
			}
			for _, r := range recs {
				if g := r.(*qantar.File); g.Origin != nil || g.ID == f.ID && (g.SHA256 != "" || g.Metadata["phash"] != "") {
					t.Errorf("anonymous sees %+v", g)
				}
			}
			// The same bytes again: the records already there.
			again := w.add(t, w.sources[0], qantar.Public, "IMG_0001.jpg", data)
			if again.File.ID != f.ID || again.Public == nil || again.Public.ID != c.ID {
				t.Errorf("added again: %+v", again)
			}
		})
	}
}

// A PNG whose metadata comes after its first 256 KiB looks clean at the
// door: it waits in the spool until its copy shows that something was
// removed, and is then stored encrypted and kept restricted.
func TestMediaMetadataPastTheHead(t *testing.T) {
	w := newMediaWorld(t, testworld.SQLite(t, testworld.Options{}))
	clean := w.add(t, w.sources[0], qantar.Public, "clean.png", mediatest.PNG(t, mediatest.Picture(50, 40, 3, 0), ""))
	if clean.Public != nil || clean.File.ProtectionLevel() != qantar.Public || clean.File.Encrypted || clean.File.Metadata["phash"] == "" {
		t.Errorf("a clean PNG: %+v %+v", clean.File, clean.Public)
	}
	data := mediatest.PNG(t, mediatest.Noise(400, 300, 5), "Synthetic Author "+mediatest.Maker)
	if len(data) < 300<<10 {
		t.Fatalf("the PNG is %d bytes, its text would be in the head", len(data))
	}
	a := w.add(t, w.sources[1], qantar.Public, "late.png", data)
	if a.File.ProtectionLevel() != qantar.Restricted || !a.File.Encrypted || a.Public == nil {
		t.Fatalf("late metadata: %+v %+v", a.File, a.Public)
	}
	if st, err := w.files.Blobs.Stat(context.Background(), a.File.SHA256); err != nil || !st.Encrypted {
		t.Errorf("the original's stored bytes: %+v %v", st, err)
	}
	if got := w.fetch(t, qantar.Anonymous, a.Public.SHA256); got == nil || !mediatest.Clean(got) || len(got) >= len(data) {
		t.Errorf("the public copy: %d bytes", len(got))
	}
}

// A file media cannot strip (a PDF) that says who made it (XMP) is kept
// restricted, with a note in every language; without such metadata it is
// public as asked.
func TestMediaUnstrippableKeptRestricted(t *testing.T) {
	w := newMediaWorld(t, testworld.SQLite(t, testworld.Options{}))
	pdf := []byte("%PDF-1.7\n1 0 obj <</Type/Metadata>> stream\n<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF><rdf:Description tiff:Make=\"" +
		mediatest.Maker + "\"/></rdf:RDF></x:xmpmeta>\nendstream endobj\n%%EOF\n")
	a := w.add(t, w.sources[0], qantar.Public, "scan.pdf", pdf)
	if a.Public != nil || a.File.ProtectionLevel() != qantar.Restricted || !a.File.Encrypted || a.File.Origin == nil || a.File.Origin.Device != mediatest.Maker {
		t.Errorf("a PDF with XMP: %+v", a.File)
	}
	for _, l := range []string{"kk", "ru", "en"} {
		if a.File.Note[l] == "" || l != "en" && a.File.Note[l] == a.File.Note["en"] {
			t.Errorf("note in %s: %q", l, a.File.Note[l])
		}
	}
	plain := w.add(t, w.sources[0], qantar.Public, "plain.pdf", []byte("%PDF-1.7\n%%EOF\n"))
	if plain.File.ProtectionLevel() != qantar.Public || plain.File.Encrypted || plain.Public != nil {
		t.Errorf("a plain PDF: %+v", plain.File)
	}
}

// Near duplicates across sources, each reader among what they may see: an
// anonymous reader's list never includes or counts a restricted file, and a
// restricted file finds nothing for them; a viewer's includes it.
func TestMediaSimilar(t *testing.T) {
	for _, s := range testworld.Stores[qantar.Store](t, testworld.Options{}) {
		t.Run(s.Name, func(t *testing.T) {
			w := newMediaWorld(t, s.Store)
			ctx := context.Background()
			pic := mediatest.Picture(256, 192, 11, 0)
			a := w.add(t, w.sources[0], qantar.Public, "a.jpg", mediatest.JPEG(t, pic, 95, true))                                 // restricted original + public copy
			b := w.add(t, w.sources[1], qantar.Public, "b.jpg", mediatest.JPEG(t, mediatest.Picture(256, 192, 11, 6), 50, false)) // public
			c := w.add(t, w.sources[2], qantar.Restricted, "c.png", mediatest.PNG(t, pic, ""))                                    // restricted
			other := w.add(t, w.sources[2], qantar.Public, "other.jpg", mediatest.JPEG(t, mediatest.Picture(256, 192, 99, 0), 90, false))
			viewer := qantar.Actor{ID: "v", Role: qantar.RoleViewer}
			ids := func(ns []evidence.Near) map[int64]bool {
				m := map[int64]bool{}
				for _, n := range ns {
					m[n.File.ID] = true
					if n.Distance > evidence.DefaultDistance {
						t.Errorf("distance %d", n.Distance)
					}
				}
				return m
			}
			anon, err := evidence.Similar(ctx, s.Store, qantar.Anonymous, b.File, evidence.DefaultDistance)
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(anon); len(anon) != 1 || !got[a.Public.ID] {
				t.Errorf("anonymous, near b: %v, want only a's public copy %d", got, a.Public.ID)
			}
			seen, err := evidence.Similar(ctx, s.Store, viewer, b.File, evidence.DefaultDistance)
			if got := ids(seen); err != nil || len(seen) != 3 || !got[a.File.ID] || !got[a.Public.ID] || !got[c.File.ID] || got[other.File.ID] {
				t.Errorf("viewer, near b: %v %v", got, err)
			}
			if hidden, err := evidence.Similar(ctx, s.Store, qantar.Anonymous, c.File, evidence.DefaultDistance); err != nil || len(hidden) != 0 {
				t.Errorf("anonymous, near a restricted file: %d %v", len(hidden), err)
			}
			if none, _ := evidence.Similar(ctx, s.Store, viewer, other.File, evidence.DefaultDistance); len(none) != 0 {
				t.Errorf("an unrelated picture has %d near duplicates", len(none))
			}
		})
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// BenchmarkMediaDoor: adding a public 3-megapixel JPEG with EXIF
// (read for its origin, stripped into a public copy, decoded for its
// perceptual hash, the original encrypted) against a Put of the same
// bytes in the clear, in the same run; the same picture without EXIF
// (its head clean: spooled, encrypted to a key of its own, until its
// stripped copy shows it clean); and a 64 MiB file that is not an image
// against its Put (the door adds only its 256 KiB head).
func BenchmarkMediaDoor(b *testing.B) {
	st := testworld.SQLite(b, testworld.Options{})
	w := newMediaWorld(b, st)
	jpg := mediatest.JPEG(b, mediatest.Noise(2000, 1500, 9), 90, true)
	clean := mediatest.JPEG(b, mediatest.Noise(2000, 1500, 9), 90, false)
	big := make([]byte, 64<<20)
	rand.Read(big)
	for _, tc := range []struct {
		name string
		data []byte
	}{{"jpeg", jpg}, {"jpeg-clean", clean}, {"64MiB", big}} {
		b.Run(tc.name+"/put", func(b *testing.B) {
			b.SetBytes(int64(len(tc.data)))
			for i := 0; b.Loop(); i++ {
				d := append([]byte{byte(i), byte(i >> 8)}, tc.data[2:]...) // other bytes each time
				if _, err := w.files.Blobs.Put(context.Background(), bytes.NewReader(d), blob.PutOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(tc.name+"/receive", func(b *testing.B) {
			b.SetBytes(int64(len(tc.data)))
			for i := 0; b.Loop(); i++ {
				d := append([]byte{}, tc.data...)
				d[len(d)-3] ^= byte(i) // other bytes each time, the headers intact
				d[len(d)-4] ^= byte(i >> 8)
				if _, err := w.files.Receive(context.Background(), st, qantar.System, evidence.Upload{SourceID: w.sources[0], Protection: qantar.Public}, bytes.NewReader(d)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// A video asked to be public is kept restricted: its container's place and
// device tags (often at the end) are not read at the door, so it is never
// made public unseen; an editor publishes it by a decision of their own.
func TestMediaVideoNeverPublicUnseen(t *testing.T) {
	w := newMediaWorld(t, testworld.SQLite(t, testworld.Options{}))
	mp4 := append([]byte("\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"), []byte("\x00\x00\x00\x20udta\x00\x00\x00\x18\xa9xyz+43.2380+076.9450/")...)
	a := w.add(t, w.sources[0], qantar.Public, "clip.mp4", mp4)
	if a.File.MediaType != "video/mp4" {
		t.Fatalf("sniffed %q", a.File.MediaType)
	}
	if a.Public != nil || a.File.ProtectionLevel() != qantar.Restricted || !a.File.Encrypted || a.File.Note["ru"] == "" {
		t.Fatalf("a public video: %+v", a.File)
	}
	if w.fetch(t, qantar.Anonymous, a.File.SHA256) != nil {
		t.Fatal("an anonymous reader fetched the video")
	}
}
