package site

import (
	"bytes"
	"encoding/csv"
	"testing"

	"github.com/qantar-project/qantar"
)

// TestRecordsCSVNeutralises: a download's cell that a spreadsheet would run
// is neutralised as `qantar export` does it, also when its start reads as a
// number.
func TestRecordsCSVNeutralises(t *testing.T) {
	const calc = `-2+3+cmd|' /C calc'!A0`
	b, err := recordsCSV([]qantar.Record{&qantar.Citation{Meta: qantar.Meta{ID: 7}, Quote: calc, Page: "=1+1", Field: "@x"}})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("rows %q, %v", rows, err)
	}
	want := map[string]string{"quote": "'" + calc, "page": "'=1+1", "field": "'@x", "id": "7"}
	for i, col := range rows[0] {
		if w, ok := want[col]; ok && rows[1][i] != w {
			t.Errorf("column %s = %q, want %q", col, rows[1][i], w)
		}
	}
}
