package httpx

import (
	"net/url"
	"strings"
)

// LocalPath returns p if it is a path on this site as a browser will read
// it, else "/": the one check of a place to send a reader back to (after
// signing in, after switching language). A browser drops TAB, CR and LF
// anywhere in a URL and reads a backslash as a slash, so "/\t/evil.example"
// and "/\\evil.example" lead to another site; such characters are refused
// raw or percent-encoded, as is anything with a scheme or a host.
func LocalPath(p string) string {
	if len(p) > 2048 {
		return "/"
	}
	un, err := url.PathUnescape(p)
	if err != nil {
		return "/"
	}
	for _, s := range []string{p, un} {
		if !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") || strings.ContainsFunc(s, unsafeInURL) {
			return "/"
		}
	}
	if u, err := url.Parse(p); err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return "/"
	}
	return p
}

// unsafeInURL is a character that a browser drops or reads as a slash, or
// that has no place in a path: control characters and the backslash.
func unsafeInURL(r rune) bool { return r < 0x20 || r == 0x7f || r == '\\' }
