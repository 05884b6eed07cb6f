package linkage

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// testdataFile is the path of a reference file in testdata/ (copied in from
// public benchmark data; testdata/README.md names each file's source).
func testdataFile(t testing.TB, file string) string {
	t.Helper()
	p := filepath.Join("testdata", file)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("reference data: %v", err)
	}
	return p
}

// benchCase is a reference file with ground truth and the fields we would
// give the CLI for it.
type benchCase struct {
	name, file, id string
	fields         []Field
	truth          func(d *Dataset, i int) string
}

var benchCases = []benchCase{
	{
		name: "FEBRL1", file: "febrl_dataset1.csv", id: "rec_id",
		fields: febrlFields, truth: febrlTruth,
	},
	{
		name: "FEBRL2", file: "febrl_dataset2_sample.csv", id: "rec_id",
		fields: febrlFields, truth: febrlTruth,
	},
	{
		name: "RLdata500", file: "rldata500.csv", id: "rec_id",
		fields: []Field{
			{Name, "fname_c1"}, {Name, "fname_c2"}, {Name, "lname_c1"}, {Name, "lname_c2"}, {Date, "by+bm+bd"},
		},
		truth: nil, // read from ent_id below
	},
}

var febrlFields = []Field{
	{Name, "given_name"}, {Name, "surname"}, {Exact, "street_number"}, {Text, "address_1"},
	{Text, "address_2"}, {Text, "suburb"}, {Exact, "postcode"}, {Exact, "state"},
	{Date, "date_of_birth"}, {Text, "soc_sec_id"},
}

// febrlTruth: rec-N-org and rec-N-dup-K are the same person N.
func febrlTruth(d *Dataset, i int) string {
	parts := strings.Split(d.ID(i), "-")
	return parts[1]
}

func loadBench(t testing.TB, bc benchCase) (*Dataset, []string) {
	t.Helper()
	path := testdataFile(t, bc.file)
	fields := bc.fields
	if bc.truth == nil {
		fields = append(append([]Field(nil), fields...), Field{Exact, "ent_id"})
	}
	d, err := NewDataset(fields)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := d.ReadCSV(bc.file, f, bc.id); err != nil {
		t.Fatal(err)
	}
	truth := make([]string, d.Len())
	for i := range truth {
		if bc.truth == nil {
			truth[i] = d.Value(i, len(fields)-1)
		} else {
			truth[i] = bc.truth(d, i)
		}
	}
	if bc.truth == nil {
		// The truth must not be compared: drop it from the fields.
		d.Fields = d.Fields[:len(fields)-1]
		d.values = d.values[:len(fields)-1]
	}
	return d, truth
}

// TestReferenceF1 links the reference files without labels and checks the
// pairwise F1 against the aim BENCHMARKS.md states (0.97); the figures go
// to docs/bench/linkage.md.
func TestReferenceF1(t *testing.T) {
	for _, bc := range benchCases {
		t.Run(bc.name, func(t *testing.T) {
			d, truth := loadBench(t, bc)
			res, err := Link(context.Background(), d, Options{})
			if err != nil {
				t.Fatal(err)
			}
			s := Evaluate(res.Cluster, truth)
			t.Logf("%s: %d records, %d candidate pairs, λ=%.3g, %.0f expected matches; true pairs %d, predicted %d, correct %d: P=%.4f R=%.4f F1=%.4f; review %d",
				bc.name, d.Len(), res.Candidates, res.Model.Lambda, res.Model.ExpectedMatches, s.TruePairs, s.PredictedPairs, s.Correct, s.Precision, s.Recall, s.F1, len(res.Review))
			for _, r := range res.Rules {
				t.Logf("  rule %-20s blocks %6d oversized %4d pairs %8d new %8d", r.Rule, r.Blocks, r.Oversized, r.Pairs, r.New)
			}
			if testing.Verbose() {
				for _, f := range res.Model.Fields {
					t.Logf("  %-14s m=%.3f u=%.3f", f.Column, f.M, f.U)
				}
			}
			if s.F1 < 0.97 {
				t.Errorf("F1 = %.4f, want at least 0.97", s.F1)
			}
		})
	}
}
