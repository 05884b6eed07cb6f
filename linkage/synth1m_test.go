package linkage

import (
	"bytes"
	"context"
	"os"
	"strconv"
	"testing"
)

// BenchmarkLinkSynthetic1M links the SYNTHETIC list of docs/bench/linkage.md
// (WriteSynthetic, seed 1: the file `QANTAR_SYNTH_OUT=… go test -run
// TestWriteSynthetic` writes), 1,000,000 records unless QANTAR_SYNTH_N says
// otherwise, and reports the pairs compared, the persons found and F1
// against the generator's truth. Generating and reading the records is
// outside the timed part.
//
//	go test ./linkage/ -run '^$' -bench LinkSynthetic1M -benchtime 1x -timeout 30m
func BenchmarkLinkSynthetic1M(b *testing.B) {
	n := 1_000_000
	if v := os.Getenv("QANTAR_SYNTH_N"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			b.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := WriteSynthetic(&buf, n, 1); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	buf = bytes.Buffer{}
	for b.Loop() {
		b.StopTimer()
		fields := append(append([]Field(nil), synthFields...), Field{Exact, "person"})
		d, err := NewDataset(fields)
		if err != nil {
			b.Fatal(err)
		}
		if err := d.ReadCSV("synthetic.csv", bytes.NewReader(data), "id"); err != nil {
			b.Fatal(err)
		}
		truth := d.values[len(fields)-1]
		d.Fields, d.values = d.Fields[:len(fields)-1], d.values[:len(fields)-1]
		b.StartTimer()
		res, err := Link(context.Background(), d, Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		s := Evaluate(res.Cluster, truth)
		b.ReportMetric(float64(res.Candidates), "pairs")
		b.ReportMetric(float64(res.Clusters), "persons")
		b.ReportMetric(float64(len(res.Review)), "review")
		b.ReportMetric(s.F1, "F1")
		b.Logf("%d records: %d pairs, %d persons, %d to review; P=%.4f R=%.4f F1=%.4f",
			n, res.Candidates, res.Clusters, len(res.Review), s.Precision, s.Recall, s.F1)
		b.StartTimer()
	}
}
