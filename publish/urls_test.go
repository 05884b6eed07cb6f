package publish

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
)

func TestPublishMapURL(t *testing.T) {
	base, _ := url.Parse("/persons/5")
	for _, tc := range []struct {
		ref   string
		kind  targetKind
		file  string
		fetch string
	}{
		{"/", tPage, "index.html", "/"},
		{"/?lang=kk", tPage, "index.html", "/"},
		{"/stats", tPage, "stats.html", "/stats"},
		{"/persons", tPage, "persons.html", "/persons"},
		{"/persons?offset=0", tPage, "persons.html", "/persons"},
		{"/persons?offset=50&lang=ru", tPage, "persons/offset=50.html", "/persons?offset=50"},
		{"/victims?event_id=3&offset=200", tPage, "victims/event_id=3,offset=200.html", "/victims?event_id=3&offset=200"},
		{"/acts?type=torture", tPage, "acts/type=torture.html", "/acts?type=torture"},
		{"/sources?publisher=A%2FB+c", tPage, "sources/publisher=A~2FB~20c.html", "/sources?publisher=A%2FB+c"},
		{"/persons/12", tPage, "persons/12.html", "/persons/12"},
		{"12", tPage, "persons/12.html", "/persons/12"},
		{"/persons/12#acts", tPage, "persons/12.html", "/persons/12"},
		{"/persons/12/history", tPage, "persons/12-history.html", "/persons/12/history"},
		{"/persons/12/history?from=1&to=2", tPage, "persons/12-history-1-2.html", "/persons/12/history?from=1&to=2"},
		{"/static/7090829b0a67/style.css", tShared, "static/7090829b0a67/style.css", "/static/7090829b0a67/style.css"},
		{"/persons?format=csv", tShared, "data/persons.csv", ""},
		{"/acts?format=json&offset=50", tShared, "data/acts.json", ""},
		{"/api/v1/persons", tShared, "data/persons.json", ""},
		{"/api/v1/stats?as_of=2024-01-01", tShared, "data/stats.json", "/api/v1/stats?as_of=2024-01-01"},
		{"/log/checkpoint", tShared, "log/checkpoint", ""},
		{"/log/key", tShared, "log/key", ""},
		// Not in a static mirror.
		{"/search?q=x", tReadOnly, "", ""},
		{"/login", tReadOnly, "", ""},
		{"/login?next=%2Fpersons", tReadOnly, "", ""},
		{"/edit/persons/5", tReadOnly, "", ""},
		{"/persons?sort=-id", tReadOnly, "", ""},
		{"/persons?q=x", tReadOnly, "", ""},
		{"/persons?offset=-5", tReadOnly, "", ""},
		{"/persons?offset=05", tReadOnly, "", ""},
		{"/persons?protection=public&format=csv", tReadOnly, "", ""},
		{"/persons?external_key=x", tReadOnly, "", ""},
		{"/persons/0", tReadOnly, "", ""},
		{"/persons/abc", tReadOnly, "", ""},
		{"/persons/12?x=1", tReadOnly, "", ""},
		{"/persons/12/history?from=1", tReadOnly, "", ""},
		{"/nothing", tReadOnly, "", ""},
		{"/persons/", tReadOnly, "", ""},
		{"/static/../../etc/passwd", tReadOnly, "", ""},
		{"/log/tile/0/000", tReadOnly, "", ""},
		{"/api/v1/persons/3", tReadOnly, "", ""},
		{"/victims?" + strings.Repeat("event_id=1&", 1) + "place_id=" + strings.Repeat("9", 130), tReadOnly, "", ""},
		// Left as they are.
		{"https://example.org/a?b=c", tLeave, "", ""},
		{"//example.org/", tLeave, "", ""},
		{"mailto:someone@example.org", tLeave, "", ""},
		{"#section", tLeave, "", ""},
		{"", tLeave, "", ""},
	} {
		got := mapURL(base, tc.ref)
		if got.kind != tc.kind || got.file != tc.file || got.fetch != tc.fetch {
			t.Errorf("mapURL(%q) = %+v, want kind %d file %q fetch %q", tc.ref, got, tc.kind, tc.file, tc.fetch)
		}
	}
	// A file name made of a query is one a URL needs not escape.
	safe := regexp.MustCompile(`^[A-Za-z0-9._=,~/-]+$`)
	for _, v := range []string{"a b", "ü", "../x", ".hidden", "~", "%41"} {
		n := escapeName(v)
		if !safe.MatchString(n) || strings.HasPrefix(n, ".") {
			t.Errorf("escapeName(%q) = %q", v, n)
		}
	}
	if escapeName("~") == escapeName("~7E") || escapeName("a b") == escapeName("a~20b") {
		t.Error("escapeName is not one-to-one")
	}
}

func TestPublishRelPath(t *testing.T) {
	for _, tc := range []struct{ from, to, want string }{
		{"index.html", "persons.html", "persons.html"},
		{"persons/5.html", "persons/6.html", "6.html"},
		{"persons/5.html", "index.html", "../index.html"},
		{"kk/persons/5.html", "persons/5.html", "../../persons/5.html"},
		{"kk/persons/5.html", "kk/persons/5.html", "5.html"},
		{"persons/5.html", "kk/persons/5.html", "../kk/persons/5.html"},
		{"ru/index.html", "log/checkpoint", "../log/checkpoint"},
		{"index.html", "static/abc/style.css", "static/abc/style.css"},
	} {
		if got := relPath(tc.from, tc.to); got != tc.want {
			t.Errorf("relPath(%q, %q) = %q, want %q", tc.from, tc.to, got, tc.want)
		}
	}
}

// VERIFY.txt says what the mirror holds and how to check it, in kk, ru and
// en. (The mirror's other strings are in the catalogue of package locale,
// whose tests check them.)
func TestPublishMessages(t *testing.T) {
	v := verifyText(verifyInfo{Published: "2026-01-02 03:04 UTC", Log: "example.org/log", Size: 7, Root: "ROOT=", Key: "example.org/log+1234+KEY", DefaultDir: "en"})
	for _, want := range []string{"ҚАЗАҚША", "РУССКИЙ", "ENGLISH", "example.org/log+1234+KEY", "ROOT=", "MIRROR-URL", "--key 'KEY' --save checkpoint.txt",
		"qantar publish --check DIR", "sha256sum -c SHA256SUMS", "kk/ (қазақша)", "ru/ (по-русски)", "./ (English)"} {
		if !strings.Contains(v, want) {
			t.Errorf("VERIFY.txt does not say %q", want)
		}
	}
	for i, line := range strings.Split(v, "\n") {
		if n := len([]rune(line)); n > 100 {
			t.Errorf("VERIFY.txt line %d has %d characters", i+1, n)
		}
	}
}
