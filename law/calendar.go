package law

import (
	"fmt"
	"time"
)

// calendarTable is the compiled calendar: one byte per covered day, so that
// counting the deadlines of 100,000 complaints costs array lookups.
type calendarTable struct {
	from, to    time.Time // covered days, inclusive
	provisional time.Time // zero when every covered day is settled
	weekend     [7]bool
	days        []dayFlags // index: days since from

	// The same bounds as day numbers (days since 1970-01-01), which the
	// deadline counts step through without building times.
	fromN, toN, provisionalN int64
}

type dayFlags uint8

const (
	dayOff        dayFlags = 1 << iota // not a working day
	dayUnverified                      // listed from an unverified row
)

// dayInfo says whether t is a working day; covered is false outside the
// calendar (weekends only are known there), and settled is false for a day
// that is provisional or comes from an unverified row.
type dayInfo struct {
	working, covered, settled bool
}

func (c *calendarTable) info(t time.Time) dayInfo { return c.infoN(dayNumber(t)) }

func (c *calendarTable) infoN(n int64) dayInfo {
	if n < c.fromN || n > c.toN || c.days == nil {
		return dayInfo{working: !c.weekend[weekdayOf(n)]}
	}
	f := c.days[n-c.fromN]
	settled := f&dayUnverified == 0 && (c.provisional.IsZero() || n < c.provisionalN)
	return dayInfo{working: f&dayOff == 0, covered: true, settled: settled}
}

// dayNumber is the number of days from 1970-01-01 to t's day (UTC).
func dayNumber(t time.Time) int64 {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

func fromDayNumber(n int64) time.Time { return time.Unix(n*86400, 0).UTC() }

// weekdayOf is the day of the week of a day number; 1970-01-01 was a Thursday.
func weekdayOf(n int64) time.Weekday { return time.Weekday(((n % 7) + 7 + 4) % 7) }

// IsWorkingDay reports whether t's day is a working day, and whether the
// calendar covers it (outside it, only weekends are known).
func (r *Rules) IsWorkingDay(t time.Time) (working, covered bool) {
	i := r.cal.info(day(t))
	return i.working, i.covered
}

// day truncates t to its calendar day in UTC, the form every date here has.
func day(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func daysBetween(a, b time.Time) int { return int(b.Sub(a).Hours()+0.5) / 24 }

func parseDay(s string) (time.Time, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a date (want YYYY-MM-DD)", s)
	}
	return t, nil
}

var weekdays = map[string]time.Weekday{
	"sunday": time.Sunday, "monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday,
	"thursday": time.Thursday, "friday": time.Friday, "saturday": time.Saturday,
}

// maxCalendarDays bounds covers_from..covers_to (about 300 years).
const maxCalendarDays = 110_000

func (c *Calendar) compile() (calendarTable, error) {
	var t calendarTable
	for i, w := range c.Weekend {
		d, ok := weekdays[w]
		if !ok {
			return t, loadErrorf(fmt.Sprintf("calendar.weekend[%d]", i), "%q is not a day name (monday … sunday, in lower case)", w)
		}
		t.weekend[d] = true
	}
	var err error
	if t.from, err = parseDay(c.CoversFrom); err != nil {
		return t, loadErrorf("calendar.covers_from", "%v", err)
	}
	if t.to, err = parseDay(c.CoversTo); err != nil {
		return t, loadErrorf("calendar.covers_to", "%v", err)
	}
	n := daysBetween(t.from, t.to) + 1
	if n <= 0 || n > maxCalendarDays {
		return t, loadErrorf("calendar.covers_to", "must be after covers_from and within %d days of it", maxCalendarDays)
	}
	if c.ProvisionalFrom != "" {
		if t.provisional, err = parseDay(c.ProvisionalFrom); err != nil {
			return t, loadErrorf("calendar.provisional_from", "%v", err)
		}
	}
	t.fromN, t.toN = dayNumber(t.from), dayNumber(t.to)
	if !t.provisional.IsZero() {
		t.provisionalN = dayNumber(t.provisional)
	}
	t.days = make([]dayFlags, n)
	for i := range t.days {
		if t.weekend[t.from.AddDate(0, 0, i).Weekday()] {
			t.days[i] = dayOff
		}
	}
	seen := map[time.Time]string{}
	lists := []struct {
		name string
		days []CalendarDay
		off  bool
	}{{"holidays", c.Holidays, true}, {"moved_days_off", c.MovedDaysOff, true}, {"moved_working_days", c.MovedWorkingDays, false},
		{"unsettled_days", c.UnsettledDays, false}}
	for _, l := range lists {
		for i, d := range l.days {
			path := fmt.Sprintf("calendar.%s[%d]", l.name, i)
			when, err := parseDay(d.Date)
			if err != nil {
				return t, loadErrorf(path+".date", "%v", err)
			}
			if when.Before(t.from) || when.After(t.to) {
				return t, loadErrorf(path+".date", "%s is outside covers_from..covers_to (%s..%s)", d.Date, c.CoversFrom, c.CoversTo)
			}
			if prev, dup := seen[when]; dup {
				return t, loadErrorf(path+".date", "%s is already listed in %s", d.Date, prev)
			}
			seen[when] = path
			if d.Name["en"] == "" {
				return t, loadErrorf(path+".name", "an English name (\"en\") is required")
			}
			if d.Source == "" {
				return t, loadErrorf(path+".source", "is required: every listed day has a source")
			}
			weekend := t.weekend[when.Weekday()]
			switch {
			case l.name == "moved_working_days" && !weekend:
				return t, loadErrorf(path+".date", "%s is a %s: only a weekend day can become a working day", d.Date, when.Weekday())
			case l.name == "moved_days_off" && weekend:
				return t, loadErrorf(path+".date", "%s is a %s, already a day off", d.Date, when.Weekday())
			}
			f := dayFlags(0)
			switch {
			case l.off:
				f = dayOff
			case l.name == "unsettled_days":
				f = t.days[daysBetween(t.from, when)] | dayUnverified
			}
			if d.Verified != nil && !*d.Verified {
				f |= dayUnverified
			}
			t.days[daysBetween(t.from, when)] = f
		}
	}
	return t, nil
}
