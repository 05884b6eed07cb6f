package web

import (
	"context"

	"github.com/qantar-project/qantar"
)

// loadAll returns every live record of a kind, page by page, as the reader
// may see them.
func (s *Server) loadAll(ctx context.Context, kind qantar.Kind, reader qantar.Actor) ([]qantar.Record, error) {
	var out []qantar.Record
	for offset := 0; ; offset += qantar.MaxLimit {
		page, total, err := s.store.List(ctx, kind, qantar.Filter{Limit: qantar.MaxLimit, Offset: offset, Reader: reader})
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if len(page) < qantar.MaxLimit || len(out) >= total {
			return out, nil
		}
	}
}

// loadTyped is loadAll with the records as their Go type.
func loadTyped[T qantar.Record](ctx context.Context, s *Server, kind qantar.Kind, reader qantar.Actor) ([]T, error) {
	recs, err := s.loadAll(ctx, kind, reader)
	if err != nil {
		return nil, err
	}
	out := make([]T, 0, len(recs))
	for _, r := range recs {
		if t, ok := r.(T); ok {
			out = append(out, t)
		}
	}
	return out, nil
}
