package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/qantar-project/qantar/web/auth"
)

// CheckOrigin checks a site's origin as `qantar serve --origin` takes it:
// http or https, a host, nothing after it ("https://qantar.example.org").
func CheckOrigin(origin string) error {
	u, err := url.Parse(origin)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		strings.Trim(u.Path, "/") != "" || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("origin %q is not of the form https://host[:port]", origin)
	}
	return nil
}

// noStore makes every answer to a request that carries credentials (a
// Bearer token or a session cookie) uncacheable, whatever its handler set:
// pages, the API, downloads and the log alike may hold what only that
// reader may see.
func noStore(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" || auth.HasSessionCookie(r) {
			w = &noStoreWriter{ResponseWriter: w}
		}
		next.ServeHTTP(w, r)
	})
}

// noStoreWriter sets Cache-Control: no-store as the answer's header is
// written.
type noStoreWriter struct {
	http.ResponseWriter
	done bool
}

func (w *noStoreWriter) set() {
	if !w.done {
		w.done = true
		w.Header().Set("Cache-Control", "no-store")
	}
}

func (w *noStoreWriter) WriteHeader(status int) {
	w.set()
	w.ResponseWriter.WriteHeader(status)
}

func (w *noStoreWriter) Write(b []byte) (int, error) {
	w.set()
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *noStoreWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
