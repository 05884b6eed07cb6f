// Package web serves Qantar over HTTP. It is the composition root: Config
// from cmd/qantar, the middleware every answer goes through, the operators'
// routes (health, /metrics, pprof), and the packages below it put together:
// api (the JSON API and the log), site (the pages), auth (accounts, sessions,
// audit), figures (what both compute from the records), httpx (what both
// share about HTTP). routes.go lists the routes; api and site list theirs.
package web

import (
	"context"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/chart"
	"github.com/qantar-project/qantar/evidence"
	"github.com/qantar-project/qantar/law"
	"github.com/qantar-project/qantar/web/api"
	"github.com/qantar-project/qantar/web/auth"
	"github.com/qantar-project/qantar/web/figures"
	"github.com/qantar-project/qantar/web/httpx"
	"github.com/qantar-project/qantar/web/site"
	"github.com/qantar-project/qantar/witness"
)

// MaxBody is the largest request body accepted (413 beyond), except for an
// upload to the import page (httpx.MaxBody).
const MaxBody = httpx.MaxBody

// MaxImportBody is the largest upload to the import page (httpx.MaxImportBody).
const MaxImportBody = httpx.MaxImportBody

// Config is what the server needs, filled in cmd/qantar.
type Config struct {
	Store  qantar.Store
	Tokens qantar.TokenService
	Log    Log
	// Search is the full-text search of the API and the pages: the
	// store's own when nil and the store searches.
	Search qantar.Searcher
	// Rules are the jurisdictions' rules (law.DefaultRegistry when nil).
	Rules  *law.Registry
	Logger *slog.Logger
	// Now is the clock (tests set it).
	Now func() time.Time
	// Origin is the site's address as readers reach it
	// ("https://qantar.example.org"); an https origin makes cookies Secure.
	Origin string
	// TrustProxy honours X-Forwarded-Proto from the reverse proxy in front:
	// set it only when every request comes through that proxy.
	TrustProxy bool
	// MetricsFrom are the addresses that may read /metrics and
	// /debug/pprof/ without an admin token (DefaultMetricsFrom, loopback,
	// when nil; none when empty). Anyone else gets a 404.
	MetricsFrom []netip.Prefix
	// Witness, when set, gets the log's checkpoints cosigned by the
	// witnesses of a policy (package witness): /log/checkpoint serves the
	// newest one they cosigned, /metrics says how each witness is doing.
	Witness *witness.Cosigner
	// Files keeps evidence files (nil: the server keeps none); uploads to
	// it may be as large as its MaxSize.
	Files *evidence.Files
	// Map is the outline of the jurisdiction's regions (/map).
	Map chart.Outline
}

// Server is the HTTP server: the composition root that hands one store,
// one accounts service and one Figures to the API (package api) and the
// pages (package site), and wraps both in the middleware every answer goes
// through (observe, secure, noStore, authenticate).
type Server struct {
	cfg     Config
	store   qantar.Store
	tokens  qantar.TokenService
	log     Log
	logger  *slog.Logger
	auth    *auth.Service
	api     *api.Server
	site    *site.Site
	figures *figures.Figures
	handler http.Handler

	metrics     *metrics
	metricsFrom []netip.Prefix
	// pages keeps anonymous answers of the routes in pagePatterns
	// (pagecache.go).
	pages        pageCache
	pagePatterns map[string]bool
}

