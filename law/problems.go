package law

import (
	"fmt"
	"regexp"
	"strings"
)

// Problem is a fact of law that claims more than it shows: marked verified
// without a source one could check, or a verified time limit without the
// edition of the law it was read from.
type Problem struct {
	Path string // the field path in the rules file, e.g. complaint_kinds[0].limit
	Code string // the entry's code
	Msg  string
}

func (p Problem) String() string { return fmt.Sprintf("rules %s (%s): %s", p.Path, p.Code, p.Msg) }

// locator finds where a source can be read: a URL or a site, a stored copy
// (owner/repo@commit), or a reference to another entry's source.
var locator = regexp.MustCompile(`(?i)https?://|\b[a-z0-9-]+\.(kz|com|org|ru|net|app|info|ua|az|gov)\b|\w@[0-9a-f]{7,}|\bas (item|art\.) \d+|see counting rule`)

// HasLocator reports whether a source string says where it can be read.
func HasLocator(source string) bool {
	s := strings.TrimSpace(source)
	if s == "" || strings.EqualFold(s, "none") || strings.EqualFold(s, "none recorded") {
		return false
	}
	return locator.MatchString(s)
}

// FactProblems lists the rules' facts of law that are marked verified but
// show no source to check them by, and the verified counting rules and time
// limits that do not say which edition of the law they were read from and
// from when it applies: without that, a deadline counted from a day in 2022
// would rest on a 2025 text as if it were settled.
func (r *Rules) FactProblems() []Problem {
	var out []Problem
	for i, c := range r.CountingRules {
		path := fmt.Sprintf("counting_rules[%d]", i)
		out = append(out, verifiedProblems(path, c.Code, c.Source, c.Verified, c.Edition, true)...)
	}
	for i, k := range r.ComplaintKinds {
		for _, l := range []struct {
			name string
			lim  *Limit
		}{{"limit", k.Limit}, {"extension", k.Extension}, {"filing_limit", k.FilingLimit}} {
			if l.lim == nil {
				continue
			}
			path := fmt.Sprintf("complaint_kinds[%d].%s", i, l.name)
			out = append(out, verifiedProblems(path, k.Code, k.Source, l.lim.Verified, l.lim.Edition, true)...)
			for j, e := range l.lim.Earlier {
				out = append(out, verifiedProblems(fmt.Sprintf("%s.earlier[%d]", path, j), k.Code, k.Source, e.Verified, e.Edition, true)...)
			}
		}
	}
	for _, l := range []struct {
		name    string
		entries []Entry
	}{{ListTermination, r.TerminationGrounds}, {ListInterruption, r.InterruptionGrounds}, {"articles", r.Articles}} {
		for i, e := range l.entries {
			path := fmt.Sprintf("%s[%d]", l.name, i)
			out = append(out, verifiedProblems(path, e.Code, e.Source, e.Verified, e.Edition, false)...)
		}
	}
	return out
}

// verifiedProblems checks one verified fact: its source must say where it
// was read; an edition, when given or required (needEdition), must say from
// when its text applies.
func verifiedProblems(path, code, source string, verified *bool, e *Edition, needEdition bool) []Problem {
	if verified == nil || !*verified {
		return nil
	}
	var out []Problem
	if !HasLocator(source) {
		out = append(out, Problem{path, code, fmt.Sprintf("marked verified, but its source (%q) names no place it was read: give a URL, a site or a stored copy, or mark it unverified", source)})
	}
	switch {
	case e == nil && needEdition:
		out = append(out, Problem{path + ".edition", code, "marked verified, but it does not say which edition of the law it was read from nor from when that text applies"})
	case e != nil && !e.HasDates():
		out = append(out, Problem{path + ".edition", code, "marked verified, but its edition has no dates: give from (in force from) or checked_from (known to apply from)"})
	}
	return out
}
