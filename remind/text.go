package remind

import (
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/locale"
)

// The words of reminders are catalogue keys (locale/translations); the
// package's test holds every key used here to being there in kk, ru and en.

func date(t time.Time) string { return t.Format(time.DateOnly) }

// personName is a person as the reader sees them, in lang; a placeholder
// is "Protected person" in lang.
func personName(p locale.Printer, person *qantar.Person) string {
	if person == nil {
		return ""
	}
	if qantar.IsPlaceholder(person) {
		return p.S("Protected person")
	}
	return person.NameIn(p.Lang())
}

// Title is the target's title in lang: the case's number or the person's
// name as the reader sees it.
func (d *Digest) Title(lang string) string {
	p := locale.For(lang)
	if d.Case != nil {
		return p.S("Deadlines in case %s", caseName(d.Case))
	}
	return p.S("Deadlines concerning %s", personName(p, d.Person))
}

func caseName(c *qantar.Case) string {
	if c.Number != "" {
		return c.Number
	}
	return "#" + idString(c.ID)
}

// kindLabel is the complaint kind's label in lang, from the rules.
func (d *Digest) kindLabel(c *qantar.Complaint, lang string) string {
	rules, err := d.opts.Rules.Get(c.Jurisdiction)
	if err != nil {
		return c.ComplaintKind
	}
	if k, ok := rules.Kind(c.ComplaintKind); ok {
		if l := k.Labels.In(lang); l != "" {
			return l
		}
	}
	return c.ComplaintKind
}

// headline is an item's one line: overdue by how many days, or due by when.
func (d *Digest) headline(it Item, lang string) string {
	p := locale.For(lang)
	no := "#" + idString(it.Complaint.ID)
	if it.Overdue() {
		return p.S("%d days without an answer past the deadline: complaint %s, %s", it.DaysOverdue, no, d.kindLabel(it.Complaint, lang))
	}
	return p.S("Answer due by %s: complaint %s, %s", date(it.Status.Deadline.Date), no, d.kindLabel(it.Complaint, lang))
}

// details are the lines that follow an item's headline.
func (d *Digest) details(it Item, lang string) []string {
	p := locale.For(lang)
	c := it.Complaint
	out := []string{p.S("Filed on %s; answer due by %s (%s).", date(c.FiledOn.Time()), date(it.Status.Deadline.Date), it.Status.Deadline.Basis.In(lang))}
	if !it.Status.Deadline.Verified {
		out = append(out, p.S("The time limit is not verified in the rules: check it against the law."))
	}
	if it.Case != nil {
		out = append(out, p.S("Case %s", caseName(it.Case)))
	}
	if it.Filer != nil {
		out = append(out, p.S("Filed by %s", personName(p, it.Filer)))
	}
	if it.Addressee != nil {
		name, _ := it.Addressee.Name.In(lang)
		out = append(out, p.S("Addressed to %s", name))
	}
	if s, _ := c.Subject.In(lang); s != "" {
		out = append(out, p.S("Subject: %s", s))
	}
	if it.Overdue() && it.Status.EscalatesTo != "" {
		next := &qantar.Complaint{ComplaintKind: it.Status.EscalatesTo, Jurisdiction: c.Jurisdiction}
		out = append(out, p.S("Next step under the rules: %s, from %s.", d.kindLabel(next, lang), date(it.Status.EscalationFrom)))
	}
	if l := d.link(qantar.KindComplaint, c.ID, lang); l != "" {
		out = append(out, l)
	}
	return out
}
