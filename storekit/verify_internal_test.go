package storekit

import (
	"runtime/debug"
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

// Verifies running at once raise the collector's target once and the
// last to end puts back what it was; a higher target, or the collector
// off, is left as it is.
func TestLessGC(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	a, b := lessGC(), lessGC()
	a()
	if got := debug.SetGCPercent(verifyGCPercent); got != verifyGCPercent {
		t.Fatalf("target %d while a verify runs", got)
	}
	b()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Fatalf("target %d after verify", got)
	}
	for _, before := range []int{-1, 800} {
		debug.SetGCPercent(before)
		restore := lessGC()
		if got := debug.SetGCPercent(before); got != before {
			t.Fatalf("target %d while a verify runs, %d before", got, before)
		}
		restore()
		if got := debug.SetGCPercent(100); got != before {
			t.Fatalf("target %d after verify, %d before", got, before)
		}
	}
}
