package law

import (
	"fmt"
	"sort"
	"strings"

	"github.com/qantar-project/qantar"
)

// compile checks what the JSON decoder cannot (codes unique and well formed,
// references between entries resolved, every law fact with its basis,
// source and verified flag) and builds the lookup tables.
func (r *Rules) compile() error {
	if r.Jurisdiction == "" {
		return loadErrorf("jurisdiction", "is required (a code such as kz)")
	}
	if err := code("jurisdiction", r.Jurisdiction); err != nil {
		return err
	}
	if r.Name.EN == "" {
		return loadErrorf("name.en", "is required")
	}
	var err error
	if r.cal, err = r.Calendar.compile(); err != nil {
		return err
	}
	r.uncoveredNote = wordsf("unverified calendar: the %s calendar covers %s to %s; outside it only weekends are known, holidays and transfers are not",
		r.Jurisdiction, r.Calendar.CoversFrom, r.Calendar.CoversTo)
	r.unsettledNote = wordsf("the count depends on calendar days that are provisional or not verified: see the rules file")
	if !r.Calendar.Note.IsEmpty() {
		r.unsettledNote = wordsf("the count depends on calendar days that are provisional or not verified: %s", r.Calendar.Note)
	}

	r.counting = map[string]*CountingRule{}
	for i := range r.CountingRules {
		c := &r.CountingRules[i]
		path := fmt.Sprintf("counting_rules[%d]", i)
		if err := code(path+".code", c.Code); err != nil {
			return err
		}
		if _, dup := r.counting[c.Code]; dup {
			return loadErrorf(path+".code", "%q is listed twice", c.Code)
		}
		if err := sourced(path, c.Basis.EN, c.Source, c.Verified); err != nil {
			return err
		}
		if err := compileEdition(path+".edition", c.Edition); err != nil {
			return err
		}
		c.unverifiedNote = wordsf("the way this period is counted is not verified: %s", c.Description)
		r.counting[c.Code] = c
	}

	r.kinds = map[string]*ComplaintKind{}
	for i := range r.ComplaintKinds {
		k := &r.ComplaintKinds[i]
		path := fmt.Sprintf("complaint_kinds[%d]", i)
		if err := code(path+".code", k.Code); err != nil {
			return err
		}
		if _, dup := r.kinds[k.Code]; dup {
			return loadErrorf(path+".code", "%q is listed twice", k.Code)
		}
		if k.Labels.EN == "" {
			return loadErrorf(path+".labels.en", "is required")
		}
		if k.Basis.EN == "" || k.Source == "" {
			return loadErrorf(path+".source", "basis and source are required")
		}
		for _, l := range []struct {
			name string
			lim  *Limit
		}{{"limit", k.Limit}, {"extension", k.Extension}, {"filing_limit", k.FilingLimit}} {
			if l.lim == nil {
				continue
			}
			if err := r.checkLimit(path+"."+l.name, l.lim); err != nil {
				return err
			}
		}
		if k.Extension != nil && k.Limit == nil {
			return loadErrorf(path+".extension", "an extension needs a limit to extend")
		}
		r.kinds[k.Code] = k
	}
	for i, k := range r.ComplaintKinds {
		if k.EscalatesTo == "" {
			continue
		}
		if _, ok := r.kinds[k.EscalatesTo]; !ok || k.EscalatesTo == k.Code {
			return loadErrorf(fmt.Sprintf("complaint_kinds[%d].escalates_to", i), "%q is not another complaint kind of these rules", k.EscalatesTo)
		}
	}

	r.grounds = map[string]map[string]*Entry{}
	for _, l := range []struct {
		name    string
		entries []Entry
	}{{ListTermination, r.TerminationGrounds}, {ListInterruption, r.InterruptionGrounds}, {"articles", r.Articles}} {
		m, err := entries(l.name, l.entries)
		if err != nil {
			return err
		}
		r.grounds[l.name] = m
	}
	r.articles = r.grounds["articles"]
	delete(r.grounds, "articles")
	return r.checkSteps()
}

func (r *Rules) checkLimit(path string, l *Limit) error {
	if l.Days <= 0 || l.Days > 3660 {
		return loadErrorf(path+".days", "must be between 1 and 3660")
	}
	switch l.Unit {
	case UnitCalendar, UnitWorking:
	case UnitMonths:
		if l.Days > 120 {
			return loadErrorf(path+".days", "must be at most 120 months")
		}
	default:
		return loadErrorf(path+".unit", "%q is not a unit (calendar, working or months)", l.Unit)
	}
	if _, ok := r.counting[l.Counting]; !ok {
		return loadErrorf(path+".counting", "%q is not a counting rule of these rules", l.Counting)
	}
	l.unverifiedNote = wordsf("the time limit is not verified: %s", l.Note)
	if l.Note.IsEmpty() {
		l.unverifiedNote = wordsf("the time limit is not verified: %s", l.Basis)
	}
	if l.From.EN == "" {
		return loadErrorf(path+".from", "is required: say what the period runs from")
	}
	if l.Starts != "" && l.Starts != StartsExtensionDecision {
		return loadErrorf(path+".starts", "%q is not a starting event (%s, or none)", l.Starts, StartsExtensionDecision)
	}
	if err := sourced(path, l.Basis.EN, "-", l.Verified); err != nil {
		return err
	}
	if err := compileEdition(path+".edition", l.Edition); err != nil {
		return err
	}
	return r.checkEarlier(path, l)
}

