package figures

import (
	"context"
	"encoding/json"
	"io"

	"github.com/qantar-project/qantar"
)

// Estimate is what GET /api/v1/estimate?method=&by= answers, computed from
// the records of st at its latest checkpoint (from the live ones for a
// store that does not read records at a checkpoint): qantar estimate --db
// prints the same JSON.
func Estimate(ctx context.Context, st qantar.Store, method, by string) (any, error) {
	f := New(st, nil, nil, nil, nil)
	if _, ok := st.(qantar.AtReader); ok {
		return f.EstimateBy(ctx, method, by)
	}
	return EstimateFrom(ctx, Memo(f.Live()), method, by)
}

// EncodeEstimate writes an estimate as the API does.
func EncodeEstimate(w io.Writer, ans any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(ans)
}
