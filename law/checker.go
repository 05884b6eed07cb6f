package law

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/qantar-project/qantar"
)

// Checker checks cases and complaints against their jurisdiction's rules:
// each new case step must follow the step before it, a step that needs a
// ground carries one the rules know, articles are known, and a complaint's
// kind exists. Stores call it before every write (qantar.Checker).
//
// On an update, the steps, articles and kind already stored are not checked
// again: they were accepted under the rules of their day, and a later rules
// file must not make an old case impossible to edit.
type Checker struct {
	Rules *Registry
}

var _ qantar.Checker = Checker{}

// Check implements qantar.Checker.
func (c Checker) Check(ctx context.Context, rec, prev qantar.Record) error {
	switch v := rec.(type) {
	case *qantar.Case:
		p, _ := prev.(*qantar.Case)
		return c.checkCase(v, p)
	case *qantar.Complaint:
		p, _ := prev.(*qantar.Complaint)
		return c.checkComplaint(v, p)
	case *qantar.Unit:
		return c.checkUnit(v)
	}
	return nil
}

// checkUnit refuses a position whose coordinates fall outside the bounds of
// every jurisdiction that gives bounds (a swapped latitude and longitude, a
// lost digit, a place in another country).
func (c Checker) checkUnit(u *qantar.Unit) error {
	g := c.registry()
	var boxes []*Bounds
	for _, code := range g.Codes() {
		if r, err := g.Get(code); err == nil && r.Bounds != nil {
			boxes = append(boxes, r.Bounds)
		}
	}
	if len(boxes) == 0 {
		return nil
	}
	for i, p := range u.Positions {
		if p.Lat == nil || p.Lon == nil {
			continue
		}
		inside := false
		for _, b := range boxes {
			inside = inside || b.Holds(*p.Lat, *p.Lon)
		}
		if !inside {
			return qantar.FieldErrorf(fmt.Sprintf("positions[%d].lat", i), "%s, %s lies outside the jurisdictions' bounds", fmt.Sprint(*p.Lat), fmt.Sprint(*p.Lon))
		}
	}
	return nil
}

func (c Checker) registry() *Registry {
	if c.Rules == nil {
		return DefaultRegistry()
	}
	return c.Rules
}

func (c Checker) checkCase(cs, prev *qantar.Case) error {
	r, err := c.registry().Get(cs.Jurisdiction)
	if err != nil {
		return err
	}
	kept := 0 // steps unchanged from the stored version
	if prev != nil && prev.Jurisdiction == cs.Jurisdiction {
		for kept < len(cs.Steps) && kept < len(prev.Steps) && sameStep(cs.Steps[kept], prev.Steps[kept]) {
			kept++
		}
	}
	for i := kept; i < len(cs.Steps); i++ {
		s := cs.Steps[i]
		f := fmt.Sprintf("steps[%d]", i)
		from := ""
		if i > 0 {
			from = cs.Steps[i-1].Step
		}
		if !r.Allowed(from, s.Step) {
			allowed := strings.Join(r.Next(from), ", ")
			if allowed == "" {
				allowed = "none"
			}
			if from == "" {
				return qantar.FieldErrorf(f+".step", "a case cannot start with %q under the %s rules (allowed: %s)", s.Step, r.Jurisdiction, allowed)
			}
			return qantar.FieldErrorf(f+".step", "%q cannot follow %q under the %s rules (allowed after %q: %s)", s.Step, from, r.Jurisdiction, from, allowed)
		}
		list, needs := r.CaseSteps.Grounds[s.Step]
		switch {
		case needs && s.Ground == "":
			return qantar.FieldErrorf(f+".ground", "a %q step needs a ground from the %s %s (one of %s)", s.Step, r.Jurisdiction, strings.ReplaceAll(list, "_", " "), strings.Join(r.groundCodes(list), ", "))
		case needs:
			if _, ok := r.Ground(list, s.Ground); !ok {
				return qantar.FieldErrorf(f+".ground", "%q is not one of the %s %s (one of %s)", s.Ground, r.Jurisdiction, strings.ReplaceAll(list, "_", " "), strings.Join(r.groundCodes(list), ", "))
			}
		case s.Ground != "":
			return qantar.FieldErrorf(f+".ground", "a %q step takes no ground under the %s rules", s.Step, r.Jurisdiction)
		}
	}
	old := map[string]bool{}
	if prev != nil && prev.Jurisdiction == cs.Jurisdiction {
		for _, a := range prev.Articles {
			old[a] = true
		}
	}
	for i, a := range cs.Articles {
		if old[a] {
			continue
		}
		if _, ok := r.Article(a); !ok {
			return qantar.FieldErrorf(fmt.Sprintf("articles[%d]", i), "%q is not a criminal-code article of the %s rules (write a part as 146-2)", a, r.Jurisdiction)
		}
	}
	return nil
}

func sameStep(a, b qantar.CaseEvent) bool {
	return a.Step == b.Step && a.Date == b.Date && a.Ground == b.Ground
}

func (c Checker) checkComplaint(cp, prev *qantar.Complaint) error {
	r, err := c.registry().Get(cp.Jurisdiction)
	if err != nil {
		return err
	}
	if prev != nil && prev.ComplaintKind == cp.ComplaintKind && prev.Jurisdiction == cp.Jurisdiction {
		return nil
	}
	_, err = r.kind(cp.ComplaintKind)
	return err
}

func (r *Rules) groundCodes(list string) []string {
	out := make([]string, 0, len(r.grounds[list]))
	for code := range r.grounds[list] {
		out = append(out, code)
	}
	sort.Slice(out, func(i, j int) bool { return naturalLess(out[i], out[j]) })
	return out
}

// naturalLess orders "cpc-35-1-2" before "cpc-35-1-10".
func naturalLess(a, b string) bool {
	for a != "" && b != "" {
		da, db := digits(a), digits(b)
		if da > 0 && db > 0 {
			na, nb := strings.TrimLeft(a[:da], "0"), strings.TrimLeft(b[:db], "0")
			if len(na) != len(nb) {
				return len(na) < len(nb)
			}
			if na != nb {
				return na < nb
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			return a[0] < b[0]
		}
		a, b = a[1:], b[1:]
	}
	return len(a) < len(b)
}

func digits(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}
