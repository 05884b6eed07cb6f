// Package api is Qantar's JSON API under /api/v1/ and the Merkle log it
// publishes (/log/): handlers return errors, which httpx answers as JSON
// through the one table from error code to status. Every answer that names a
// record is computed from the reader's projection (qantar.VisibleWith);
// figures come from package figures, pinned to a checkpoint.
package api

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/evidence"
	"github.com/qantar-project/qantar/law"
	"github.com/qantar-project/qantar/web/auth"
	"github.com/qantar-project/qantar/web/figures"
	"github.com/qantar-project/qantar/web/httpx"
)

// Config is what the API needs, filled by the root package web.
type Config struct {
	Store  qantar.Store
	Log    Log
	Search qantar.Searcher // optional
	Rules  *law.Registry
	Logger *slog.Logger
	// Now is the clock.
	Now     func() time.Time
	Figures *figures.Figures
	Auth    *auth.Service
	// Witnessed, when set, gives the newest checkpoint the witnesses'
	// quorum cosigned (nil until it first holds): /log/checkpoint serves it,
	// and the log's unwitnessed head is served to writers at /log/head.
	Witnessed func() []byte
	// Files keeps evidence files (nil: the server keeps none).
	Files *evidence.Files
}

// Server serves the JSON API.
type Server struct {
	cfg     Config
	store   qantar.Store
	log     Log
	search  qantar.Searcher
	rules   *law.Registry
	logger  *slog.Logger
	figures *figures.Figures
	auth    *auth.Service
	// command answers who was in command from the records around each
	// question (command.Near, command.go).
	command commandCache
}

// New returns the API over cfg; Routes registers it.
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
	if cfg.Auth == nil {
		cfg.Auth = auth.New(nil, cfg.Now, cfg.Logger, httpx.Transport{})
	}
	if cfg.Figures == nil {
		cfg.Figures = figures.New(cfg.Store, cfg.Log, cfg.Rules, cfg.Now, cfg.Auth)
	}
	return &Server{cfg: cfg, store: cfg.Store, log: cfg.Log, search: cfg.Search, rules: cfg.Rules, logger: cfg.Logger,
		figures: cfg.Figures, auth: cfg.Auth}
}

// handle adapts a handler whose errors are answered as JSON.
func (s *Server) handle(h httpx.HandlerFunc) http.Handler { return httpx.API(s.logger, h) }

// Routes registers every route of the API and the log on mux.
func (s *Server) Routes(mux *http.ServeMux) {
	// JSON API: every kind of record.
	mux.Handle("GET /api/v1/vocabularies", s.handle(s.apiVocabularies))
	mux.Handle("GET /api/v1/search", s.handle(s.apiSearch))
	mux.Handle("GET /api/v1/stats", s.handle(s.apiStats))
	mux.Handle("GET /api/v1/deadline", s.handle(s.apiDeadline))
	mux.Handle("GET /api/v1/estimate", s.handle(s.apiEstimate))
	mux.Handle("GET /api/v1/lists/compare", s.handle(s.apiListsCompare))
	mux.Handle("POST /api/v1/linkage", s.handle(s.apiLinkage))
	mux.Handle("GET /api/v1/units/{id}/command", s.handle(s.apiCommand))
	mux.Handle("GET /api/v1/command", s.handle(s.apiPlaceCommand))
	mux.Handle("POST /api/v1/sources/{id}/files", s.handle(s.apiAddFile))
	mux.Handle("POST /api/v1/files", s.handle(s.apiCreateFile))
	mux.Handle("GET /api/v1/files/{id}/similar", s.handle(s.apiSimilarFiles))
	mux.Handle("GET /api/v1/{kind}", s.handle(s.apiList))
	mux.Handle("POST /api/v1/{kind}", s.handle(s.apiCreate))
	mux.Handle("GET /api/v1/{kind}/{id}", s.handle(s.apiGet))
	mux.Handle("PUT /api/v1/{kind}/{id}", s.handle(s.apiUpdate))
	mux.Handle("DELETE /api/v1/{kind}/{id}", s.handle(s.apiDelete))
	mux.Handle("GET /api/v1/{kind}/{id}/history", s.handle(s.apiHistory))
	mux.Handle("GET /api/v1/{kind}/{id}/proof", s.handle(s.apiProof))

	// The Merkle log: C2SP tlog-checkpoint and tlog-tiles.
	mux.Handle("GET /log/checkpoint", s.handle(s.logCheckpoint))
	mux.Handle("GET /log/head", s.handle(s.logHead))
	mux.Handle("GET /log/key", s.handle(s.logKey))
	mux.Handle("GET /log/tile/{path...}", s.handle(s.logTile))
	mux.Handle("/api/", s.handle(s.apiNotFound))
}
