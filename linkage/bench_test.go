package linkage

import (
	"bytes"
	"context"
	"testing"
)

// BenchmarkLinkSynthetic100k links 100,000 synthetic records (about 62,000
// synthetic persons); the 1,000,000-record figure in docs/bench/linkage.md
// comes from the CLI under /usr/bin/time -v.
func BenchmarkLinkSynthetic100k(b *testing.B) {
	var buf bytes.Buffer
	if err := WriteSynthetic(&buf, 100_000, 1); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	for b.Loop() {
		d, err := NewDataset(synthFields)
		if err != nil {
			b.Fatal(err)
		}
		if err := d.ReadCSV("synthetic.csv", bytes.NewReader(data), "id"); err != nil {
			b.Fatal(err)
		}
		if _, err := Link(context.Background(), d, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
