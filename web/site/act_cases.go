package site

import (
	"context"
	"slices"

	"github.com/qantar-project/qantar"
)

// actCases are the cases whose acts include an act, as links, so
// that an act's page leads to the investigation of it (issue 15: links
// both ways).
func (p *Site) actCases(ctx context.Context, res *resolver, actID int64) ([]link, error) {
	return p.casesWhere(ctx, res, func(c *qantar.Case) bool { return slices.Contains(c.ActIDs, actID) })
}

// casesWhere lists, as the reader may see them, the cases that match.
func (p *Site) casesWhere(ctx context.Context, res *resolver, match func(*qantar.Case) bool) ([]link, error) {
	recs, err := qantar.ListAll(ctx, p.store, qantar.KindCase, qantar.Filter{Reader: res.reader})
	if err != nil {
		return nil, err
	}
	var out []link
	for _, rec := range p.visibleAll(ctx, res.reader, recs) {
		if c, ok := rec.(*qantar.Case); ok && match(c) {
			out = append(out, res.t.linkTo(c))
		}
	}
	return out, nil
}
