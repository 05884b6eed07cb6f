package law

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
)

// minimalRules is a small synthetic jurisdiction "xx": one holiday, one
// transfer, two complaint kinds, one ground of each list.
const minimalRules = `{
  "jurisdiction": "xx",
  "name": {"en": "Synthetic test jurisdiction"},
  "calendar": {
    "weekend": ["saturday", "sunday"],
    "covers_from": "2024-01-01",
    "covers_to": "2024-12-31",
    "holidays": [
      {"date": "2024-02-05", "name": {"en": "Test Day"}, "source": "synthetic"}
    ],
    "moved_days_off": [
      {"date": "2024-02-09", "name": {"en": "Moved"}, "source": "synthetic"}
    ],
    "moved_working_days": [
      {"date": "2024-02-10", "name": {"en": "Working Saturday"}, "source": "synthetic"}
    ]
  },
  "counting_rules": [
    {"code": "std", "description": "next day is day 1", "last_day_moves": true, "basis": "test", "source": "test", "verified": true}
  ],
  "complaint_kinds": [
    {"code": "quick", "labels": {"en": "Quick"}, "basis": "art. 1", "source": "test",
     "limit": {"days": 3, "unit": "working", "counting": "std", "from": "registration", "basis": "art. 1", "verified": true}},
    {"code": "nolimit", "labels": {"en": "No limit"}, "basis": "art. 2", "source": "test", "limit": null}
  ],
  "termination_grounds": [
    {"code": "t1", "labels": {"en": "T1"}, "basis": "art. 3", "source": "test", "verified": true}
  ],
  "interruption_grounds": [
    {"code": "i1", "labels": {"en": "I1"}, "basis": "art. 4", "source": "test", "verified": true}
  ],
  "articles": [
    {"code": "146", "labels": {"en": "Torture"}, "basis": "art. 146", "source": "test", "verified": true}
  ],
  "case_steps": {
    "initial": ["registered"],
    "transitions": {"registered": ["terminated", "interrupted"], "interrupted": ["resumed"], "resumed": ["terminated"], "terminated": ["reopened"]},
    "grounds": {"terminated": "termination_grounds", "interrupted": "interruption_grounds"}
  }
}
`

