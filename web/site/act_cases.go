package site

import (
	"context"
	"fmt"

	"github.com/qantar-project/qantar"
)

// actCases are the cases whose acts include an act, as links, so
// that an act's page leads to the investigation of it (issue 15: links
// both ways).
func (p *Site) actCases(ctx context.Context, res *resolver, actID int64) ([]link, error) {
	cases, err := p.casesOfAct(ctx, res, actID)
	if err != nil {
		return nil, err
	}
	out := make([]link, len(cases))
	for i, c := range cases {
		out[i] = res.t.linkTo(c)
	}
	return out, nil
}

// casesOfAct lists the cases about an act, each as the reader sees it, in
// the order of ids: the cases that refer to it (referrersOf), not every case.
func (p *Site) casesOfAct(ctx context.Context, res *resolver, actID int64) ([]*qantar.Case, error) {
	recs, err := p.referrersOf(ctx, res.reader, qantar.KindAct, actID, qantar.KindCase)
	if err != nil {
		return nil, err
	}
	var out []*qantar.Case
	for _, rec := range recs {
		if c, ok := p.visible(ctx, res.reader, rec).(*qantar.Case); ok {
			out = append(out, c)
		}
	}
	return out, nil
}

// referrerReader is a store that reads the live records of one kind that
// refer to a record, as a reader sees them (storekit.Lists.Referrers, which
// both stores have).
type referrerReader interface {
	Referrers(ctx context.Context, to qantar.Kind, id int64, from qantar.Kind, reader qantar.Actor) ([]qantar.Record, error)
}

// referrersOf returns the live records of kind from whose projection for
// reader refers to to/id, in the order of ids, cached until the next write
// like listCached. A store that cannot look references up has every record
// of kind from read and matched, as the reader sees it.
func (p *Site) referrersOf(ctx context.Context, reader qantar.Actor, to qantar.Kind, id int64, from qantar.Kind) ([]qantar.Record, error) {
	lk := fmt.Sprintf("refs|%s|%d|%s|%s", to, id, from, trustOf(reader))
	recs, _, err := p.cachedList(ctx, reader, lk, func() ([]qantar.Record, int, error) {
		if st, ok := p.store.(referrerReader); ok {
			recs, err := st.Referrers(ctx, to, id, from, reader)
			return recs, len(recs), err
		}
		recs, err := qantar.ScanReferrers(ctx, p.store, reader, to, id, from)
		return recs, len(recs), err
	})
	return recs, err
}
