package linkage

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

var synthFields = []Field{{Name, "full_name"}, {Date, "birth_date"}, {Exact, "sex"}, {Text, "place"}}

// linkSynthetic generates n synthetic records, links them and scores the
// result against the generator's truth.
func linkSynthetic(t testing.TB, n int, seed uint64) (Scores, *Result) {
	var buf bytes.Buffer
	if err := WriteSynthetic(&buf, n, seed); err != nil {
		t.Fatal(err)
	}
	fields := append(append([]Field(nil), synthFields...), Field{Exact, "person"})
	d, err := NewDataset(fields)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.ReadCSV("synthetic.csv", &buf, "id"); err != nil {
		t.Fatal(err)
	}
	truth := append([]string(nil), d.values[len(fields)-1]...)
	d.Fields, d.values = d.Fields[:len(fields)-1], d.values[:len(fields)-1]
	res, err := Link(context.Background(), d, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return Evaluate(res.Cluster, truth), res
}

// TestSyntheticF1 links a synthetic list with Cyrillic and Latin spellings
// of the same people and checks that most are found and few are wrong.
func TestSyntheticF1(t *testing.T) {
	n := 20000
	if testing.Short() {
		n = 3000
	}
	s, res := linkSynthetic(t, n, 1)
	t.Logf("synthetic %d records: %d pairs compared; true %d, predicted %d, correct %d: P=%.4f R=%.4f F1=%.4f; review %d",
		n, res.Candidates, s.TruePairs, s.PredictedPairs, s.Correct, s.Precision, s.Recall, s.F1, len(res.Review))
	for _, f := range res.Model.Fields {
		t.Logf("  %-12s m=%.3f u=%.4f", f.Column, f.M, f.U)
	}
	if s.F1 < 0.9 {
		t.Errorf("F1 = %.4f, want at least 0.9", s.F1)
	}
}

// TestWriteSynthetic writes a synthetic list for benchmarking the CLI to the
// file QANTAR_SYNTH_OUT names (QANTAR_SYNTH_N records, default 1,000,000);
// without it, it writes 1,000 records to a temporary file. Either way it
// reads the file back as a dataset with every record.
func TestWriteSynthetic(t *testing.T) {
	out := os.Getenv("QANTAR_SYNTH_OUT")
	n := 1_000_000
	if out == "" {
		out, n = filepath.Join(t.TempDir(), "synthetic.csv"), 1000
	}
	if v := os.Getenv("QANTAR_SYNTH_N"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			t.Fatal(err)
		}
	}
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := WriteSynthetic(f, n, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	d, err := NewDataset(synthFields)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.ReadCSV(out, f, "id"); err != nil {
		t.Fatal(err)
	}
	if d.Len() != n {
		t.Errorf("wrote %d records, read back %d", n, d.Len())
	}
}

// TestLinkRepeatable: the same input gives the same persons, whatever the
// scheduling of the comparing goroutines.
func TestLinkRepeatable(t *testing.T) {
	_, a := linkSynthetic(t, 3000, 7)
	_, b := linkSynthetic(t, 3000, 7)
	for i := range a.Cluster {
		if a.Cluster[i] != b.Cluster[i] {
			t.Fatalf("record %d is in cluster %d, then %d", i, a.Cluster[i], b.Cluster[i])
		}
	}
	if a.Model.Lambda != b.Model.Lambda {
		t.Errorf("prior %g, then %g", a.Model.Lambda, b.Model.Lambda)
	}
}

// TestInitialsLevel: names with initials (a tenth of the synthetic
// records) agree at a level of their own, whose weight EM estimates: it
// is evidence for a match, but less than a full name's agreement.
func TestInitialsLevel(t *testing.T) {
	_, res := linkSynthetic(t, 3000, 2)
	f := res.Model.Fields[0]
	if f.Column != "full_name" || len(f.Levels) != len(nameLevelNames) || f.Levels[nameInitials] != "initials" {
		t.Fatalf("name field model %+v has no initials level", f)
	}
	w := func(l int) float64 { return res.Model.Weight(0, l) }
	t.Logf("weights: disagree %.2f, weak %.2f, initials %.2f, close %.2f, very close %.2f, exact %.2f",
		w(nameDisagree), w(nameWeak), w(nameInitials), w(nameClose), w(nameVeryClose), w(nameExact))
	if !(w(nameInitials) > 0 && w(nameInitials) < w(nameExact) && w(nameInitials) < w(nameVeryClose)) {
		t.Errorf("initials weight %.2f: want positive and under very close (%.2f) and exact (%.2f)", w(nameInitials), w(nameVeryClose), w(nameExact))
	}
}