func TestLoadMinimal(t *testing.T) {
	r, err := Load(strings.NewReader(minimalRules))
	if err != nil {
		t.Fatal(err)
	}
	// 2024-02-01 Thu: Fri 2 = 1, Mon 5 holiday, Tue 6 = 2, Wed 7 = 3.
	got, err := r.Deadline("quick", d("2024-02-01"))
	if err != nil || got.Date.Format("2006-01-02") != "2024-02-07" {
		t.Errorf("quick = %v %v", got.Date, err)
	}
	// Thu 8 = 1, Fri 9 moved off, Sat 10 working = 2, Mon 12 = 3.
	got, _ = r.Deadline("quick", d("2024-02-07"))
	if got.Date.Format("2006-01-02") != "2024-02-12" {
		t.Errorf("quick across the transfer = %v", got.Date)
	}
	_, err = r.Deadline("nolimit", d("2024-02-01"))
	if qantar.ErrorField(err) != "kind" || !strings.Contains(err.Error(), "no time limit") {
		t.Errorf("a kind without a limit: %v", err)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name      string
		old, new  string // replace old by new in minimalRules
		at        string // text on the line at fault, "" for no line check
		path, msg string
	}{
		{"ErrSyntax", `"name": {"en": "Synthetic test jurisdiction"},`, `"name": {"en": "Synthetic test jurisdiction"}`, `"calendar"`, "", "malformed JSON"},
		{"ErrUnknownTopField", `"jurisdiction": "xx",`, `"jurisdiction": "xx", "jurisdicton": "yy",`, `"jurisdicton"`, "jurisdicton", "unknown field"},
		{"ErrUnknownNestedField", `"unit": "working"`, `"unit": "working", "dayz": 3`, `"dayz"`, "complaint_kinds[0].limit.dayz", "unknown field"},
		{"ErrFieldCase", `"covers_to"`, `"Covers_to"`, `"Covers_to"`, "calendar.Covers_to", "unknown field"},
		{"ErrWrongType", `"days": 3,`, `"days": "3",`, `"days": "3"`, "complaint_kinds[0].limit.days", "must be an integer"},
		{"ErrBadDate", `"2024-02-05"`, `"2024-02-30"`, `"2024-02-30"`, "calendar.holidays[0].date", "not a date"},
		{"ErrHolidayOutsideCoverage", `"2024-02-05"`, `"2025-02-05"`, `"2025-02-05"`, "calendar.holidays[0].date", "outside"},
		{"ErrMovedWorkingWeekday", `"2024-02-10"`, `"2024-02-12"`, `"2024-02-12"`, "calendar.moved_working_days[0].date", "only a weekend day"},
		{"ErrDuplicateDay", `"2024-02-09"`, `"2024-02-05"`, `"date": "2024-02-05", "name": {"en": "Moved"}`, "calendar.moved_days_off[0].date", "already listed"},
		{"ErrWeekendName", `["saturday", "sunday"]`, `["saturday", "Sun"]`, `"Sun"`, "calendar.weekend[1]", "not a day name"},
		{"ErrUnknownCounting", `"counting": "std"`, `"counting": "cpc"`, `"cpc"`, "complaint_kinds[0].limit.counting", "not a counting rule"},
		{"ErrUnit", `"unit": "working"`, `"unit": "weeks"`, `"weeks"`, "complaint_kinds[0].limit.unit", "not a unit"},
		{"ErrVerifiedMissing", `"basis": "art. 1", "verified": true}`, `"basis": "art. 1"}`, `"limit": {"days": 3`, "complaint_kinds[0].limit.verified", "is required"},
		{"ErrGroundUnverifiedMissing", `"basis": "art. 3", "source": "test", "verified": true`, `"basis": "art. 3", "source": "test"`, `"code": "t1"`, "termination_grounds[0].verified", "is required"},
		{"ErrDuplicateKind", `"code": "nolimit"`, `"code": "quick"`, `"code": "quick", "labels": {"en": "No limit"}`, "complaint_kinds[1].code", "listed twice"},
		{"ErrBadStep", `"initial": ["registered"]`, `"initial": ["filed"]`, `"filed"`, "case_steps.initial[0]", "not a case step"},
		{"ErrBadGroundList", `"interrupted": "interruption_grounds"}`, `"interrupted": "grounds"}`, `"interrupted": "grounds"`, "case_steps.grounds.interrupted", "not a list of grounds"},
		{"ErrTrailing", "}\n}\n", "}\n}\n{}", "{}", "", "more than one JSON value"},
		{"ErrTruncated", "}\n}\n", "}\n", "", "", "malformed JSON: unexpected end"},
		{"ErrJurisdictionMissing", `"jurisdiction": "xx",`, ``, "", "jurisdiction", "is required"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := strings.Replace(minimalRules, tc.old, tc.new, 1)
			if src == minimalRules {
				t.Fatalf("the test's old text %q is not in the file", tc.old)
			}
			_, err := Load(strings.NewReader(src))
			var le *LoadError
			if !errors.As(err, &le) {
				t.Fatalf("err = %v (%T), want a *LoadError", err, err)
			}
			if tc.at != "" {
				i := strings.Index(src, tc.at)
				if i < 0 {
					t.Fatalf("%q is not in the file", tc.at)
				}
				if want := strings.Count(src[:i], "\n") + 1; le.Line != want {
					t.Errorf("line %d, want %d (%v)", le.Line, want, err)
				}
			}
			if le.Path != tc.path {
				t.Errorf("path %q, want %q (%v)", le.Path, tc.path, err)
			}
			if !strings.Contains(le.Msg, tc.msg) {
				t.Errorf("message %q does not say %q", le.Msg, tc.msg)
			}
			if qantar.ErrorCode(err) != qantar.EINVALID {
				t.Errorf("code %s, want invalid", qantar.ErrorCode(err))
			}
		})
	}
}

func TestLoadEmpty(t *testing.T) {
	for _, src := range []string{"", "   \n", "null", "[]"} {
		if _, err := Load(strings.NewReader(src)); err == nil {
			t.Errorf("Load(%q) accepted", src)
		}
	}
}

func TestLoadFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "xx.json")
	if err := os.WriteFile(p, []byte(strings.Replace(minimalRules, `"days": 3,`, `"days": 0,`, 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := LoadFile(p)
	if err == nil || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), "line 23 ") {
		t.Errorf("LoadFile error %v does not name the file and the line", err)
	}
	if _, err := LoadFile(filepath.Join(dir, "missing.json")); qantar.ErrorCode(err) != qantar.EINVALID {
		t.Errorf("missing file: %v", err)
	}
}

// TestDefaultRulesDocumented checks that every law fact of the embedded
// rules says where it comes from and that the complaint kinds the issue
// requires are there.
func TestDefaultRulesDocumented(t *testing.T) {
	r := Default()
	if r != Default() {
		t.Error("Default parses the file more than once")
	}
	for _, code := range []string{"appc-76", "appc-91", "cpc-105", "cpc-106", "cpc-107", "info-401"} {
		k, ok := r.Kind(code)
		if !ok {
			t.Fatalf("kind %s missing", code)
		}
		if k.Labels.KK == "" || k.Labels.RU == "" || k.Labels.EN == "" {
			t.Errorf("%s lacks a label in kk, ru or en", code)
		}
	}
	k, _ := r.Kind("cpc-106")
	if k.FilingLimit == nil || k.FilingLimit.Days != 15 || k.FilingLimit.Unit != UnitCalendar {
		t.Errorf("cpc-106 filing limit = %+v, want 15 calendar days", k.FilingLimit)
	}
	if len(r.TerminationGrounds) != 11 || len(r.InterruptionGrounds) != 9 {
		t.Errorf("%d termination and %d interruption grounds, want 11 (art. 35 p.1) and 9 (art. 45 p.7)", len(r.TerminationGrounds), len(r.InterruptionGrounds))
	}
	for _, list := range [][]Entry{r.TerminationGrounds, r.InterruptionGrounds, r.Articles} {
		for _, e := range list {
			if e.Labels.KK == "" || e.Labels.RU == "" {
				t.Errorf("%s lacks a kk or ru label", e.Code)
			}
		}
	}
	// [U] items are carried as unverified.
	for _, code := range []string{"99", "362", "175"} {
		if a, ok := r.Article(code); !ok || a.IsVerified() {
			t.Errorf("article %s should be present and unverified", code)
		}
	}
	if a, ok := r.Article("146-2"); !ok || a.Code != "146" {
		t.Errorf("article 146 part 2 not found under 146")
	}
	if _, ok := r.Article("146-x"); ok {
		t.Error("146-x accepted as an article")
	}
}

func TestRegistry(t *testing.T) {
	xx, err := Load(strings.NewReader(minimalRules))
	if err != nil {
		t.Fatal(err)
	}
	g := NewRegistry(Default(), xx)
	if r, _ := g.Get(""); r.Jurisdiction != "kz" {
		t.Errorf("default = %s, want kz", r.Jurisdiction)
	}
	if r, _ := g.Get("xx"); r != xx {
		t.Error("xx not found")
	}
	if _, err := g.Get("yy"); qantar.ErrorField(err) != "jurisdiction" {
		t.Errorf("unknown jurisdiction: %v", err)
	}
	if got := strings.Join(g.Codes(), ","); got != "kz,xx" {
		t.Errorf("codes %s", got)
	}
}

func FuzzLoad(f *testing.F) {
	f.Add([]byte(minimalRules))
	f.Add([]byte(`{"jurisdiction": "xx", "calendar": {"weekend": []}}`))
	f.Add([]byte(`{"calendar": {"holidays": [{"date": 1}]}}`))
	f.Add([]byte(`{"case_steps": {"transitions": {"a": [1, {}]}}}`))
	f.Add([]byte("{\"jurisdiction\": \"xx\",\n\"name\": {\"en\": \"x\"}, \"calendar\": {\"covers_from\": \"2024-01-01\", \"covers_to\": \"2023-01-01\"}}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Load(strings.NewReader(string(data)))
		if err != nil {
			var le *LoadError
			var qe *qantar.Error
			if !errors.As(err, &le) && !errors.As(err, &qe) {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		// A file that loads must answer every question without panicking.
		for _, k := range r.KindCodes() {
			_, _ = r.Deadline(k, d("2024-02-01"))
			_, _ = r.ExtendedDeadline(k, d("2024-12-31"))
			_, _ = r.FilingDeadline(k, d("2023-06-30"))
		}
	})
}
