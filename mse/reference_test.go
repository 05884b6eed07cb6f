package mse

import (
	"os"
	"path/filepath"
	"testing"
)

// readShared reads one reference table from testdata/ (published overlap
// tables; testdata/README.md names each one's source and published result).
func readShared(t testing.TB, name string) *Table {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("reference data: %v", err)
	}
	defer f.Close()
	strata, err := ReadCSV(f, nil)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return strata[0].Table
}
