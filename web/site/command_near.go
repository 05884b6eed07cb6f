package site

import (
	"context"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/command"
)

// The command sections of act and unit pages and the /command page ask
// package command's Near (command/near.go), which reads the records around
// the place or unit asked about, never the collection, through the site's
// cached reads: each the reader's projection, cached until the next write.

// commandCache is the site's command.Near (one per server).
type commandCache = command.Near

// commandSource reads the records as reader sees them, through the
// site's caches.
func (p *Site) commandSource(ctx context.Context, reader qantar.Actor) (command.Source, error) {
	state, err := p.stateKey(ctx, reader.ID != "")
	if err != nil {
		return command.Source{}, err
	}
	return command.Source{Reader: reader, State: state,
		Get: func(ctx context.Context, kind qantar.Kind, id int64) (qantar.Record, error) {
			return p.get(ctx, reader, kind, id)
		},
		Referrers: func(ctx context.Context, to qantar.Kind, id int64, from qantar.Kind) ([]qantar.Record, error) {
			return p.referrersOf(ctx, reader, to, id, from)
		},
		List: func(ctx context.Context, kind qantar.Kind, f qantar.Filter) ([]qantar.Record, error) {
			f.Reader = reader
			return p.listAllCached(ctx, kind, f)
		},
	}, nil
}
