package site

import (
	"context"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/law"
	"github.com/qantar-project/qantar/report"
)

// An act's protocol checklists: the Istanbul Protocol's for torture and
// ill-treatment, the Minnesota Protocol's for killings, one rendering for
// both (the "checklist" template of _parts.html). Each item is where
// report.ItemStates puts it (only cited answers count) with its sources as
// links; the act is as the reader sees it, so a protected victim's notes
// are not there to show.

// checklistView is one protocol's checklist for one act.
type checklistView struct {
	ID       string // istanbul, minnesota: the section's id
	Title    string
	Items    []checkItem
	Answered int // items answered with a source (not unknown)
	Unknown  int
	Summary  string
	Head     [2]string // the table's column headings
}

type checkItem struct {
	Code    string
	Label   string
	State   string // yes, no, disputed, unknown (a class)
	Said    string // the state in the reader's language
	Sources []link
}

// sufficiencyView is an act's evidence set against the closures of the
// cases about it: what the record documents (its sources contradict a
// closure "for lack of evidence"), what was not done, what is missing.
type sufficiencyView struct {
	Closures   []closureRow
	Documented []checkItem
	NotDone    []checkItem
	Disputed   []checkItem
	Missing    []checkItem
}

type closureRow struct {
	Case   link
	Date   string
	Ground string
}

var stateWords = map[string]string{
	report.StateYes: "Yes", report.StateNo: "No", report.StateDisputed: "Disputed", report.StateUnknown: "Unknown",
}

func (p *Site) checkItems(ctx context.Context, res *resolver, states []report.ItemState) []checkItem {
	out := make([]checkItem, len(states))
	for i, st := range states {
		it := checkItem{Code: st.Item.Code, Label: st.Item.Labels.In(res.t.Lang), State: st.State, Said: res.t.S(stateWords[st.State])}
		for _, id := range st.Sources {
			it.Sources = append(it.Sources, res.link(ctx, qantar.KindSource, id))
		}
		out[i] = it
	}
	return out
}

func (p *Site) checklist(ctx context.Context, res *resolver, id, title string, items []report.Item, answers []qantar.ChecklistAnswer) checklistView {
	v := checklistView{ID: id, Title: res.t.S(title), Items: p.checkItems(ctx, res, report.ItemStates(items, answers))}
	for _, it := range v.Items {
		if it.State == report.StateUnknown {
			v.Unknown++
		} else {
			v.Answered++
		}
	}
	t := res.t
	v.Summary = t.S("Answered with a source: %d of %d; unknown: %d.", v.Answered, len(v.Items), v.Unknown)
	v.Head = [2]string{t.S("Item"), t.S("Answer and its sources")}
	return v
}

// actChecklists fills an act page's checklists and, for torture, its
// evidence-sufficiency view; the raw answers leave the list of fields.
func (p *Site) actChecklists(ctx context.Context, pg *recordView, res *resolver, a *qantar.Act) error {
	torture := report.IsTortureAct(a.ActType) || len(a.Istanbul) > 0
	killing := a.IsKilling() || len(a.Minnesota) > 0
	if torture {
		pg.Checklists = append(pg.Checklists, p.checklist(ctx, res, "istanbul", "Istanbul Protocol", report.IstanbulItems, a.Istanbul))
	}
	if killing {
		pg.Checklists = append(pg.Checklists, p.checklist(ctx, res, "minnesota", "Minnesota Protocol", report.MinnesotaItems, a.Minnesota))
	}
	kept := pg.Fields[:0]
	for _, f := range pg.Fields {
		if f.Name != "istanbul" && f.Name != "minnesota" {
			kept = append(kept, f)
		}
	}
	pg.Fields = kept
	if !torture {
		return nil
	}
	cases, err := p.casesOfAct(ctx, res, a.ID)
	if err != nil {
		return err
	}
	suf := report.EvidenceSufficiency(a, cases)
	if len(suf.Closures) == 0 {
		return nil
	}
	v := &sufficiencyView{Documented: p.checkItems(ctx, res, suf.Documented), NotDone: p.checkItems(ctx, res, suf.NotDone),
		Disputed: p.checkItems(ctx, res, suf.Disputed), Missing: p.checkItems(ctx, res, suf.Missing)}
	for _, cl := range suf.Closures {
		row := closureRow{Case: res.link(ctx, qantar.KindCase, cl.CaseID), Date: res.t.Date(cl.Date), Ground: cl.Ground}
		if rules, err := p.rules.Get(caseJurisdiction(cases, cl.CaseID)); err == nil {
			if e, ok := rules.Ground(law.ListTermination, cl.Ground); ok {
				row.Ground = e.Labels.In(res.t.Lang) + " (" + e.Basis.In(res.t.Lang) + ")"
			}
		}
		v.Closures = append(v.Closures, row)
	}
	pg.Sufficiency = v
	return nil
}

func caseJurisdiction(cases []*qantar.Case, id int64) string {
	for _, c := range cases {
		if c.ID == id {
			return c.Jurisdiction
		}
	}
	return ""
}
