package htmltest

import "testing"

const page = `<!doctype html><html><body>
<nav class="top"><a href="/">Home</a></nav>
<main id="content"><h1 class="title big">Persons</h1>
<ul><li><a href="/persons/1" class="rec">Synthetic  One</a></li><li><a href="/persons/2">Two</a></li></ul>
<p>not a <b>link</b></p></main></body></html>`

func TestFind(t *testing.T) {
	doc := Parse(t, page)
	tests := []struct {
		sel  string
		want []string
	}{
		{"h1", []string{"Persons"}},
		{"h1.title.big", []string{"Persons"}},
		{"h1.small", nil},
		{"#content a", []string{"Synthetic One", "Two"}},
		{"main > a", nil},
		{"li > a[href^=/persons/]", []string{"Synthetic One", "Two"}},
		{`a[href="/persons/2"]`, []string{"Two"}},
		{"a[class]", []string{"Synthetic One"}},
		{"nav a, p b", []string{"Home", "link"}},
		{"*[href*=sons/1]", []string{"Synthetic One"}},
	}
	for _, tc := range tests {
		got := Texts(t, doc, tc.sel)
		if len(got) != len(tc.want) {
			t.Errorf("%q: %q, want %q", tc.sel, got, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("%q: %q, want %q", tc.sel, got, tc.want)
			}
		}
	}
	if Attr(One(t, doc, "a.rec"), "href") != "/persons/1" {
		t.Error("Attr")
	}
	for _, bad := range []string{"", "a >", "> a", "a[href", "a.", "h1 > > a"} {
		if _, err := Find(doc, bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}
