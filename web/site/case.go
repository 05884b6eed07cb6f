package site

import (
	"context"
	"sort"
	"strings"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/law"
)

// stepRow is one step of a case's procedural timeline.
type stepRow struct {
	Step     string
	Date     string
	Ground   string
	Basis    string
	Verdict  string
	Term     string // the term of a conviction, in the reader's language
	Sentence string
	Source   link
	Note     string
}

type participantRow struct {
	Person link
	Role   string
	Since  string
}

// caseSections fills a case's timeline, participants and acts.
func (p *Site) caseSections(ctx context.Context, pg *recordView, res *resolver, c *qantar.Case) {
	t := res.t
	rules, _ := p.rules.Get(c.Jurisdiction)
	for _, s := range c.Steps {
		row := stepRow{Step: t.Term("case_step", s.Step), Date: t.Date(s.Date), Verdict: t.Term("verdict", s.Verdict),
			Term: t.term(s.TermYears, s.TermMonths), Sentence: s.Sentence, Note: t.Text(s.Note), Ground: s.Ground}
		if s.SourceID != 0 {
			row.Source = res.link(ctx, qantar.KindSource, s.SourceID)
		}
		if s.Ground != "" && rules != nil {
			list := law.ListTermination
			if s.Step == "interrupted" {
				list = law.ListInterruption
			}
			if e, ok := rules.Ground(list, s.Ground); ok {
				row.Ground, row.Basis = e.Labels.In(t.Lang), e.Basis.In(t.Lang)
			}
		}
		pg.Timeline = append(pg.Timeline, row)
	}
	for _, x := range c.Participants {
		pg.Participants = append(pg.Participants, participantRow{Person: res.link(ctx, qantar.KindPerson, x.PersonID),
			Role: t.Term("participant_role", x.Role), Since: x.Since.String()})
	}
	for _, id := range c.ActIDs {
		if len(pg.CaseActs) == 200 {
			break
		}
		a, ok := res.get(ctx, qantar.KindAct, id).(*qantar.Act)
		if !ok {
			continue
		}
		pg.CaseActs = append(pg.CaseActs, link{Href: recordHref(qantar.KindAct, id),
			Title: t.Term("act_type", a.ActType) + ", " + t.Date(a.Date) + " — " + res.link(ctx, qantar.KindPerson, a.VictimID).Title})
	}
}

func sortPosts(rows []postRow) {
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].FirstCited < rows[j].FirstCited })
}

// term says a sentence's term in years and months ("4 жыл 6 ай"), "" for
// none.
func (t tr) term(years, months int) string {
	var parts []string
	if years > 0 {
		parts = append(parts, t.S("%d years", years))
	}
	if months > 0 {
		parts = append(parts, t.S("%d months", months))
	}
	return strings.Join(parts, " ")
}
