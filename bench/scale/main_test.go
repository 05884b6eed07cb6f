package main

import (
	"strings"
	"testing"
)

// TestSlowestPlans: of auto_explain's lines, the slowest plan of each
// statement is kept, the slowest statements first, and the log's other
// lines, and the plans of another database, are left out.
func TestSlowestPlans(t *testing.T) {
	log := strings.Join([]string{
		"2026-12-03 18:46:00.632 UTC [1] postgres@scale_x LOG:  duration: 30.5 ms  plan:",
		"\tQuery Text: SELECT a",
		"\tSeq Scan on a",
		"2026-12-03 18:46:00.700 UTC [1] postgres@scale_x LOG:  duration: 120.0 ms  plan:",
		"\tQuery Text: SELECT b",
		"\tSeq Scan on b (slow)",
		"2026-12-03 18:46:00.800 UTC [2] postgres@test LOG:  checkpoint complete",
		"2026-12-03 18:46:00.900 UTC [1] postgres@scale_x LOG:  duration: 60.0 ms  plan:",
		"\tQuery Text: SELECT a",
		"\tSeq Scan on a (slower)",
		"2026-12-03 18:46:01.000 UTC [3] postgres@scale_other LOG:  duration: 900.0 ms  plan:",
		"\tQuery Text: SELECT c",
		"\tSeq Scan on c (another run's database)",
	}, "\n")
	got := slowestPlans(log, "scale_x", 5)
	if len(got) != 2 || !strings.Contains(got[0], "SELECT b") || !strings.Contains(got[1], "(slower)") || strings.Contains(strings.Join(got, ""), "checkpoint") {
		t.Fatalf("got %q", got)
	}
	if one := slowestPlans(log, "scale_x", 1); len(one) != 1 || !strings.Contains(one[0], "SELECT b") {
		t.Fatalf("n=1: %q", one)
	}
}
