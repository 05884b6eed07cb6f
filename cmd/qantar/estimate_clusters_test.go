package main

import (
	"io"
	"os"
	"strings"
	"testing"

	"github.com/qantar-project/qantar/mse"
)

// TestClusterTable: the cluster file of qantar link --out becomes one row
// per person with a column per list; any other file passes unchanged.
func TestClusterTable(t *testing.T) {
	in := "\ufefffile,record_id,cluster_id\r\na.csv,a1,1\na.csv,a2,2\nb.csv,b1,1\nc.csv,c9,3\nb.csv,b2,2\n"
	r, err := clusterTable(strings.NewReader(in), "clusters.csv")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(r)
	want := "a.csv,b.csv,c.csv\n1,1,0\n1,1,0\n0,0,1\n"
	if string(got) != want {
		t.Errorf("table\n%s\nwant\n%s", got, want)
	}
	other := "A,B,count\n1,0,5\n"
	r, err = clusterTable(strings.NewReader(other), "table.csv")
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := io.ReadAll(r); string(got) != other {
		t.Errorf("an overlap table came out as %q", got)
	}
	if _, err := clusterTable(strings.NewReader("file,record_id,cluster_id\na.csv,1\n"), "bad.csv"); err == nil || !strings.Contains(err.Error(), "bad.csv") {
		t.Errorf("a short row: %v", err)
	}
}

// TestLinkOutIsEstimateInput: what qantar link --out writes, estimate reads
// (through clusterTable, as runEstimate does before mse.ReadCSV).
func TestLinkOutIsEstimateInput(t *testing.T) {
	dir := t.TempDir()
	a := writeLinkFile(t, dir, "a.csv", linkListA)
	b := writeLinkFile(t, dir, "b.csv", linkListB)
	out := dir + "/clusters.csv"
	if code, _, stderr := runLinkCmd(t, a, b, "--id", "id", "--field", "name:name", "--field", "date:born", "--link-only", "--out", out, "--quiet"); code != 0 {
		t.Fatalf("link: %d %s", code, stderr)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := clusterTable(f, out)
	if err != nil {
		t.Fatal(err)
	}
	strata, err := mse.ReadCSV(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	if lists := strata[0].Table.Lists(); len(lists) != 2 || lists[0] != "a.csv" || lists[1] != "b.csv" {
		t.Errorf("lists %q", lists)
	}
}
