package storekit

import (
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/tlog"
)

// A log holds v1, then v2, then v3 leaves: a leaf of an older format after
// a newer one is named, within a batch and across batches.
func TestVerifyLeafFormatOrder(t *testing.T) {
	rep := &qantar.VerifyReport{}
	s := &leafScan{rep: rep, tree: tlog.NewBuilderAt(0, nil)}
	batch := func(begin uint64, fs ...tlog.LeafFormat) leafResult {
		b := tlog.NewBuilderAt(begin, nil)
		for range fs {
			b.AddLeafHash(make([]byte, tlog.HashSize))
		}
		return leafResult{tree: b, formats: fs}
	}
	for _, res := range []leafResult{batch(0, tlog.LeafV1, tlog.LeafV2, tlog.LeafV2, tlog.LeafV3), batch(4, tlog.LeafV3, tlog.LeafV2, tlog.LeafV3)} {
		if err := s.merge(res); err != nil {
			t.Fatal(err)
		}
	}
	if len(rep.Problems) != 1 || !strings.Contains(rep.Problems[0], "leaf 5 is qantar-leaf/v2 after a qantar-leaf/v3 leaf") {
		t.Fatalf("problems %q", rep.Problems)
	}
}
