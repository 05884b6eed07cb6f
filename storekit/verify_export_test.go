package storekit

import (
	"context"

	"github.com/qantar-project/qantar/tlog"
)

// VersionsAt is verify's read of the versions logged at leaves [begin, end).
var VersionsAt = versionsAt

// RecordPage is verify's read of the next records after (kind, id), each
// beside its current version's row.
func RecordPage(ctx context.Context, r Reader, kind string, id int64) ([]tlog.CurrentRecord, error) {
	page, err := recordPage(ctx, r, kind, id)
	out := make([]tlog.CurrentRecord, len(page))
	for i, row := range page {
		out[i] = row.current()
	}
	return out, err
}
