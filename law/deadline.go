package law

import (
	"encoding/json"
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
	Basis    Labels // the provision of law
	Source   string // where it was read
	Extended bool   // the extension limit was used
	// Edition is the text of the law the limit was taken from, when the
	// rules name it (nil otherwise).
	Edition  *EditionUsed
	Verified bool
	Notes    []Note
}

// EditionUsed is the edition a deadline was counted with: its text, the
// first day it is known to apply (From) and its last day in force (To, ""
// while in force), and whether it is known to be in force on the day the
// deadline runs from (InForce false: the text of that day is not recorded,
// and this one was used for want of it).
type EditionUsed struct {
	Text    Labels
	From    string
	To      string
	InForce bool
}

// MarshalJSON writes the edition's text in English, for programs.
func (e EditionUsed) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Text    string `json:"text"`
		From    string `json:"from,omitempty"`
		To      string `json:"to,omitempty"`
		InForce bool   `json:"in_force"`
	}{e.Text.EN, e.From, e.To, e.InForce})
}

// MarshalJSON writes dates as YYYY-MM-DD, the way a lawyer reads them.
func (d Deadline) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Kind     string       `json:"kind"`
		From     string       `json:"from"`
		Date     string       `json:"date"`
		Days     int          `json:"days"`
		Unit     string       `json:"unit"`
		Counting string       `json:"counting"`
		Basis    string       `json:"basis"`
		Source   string       `json:"source"`
		Extended bool         `json:"extended,omitempty"`
		Edition  *EditionUsed `json:"edition,omitempty"`
		Verified bool         `json:"verified"`
		Notes    []Note       `json:"notes,omitempty"`
	}{d.Kind, d.From.Format(time.DateOnly), d.Date.Format(time.DateOnly), d.Days, d.Unit, d.Counting,
		d.Basis.EN, d.Source, d.Extended, d.Edition, d.Verified, d.Notes})
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

// count applies a limit from a day, with the edition of the law in force on
// that day. The starting day is never counted (CPC art. 48; APPC art. 76:
// the next day is day 1).
func (r *Rules) count(k *ComplaintKind, l *Limit, from time.Time) Deadline {
	from = day(from)
	l, editionNote := l.editionOn(from)
	rule := r.counting[l.Counting]
	d := Deadline{Kind: k.Code, From: from, Days: l.Days, Unit: l.Unit, Counting: l.Counting,
		Basis: l.Basis, Source: k.Source, Verified: true}
	if e := l.Edition; e != nil {
		d.Edition = &EditionUsed{Text: e.Text, From: e.Applies(), To: e.To, InForce: editionNote == nil}
	}
	if editionNote != nil {
		d.Verified = false
		d.Notes = append(d.Notes, *editionNote)
	}
	if !l.IsVerified() {
		d.Verified = false
		d.Notes = append(d.Notes, l.unverifiedNote)
	}
	if rule.Verified == nil || !*rule.Verified {
		d.Verified = false
		d.Notes = append(d.Notes, rule.unverifiedNote)
	}
	// Step through day numbers, noting whether any day the result depends
	// on is outside the calendar or not settled.
	var uncovered, unsettled bool
	working := func(n int64) bool {
		i := r.cal.infoN(n)
		uncovered = uncovered || !i.covered
		unsettled = unsettled || (i.covered && !i.settled)
		return i.working
	}
	start := dayNumber(from)
	end := start
	var w bool
	switch l.Unit {
	case UnitWorking:
		for n := 0; n < l.Days; {
			end++
			if w = working(end); w {
				n++
			}
		}
	case UnitMonths:
		end = dayNumber(addMonths(from, l.Days))
		w = working(end)
	default:
		end = start + int64(l.Days)
		w = working(end)
	}
	if rule.LastDayMoves {
		for i := 0; i < 366 && !w; i++ {
			end++
			w = working(end)
		}
	}
	d.Date = fromDayNumber(end)
	if uncovered {
		d.Verified = false
		d.Notes = append(d.Notes, r.uncoveredNote)
	}
	if unsettled {
		d.Verified = false
		d.Notes = append(d.Notes, r.unsettledNote)
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
