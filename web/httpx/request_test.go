package httpx

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/qantar-project/qantar"
)

func TestPickLang(t *testing.T) {
	tests := []struct {
		name, query, cookie, accept, want string
	}{
		{"Default", "", "", "", "en"},
		{"AcceptRussian", "", "", "ru-RU,ru;q=0.9,en;q=0.5", "ru"},
		{"AcceptKazakh", "", "", "kk-KZ,kk;q=0.9", "kk"},
		{"CookieWins", "", "kk", "ru", "kk"},
		{"QueryWins", "?lang=ru", "kk", "en", "ru"},
		{"BadCookieIgnored", "", "xx", "ru", "ru"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/"+tc.query, nil)
			if tc.cookie != "" {
				r.Header.Set("Cookie", LangCookie+"="+tc.cookie)
			}
			if tc.accept != "" {
				r.Header.Set("Accept-Language", tc.accept)
			}
			if got := PickLang(r); got != tc.want {
				t.Errorf("pickLang = %q, want %q", got, tc.want)
			}
		})
	}
}

// The one table from error code to status, and Retry-After only for the
// storage codes.
func TestStatus(t *testing.T) {
	for _, tc := range []struct {
		code   string
		status int
		after  string
	}{
		{qantar.EINVALID, 400, ""}, {qantar.ENOTFOUND, 404, ""}, {qantar.ECONFLICT, 409, ""},
		{qantar.EUNAUTHORIZED, 401, ""}, {qantar.EFORBIDDEN, 403, ""}, {qantar.ETOOLARGE, 413, ""},
		{qantar.ESTORAGEFULL, 503, "300"}, {qantar.EUNAVAILABLE, 503, "10"}, {qantar.EINTERNAL, 500, ""}, {"no such code", 500, ""},
	} {
		after, ok := RetryAfter(tc.code)
		if Status(tc.code) != tc.status || after != tc.after || ok != (tc.after != "") {
			t.Errorf("%s: %d %q %v, want %d %q", tc.code, Status(tc.code), after, ok, tc.status, tc.after)
		}
	}
}

// A secure connection: TLS, an https origin, or a trusted proxy's word.
func TestTransportSecure(t *testing.T) {
	plain := httptest.NewRequest("GET", "http://example.org/", nil)
	proxied := httptest.NewRequest("GET", "http://example.org/", nil)
	proxied.Header.Set("X-Forwarded-Proto", "https, http")
	for _, tc := range []struct {
		name string
		tr   Transport
		r    *http.Request
		want bool
	}{
		{"Plain", Transport{}, plain, false},
		{"HTTPSOrigin", Transport{Origin: "https://qantar.example.org"}, plain, true},
		{"UntrustedProxy", Transport{}, proxied, false},
		{"TrustedProxy", Transport{TrustProxy: true}, proxied, true},
		{"TLS", Transport{}, httptest.NewRequest("GET", "https://example.org/", nil), true},
	} {
		if got := tc.tr.Secure(tc.r); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}
