package qantar

import (
	"strings"
	"testing"
)

func originFile(level string) *File {
	lat, lon := 43.238, 76.945
	return &File{Meta: Meta{ID: 3}, SourceID: 1, SHA256: strings.Repeat("a", 64), Size: 10, MediaType: "image/jpeg",
		Protection: level, Metadata: map[string]string{"phash": "8f0f0f0f0f0f0f0f"},
		Origin:     &FileOrigin{TakenAt: "2022-01-05T14:03:00", Device: "Apple iPhone 12", Latitude: &lat, Longitude: &lon},
		Timestamps: []FileTimestamp{{Authority: "tsa.example", Time: "2026-12-03T18:00:00Z", Token: []byte{0x30, 0x01}}}}
}

// A file's origin (when, where, on what device) never reaches a public
// reader, even of a public file; a reader who may not see the file loses
// its timestamp tokens too (they carry its hash).
func TestFileOriginNeverPublic(t *testing.T) {
	for _, c := range []struct {
		reader      Actor
		level       string
		origin, tok bool
	}{
		{PublicReader, Public, false, true},
		{PublicReader, Restricted, false, false},
		{ViewerReader, Public, true, true},
		{ViewerReader, Restricted, true, true},
		{ViewerReader, Confidential, false, false},
		{Actor{ID: "user:1", Role: RoleEditor}, Confidential, true, true},
	} {
		f := originFile(c.level)
		got := Project(c.reader, f, nil).(*File)
		if (got.Origin != nil) != c.origin || (len(got.Timestamps) > 0) != c.tok {
			t.Errorf("%s reading a %s file: origin %v, tokens %d; want origin %v, tokens %v", c.reader.Role, c.level, got.Origin, len(got.Timestamps), c.origin, c.tok)
		}
		if f.Origin == nil {
			t.Fatal("Project changed the record it was given")
		}
	}
}

func TestFileOriginAndTimestampsValidate(t *testing.T) {
	if err := originFile(Public).Validate(); err != nil {
		t.Fatalf("valid file: %v", err)
	}
	bad := 91.0
	for name, edit := range map[string]func(*File){
		"origin.latitude":    func(f *File) { f.Origin.Latitude = &bad },
		"timestamps.0.time":  func(f *File) { f.Timestamps[0].Time = "yesterday" },
		"timestamps.0.token": func(f *File) { f.Timestamps[0].Token = nil },
		"metadata":           func(f *File) { f.Metadata["gps"] = "1,2" },
	} {
		f := originFile(Public)
		edit(f)
		err := f.Validate()
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: got %v", name, err)
		}
	}
}

// A stripped copy is public; the hash of its restricted original is not.
func TestStrippedCopyHidesItsOriginal(t *testing.T) {
	f := &File{Meta: Meta{ID: 4}, SourceID: 1, SHA256: strings.Repeat("b", 64), Size: 9, MediaType: "image/jpeg",
		Protection: Public, DerivedFrom: strings.Repeat("a", 64), Derivation: "stripped"}
	if got := Project(PublicReader, f, nil).(*File); got.DerivedFrom != "" || got.SHA256 != f.SHA256 {
		t.Fatalf("public reader: derived_from %q, sha %q", got.DerivedFrom, got.SHA256)
	}
	if got := Project(ViewerReader, f, nil).(*File); got.DerivedFrom != f.DerivedFrom {
		t.Fatalf("viewer: derived_from %q", got.DerivedFrom)
	}
}
