package linkage

import (
	"strconv"
	"strings"
)

// pdate is a date as lists write it: any of year, month and day may be
// unknown (0). Lists of victims often know only the year of birth, or give
// the age, or write 05.01 and 01.05 for the same day.
type pdate struct{ y, m, d int16 }

func (p pdate) known() bool { return p.y != 0 || p.m != 0 || p.d != 0 }
func (p pdate) full() bool  { return p.y != 0 && p.m != 0 && p.d != 0 }

// monthNames maps the start of a month's name in English, Russian and Kazakh
// to its number, for dates written out ("5 января 1985", "5 Jan 1985").
var monthNames = []struct {
	prefix string
	month  int16
}{
	{"jan", 1}, {"feb", 2}, {"mar", 3}, {"apr", 4}, {"may", 5}, {"jun", 6}, {"jul", 7},
	{"aug", 8}, {"sep", 9}, {"oct", 10}, {"nov", 11}, {"dec", 12},
	{"янв", 1}, {"фев", 2}, {"мар", 3}, {"апр", 4}, {"ма", 5}, {"июн", 6}, {"июл", 7},
	{"авг", 8}, {"сен", 9}, {"окт", 10}, {"ноя", 11}, {"дек", 12},
	{"қаң", 1}, {"ақп", 2}, {"нау", 3}, {"сәу", 4}, {"мам", 5}, {"мау", 6}, {"шіл", 7},
	{"там", 8}, {"қыр", 9}, {"қаз", 10}, {"қар", 11}, {"жел", 12},
}

// parseDate reads the forms lists use: YYYYMMDD, YYYY-MM-DD, DD.MM.YYYY,
// DD/MM/YYYY, YYYY-MM, MM.YYYY, YYYY, "5 January 1985", and parts with
// blanks ("1985--" from separate year, month, day columns). It reports false
// when it finds nothing it can read as a date; a value it can read only a
// year from ("около 1985") gives that year.
func parseDate(s string) (pdate, bool) {
	s = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), "~"))
	if s == "" {
		return pdate{}, true
	}
	if allDigits(s) {
		switch len(s) {
		case 8:
			if y := atoi(s[:4]); y >= 1000 && y <= 2200 {
				return check(pdate{int16(y), int16(atoi(s[4:6])), int16(atoi(s[6:]))})
			}
			return check(pdate{int16(atoi(s[4:])), int16(atoi(s[2:4])), int16(atoi(s[:2]))})
		case 4:
			return check(pdate{y: int16(atoi(s))})
		}
	}
	if t, _, ok := strings.Cut(s, "T"); ok && len(t) == 10 {
		s = t
	}
	parts := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return r == ' ' || r == ',' })
	if len(parts) == 1 {
		parts = splitKeep(parts[0])
	} else {
		// Written-out month: "5 января 1985".
		var p pdate
		for _, w := range parts {
			switch {
			case allDigits(w) && len(w) == 4:
				p.y = int16(atoi(w))
			case allDigits(w) && len(w) <= 2:
				p.d = int16(atoi(w))
			default:
				for _, mn := range monthNames {
					if strings.HasPrefix(w, mn.prefix) {
						p.m = mn.month
						break
					}
				}
			}
		}
		if p.y != 0 {
			return check(p)
		}
		return yearOnly(s)
	}
	for _, p := range parts {
		if p != "" && !allDigits(p) {
			return yearOnly(s)
		}
	}
	switch len(parts) {
	case 3:
		if len(parts[0]) == 4 {
			return check(pdate{int16(atoi(parts[0])), int16(atoi(parts[1])), int16(atoi(parts[2]))})
		}
		if len(parts[2]) == 4 {
			return check(pdate{int16(atoi(parts[2])), int16(atoi(parts[1])), int16(atoi(parts[0]))})
		}
	case 2:
		if len(parts[0]) == 4 {
			return check(pdate{y: int16(atoi(parts[0])), m: int16(atoi(parts[1]))})
		}
		if len(parts[1]) == 4 {
			return check(pdate{y: int16(atoi(parts[1])), m: int16(atoi(parts[0]))})
		}
	}
	return yearOnly(s)
}

// splitKeep splits on - . / keeping empty parts, so "1985--" is three parts.
func splitKeep(s string) []string {
	return strings.Split(strings.NewReplacer(".", "-", "/", "-").Replace(s), "-")
}

func check(p pdate) (pdate, bool) {
	if p.m > 12 && p.m <= 31 && p.d >= 1 && p.d <= 12 {
		// Month and day written the other way round (07.16.1999): the only
		// reading that is a date.
		p.m, p.d = p.d, p.m
	}
	if p.y != 0 && (p.y < 1000 || p.y > 2200) || p.m < 0 || p.m > 12 || p.d < 0 || p.d > 31 {
		return pdate{}, false
	}
	if p.m == 0 && p.d != 0 {
		// A day without a month says nothing on its own.
		p.d = 0
	}
	return p, true
}

// yearOnly finds one four-digit year in s.
func yearOnly(s string) (pdate, bool) {
	var y int16
	run := 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) && s[i] >= '0' && s[i] <= '9' {
			run++
			continue
		}
		if run == 4 {
			if y != 0 {
				return pdate{}, false
			}
			y = int16(atoi(s[i-4 : i]))
		}
		run = 0
	}
	if y == 0 {
		return pdate{}, false
	}
	return check(pdate{y: y})
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

// Date agreement levels, from the weakest to the strongest.
const (
	dateDisagree = iota
	dateSameYear // years agree, and one date has no day or month to compare
	dateOneOff   // full dates differing in one of year, month, day (a typo)
	dateNear     // day and month swapped, or agreeing to the month with a day missing
	dateExact
	dateLevels
)

var dateLevelNames = []string{"disagree", "same year", "one part differs", "swap or partial", "exact"}

func compareDate(a, b pdate) int {
	if !a.known() || !b.known() {
		return -1
	}
	if a == b && a.full() {
		return dateExact
	}
	if a.full() && b.full() {
		same := 0
		if a.y == b.y {
			same++
		}
		if a.m == b.m {
			same++
		}
		if a.d == b.d {
			same++
		}
		switch {
		case same == 2:
			return dateOneOff
		case a.y == b.y && a.m == b.d && a.d == b.m:
			return dateNear
		}
		// Two full dates that share only the year disagree: "same year" is
		// for a date whose month or day nobody wrote down.
		return dateDisagree
	}
	if a.y != b.y {
		return dateDisagree
	}
	if a.m != 0 && b.m != 0 {
		if a.m == b.m {
			return dateNear
		}
		return dateSameYear
	}
	return dateSameYear
}