// checkEarlier checks a limit's earlier editions: each a limit of its own
// whose edition says when it was in force.
func (r *Rules) checkEarlier(path string, l *Limit) error {
	if len(l.Earlier) > 0 && l.Edition == nil {
		return loadErrorf(path+".edition", "a limit with earlier editions says which edition it is")
	}
	for i := range l.Earlier {
		e := &l.Earlier[i]
		p := fmt.Sprintf("%s.earlier[%d]", path, i)
		if len(e.Earlier) > 0 {
			return loadErrorf(p+".earlier", "list every edition in the newest limit's earlier")
		}
		if e.Edition == nil || e.Edition.Applies() == "" || e.Edition.To == "" {
			return loadErrorf(p+".edition", "an earlier edition needs its dates: from (or checked_from) and to")
		}
		if err := r.checkLimit(p, e); err != nil {
			return err
		}
	}
	return nil
}

func compileEdition(path string, e *Edition) error {
	if e == nil {
		return nil
	}
	return e.compile(path)
}

func (r *Rules) checkSteps() error {
	s := &r.CaseSteps
	known := func(path, step string) error {
		if _, ok := qantar.LookupTerm("case_step", step); !ok {
			return loadErrorf(path, "%q is not a case step (one of %s)", step, strings.Join(qantar.VocabCodes("case_step"), ", "))
		}
		return nil
	}
	if len(s.Initial) == 0 {
		return loadErrorf("case_steps.initial", "at least one step is required")
	}
	for i, st := range s.Initial {
		if err := known(fmt.Sprintf("case_steps.initial[%d]", i), st); err != nil {
			return err
		}
	}
	for _, from := range sortedKeys(s.Transitions) {
		tos := s.Transitions[from]
		if err := known("case_steps.transitions."+from, from); err != nil {
			return err
		}
		for i, to := range tos {
			if err := known(fmt.Sprintf("case_steps.transitions.%s[%d]", from, i), to); err != nil {
				return err
			}
		}
	}
	for _, step := range sortedKeys(s.Grounds) {
		list := s.Grounds[step]
		if err := known("case_steps.grounds."+step, step); err != nil {
			return err
		}
		if list != ListTermination && list != ListInterruption {
			return loadErrorf("case_steps.grounds."+step, "%q is not a list of grounds (%s or %s)", list, ListTermination, ListInterruption)
		}
	}
	return nil
}

func entries(list string, es []Entry) (map[string]*Entry, error) {
	m := map[string]*Entry{}
	for i := range es {
		e := &es[i]
		path := fmt.Sprintf("%s[%d]", list, i)
		if err := code(path+".code", e.Code); err != nil {
			return nil, err
		}
		if _, dup := m[e.Code]; dup {
			return nil, loadErrorf(path+".code", "%q is listed twice", e.Code)
		}
		if e.Labels.EN == "" {
			return nil, loadErrorf(path+".labels.en", "is required")
		}
		if err := sourced(path, e.Basis.EN, e.Source, e.Verified); err != nil {
			return nil, err
		}
		if err := compileEdition(path+".edition", e.Edition); err != nil {
			return nil, err
		}
		m[e.Code] = e
	}
	return m, nil
}

// sourced insists that a fact of law says where it comes from and whether
// that was checked: an unmarked fact would be shown as settled law.
func sourced(path, basis, source string, verified *bool) error {
	if basis == "" {
		return loadErrorf(path+".basis", "is required: the provision of law")
	}
	if source == "" {
		return loadErrorf(path+".source", "is required: where the provision was read")
	}
	if verified == nil {
		return loadErrorf(path+".verified", "is required: true only if the source was checked")
	}
	return nil
}

// code accepts the same short codes as records do (letters, digits, - . _ /).
func code(path, s string) error {
	if s == "" {
		return loadErrorf(path, "is required")
	}
	if len(s) > 64 {
		return loadErrorf(path, "is longer than 64 characters")
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '/') {
			return loadErrorf(path, "%q is not a code (letters, digits, - . _ /)", s)
		}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
