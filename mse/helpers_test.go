package mse

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// tableOf builds a synthetic table from "pattern count" lines such as
// "110 6": the 0/1 digits are the lists, left to right.
func tableOf(t testing.TB, lists string, rows ...string) *Table {
	t.Helper()
	tab, err := NewTable(strings.Split(lists, ","))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		var pat string
		var n int64
		if _, err := fmt.Sscan(r, &pat, &n); err != nil {
			t.Fatalf("row %q: %v", r, err)
		}
		var p Pattern
		for j, c := range pat {
			if c == '1' {
				p |= 1 << uint(j)
			}
		}
		if err := tab.Add(p, n); err != nil {
			t.Fatal(err)
		}
	}
	return tab
}

func near(got, want, rel float64) bool {
	return math.Abs(got-want) <= rel*math.Abs(want)
}
