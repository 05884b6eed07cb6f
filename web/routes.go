package web

import (
	"net/http"
	"net/http/pprof"
)

// routes lists every route of the server.
func (s *Server) routes(mux *http.ServeMux) {
	// Health: liveness (the process answers) and readiness (writes work).
	mux.Handle("GET /healthz", http.HandlerFunc(s.healthz))
	mux.Handle("GET /readyz", http.HandlerFunc(s.readyz))
	// Operators only (configured addresses or an admin token; 404 for anyone
	// else): metrics in the Prometheus text format, and Go's profiler
	// (not its command line, which may hold a database password).
	mux.Handle("GET /metrics", s.guarded(http.HandlerFunc(s.serveMetrics)))
	mux.Handle("GET /debug/pprof/", s.guarded(http.HandlerFunc(pprof.Index)))
	mux.Handle("GET /debug/pprof/profile", s.guarded(http.HandlerFunc(pprof.Profile)))
	mux.Handle("GET /debug/pprof/symbol", s.guarded(http.HandlerFunc(pprof.Symbol)))
	mux.Handle("GET /debug/pprof/trace", s.guarded(http.HandlerFunc(pprof.Trace)))

	// The JSON API and the log (package api).
	s.api.Routes(mux)

	// The public site and the editors' workspace (package site).
	s.site.Routes(mux)
}
