package law

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/qantar-project/qantar"
)

// Deadline is the last day of a period, with what it rests on. Verified is
// true only when the limit, its counting rule and every calendar day the
// count depended on are verified; Notes say, in plain words, what is not.
type Deadline struct {
	Kind     string
	From     time.Time // the day the period runs from (not counted)
	Date     time.Time // the last day of the period
	Days     int
	Unit     string
	Counting string
	Basis    string // the provision of law
	Source   string // where it was read
	Extended bool   // the extension limit was used
	Verified bool
	Notes    []string
}

// MarshalJSON writes dates as YYYY-MM-DD, the way a lawyer reads them.
func (d Deadline) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Kind     string   `json:"kind"`
		From     string   `json:"from"`
		Date     string   `json:"date"`
		Days     int      `json:"days"`
		Unit     string   `json:"unit"`
		Counting string   `json:"counting"`
		Basis    string   `json:"basis"`
		Source   string   `json:"source"`
		Extended bool     `json:"extended,omitempty"`
		Verified bool     `json:"verified"`
		Notes    []string `json:"notes,omitempty"`
	}{d.Kind, d.From.Format(time.DateOnly), d.Date.Format(time.DateOnly), d.Days, d.Unit, d.Counting,
		d.Basis, d.Source, d.Extended, d.Verified, d.Notes})
}

// Deadline returns the day by which the addressee of a complaint of this
// kind must answer, counting from the day the complaint was registered.
// A kind the rules do not know, or one with no limit, is an error naming
// the field "kind"; a limit that is not verified gives a Deadline with
// Verified false and a note saying so.
func (r *Rules) Deadline(kind string, from time.Time) (Deadline, error) {
	k, err := r.kind(kind)
	if err != nil {
		return Deadline{}, err
	}
	if k.Limit == nil {
		return Deadline{}, qantar.FieldErrorf("kind", "%s has no time limit for an answer in the %s rules", kind, r.Jurisdiction)
	}
	return r.count(k, k.Limit, from), nil
}

// ExtendedDeadline returns the longest the addressee may take once it has
// recorded an extension; without an extension in the rules it is an error.
func (r *Rules) ExtendedDeadline(kind string, from time.Time) (Deadline, error) {
	k, err := r.kind(kind)
	if err != nil {
		return Deadline{}, err
	}
	if k.Extension == nil {
		return Deadline{}, qantar.FieldErrorf("kind", "%s allows no extension in the %s rules", kind, r.Jurisdiction)
	}
	d := r.count(k, k.Extension, from)
	d.Extended = true
	return d, nil
}

// FilingDeadline returns the last day to file a complaint of this kind,
// counting from the event its filing limit names (learning of the decision,
// its announcement).
func (r *Rules) FilingDeadline(kind string, from time.Time) (Deadline, error) {
	k, err := r.kind(kind)
	if err != nil {
		return Deadline{}, err
	}
	if k.FilingLimit == nil {
		return Deadline{}, qantar.FieldErrorf("kind", "%s has no filing limit in the %s rules", kind, r.Jurisdiction)
	}
	return r.count(k, k.FilingLimit, from), nil
}

func (r *Rules) kind(code string) (*ComplaintKind, error) {
	if code == "" {
		return nil, qantar.FieldErrorf("kind", "is required (one of %s)", strings.Join(r.KindCodes(), ", "))
	}
	k, ok := r.kinds[code]
	if !ok {
		return nil, qantar.FieldErrorf("kind", "%q is not a complaint kind of the %s rules (one of %s)", code, r.Jurisdiction, strings.Join(r.KindCodes(), ", "))
	}
	return k, nil
}

// KindCodes lists the complaint kinds, sorted.
func (r *Rules) KindCodes() []string {
	out := make([]string, 0, len(r.kinds))
	for c := range r.kinds {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// count applies a limit from a day. The starting day is never counted
// (CPC art. 48; APPC art. 76: the next day is day 1).
func (r *Rules) count(k *ComplaintKind, l *Limit, from time.Time) Deadline {
	from = day(from)
	rule := r.counting[l.Counting]
	d := Deadline{Kind: k.Code, From: from, Days: l.Days, Unit: l.Unit, Counting: l.Counting,
		Basis: l.Basis, Source: k.Source, Verified: true}
	if !l.IsVerified() {
		d.Verified = false
		d.Notes = append(d.Notes, "the time limit is not verified: "+orDefault(l.Note, l.Basis))
	}
	if rule.Verified == nil || !*rule.Verified {
		d.Verified = false
		d.Notes = append(d.Notes, "the way this period is counted is not verified: "+rule.Description)
	}
	var touched []time.Time // days whose status decided the result
	end := from
	switch l.Unit {
	case UnitWorking:
		for n := 0; n < l.Days; {
			end = end.AddDate(0, 0, 1)
			touched = append(touched, end)
			if r.cal.info(end).working {
				n++
			}
		}
	case UnitMonths:
		end = addMonths(from, l.Days)
		touched = append(touched, end)
	default:
		end = from.AddDate(0, 0, l.Days)
		touched = append(touched, end)
	}
	if rule.LastDayMoves {
		for i := 0; i < 366 && !r.cal.info(end).working; i++ {
			end = end.AddDate(0, 0, 1)
			touched = append(touched, end)
		}
	}
	d.Date = end
	var uncovered, unsettled bool
	for _, t := range touched {
		i := r.cal.info(t)
		uncovered = uncovered || !i.covered
		unsettled = unsettled || (i.covered && !i.settled)
	}
	if uncovered {
		d.Verified = false
		d.Notes = append(d.Notes, fmt.Sprintf("unverified calendar: the %s calendar covers %s to %s; outside it only weekends are known, holidays and transfers are not",
			r.Jurisdiction, r.Calendar.CoversFrom, r.Calendar.CoversTo))
	}
	if unsettled {
		d.Verified = false
		d.Notes = append(d.Notes, "the count depends on calendar days that are provisional or not verified: "+orDefault(r.Calendar.Note, "see the rules file"))
	}
	return d
}

// addMonths returns the same day number n months later, or the last day of
// that month when it is shorter (31 January + 1 month = 28 or 29 February).
func addMonths(t time.Time, n int) time.Time {
	y, m, d := t.Date()
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	if d > last {
		d = last
	}
	return time.Date(first.Year(), first.Month(), d, 0, 0, 0, 0, time.UTC)
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
