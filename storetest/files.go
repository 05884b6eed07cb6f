package storetest

import (
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
)

// testFiles: a file's addition, a derivative and a deletion request are
// versions in its history (the chain of custody, with who and when); a
// protected file is matched by its hash for an editor only, a public one for
// anybody; a derivative that names no original's hash is refused.
func testFiles(t *testing.T, s Store) {
	src := &qantar.Source{SourceKind: "video", Title: qantar.Text{"en": "Synthetic footage"}}
	mustCreate(t, s, src)
	orig := &qantar.File{SourceID: src.ID, SHA256: strings.Repeat("1a", 32), Size: 2048, MediaType: "video/mp4", Name: "clip.mp4", Encrypted: true}
	mustCreate(t, s, orig)
	thumb := &qantar.File{SourceID: src.ID, SHA256: strings.Repeat("2b", 32), Size: 100, MediaType: "image/png",
		DerivedFrom: orig.SHA256, Derivation: "thumbnail", Protection: qantar.Public}
	mustCreate(t, s, thumb)
	bad := &qantar.File{SourceID: src.ID, SHA256: strings.Repeat("3c", 32), Size: 1, MediaType: "image/png", Derivation: "thumbnail"}
	wantCode(t, s.Create(ctx(), editor, bad), qantar.EINVALID, "derived_from")

	moved := *orig
	moved.SHA256 = strings.Repeat("4d", 32)
	wantCode(t, s.Update(ctx(), editor, &moved), qantar.EINVALID, "sha256")
	orig.DeletionRequested = &qantar.DeletionRequest{Reason: "the witness withdrew consent", By: editor.ID}
	if err := s.Update(ctx(), editor, orig); err != nil {
		t.Fatal(err)
	}
	hist, err := s.History(ctx(), qantar.KindFile, orig.ID)
	if err != nil || len(hist) != 2 || hist[1].Actor != editor.ID || hist[1].LeafIndex == nil {
		t.Fatalf("history of the original: %d versions (%v), want 2 by the editor", len(hist), err)
	}

	for _, tc := range []struct {
		field, sha string
		reader     qantar.Actor
		want       int
	}{
		{"sha256", orig.SHA256, editor, 1}, {"sha256", orig.SHA256, qantar.Anonymous, 0}, {"sha256", orig.SHA256, viewer, 1},
		{"sha256", thumb.SHA256, qantar.Anonymous, 1}, {"derived_from", orig.SHA256, qantar.Anonymous, 1},
	} {
		_, total, err := s.List(ctx(), qantar.KindFile, qantar.Filter{Where: map[string]string{tc.field: tc.sha}, Reader: tc.reader})
		if err != nil || total != tc.want {
			t.Errorf("files %s=%s… as %q: %d (%v), want %d", tc.field, tc.sha[:8], tc.reader.Role, total, err, tc.want)
		}
	}
	recs, _, err := s.List(ctx(), qantar.KindFile, qantar.Filter{})
	if err != nil || len(recs) != 2 {
		t.Fatalf("anonymous list of files: %d (%v), want 2 (one redacted)", len(recs), err)
	}
	if f := recs[0].(*qantar.File); f.Name != "" || f.SHA256 != "" || f.DeletionRequested != nil || f.Size != 2048 {
		t.Errorf("anonymous sees the restricted file as %+v; want its size only", f)
	}
}
