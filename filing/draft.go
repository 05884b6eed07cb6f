package filing

import (
	"strings"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/law"
)

// CaseFile is a case and what a draft about it needs, every record as the
// reader sees it (its projection): the acts it concerns and their victims,
// the unit that holds it, the sources of its steps, and the complaints
// already filed in it.
type CaseFile struct {
	Case       *qantar.Case
	Acts       []*qantar.Act
	Persons    map[int64]*qantar.Person
	Units      map[int64]*qantar.Unit
	Sources    map[int64]*qantar.Source
	Complaints []*qantar.Complaint
}

// DraftOptions says which draft to make: the complaint kind, the language,
// the day it would be registered (the answer's deadline counts from it) and
// the day the draft is dated.
type DraftOptions struct {
	Kind     string
	Lang     string
	FiledOn  time.Time
	Today    time.Time
	Rules    *law.Rules
	Template *Template
}

// Draft is a draft complaint: the document, what the case lacks for it,
// and the Complaint record that filing it creates.
type Draft struct {
	Document  *Document
	Missing   []string // case steps the template needs that the case does not record
	Complaint *qantar.Complaint
}

// MakeDraft fills the template of a complaint kind from a case. What the
// case does not record is not invented: the draft names the missing step
// and leaves the deadline that would count from it uncomputed.
func MakeDraft(cf *CaseFile, o DraftOptions) (*Draft, error) {
	if o.Rules == nil || o.Template == nil || cf == nil || cf.Case == nil {
		return nil, qantar.Errorf(qantar.EINTERNAL, "draft: rules, template and case are required")
	}
	kind, ok := o.Rules.Kind(o.Kind)
	if !ok {
		return nil, invalid(o.Lang, "%q is not a complaint kind of the %s rules (one of %s)", o.Kind, o.Rules.Jurisdiction, strings.Join(o.Rules.KindCodes(), ", "))
	}
	tk, ok := o.Template.Kinds[o.Kind]
	if !ok {
		return nil, invalid(o.Lang, "The template has no draft for complaint kind %s", o.Kind)
	}
	f := &filler{cf: cf, o: o, t: o.Template, vals: map[string]string{}, items: map[string][]map[string]string{}}
	f.caseValues()
	f.challenged(tk)
	f.deadlines(kind)
	f.kindValues(kind, tk)
	doc := &Document{Lang: o.Lang, Title: f.vals["title"] + " " + cf.Case.Number}
	for _, b := range o.Template.Blocks {
		f.block(doc, b)
	}
	var missing []string
	for _, m := range f.items["missing"] {
		missing = append(missing, m["missing_step"])
	}
	c := &qantar.Complaint{ComplaintKind: o.Kind, Jurisdiction: o.Rules.Jurisdiction, FiledOn: qantar.DayOf(o.FiledOn),
		CaseID: cf.Case.ID, Subject: qantar.Text{o.Lang: f.vals["title"] + ": " + f.vals["request"]}}
	return &Draft{Document: doc, Missing: missing, Complaint: c}, nil
}

// filler holds a draft's values while it is filled.
type filler struct {
	cf    *CaseFile
	o     DraftOptions
	t     *Template
	vals  map[string]string
	items map[string][]map[string]string
}

func (f *filler) phrase(k string) string { return f.t.Phrases[k] }

func (f *filler) date(d qantar.Date) string {
	if d.IsZero() {
		return f.phrase("not_recorded")
	}
	return d.String()
}

func (f *filler) term(vocab, code string) string {
	if t, ok := qantar.LookupTerm(vocab, code); ok {
		return t.Label(f.o.Lang)
	}
	return code
}

func (f *filler) person(id int64) string {
	p := f.cf.Persons[id]
	if p == nil || qantar.IsPlaceholder(p) {
		return f.phrase("protected_person")
	}
	if n := p.NameIn(f.o.Lang); n != "" {
		return n
	}
	return p.PrimaryName()
}

