package law

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestCalendarMatchesSharedCSV checks the embedded calendar against the
// researched list of holidays and transfers (a copy of
// shared/domain/kazakhstan_holidays.csv in testdata, see its README), and then checks every APPC
// deadline from every day of 2022-2027 against a naive count over that list:
// two independent routes to the same dates.
func TestCalendarMatchesSharedCSV(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "kazakhstan_holidays.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	off, work := map[string]bool{}, map[string]bool{}
	for _, row := range rows[1:] {
		switch row[1] {
		case "holiday", "moved_day_off":
			off[row[0]] = true
		case "moved_working_day":
			work[row[0]] = true
		default:
			t.Fatalf("unknown kind %q in the CSV", row[1])
		}
	}
	r := Default()
	naiveWorking := func(t time.Time) bool {
		s := t.Format(time.DateOnly)
		if work[s] {
			return true
		}
		return !off[s] && t.Weekday() != time.Saturday && t.Weekday() != time.Sunday
	}
	for t0 := d("2022-01-01"); t0.Year() < 2028; t0 = t0.AddDate(0, 0, 1) {
		working, covered := r.IsWorkingDay(t0)
		if !covered || working != naiveWorking(t0) {
			t.Fatalf("%s: working=%v covered=%v, the CSV says working=%v", t0.Format(time.DateOnly), working, covered, naiveWorking(t0))
		}
	}
	for from := d("2022-01-01"); from.Before(d("2027-11-01")); from = from.AddDate(0, 0, 1) {
		want, n := from, 0
		for n < 15 {
			want = want.AddDate(0, 0, 1)
			if naiveWorking(want) {
				n++
			}
		}
		got, err := r.Deadline("appc-76", from)
		if err != nil {
			t.Fatal(err)
		}
		if !got.Date.Equal(want) {
			t.Fatalf("appc-76 from %s = %s, the naive count gives %s", from.Format(time.DateOnly), got.Date.Format(time.DateOnly), want.Format(time.DateOnly))
		}
	}
}

func TestWorkingDays(t *testing.T) {
	r := Default()
	tests := []struct {
		date             string
		working, covered bool
	}{
		{"2024-02-01", true, true},  // Thursday
		{"2024-02-03", false, true}, // Saturday
		{"2025-01-05", true, true},  // Sunday made a working day
		{"2025-01-03", false, true}, // Friday made a day off
		{"2022-03-05", true, true},  // Saturday made a working day
		{"2024-06-17", true, true},  // Monday after Kurban Ait: no carry-over
		{"2023-01-07", false, true}, // Christmas on a Saturday
		{"2023-01-09", true, true},  // and no carry-over
		{"2026-08-31", true, true},  // the 2026 Constitution Day carry-over that was withdrawn
		{"2027-03-15", false, true}, // new Constitution Day
		{"2021-12-31", true, false}, // outside the calendar: weekends only
		{"2028-01-01", false, false},
	}
	for _, tc := range tests {
		w, c := r.IsWorkingDay(d(tc.date))
		if w != tc.working || c != tc.covered {
			t.Errorf("%s: working=%v covered=%v, want %v %v", tc.date, w, c, tc.working, tc.covered)
		}
	}
}
