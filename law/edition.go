package law

import (
	"time"
)

// Edition says which text of the law an entry was read from and when that
// text is in force. Law is amended: the limit Qantar read in a 2025 copy of a
// code is not necessarily the one in force on a day in 2022, so a deadline is
// counted with the edition in force on the day it runs from, and says which.
//
// From and To are the first and last day the text is in force, when known.
// When the day the text came into force is not known, CheckedFrom is the
// first day it is known to apply (the date of the copy that was read): the
// text in force before it is unknown, and a deadline counted from such a
// day is flagged, never computed from an invented earlier text.
type Edition struct {
	Text        Labels `json:"text"`
	From        string `json:"from,omitempty"`
	To          string `json:"to,omitempty"`
	CheckedFrom string `json:"checked_from,omitempty"`
	Source      string `json:"source,omitempty"`
	Note        Labels `json:"note,omitempty"`

	from, to, checked time.Time
}

// HasDates reports whether the edition says from when its text applies.
func (e *Edition) HasDates() bool { return e != nil && (e.From != "" || e.CheckedFrom != "") }

// Covers reports whether the text is known to be in force on day t.
func (e *Edition) Covers(t time.Time) bool {
	start := e.from
	if start.IsZero() {
		start = e.checked
	}
	if start.IsZero() || t.Before(start) {
		return false
	}
	return e.to.IsZero() || !t.After(e.to)
}

// Applies is the first day the text is known to apply: From, else
// CheckedFrom ("" when neither is known).
func (e *Edition) Applies() string {
	if e.From != "" {
		return e.From
	}
	return e.CheckedFrom
}

func (e *Edition) compile(path string) error {
	if e.Text.EN == "" {
		return loadErrorf(path+".text", "is required: say which text of the law was read (e.g. as amended by which law)")
	}
	if e.From != "" && e.CheckedFrom != "" {
		return loadErrorf(path+".checked_from", "give from (the day the text came into force) or checked_from (the first day it is known to apply), not both")
	}
	for _, d := range []struct {
		name string
		s    string
		t    *time.Time
	}{{"from", e.From, &e.from}, {"to", e.To, &e.to}, {"checked_from", e.CheckedFrom, &e.checked}} {
		if d.s == "" {
			continue
		}
		t, err := parseDay(d.s)
		if err != nil {
			return loadErrorf(path+"."+d.name, "%v", err)
		}
		*d.t = t
	}
	if start := e.Applies(); !e.to.IsZero() && start != "" && e.To < start {
		return loadErrorf(path+".to", "%s is before %s", e.To, start)
	}
	return nil
}

// editionOn returns the limit in force on day t: l when its edition covers
// t (or when it names no edition), else the earlier edition that does. With
// none known to be in force on t it returns l and a note saying so.
func (l *Limit) editionOn(t time.Time) (*Limit, *Note) {
	if l.Edition == nil || l.Edition.Covers(t) {
		return l, nil
	}
	for i := range l.Earlier {
		if e := &l.Earlier[i]; e.Edition.Covers(t) {
			return e, nil
		}
	}
	e := l.Edition
	day := t.Format(time.DateOnly)
	var note Note
	switch {
	case e.Applies() == "":
		note = wordsf("the text of %s in force on %s is not recorded: the rules carry %s, and not from when it applies", l.Basis, day, e.Text)
	case t.Before(e.start()):
		note = wordsf("the text of %s in force on %s is not recorded: the rules carry %s, known to apply from %s; the earlier text is unknown and may have set another limit", l.Basis, day, e.Text, e.Applies())
	default:
		note = wordsf("the text of %s in force on %s is not recorded: the rules carry %s, in force until %s; the later text is not recorded", l.Basis, day, e.Text, e.To)
	}
	return l, &note
}

func (e *Edition) start() time.Time {
	if !e.from.IsZero() {
		return e.from
	}
	return e.checked
}
