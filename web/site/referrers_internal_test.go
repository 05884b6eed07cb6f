package site

import (
	"github.com/qantar-project/qantar/postgres"
	"github.com/qantar-project/qantar/sqlite"
)

// Both stores look references up (storekit.Lists.Referrers), so that no
// record page falls back to reading every record of a kind.
var (
	_ referrerReader = (*sqlite.DB)(nil)
	_ referrerReader = (*postgres.DB)(nil)
)
