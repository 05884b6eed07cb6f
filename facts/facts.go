// Package facts checks that a dataset claims no more than its sources show:
// every fact cites a source, a quote is the source's words and not empty,
// a source without an address says why, a renaming or a boundary change is
// cited, and no rule of law is marked verified without a source one can
// check and the edition it was read from. The same checks run on a dataset
// file (the bundled one, or one a user loads), on a database, and on rules;
// `qantar facts --check` prints them, and a test holds the bundled data to
// them.
package facts

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/law"
	"github.com/qantar-project/qantar/seed"
)

// Problem is one thing a dataset claims beyond its sources: where (a
// record's kind and key or id, or a path in a rules file) and what.
type Problem struct {
	Where string
	Msg   string
}

func (p Problem) String() string { return p.Where + ": " + p.Msg }

// factKinds are the kinds whose records state facts and so need a source:
// their own (a figure's source_id, a case step's, a response's) or a
// citation. Sources are the sources; citations are the citing; places and
// units are names, checked only for what they claim over time (see places).
var factKinds = map[qantar.Kind]bool{
	qantar.KindEvent: true, qantar.KindFigure: true, qantar.KindCase: true, qantar.KindAct: true,
	qantar.KindInvolvement: true, qantar.KindPost: true, qantar.KindComplaint: true, qantar.KindPerson: true,
}

// Records checks decoded records; ids are the records' own (a citation's
// record_id must match them).
func Records(recs []qantar.Record) []Problem {
	cited := map[qantar.Ref]map[string]bool{} // record → cited fields ("" the whole record)
	for _, r := range recs {
		if c, ok := r.(*qantar.Citation); ok {
			ref := qantar.Ref{Kind: c.RecordKind, ID: c.RecordID}
			if cited[ref] == nil {
				cited[ref] = map[string]bool{}
			}
			cited[ref][c.Field] = true
		}
	}
	var out []Problem
	for _, r := range recs {
		where := name(r)
		fields := cited[qantar.Ref{Kind: r.Kind(), ID: r.GetMeta().ID}]
		switch rec := r.(type) {
		case *qantar.Citation:
			if rec.Quote != "" && strings.TrimSpace(rec.Quote) == "" {
				out = append(out, Problem{where, "quote is empty: a quote is the source's own words; leave it out, or put Qantar's words in note"})
			}
		case *qantar.Source:
			if rec.URL == "" && rec.ArchiveURL == "" && rec.Notes.IsEmpty() {
				out = append(out, Problem{where, "has no url and no archive_url, and its notes do not say why nor where a copy is"})
			}
		case *qantar.Place:
			out = append(out, places(where, rec, fields)...)
		}
		if factKinds[r.Kind()] && len(fields) == 0 && !ownSource(r) {
			out = append(out, Problem{where, "states a fact but cites no source (no citation of it, and no source_id of its own)"})
		}
	}
	return out
}

// places checks what a place claims over time: a change of region between
// the events and today, and names valid for periods, each need a citation
// of the place, of that field, or (for a boundary change) of either region.
func places(where string, p *qantar.Place, fields map[string]bool) []Problem {
	var out []Problem
	if p.RegionThenID != 0 && p.RegionNowID != 0 && p.RegionThenID != p.RegionNowID &&
		!fields[""] && !fields["region_then_id"] && !fields["region_now_id"] {
		out = append(out, Problem{where, "its region changed between the events and today, but no citation says so"})
	}
	if len(p.Names) > 0 && !fields[""] && !fields["names"] {
		out = append(out, Problem{where, "lists names valid for periods, but no citation of them (field names) says when each was in use"})
	}
	return out
}

// ownSource reports whether a record refers to a source itself.
// NeedsSource reports whether records of kind state facts, and so are
// drafts until a source backs them (see OwnSource and citations).
func NeedsSource(kind qantar.Kind) bool { return factKinds[kind] }

// OwnSource reports whether a record names a source of its own: a figure's
// source_id, a case step's, a response's, a checklist answer's.
func OwnSource(r qantar.Record) bool { return ownSource(r) }

func ownSource(r qantar.Record) bool {
	for _, ref := range r.Refs() {
		if ref.Kind == qantar.KindSource {
			return true
		}
	}
	return false
}

func name(r qantar.Record) string {
	m := r.GetMeta()
	if m.ExternalKey != "" {
		return fmt.Sprintf("%s %s", r.Kind(), m.ExternalKey)
	}
	return fmt.Sprintf("%s #%d", r.Kind(), m.ID)
}

// File checks a dataset file: its records as Records does (which names a
// quote of blanks), and every citation whose "quote" is present but ""
// (which decoding cannot tell from an absent one).
func File(f seed.File) ([]Problem, error) {
	recs, err := f.Decode()
	if err != nil {
		return nil, err
	}
	var out []Problem
	for i, e := range f.Records {
		if e.Kind != qantar.KindCitation {
			continue
		}
		var raw struct {
			Quote *string `json:"quote"`
		}
		if json.Unmarshal(e.Record, &raw) == nil && raw.Quote != nil && *raw.Quote == "" {
			out = append(out, Problem{name(recs[i]), "quote is empty: a quote is the source's own words; leave it out, or put Qantar's words in note"})
		}
	}
	return append(out, Records(recs)...), nil
}

// Store checks every live record of a database, as an administrator sees it.
func Store(ctx context.Context, s qantar.Store) ([]Problem, error) {
	var recs []qantar.Record
	for _, k := range qantar.Kinds {
		page, err := qantar.ListAll(ctx, s, k, qantar.Filter{Reader: qantar.System})
		if err != nil {
			return nil, fmt.Errorf("listing %s: %w", k, err)
		}
		recs = append(recs, page...)
	}
	return Records(recs), nil
}

// Rules lists a rules file's facts of law that claim more than they show
// (law.Rules.FactProblems), and its texts a Kazakh or Russian reader would
// see in English (law.Rules.TranslationProblems).
func Rules(r *law.Rules) []Problem {
	var out []Problem
	for _, p := range append(r.FactProblems(), r.TranslationProblems()...) {
		out = append(out, Problem{fmt.Sprintf("rules %s %s (%s)", r.Jurisdiction, p.Path, p.Code), p.Msg})
	}
	return out
}