func (f *filler) source(id int64) string {
	s := f.cf.Sources[id]
	if id == 0 || s == nil {
		return f.phrase("no_source")
	}
	title, _ := s.Title.In(f.o.Lang)
	parts := []string{title}
	if !s.Date.IsZero() {
		parts = append(parts, s.Date.String())
	}
	if s.URL != "" {
		parts = append(parts, s.URL)
	}
	return strings.Join(parts, ", ")
}

// caseValues fills what comes from the case itself.
func (f *filler) caseValues() {
	c := f.cf.Case
	v := f.vals
	v["jurisdiction"] = f.o.Rules.Name.In(f.o.Lang)
	v["case_number"] = c.Number
	v["case_opened"] = f.date(c.OpenedOn)
	v["authority"] = f.phrase("not_recorded")
	if u := f.cf.Units[c.AuthorityID]; u != nil {
		v["authority"], _ = u.Name.In(f.o.Lang)
	}
	v["today"] = f.o.Today.Format(time.DateOnly)
	v["filed_on"] = f.o.FiledOn.Format(time.DateOnly)
	var victims []string
	seen := map[int64]bool{}
	for _, a := range f.cf.Acts {
		f.items["acts"] = append(f.items["acts"], map[string]string{"act_date": f.date(a.Date),
			"act_type": f.term("act_type", a.ActType), "act_victim": f.person(a.VictimID)})
		if !seen[a.VictimID] {
			seen[a.VictimID] = true
			victims = append(victims, f.person(a.VictimID))
		}
	}
	v["victims"] = strings.Join(victims, ", ")
	for _, s := range c.Steps {
		f.items["steps"] = append(f.items["steps"], map[string]string{"step_date": f.date(s.Date),
			"step_name": f.term("case_step", s.Step), "step_ground": f.ground(s), "step_source": f.source(s.SourceID)})
	}
	for _, code := range c.Articles {
		item := map[string]string{"article_code": code, "article_label": code, "article_basis": code}
		if e, ok := f.o.Rules.Article(code); ok {
			item["article_label"], item["article_basis"] = e.Labels.In(f.o.Lang), e.Basis.In(f.o.Lang)
			if e.Code != code {
				item["article_basis"] = e.Basis.In(f.o.Lang) + " (" + code + ")"
			}
		}
		f.items["articles"] = append(f.items["articles"], item)
	}
	for _, cm := range f.cf.Complaints {
		outcome := f.phrase("no_answer")
		if n := len(cm.Responses); n > 0 {
			r := cm.Responses[n-1]
			outcome = f.term("response_outcome", r.Outcome) + " (" + r.ReceivedOn.String() + ")"
		}
		label := cm.ComplaintKind
		if k, ok := f.o.Rules.Kind(cm.ComplaintKind); ok {
			label = k.Labels.In(f.o.Lang)
		}
		f.items["complaints"] = append(f.items["complaints"], map[string]string{"complaint_filed_on": cm.FiledOn.String(),
			"complaint_kind": label, "complaint_outcome": outcome})
	}
}

// ground says a step's ground as ", label (basis)", or nothing.
func (f *filler) ground(s qantar.CaseEvent) string {
	if s.Ground == "" {
		return ""
	}
	list := map[string]string{"terminated": law.ListTermination, "interrupted": law.ListInterruption}[s.Step]
	if e, ok := f.o.Rules.Ground(list, s.Ground); ok {
		return ", " + e.Labels.In(f.o.Lang) + " (" + e.Basis.In(f.o.Lang) + ")"
	}
	return ", " + s.Ground
}

