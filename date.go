package qantar

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Precision says how much of a Date is known. Documentation often knows only
// the month or the year of a death or a birth.
type Precision string

const (
	PrecisionYear  Precision = "year"
	PrecisionMonth Precision = "month"
	PrecisionDay   Precision = "day"
	PrecisionExact Precision = "exact" // day and time of day
)

// Date is a calendar date known to a precision, written as in ISO 8601:
// "2022", "2022-01", "2022-01-05" or "2022-01-05T14:30". A leading "~" marks
// an estimate ("~2022-01"). The zero Date is "unknown".
type Date struct {
	Year, Month, Day, Hour, Minute int
	Precision                      Precision
	Estimate                       bool
}

// ParseDate parses the forms above and rejects impossible dates (31.02).
func ParseDate(s string) (Date, error) {
	var d Date
	if s == "" {
		return d, nil
	}
	if strings.HasPrefix(s, "~") {
		d.Estimate = true
		s = s[1:]
	}
	bad := Errorf(EINVALID, "%q is not a date (want YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDTHH:MM)", s)
	num := func(p string, n int) (int, bool) {
		if len(p) != n {
			return 0, false
		}
		v, err := strconv.Atoi(p)
		return v, err == nil && v >= 0
	}
	datePart, timePart, hasTime := strings.Cut(s, "T")
	parts := strings.Split(datePart, "-")
	var ok bool
	if d.Year, ok = num(parts[0], 4); !ok || d.Year < 1800 || d.Year > 2200 {
		return Date{}, bad
	}
	d.Precision = PrecisionYear
	if len(parts) > 1 {
		if d.Month, ok = num(parts[1], 2); !ok || d.Month < 1 || d.Month > 12 {
			return Date{}, bad
		}
		d.Precision = PrecisionMonth
	}
	if len(parts) > 2 {
		if d.Day, ok = num(parts[2], 2); !ok || d.Day < 1 {
			return Date{}, bad
		}
		t := time.Date(d.Year, time.Month(d.Month), d.Day, 0, 0, 0, 0, time.UTC)
		if t.Day() != d.Day {
			return Date{}, Errorf(EINVALID, "%q is not a date: %s has no day %d", s, Word(time.Month(d.Month).String()), d.Day)
		}
		d.Precision = PrecisionDay
	}
	if len(parts) > 3 {
		return Date{}, bad
	}
	if hasTime {
		if d.Precision != PrecisionDay {
			return Date{}, bad
		}
		hh, mm, found := strings.Cut(timePart, ":")
		if !found {
			return Date{}, bad
		}
		if d.Hour, ok = num(hh, 2); !ok || d.Hour > 23 {
			return Date{}, bad
		}
		if d.Minute, ok = num(mm, 2); !ok || d.Minute > 59 {
			return Date{}, bad
		}
		d.Precision = PrecisionExact
	}
	return d, nil
}

// MustDate parses s or panics; for tests and literals.
func MustDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// DayOf returns the Date of t's calendar day.
func DayOf(t time.Time) Date {
	return Date{Year: t.Year(), Month: int(t.Month()), Day: t.Day(), Precision: PrecisionDay}
}

// IsZero reports whether the date is unknown.
func (d Date) IsZero() bool { return d.Precision == "" }

// String writes the date back in the form it was parsed from.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	var b strings.Builder
	if d.Estimate {
		b.WriteByte('~')
	}
	fmt.Fprintf(&b, "%04d", d.Year)
	if d.Precision == PrecisionYear {
		return b.String()
	}
	fmt.Fprintf(&b, "-%02d", d.Month)
	if d.Precision == PrecisionMonth {
		return b.String()
	}
	fmt.Fprintf(&b, "-%02d", d.Day)
	if d.Precision == PrecisionExact {
		fmt.Fprintf(&b, "T%02d:%02d", d.Hour, d.Minute)
	}
	return b.String()
}

// Time returns the first instant the date can mean, in UTC.
func (d Date) Time() time.Time {
	if d.IsZero() {
		return time.Time{}
	}
	m, day := d.Month, d.Day
	if m == 0 {
		m = 1
	}
	if day == 0 {
		day = 1
	}
	return time.Date(d.Year, time.Month(m), day, d.Hour, d.Minute, 0, 0, time.UTC)
}

// End returns the last day the date can mean (31 Dec for a year).
func (d Date) End() time.Time {
	switch d.Precision {
	case PrecisionYear:
		return time.Date(d.Year, 12, 31, 0, 0, 0, 0, time.UTC)
	case PrecisionMonth:
		return time.Date(d.Year, time.Month(d.Month)+1, 0, 0, 0, 0, 0, time.UTC)
	}
	t := d.Time()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// Before reports whether d certainly ends before e starts.
func (d Date) Before(e Date) bool {
	if d.IsZero() || e.IsZero() {
		return false
	}
	return d.End().Before(e.Time())
}

// Meets reports whether the period [from, to] (either end may be unknown,
// and so open) meets any of the days d can mean: the one rule for "in
// force on", "present on", "commanding on".
func (d Date) Meets(from, to Date) bool {
	if !from.IsZero() && from.Time().After(d.End()) {
		return false
	}
	return to.IsZero() || !to.End().Before(d.Time())
}

// HasDay reports whether the day is known.
func (d Date) HasDay() bool { return d.Precision == PrecisionDay || d.Precision == PrecisionExact }

func (d Date) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

func (d *Date) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return Errorf(EINVALID, "a date must be a string such as \"2022-01-05\"")
	}
	v, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}
