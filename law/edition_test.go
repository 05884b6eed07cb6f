package law

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/qantar-project/qantar"
)

// editionRules gives minimalRules' "quick" kind a current edition (5 working
// days, in force from 2024-07-01) and an earlier one (3 working days, in
// force 2024-01-01 to 2024-06-30).
var editionRules = strings.Replace(minimalRules,
	`"limit": {"days": 3, "unit": "working", "counting": "std", "from": "registration", "basis": "art. 1", "verified": true}}`,
	`"limit": {"days": 5, "unit": "working", "counting": "std", "from": "registration", "basis": "art. 1", "verified": true,
	   "edition": {"text": "as amended by Law 2 of 2024", "from": "2024-07-01"},
	   "earlier": [{"days": 3, "unit": "working", "counting": "std", "from": "registration", "basis": "art. 1", "verified": true,
	     "edition": {"text": "original text", "from": "2024-01-01", "to": "2024-06-30"}}]}}`, 1)

// TestDeadlineUsesEditionInForce: the calculator counts with the edition in
// force on the day the period runs from, and says which; a day no edition
// is known for is counted with the current text, flagged.
func TestDeadlineUsesEditionInForce(t *testing.T) {
	if editionRules == minimalRules {
		t.Fatal("the edition was not inserted")
	}
	r, err := Load(strings.NewReader(editionRules))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		from, want, edition string
		inForce             bool
	}{
		// 2024-02-01 Thu: 3 working days (Mon 5 a holiday) = Wed 7.
		{"2024-02-01", "2024-02-07", "original text", true},
		{"2024-06-30", "2024-07-03", "original text", true},
		// 5 working days from Mon 1 Jul = Mon 8 Jul.
		{"2024-07-01", "2024-07-08", "as amended by Law 2 of 2024", true},
		// Before any recorded edition: the current text, flagged.
		{"2023-12-29", "2024-01-05", "as amended by Law 2 of 2024", false},
	}
	for _, tc := range tests {
		got, err := r.Deadline("quick", d(tc.from))
		if err != nil {
			t.Fatal(err)
		}
		if g := got.Date.Format(time.DateOnly); g != tc.want || got.Edition == nil || got.Edition.Text.EN != tc.edition || got.Edition.InForce != tc.inForce {
			t.Errorf("from %s: %s edition %+v, want %s %q in force %v", tc.from, g, got.Edition, tc.want, tc.edition, tc.inForce)
		}
		if !tc.inForce && (got.Verified || !strings.Contains(fmt.Sprint(got.Notes), "is not recorded")) {
			t.Errorf("from %s: verified %v notes %q, want it flagged", tc.from, got.Verified, got.Notes)
		}
	}
}

func TestEditionLoadErrors(t *testing.T) {
	tests := []struct{ name, old, new, path, msg string }{
		{"NoText", `"text": "as amended by Law 2 of 2024", `, ``, "complaint_kinds[0].limit.edition.text", "is required"},
		{"BadDate", `"from": "2024-07-01"`, `"from": "2024-07-32"`, "complaint_kinds[0].limit.edition.from", "not a date"},
		{"FromAndChecked", `"from": "2024-07-01"`, `"from": "2024-07-01", "checked_from": "2024-07-01"`, "complaint_kinds[0].limit.edition.checked_from", "not both"},
		{"ToBeforeFrom", `"to": "2024-06-30"`, `"to": "2023-06-30"`, "complaint_kinds[0].limit.earlier[0].edition.to", "before"},
		{"EarlierWithoutTo", `, "to": "2024-06-30"`, ``, "complaint_kinds[0].limit.earlier[0].edition", "needs its dates"},
		{"BadStarts", `"from": "registration", "basis": "art. 1", "verified": true,`, `"from": "registration", "starts": "tomorrow", "basis": "art. 1", "verified": true,`, "complaint_kinds[0].limit.starts", "not a starting event"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := strings.Replace(editionRules, tc.old, tc.new, 1)
			if src == editionRules {
				t.Fatalf("%q is not in the file", tc.old)
			}
			_, err := Load(strings.NewReader(src))
			var le *LoadError
			if !errors.As(err, &le) || le.Path != tc.path || !strings.Contains(le.Msg, tc.msg) {
				t.Fatalf("err = %v, want %s: …%s", err, tc.path, tc.msg)
			}
		})
	}
}

