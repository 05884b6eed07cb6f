package publish

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
)

// The mirror carries the salt of every version the public sees whole
// (data/versions.json), and no salt of a protected person or of anything
// about one; Check recomputes every public version, earlier ones included,
// and counts the protected ones as withheld.
func TestMirrorSalts(t *testing.T) {
	fx, dir, _ := publishedMirror(t)
	ctx := context.Background()
	b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(VersionsFile)))
	if err != nil {
		t.Fatal(err)
	}
	var vs []qantar.Version
	if err := json.Unmarshal(b, &vs); err != nil {
		t.Fatal(err)
	}
	type key struct {
		kind qantar.Kind
		id   int64
	}
	got := map[key]int{}
	for _, v := range vs {
		if len(v.Salt) != 64 {
			t.Fatalf("%s/%d version %d: salt %q", v.Kind, v.ID, v.Version, v.Salt)
		}
		got[key{v.Kind, v.ID}]++
	}
	if got[key{qantar.KindPerson, fx.ids["public"]}] != 2 || got[key{qantar.KindAct, fx.ids["act-public"]}] != 1 {
		t.Errorf("the public person's versions are not all there: %v", got)
	}
	hidden := []key{{qantar.KindPerson, fx.ids["secret"]}, {qantar.KindPerson, fx.ids["restricted"]}, {qantar.KindAct, fx.ids["act-secret"]},
		{qantar.KindAct, fx.ids["act-restricted"]}, {qantar.KindCitation, fx.ids["cite-secret"]}, {qantar.KindCitation, fx.ids["cite-secret-act"]},
		{qantar.KindInvolvement, fx.ids["involvement"]}, {qantar.KindPost, fx.ids["post-secret"]}, {qantar.KindComplaint, fx.ids["complaint"]}}
	for _, k := range hidden {
		if got[k] != 0 {
			t.Errorf("%s/%d: %d versions with their salt in the mirror", k.kind, k.id, got[k])
		}
		// No file of the mirror holds any of its salts.
		h, err := fx.db.History(ctx, k.kind, k.id)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range h {
			if v.Salt == "" {
				t.Fatalf("%s/%d version %d has no stored salt", k.kind, k.id, v.Version)
			}
			if f := grepDir(t, dir, v.Salt); f != "" {
				t.Errorf("%s holds the salt of %s/%d version %d", f, k.kind, k.id, v.Version)
			}
		}
	}
	crep, err := Check(ctx, dir, CheckOptions{VerifierKey: fx.db.LogKey()})
	if err != nil {
		t.Fatalf("Check: %v %q", err, crep.Log.Problems)
	}
	// Every version in versions.json is checked beside the current records,
	// and the records shown without a salt are counted, not reported.
	if crep.Log.Records < len(vs) || crep.Log.Withheld == 0 || crep.Log.Records-crep.Log.Withheld < len(vs) {
		t.Errorf("log check: %d versions, %d withheld; versions.json holds %d", crep.Log.Records, crep.Log.Withheld, len(vs))
	}
}

// grepDir returns a file of dir that contains s, or "".
func grepDir(t *testing.T, dir, s string) string {
	t.Helper()
	found := ""
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || found != "" {
			return err
		}
		b, err := os.ReadFile(p)
		if err == nil && strings.Contains(string(b), s) {
			found = p
			return errors.New("found")
		}
		return err
	})
	if err != nil && found == "" {
		t.Fatal(err)
	}
	return found
}
