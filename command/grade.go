// Package command answers "who was in command here, then": which units
// were at a place on a date, the chain of command of each on that date,
// the commanders on each level, and how well each of those claims is
// sourced. It is pure: it computes over the records one reader sees (as
// qantar.Project gives them), so a protected commander's post, which the
// projection strips of its unit and role, is never matched. The rules are
// in docs/COMMAND.md.
package command

import (
	"strings"

	"github.com/qantar-project/qantar"
)

// Grades of a claim, weakest first (docs/COMMAND.md).
const (
	GradeUnsourced   = "unsourced"
	GradeSingle      = "single_source"
	GradeIndependent = "independent_sources"
	GradeOfficial    = "official_confirmation"
)

// OfficialKinds are the source kinds that confirm a claim officially: what
// the state says of its own units (statements, court documents, legal acts).
var OfficialKinds = map[string]bool{"official_statement": true, "court_document": true, "legal_act": true}

// Claim is one datum (a parent link, a position, a post) with its status,
// its grade and the sources cited for it.
type Claim struct {
	Status    string  `json:"status"` // claim_status; accepted when the record says nothing
	Grade     string  `json:"grade"`
	SourceIDs []int64 `json:"source_ids"`
}

// Grade grades a claim by the sources cited for it: official confirmation
// when one of them is of an official kind; two independent sources when at
// least two of them share neither publisher nor author (a source with
// neither is its own origin); a single source; or none.
func Grade(sources []*qantar.Source) string {
	origins := 0
	var seen []*qantar.Source
	for _, s := range sources {
		if s == nil {
			continue
		}
		if OfficialKinds[s.SourceKind] {
			return GradeOfficial
		}
		independent := true
		for _, o := range seen {
			if sameOrigin(s, o) {
				independent = false
				break
			}
		}
		if independent {
			origins++
		}
		seen = append(seen, s)
	}
	switch {
	case origins >= 2:
		return GradeIndependent
	case origins == 1:
		return GradeSingle
	}
	return GradeUnsourced
}

// sameOrigin reports whether two sources come from one publisher or one
// author (compared without case or surrounding spaces).
func sameOrigin(a, b *qantar.Source) bool {
	eq := func(x, y string) bool {
		x, y = strings.TrimSpace(x), strings.TrimSpace(y)
		return x != "" && strings.EqualFold(x, y)
	}
	return a.ID == b.ID || eq(a.Publisher, b.Publisher) || eq(a.Author, b.Author)
}

// status is a claim's status as shown: a record that says none is accepted.
func status(s string) string {
	if s == "" {
		return "accepted"
	}
	return s
}
