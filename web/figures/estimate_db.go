package figures

import (
	"context"
	"encoding/json"
	"io"

	"github.com/qantar-project/qantar"
)

// Estimate is what GET /api/v1/estimate?method=&by= answers, computed from
// the live records of st: qantar estimate --db prints the same JSON.
func Estimate(ctx context.Context, st qantar.Store, method, by string) (any, error) {
	return EstimateFrom(ctx, Memo(New(st, nil, nil, nil, nil).Live()), method, by)
}

// EncodeEstimate writes an estimate as the API does.
func EncodeEstimate(w io.Writer, ans any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(ans)
}