// TestFactProblems: a verified limit without an edition, or with one
// without dates, and a verified entry whose source says nowhere it was read,
// are named; the bundled rules have none.
func TestFactProblems(t *testing.T) {
	if ps := Default().FactProblems(); len(ps) > 0 {
		t.Errorf("the bundled rules claim more than they show: %v", ps)
	}
	r, err := Load(strings.NewReader(strings.Replace(editionRules, `"from": "2024-07-01"}`, `"note": "no dates"}`, 1)))
	if err != nil {
		t.Fatal(err)
	}
	got := fmtProblems(r.FactProblems())
	for _, want := range []string{
		"counting_rules[0].edition (std): marked verified, but it does not say which edition",
		"complaint_kinds[0].limit.edition (quick): marked verified, but its edition has no dates",
		`complaint_kinds[0].limit (quick): marked verified, but its source ("test") names no place`,
		`articles[0] (146): marked verified, but its source ("test") names no place`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("problems do not say %q:\n%s", want, got)
		}
	}
	for _, s := range []string{"GPO statements", "none recorded", ""} {
		if HasLocator(s) {
			t.Errorf("%q taken for a source one can check", s)
		}
	}
	for _, s := range []string{"https://adilet.zan.kz/rus/docs/K2000000350", "zakonpravo.kz (English text, as item 1)", "zloo00/LegalRAG@2a2ce29 documents/x.txt", "as item 1"} {
		if !HasLocator(s) {
			t.Errorf("%q not taken for a source one can check", s)
		}
	}
}

func fmtProblems(ps []Problem) string {
	var b strings.Builder
	for _, p := range ps {
		b.WriteString(p.String() + "\n")
	}
	return b.String()
}

// TestExtensionFromDecision: APPC art. 76 p.3 counts the extension from
// the day it is decided; Status counts it from the day the notice was
// received and says that this is the latest day the law allows.
func TestExtensionFromDecision(t *testing.T) {
	c := &qantar.Complaint{ComplaintKind: "appc-76", FiledOn: qantar.MustDate("2026-02-02"),
		Responses: []qantar.Response{{ReceivedOn: qantar.MustDate("2026-02-10"), Outcome: "extended"}}}
	st, err := Default().Status(c, d("2026-03-01"))
	if err != nil {
		t.Fatal(err)
	}
	// 2 months from 10 Feb 2026 = Fri 10 Apr 2026; from filing it would be 2 Apr.
	if g := st.Deadline.Date.Format(time.DateOnly); g != "2026-04-10" || !st.Deadline.Extended {
		t.Errorf("extended deadline %s (extended %v), want 2026-04-10", g, st.Deadline.Extended)
	}
	if !strings.Contains(fmt.Sprint(st.Deadline.Notes), "latest day the law allows") {
		t.Errorf("notes %q do not say the deadline is an upper bound", st.Deadline.Notes)
	}
}

// TestUnsettledDays: a listed unsettled day keeps its weekday's status and
// flags the counts that depend on it.
func TestUnsettledDays(t *testing.T) {
	src := strings.Replace(minimalRules, `"moved_working_days": [`, `"unsettled_days": [
      {"date": "2024-03-04", "name": {"en": "Maybe a holiday"}, "source": "synthetic", "verified": false}
    ],
    "moved_working_days": [`, 1)
	r, err := Load(strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	if w, _ := r.IsWorkingDay(d("2024-03-04")); !w {
		t.Error("an unsettled Monday is not a working day")
	}
	// Thu 29 Feb + 3 working days (Fri 1, Mon 4, Tue 5 Mar) counts Mon 4: flagged.
	got, _ := r.Deadline("quick", d("2024-02-29"))
	if got.Date.Format(time.DateOnly) != "2024-03-05" || got.Verified {
		t.Errorf("%s verified %v, want 2024-03-05 flagged", got.Date.Format(time.DateOnly), got.Verified)
	}
}
