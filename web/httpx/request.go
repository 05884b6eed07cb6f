package httpx

import (
	"context"
	"net"
	"net/http"
	"strconv"
	"strings"

	"github.com/qantar-project/qantar"
	"golang.org/x/text/language"
)

// MaxBody is the largest request body accepted (413 beyond), except for an
// upload to the import page.
const MaxBody = 1 << 20

// MaxImportBody is the largest upload to the import page: lists of a few
// hundred thousand rows. Larger files go through `qantar import`.
const MaxImportBody = 64 << 20

type actorKey struct{}

// ActorOf returns the request's actor (anonymous when none was set).
func ActorOf(r *http.Request) qantar.Actor {
	a, _ := r.Context().Value(actorKey{}).(qantar.Actor)
	return a
}

// WithActor returns ctx carrying the actor: the one key by which a token's
// and a session's reader reach every handler.
func WithActor(ctx context.Context, a qantar.Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// PathID parses the {id} path value.
func PathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, &qantar.Error{Code: qantar.ENOTFOUND, Field: "id", Message: "a record id is a positive integer"}
	}
	return id, nil
}

// ClientAddr is the address a request came from, for throttling and the
// audit log. Behind a reverse proxy it is the proxy's; Qantar does not
// trust X-Forwarded-For, which any client can set.
func ClientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// Transport is how readers reach the site: what decides whether cookies
// are Secure.
type Transport struct {
	// Origin is the site's address as readers reach it; an https origin
	// makes cookies Secure.
	Origin string
	// TrustProxy honours X-Forwarded-Proto from the reverse proxy in front.
	TrustProxy bool
}

// Secure reports whether the reader's connection is HTTPS, so that the
// cookies of the answer are Secure: served over TLS, a site whose origin is
// https, or a trusted proxy's X-Forwarded-Proto: https.
func (t Transport) Secure(r *http.Request) bool {
	if r.TLS != nil || strings.HasPrefix(strings.ToLower(t.Origin), "https://") {
		return true
	}
	proto, _, _ := strings.Cut(r.Header.Get("X-Forwarded-Proto"), ",")
	return t.TrustProxy && strings.EqualFold(strings.TrimSpace(proto), "https")
}

// LangCookie remembers the reader's choice of language.
const LangCookie = "lang"

// langMatcher knows the interface languages, in the order the switch shows
// them; the first is its fallback. It is read only.
var langMatcher = language.NewMatcher([]language.Tag{language.English, language.Russian, language.Kazakh})

// PickLang decides the interface language: ?lang= on the URL (so that a link
// can be shared in one language), else the remembered choice, else the
// browser's Accept-Language.
func PickLang(r *http.Request) string {
	if l := r.URL.Query().Get("lang"); IsUILang(l) {
		return l
	}
	if c, err := r.Cookie(LangCookie); err == nil && IsUILang(c.Value) {
		return c.Value
	}
	tags, _, _ := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
	t, _, _ := langMatcher.Match(tags...)
	base, _ := t.Base()
	if IsUILang(base.String()) {
		return base.String()
	}
	return "en"
}

// IsUILang reports whether l is an interface language (kk, ru, en).
func IsUILang(l string) bool {
	for _, u := range qantar.UILangs {
		if l == u {
			return true
		}
	}
	return false
}
