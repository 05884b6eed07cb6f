package client_test

import (
	"context"
	"testing"

	"github.com/qantar-project/qantar/tlog/client"
	"github.com/qantar-project/qantar/tlog/tlogtest"
)

const million = 1_000_000

// BenchmarkVerify1M is `qantar verify --url` against a mirror of 1,000,000
// leaves on this machine (loopback HTTP): every bundle and tile fetched and
// checked.
func BenchmarkVerify1M(b *testing.B) {
	l := tlogtest.New(b)
	for l.Size < million {
		l.Add(b, 100_000)
	}
	l.Records = nil
	srv := l.Serve(b)
	ctx := context.Background()
	for b.Loop() {
		rep, err := client.Verify(ctx, srv.Client(), srv.URL, client.Options{VerifierKey: l.VKey})
		if err != nil {
			b.Fatal(err)
		}
		if rep.Leaves != million {
			b.Fatalf("verified %d leaves", rep.Leaves)
		}
	}
	b.ReportMetric(float64(b.N*million)/b.Elapsed().Seconds(), "leaves/s")
}