// challenged finds the decision complained of: the last step of the case
// among those the kind challenges. None recorded is said as missing.
func (f *filler) challenged(tk TemplateKind) {
	v := f.vals
	v["challenged_step"], v["challenged_date"], v["challenged_ground"] = f.phrase("not_recorded"), f.phrase("not_recorded"), ""
	if len(tk.Challenges) == 0 {
		return
	}
	steps := f.cf.Case.Steps
	for i := len(steps) - 1; i >= 0; i-- {
		if contains(tk.Challenges, steps[i].Step) {
			v["challenged_step"] = f.term("case_step", steps[i].Step)
			v["challenged_date"] = steps[i].Date.String()
			v["challenged_ground"] = f.ground(steps[i])
			f.items["challenged"] = []map[string]string{{}}
			return
		}
	}
	var names []string
	for _, s := range tk.Challenges {
		names = append(names, f.term("case_step", s))
	}
	f.items["missing"] = append(f.items["missing"], map[string]string{"missing_step": strings.Join(names, " / ")})
}

// challengedDate is the date of the decision complained of, if recorded.
func (f *filler) challengedDate(tk TemplateKind) (time.Time, bool) {
	steps := f.cf.Case.Steps
	for i := len(steps) - 1; i >= 0; i-- {
		if contains(tk.Challenges, steps[i].Step) && steps[i].Date.HasDay() {
			return steps[i].Date.Time(), true
		}
	}
	return time.Time{}, false
}

// deadlines counts the filing limit from the decision complained of and
// the answer's limit from the day of filing, by the rules (law.Rules, the
// one place deadlines are counted).
func (f *filler) deadlines(kind *law.ComplaintKind) {
	v := f.vals
	unverified := false
	if l := kind.FilingLimit; l != nil {
		f.items["filing_limit"] = []map[string]string{{}}
		v["filing_basis"], v["filing_from"], v["filing_deadline"] = l.Basis.In(f.o.Lang), l.From.In(f.o.Lang), f.phrase("not_computed")
		if from, ok := f.challengedDate(f.t.Kinds[f.o.Kind]); ok {
			if d, err := f.o.Rules.FilingDeadline(kind.Code, from); err == nil {
				v["filing_deadline"] = d.Date.Format(time.DateOnly)
				unverified = unverified || !d.Verified
			}
		} else if len(f.items["missing"]) == 0 {
			f.items["missing"] = append(f.items["missing"], map[string]string{"missing_step": f.phrase("filing_start")})
		}
	}
	if kind.Limit != nil {
		if d, err := f.o.Rules.Deadline(kind.Code, f.o.FiledOn); err == nil {
			f.items["answer_limit"] = []map[string]string{{}}
			v["answer_due"], v["answer_basis"] = d.Date.Format(time.DateOnly), d.Basis.In(f.o.Lang)
			unverified = unverified || !d.Verified
		}
	}
	if unverified {
		v["verification"] = f.phrase("unverified")
	}
}

// kindValues fills the kind's own texts, whose placeholders are filled
// first from the case.
func (f *filler) kindValues(kind *law.ComplaintKind, tk TemplateKind) {
	v := f.vals
	v["kind_code"], v["kind_label"], v["kind_basis"], v["kind_source"] = kind.Code, kind.Labels.In(f.o.Lang), kind.Basis.In(f.o.Lang), kind.Source
	v["addressee"] = fill(tk.Addressee, v)
	v["title"] = fill(tk.Title, v)
	v["request"] = fill(tk.Request, v)
}

// block adds a template block to the document: once, once per item, or
// its empty text when its list has none.
func (f *filler) block(doc *Document, b TemplateBlock) {
	list := b.Each
	if list == "" {
		list = b.If
	}
	items := f.items[list]
	switch {
	case list != "" && len(items) == 0:
		if b.Empty != "" {
			doc.add(b.Style, "%s", fill(b.Empty, f.vals))
		}
	case b.Each != "":
		for _, it := range items {
			doc.add(b.Style, "%s", fill(b.Text, it, f.vals))
		}
	default:
		if text := fill(b.Text, f.vals); strings.TrimSpace(text) != "" {
			doc.add(b.Style, "%s", text)
		}
	}
}
