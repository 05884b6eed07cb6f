package web

import (
	"context"
	"encoding/json"
	"io"

	"github.com/qantar-project/qantar"
)

// Estimate is what GET /api/v1/estimate?method=&by= answers, computed from
// the live records of st: qantar estimate --db prints the same JSON.
func Estimate(ctx context.Context, st qantar.Store, method, by string) (any, error) {
	s := &Server{store: st}
	return estimateFrom(ctx, memoSource(s.liveSource()), method, by)
}

// EncodeEstimate writes an estimate as the API does.
func EncodeEstimate(w io.Writer, ans any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(ans)
}