// New returns a server; Handler serves it.
func New(cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Rules == nil {
		cfg.Rules = law.DefaultRegistry()
	}
	if cfg.Search == nil {
		// The one place that decides the search of the API and the pages
		// alike: the configured one, else the store's own.
		cfg.Search, _ = cfg.Store.(qantar.Searcher)
	}
	s := &Server{cfg: cfg, store: cfg.Store, tokens: cfg.Tokens, log: cfg.Log, logger: cfg.Logger}
	// The users service is the token service when the store keeps accounts
	// too (as the SQLite and PostgreSQL stores do), so that Config needs no
	// field of its own.
	users, _ := cfg.Tokens.(qantar.UserService)
	if users == nil {
		users, _ = cfg.Store.(qantar.UserService)
	}
	transport := httpx.Transport{Origin: cfg.Origin, TrustProxy: cfg.TrustProxy}
	s.auth = auth.New(users, cfg.Now, cfg.Logger, transport)
	fig := figures.New(cfg.Store, cfg.Log, cfg.Rules, cfg.Now, s.auth)
	s.figures = fig
	acfg := api.Config{Store: cfg.Store, Log: cfg.Log, Search: cfg.Search, Rules: cfg.Rules, Logger: cfg.Logger,
		Now: cfg.Now, Figures: fig, Auth: s.auth, Files: cfg.Files}
	if cfg.Witness != nil {
		acfg.Witnessed = cfg.Witness.Witnessed
	}
	s.api = api.New(acfg)
	s.site = site.New(site.Config{Store: cfg.Store, Log: cfg.Log, Search: cfg.Search, Rules: cfg.Rules, Logger: cfg.Logger,
		Now: cfg.Now, Figures: fig, Auth: s.auth, Transport: transport, Files: cfg.Files, Map: cfg.Map})
	s.metricsFrom = cfg.MetricsFrom
	if s.metricsFrom == nil {
		s.metricsFrom = DefaultMetricsFrom
	}
	s.metrics = newMetrics(cfg.Now())
	mux := http.NewServeMux()
	s.routes(mux)
	s.pagePatterns = cachedPatterns()
	s.handler = s.observe(s.secure(noStore(s.authenticate(capturePattern(s.cachedPages(mux))))))
	return s
}

// WarmFigures starts computing the figures of the latest checkpoint in the
// background (figures.Warm), so that the first readers after a start do
// not wait for a whole read of the collection.
func (s *Server) WarmFigures(ctx context.Context) error { return s.figures.Warm(ctx) }

// Handler returns the server's root handler.
func (s *Server) Handler() http.Handler { return s.handler }

// writeAPIError answers err as JSON.
func (s *Server) writeAPIError(w http.ResponseWriter, r *http.Request, err error) {
	httpx.WriteAPIError(w, r, s.logger, err)
}

// secure sets the headers every response carries and bounds request bodies.
func (s *Server) secure(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
		if r.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, bodyLimit(r, s.cfg.Files))
		}
		next.ServeHTTP(w, r)
	})
}

// bodyLimit is the most a request may send: MaxImportBody to the import
// page and a file's limit (and its form) to a file upload (both read only
// after the sender is known to be an editor), MaxBody to everything else.
func bodyLimit(r *http.Request, files *evidence.Files) int64 {
	if r.Method == http.MethodPost && r.URL.Path == "/import" {
		return httpx.MaxImportBody
	}
	if r.Method == http.MethodPost && files != nil && strings.HasSuffix(r.URL.Path, "/files") {
		return files.UploadLimit()
	}
	return httpx.MaxBody
}

// authenticate puts the request's actor in its context: the token's when a
// valid Bearer token is sent, the account's when a signed-in session cookie
// is, else anonymous. A bad token is refused at once
// rather than silently treated as anonymous.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		actor := qantar.Anonymous
		if auth := r.Header.Get("Authorization"); auth != "" {
			secret, ok := strings.CutPrefix(auth, "Bearer ")
			if !ok || secret == "" {
				s.writeAPIError(w, r, qantar.Errorf(qantar.EUNAUTHORIZED, "Authorization must be \"Bearer <token>\""))
				return
			}
			a, err := s.tokens.Authenticate(r.Context(), strings.TrimSpace(secret))
			if err != nil {
				s.writeAPIError(w, r, err)
				return
			}
			actor = a
		} else if a, ok, err := s.auth.APISession(r, apiUsers(s.tokens)); err != nil {
			s.writeAPIError(w, r, err)
			return
		} else if ok {
			actor = a // a signed-in session (cross-origin writes refused)
		}
		next.ServeHTTP(w, r.WithContext(httpx.WithActor(r.Context(), actor)))
	})
}

// apiUsers are the accounts whose sessions the API accepts: the token
// service's, when it keeps accounts too.
func apiUsers(tokens qantar.TokenService) qantar.UserService {
	users, _ := tokens.(qantar.UserService)
	return users
}

// NewAccount creates a user with an argon2id password hash and, for an
// editor or admin, a TOTP secret (auth.NewAccount).
func NewAccount(ctx context.Context, users qantar.UserService, name, role, password string) (*qantar.User, string, error) {
	return auth.NewAccount(ctx, users, name, role, password)
}
