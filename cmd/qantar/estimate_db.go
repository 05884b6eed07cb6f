package main

import (
	"context"

	"github.com/qantar-project/qantar/web"
)

// runEstimateDB estimates from the lists in a database, as the site's
// /api/v1/estimate does (the lists are its Sources of kind list; a person
// is on a list when the list cites them or their death; merges count once).
func runEstimateDB(ctx context.Context, m *Main, dsn, method, by string) error {
	switch by {
	case "", "place":
	default:
		return usagef("--by %q: give place, or leave it out for one estimate", by)
	}
	s, err := openAppStore(ctx, storeConfig{DSN: dsn, ReadOnly: true})
	if err != nil {
		return err
	}
	defer s.Close()
	ans, err := web.Estimate(ctx, s, method, by)
	if err != nil {
		return err
	}
	return web.EncodeEstimate(m.Stdout, ans)
}
