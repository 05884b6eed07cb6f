package site

import (
	"strings"

	"github.com/qantar-project/qantar"
)

// rulesValue says a case's or a complaint's field that holds a code of its
// jurisdiction's rules in the reader's language: the kind of complaint by
// its label, the jurisdiction by its name, each criminal-code article by
// its number and title. ok is false for any other field, or a code the
// rules do not know (shown as it is).
func (p *Site) rulesValue(t tr, rec qantar.Record, name string) (string, bool) {
	if p.rules == nil {
		return "", false
	}
	var jurisdiction, kind string
	var articles []string
	switch r := rec.(type) {
	case *qantar.Complaint:
		jurisdiction, kind = r.Jurisdiction, r.ComplaintKind
	case *qantar.Case:
		jurisdiction, articles = r.Jurisdiction, r.Articles
	default:
		return "", false
	}
	rules, err := p.rules.Get(jurisdiction)
	if err != nil {
		return "", false
	}
	switch {
	case name == "jurisdiction":
		return rules.Name.In(t.Lang), true
	case name == "kind" && kind != "":
		if k, ok := rules.Kind(kind); ok {
			return k.Labels.In(t.Lang), true
		}
	case name == "articles" && len(articles) > 0:
		out := make([]string, len(articles))
		for i, a := range articles {
			out[i] = a
			if e, ok := rules.Article(a); ok {
				out[i] = a + " — " + e.Labels.In(t.Lang)
			}
		}
		return strings.Join(out, "; "), true
	}
	return "", false
}
