package site

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// TestTemplatesUsed checks that every page template is rendered somewhere in
// the handlers, and every rendered name has a template.
func TestTemplatesUsed(t *testing.T) {
	render := regexp.MustCompile(`p\.render\([^"]*"([a-z]+)"`)
	files, _ := filepath.Glob("*.go")
	used := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, _ := os.ReadFile(f)
		for _, m := range render.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = true
		}
	}
	var got []string
	for n := range used {
		got = append(got, n)
	}
	sort.Strings(got)
	want := append([]string{}, pageNames...)
	sort.Strings(want)
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("rendered %v, templates %v", got, want)
	}
	p := &Site{}
	var err error
	if p.assets, err = loadAssets(siteFS); err != nil {
		t.Fatal(err)
	}
	tm, err := parseTemplates(siteFS, p.funcs())
	if err != nil {
		t.Fatal(err)
	}
	if len(tm) != len(pageNames) {
		t.Errorf("parsed %d templates, want %d", len(tm), len(pageNames))
	}
}

func TestSafeSnippet(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"Marked", "… the <mark>Almaty</mark> square …", "… the <mark>Almaty</mark> square …"},
		{"Escaped", "a &lt;b&gt; <mark>c</mark>", "a &lt;b&gt; <mark>c</mark>"},
		{"ErrScript", "<script>alert(1)</script>", ""},
		{"ErrOtherTag", "<mark>x</mark><img src=x>", ""},
		{"ErrBrokenMark", "<mark x>y</mark>", ""},
	}
	for _, tc := range tests {
		if got := string(safeSnippet(tc.in)); got != tc.want {
			t.Errorf("%s: safeSnippet(%q) = %q, want %q", tc.name, tc.in, got, tc.want)
		}
	}
}

// TestPlaceNamesShown: a place's names over time read as names with their
// periods in the reader's language; a person's names are not taken for them.
func TestPlaceNamesShown(t *testing.T) {
	trs := newTranslators(newCatalog())
	raw := []byte(`[{"name": {"en": "Kapshagay", "ru": "Капчагай"}, "to": "2022-05-03"}, {"name": {"en": "Konayev", "ru": "Конаев"}, "from": "2022-05-04"}]`)
	for lang, want := range map[string][]string{"en": {"Kapshagay (…–", "Konayev ("}, "ru": {"Капчагай (…–", "Конаев ("}} {
		got, _ := trs[lang].rawValue("names", raw)
		for _, w := range want {
			if !strings.Contains(got, w) || !strings.Contains(got, "2022") {
				t.Errorf("%s: %q does not show %q with its period", lang, got, w)
			}
		}
	}
	if got, _ := trs["en"].rawValue("names", []byte(`[{"value": "Тоқаев", "lang": "kk"}]`)); got != "Тоқаев (kk)" {
		t.Errorf("a person's names read %q", got)
	}
}
