package web

import "net/http"

// routes lists every route of the server.
func (s *Server) routes(mux *http.ServeMux) {
	mux.Handle("GET /healthz", s.api(s.healthz))

	// JSON API: every kind of record.
	mux.Handle("GET /api/v1/vocabularies", s.api(s.apiVocabularies))
	mux.Handle("GET /api/v1/search", s.api(s.apiSearch))
	mux.Handle("GET /api/v1/{kind}", s.api(s.apiList))
	mux.Handle("POST /api/v1/{kind}", s.api(s.apiCreate))
	mux.Handle("GET /api/v1/{kind}/{id}", s.api(s.apiGet))
	mux.Handle("PUT /api/v1/{kind}/{id}", s.api(s.apiUpdate))
	mux.Handle("DELETE /api/v1/{kind}/{id}", s.api(s.apiDelete))
	mux.Handle("GET /api/v1/{kind}/{id}/history", s.api(s.apiHistory))
	mux.Handle("GET /api/v1/{kind}/{id}/proof", s.api(s.apiProof))

	// The Merkle log: C2SP tlog-checkpoint and tlog-tiles.
	mux.Handle("GET /log/checkpoint", s.api(s.logCheckpoint))
	mux.Handle("GET /log/key", s.api(s.logKey))
	mux.Handle("GET /log/tile/{path...}", s.api(s.logTile))
	mux.Handle("/api/", s.api(s.apiNotFound))

	// PAGES BEGIN: the public site and the editors' workspace.
	// PAGES END
}
