package site

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/qantar-project/qantar"
)

// TestCatalogueComplete checks that every interface string the templates and
// the Go code ask for is in the catalogue (package locale, which checks that
// each of its keys is in all three languages), so that no page falls back to
// English in the middle of a Kazakh sentence.
func TestCatalogueComplete(t *testing.T) {
	cat := newCatalog()
	var used []string
	tmplKey := regexp.MustCompile(`\.T\.S "([^"]+)"`)
	err := fs.WalkDir(siteFS, "templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := fs.ReadFile(siteFS, path)
		for _, m := range tmplKey.FindAllStringSubmatch(string(b), -1) {
			used = append(used, m[1])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	goKey := regexp.MustCompile(`\.S\("([^"]+)"`)
	files, _ := filepath.Glob("*.go")
	for _, f := range files {
		b, _ := os.ReadFile(f)
		for _, m := range goKey.FindAllStringSubmatch(string(b), -1) {
			used = append(used, m[1])
		}
	}
	for _, l := range fieldLabels {
		used = append(used, l)
	}
	for _, l := range actionLabels {
		used = append(used, l)
	}
	used = append(used, qantar.Roles...)
	for _, u := range used {
		if !cat.Has(u) {
			t.Errorf("%q is used but not in the catalogue", u)
		}
	}
}

func TestTranslate(t *testing.T) {
	trs := newTranslators(newCatalog())
	tests := []struct{ lang, key, want string }{
		{"ru", "Events", "События"},
		{"kk", "Events", "Оқиғалар"},
		{"en", "Events", "Events"},
		{"ru", "%d records", "12 записей"},
		{"kk", "Protected person", "Қорғалған адам"},
	}
	for _, tc := range tests {
		got := trs[tc.lang].S(tc.key, 12)
		if tc.key != "%d records" {
			got = trs[tc.lang].S(tc.key)
		}
		if got != tc.want {
			t.Errorf("%s %q = %q, want %q", tc.lang, tc.key, got, tc.want)
		}
	}
	if got := trs["ru"].Term("act_type", "torture"); got == "" || got == "torture" {
		t.Errorf("vocabulary label in Russian = %q", got)
	}
}

// Every field a list can be filtered or sorted on has a label for readers:
// a list's filter and sort menus never show a field's code (same_as_id).
func TestFilterFieldsHaveLabels(t *testing.T) {
	for kind, fields := range qantar.FilterFields {
		for _, f := range fields {
			if _, ok := fieldLabels[f]; !ok {
				t.Errorf("%s: the field %s has no label in fieldLabels", kind, f)
			}
		}
	}
}
