package mse

import (
	"os"
	"path/filepath"
	"testing"
)

// sharedData finds ../shared/data/mse by walking up from the package
// directory, and skips the test when the reference data are absent (they
// are not part of the repository).
func sharedData(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		p := filepath.Join(dir, "shared", "data", "mse")
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("reference data shared/data/mse not found; skipping")
		}
		dir = parent
	}
}

// readShared reads one reference table.
func readShared(t testing.TB, name string) *Table {
	t.Helper()
	f, err := os.Open(filepath.Join(sharedData(t), name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	strata, err := ReadCSV(f, nil)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return strata[0].Table
}
