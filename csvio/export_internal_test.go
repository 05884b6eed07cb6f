package csvio

import (
	"context"
	"os"

	"github.com/qantar-project/qantar"
)

// RefPtrs lets the external tests translate references between databases.
var RefPtrs = refPtrs

func osMkdirTemp() (string, error) { return os.MkdirTemp("", "csvio-fuzz-") }

// ImportListWhole imports a list the course before the streaming: every
// row read and validated, then written table by table (the tests hold the
// streamed import to the same records).
func ImportListWhole(ctx context.Context, st qantar.Store, in Input, l List, o Options) (*Report, error) {
	return importList(ctx, st, in, l, o, false)
}
