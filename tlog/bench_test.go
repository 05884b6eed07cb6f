package tlog_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"sync"
	"testing"

	"github.com/qantar-project/qantar/tlog"
	"github.com/qantar-project/qantar/tlog/tlogtest"
)

// Figures and the command that produced them are in docs/bench/tlog.md.

func rate(b *testing.B, leaves int, unit string) {
	b.ReportMetric(float64(leaves)/b.Elapsed().Seconds(), unit)
}

func BenchmarkAppend(b *testing.B) {
	ctx := context.Background()
	for _, batch := range []int{1, 1000} {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			hashes := make([][]byte, batch)
			for i := range hashes {
				hashes[i] = tlog.LeafHash(fmt.Appendf(nil, "leaf %d", i))
			}
			ns := &tlog.MemStore{}
			size := uint64(0)
			for b.Loop() {
				var err error
				if size, _, err = tlog.Append(ctx, ns, size, hashes); err != nil {
					b.Fatal(err)
				}
			}
			rate(b, b.N*batch, "leaves/s")
		})
	}
}

// BenchmarkAppendEncoded is what a bulk import does per leaf besides SQL:
// encode the leaf, hash it, append it.
func BenchmarkAppendEncoded(b *testing.B) {
	ctx := context.Background()
	const batch = 1000
	ns := &tlog.MemStore{}
	size := uint64(0)
	hashes := make([][]byte, batch)
	for b.Loop() {
		for i := range hashes {
			l, _, _ := tlogtest.SyntheticLeaf(size + uint64(i))
			enc, err := l.Encode()
			if err != nil {
				b.Fatal(err)
			}
			hashes[i] = tlog.LeafHash(enc)
		}
		var err error
		if size, _, err = tlog.Append(ctx, ns, size, hashes); err != nil {
			b.Fatal(err)
		}
	}
	rate(b, b.N*batch, "leaves/s")
}

const million = 1_000_000

var (
	bigLogOnce sync.Once
	bigLog     *tlogtest.Log
)

// millionLeafLog builds, once per run, a 1,000,000-leaf log in memory.
func millionLeafLog(b *testing.B) *tlogtest.Log {
	bigLogOnce.Do(func() {
		bigLog = tlogtest.New(b)
		for bigLog.Size < million {
			bigLog.Add(b, 100_000)
		}
	})
	return bigLog
}

// BenchmarkScanLeaves1M is the work of `qantar verify --db` on 1,000,000
// leaves without the SQL reads: decode every leaf, recompute the root, and
// compare every stored tile node.
func BenchmarkScanLeaves1M(b *testing.B) {
	l := millionLeafLog(b)
	ctx := context.Background()
	for b.Loop() {
		if _, err := tlog.ScanLeaves(ctx, l.Leaves, l.Nodes, l.Size, nil); err != nil {
			b.Fatal(err)
		}
	}
	rate(b, b.N*million, "leaves/s")
}

// BenchmarkBuilder1M is the root alone, over encoded leaves.
func BenchmarkBuilder1M(b *testing.B) {
	l := millionLeafLog(b)
	for b.Loop() {
		bl := tlog.NewBuilder(nil)
		for _, enc := range l.Leaves {
			bl.AddLeaf(enc)
		}
		_ = bl.Root()
	}
	rate(b, b.N*million, "leaves/s")
}

// BenchmarkSHA256Leaves1M is the reference: just the SHA-256 of each leaf,
// the least any verifier must do.
func BenchmarkSHA256Leaves1M(b *testing.B) {
	l := millionLeafLog(b)
	for b.Loop() {
		for _, enc := range l.Leaves {
			sha256.Sum256(enc)
		}
	}
	rate(b, b.N*million, "leaves/s")
}

func BenchmarkLeafEncode(b *testing.B) {
	l, _, _ := tlogtest.SyntheticLeaf(123456)
	for b.Loop() {
		if _, err := l.Encode(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLeafDecode(b *testing.B) {
	l, _, _ := tlogtest.SyntheticLeaf(123456)
	enc, _ := l.Encode()
	for b.Loop() {
		if _, err := tlog.DecodeLeaf(enc); err != nil {
			b.Fatal(err)
		}
	}
}
