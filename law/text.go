package law

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/qantar-project/qantar/locale"
)

// UnmarshalJSON reads a text of the rules: an object {"kk", "ru", "en"}, or
// a plain string, taken as English (a rules file written before the texts
// were translated still loads; TranslationProblems lists what it lacks).
func (l *Labels) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		*l = Labels{}
		return json.Unmarshal(b, &l.EN)
	}
	type plain Labels // without this method
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var p plain
	if err := dec.Decode(&p); err != nil {
		return err
	}
	*l = Labels(p)
	return nil
}

// IsEmpty reports whether the text has no words in any language.
func (l Labels) IsEmpty() bool { return l.KK == "" && l.RU == "" && l.EN == "" }

// String is the English text (a log, an error, a JSON answer for programs).
func (l Labels) String() string { return l.EN }

// Note is a sentence a deadline or a status says about what it rests on: a
// key of the catalogue (package locale, its English words) and its
// arguments. An argument that is a text of the rules (Labels) is said in
// the reader's language, so a Kazakh page reads the rules' Kazakh.
type Note struct {
	Key  string
	Args []any
}

// wordsf makes a Note; its format is a catalogue key (locale's tests check
// that every key given here is in the catalogue).
func wordsf(key string, args ...any) Note { return Note{Key: key, Args: args} }

// In says the note in lang (kk, ru, en).
func (n Note) In(lang string) string {
	args := make([]any, len(n.Args))
	for i, a := range n.Args {
		if l, ok := a.(Labels); ok {
			a = l.In(lang)
		}
		args[i] = a
	}
	return locale.For(lang).S(n.Key, args...)
}

// String says the note in English.
func (n Note) String() string { return n.In(locale.Fallback) }

// MarshalText writes the note in English (the API's JSON).
func (n Note) MarshalText() ([]byte, error) { return []byte(n.String()), nil }

// NotesIn says each note in lang.
func NotesIn(lang string, notes []Note) []string {
	out := make([]string, len(notes))
	for i, n := range notes {
		out[i] = n.In(lang)
	}
	return out
}

// TranslationProblems lists the texts of the rules that a Kazakh or Russian
// reader would see in English: every label, basis, note, starting event,
// edition and counting rule of the entries pages and filings show needs
// its kk and ru (the English is the fallback, never the plan).
func (r *Rules) TranslationProblems() []Problem {
	var out []Problem
	check := func(path, code string, l Labels) {
		if l.IsEmpty() {
			return
		}
		var miss []string
		for _, lang := range []struct{ code, text string }{{"kk", l.KK}, {"ru", l.RU}} {
			if strings.TrimSpace(lang.text) == "" {
				miss = append(miss, lang.code)
			}
		}
		if len(miss) > 0 {
			out = append(out, Problem{path, code, fmt.Sprintf("has no %s text: a reader in that language would see the English %q", strings.Join(miss, " or "), l.EN)})
		}
	}
	check("name", r.Jurisdiction, r.Name)
	check("calendar.note", r.Jurisdiction, r.Calendar.Note)
	check("case_steps.note", r.Jurisdiction, r.CaseSteps.Note)
	edition := func(path, code string, e *Edition) {
		if e != nil {
			check(path+".text", code, e.Text)
			check(path+".note", code, e.Note)
		}
	}
	for i, c := range r.CountingRules {
		path := fmt.Sprintf("counting_rules[%d]", i)
		check(path+".description", c.Code, c.Description)
		check(path+".basis", c.Code, c.Basis)
		edition(path+".edition", c.Code, c.Edition)
	}
	var limit func(path, code string, l *Limit)
	limit = func(path, code string, l *Limit) {
		if l == nil {
			return
		}
		check(path+".from", code, l.From)
		check(path+".basis", code, l.Basis)
		check(path+".note", code, l.Note)
		edition(path+".edition", code, l.Edition)
		for j := range l.Earlier {
			limit(fmt.Sprintf("%s.earlier[%d]", path, j), code, &l.Earlier[j])
		}
	}
	for i, k := range r.ComplaintKinds {
		path := fmt.Sprintf("complaint_kinds[%d]", i)
		check(path+".labels", k.Code, k.Labels)
		check(path+".basis", k.Code, k.Basis)
		check(path+".note", k.Code, k.Note)
		limit(path+".limit", k.Code, k.Limit)
		limit(path+".extension", k.Code, k.Extension)
		limit(path+".filing_limit", k.Code, k.FilingLimit)
	}
	for _, l := range []struct {
		name    string
		entries []Entry
	}{{ListTermination, r.TerminationGrounds}, {ListInterruption, r.InterruptionGrounds}, {"articles", r.Articles}} {
		for i, e := range l.entries {
			path := fmt.Sprintf("%s[%d]", l.name, i)
			check(path+".labels", e.Code, e.Labels)
			check(path+".basis", e.Code, e.Basis)
			check(path+".note", e.Code, e.Note)
			edition(path+".edition", e.Code, e.Edition)
		}
	}
	return out
}
