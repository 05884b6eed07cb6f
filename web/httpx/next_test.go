package httpx

import (
	"net/url"
	"strings"
	"testing"
)

func TestNext(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"/persons?x=1", "/persons?x=1"},
		{"/persons/3/history?from=1&to=2#v2", "/persons/3/history?from=1&to=2#v2"},
		{"/search?q=%D0%90%D0%BB%D0%BC%D0%B0%D1%82%D1%8B", "/search?q=%D0%90%D0%BB%D0%BC%D0%B0%D1%82%D1%8B"},
		{"/search?q=Алматы", "/search?q=Алматы"},
		{"", "/"},
		{"persons", "/"},
		{"//evil.example", "/"},
		{"https://evil.example", "/"},
		{"javascript:alert(1)", "/"},
		{"/\\evil", "/"},
		{"\\\\evil", "/"},
		{"/\tevil.example", "/"},
		{"/\t/evil.example", "/"},
		{"/%09/evil.example", "/"},
		{"/%0a/evil.example", "/"},
		{"/%0D%0A/evil.example", "/"},
		{"/%5Cevil.example", "/"},
		{"/%2F%2Fevil.example", "/"},
		{"/%2f/evil.example", "/"},
		{"/a\r\nSet-Cookie: x", "/"},
		{"/\x00", "/"},
		{"/%zz", "/"},
	} {
		if got := LocalPath(tc.in); got != tc.want {
			t.Errorf("LocalPath(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// FuzzNext checks that whatever next a reader is given, the browser stays
// on this site: the result is a path starting with one slash, also after a
// browser drops TAB, CR and LF and reads backslashes as slashes.
func FuzzNext(f *testing.F) {
	for _, s := range []string{"/", "/persons?x=1", "//evil", "/\\evil", "https://evil", "/a\nb", "", "/%09/evil.example", "/\t/x", "/%2F%2Fx"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p := LocalPath(s)
		browser := strings.NewReplacer("\t", "", "\r", "", "\n", "", "\\", "/").Replace(p)
		un, _ := url.PathUnescape(browser)
		if !strings.HasPrefix(browser, "/") || strings.HasPrefix(browser, "//") || strings.HasPrefix(un, "//") {
			t.Fatalf("LocalPath(%q) = %q leaves the site", s, p)
		}
		if u, err := url.Parse(p); err != nil || u.Host != "" || u.Scheme != "" {
			t.Fatalf("LocalPath(%q) = %q: parses to %v, %v", s, p, u, err)
		}
	})
}
