package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runDeadlineCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := (&Main{Stdout: &out, Stderr: &errb}).Run(context.Background(), args)
	return code, out.String(), errb.String()
}

func TestDeadlineCommand(t *testing.T) {
	tests := []struct {
		name      string
		args      []string
		code      int
		firstLine string // of standard output
		errHas    string // in standard error
	}{
		{"Appc76", []string{"deadline", "--kind", "appc-76", "--from", "2026-02-02"}, 0, "2026-02-23", ""},
		// Before the edition of the APPC the rules carry (checked from 2025-12-17): flagged.
		{"Appc76BeforeEdition", []string{"deadline", "--kind", "appc-76", "--from", "2024-02-01"}, 0, "2024-02-22 UNVERIFIED", ""},
		{"Positional", []string{"deadline", "appc-76", "2026-02-02"}, 0, "2026-02-23", ""},
		{"FlagsAfterPositional", []string{"deadline", "cpc-106", "--from", "2026-02-02", "--filing"}, 0, "2026-02-17", ""},
		{"Extended", []string{"deadline", "--kind", "cpc-106", "--from", "2026-02-02", "--extended"}, 0, "2026-02-12", ""},
		{"UnverifiedLimit", []string{"deadline", "--kind", "info-401", "--from", "2024-02-01"}, 0, "2024-02-16 UNVERIFIED", ""},
		{"UnverifiedCalendar", []string{"deadline", "--kind", "appc-76", "--from", "2030-02-01"}, 0, "2030-02-22 UNVERIFIED", ""},
		{"ErrUnknownKind", []string{"deadline", "--kind", "appc-77", "--from", "2024-02-01"}, 1, "", "appc-77"},
		{"ErrBadDate", []string{"deadline", "--kind", "appc-76", "--from", "2024-02-30"}, 1, "", "from"},
		{"ErrMonthOnly", []string{"deadline", "--kind", "appc-76", "--from", "2024-02"}, 1, "", "full date"},
		{"ErrNoFilingLimit", []string{"deadline", "--kind", "appc-76", "--from", "2024-02-01", "--filing"}, 1, "", "no filing limit"},
		{"ErrNoKind", []string{"deadline", "--from", "2024-02-01"}, 2, "", "--kind is required"},
		{"ErrTooManyArgs", []string{"deadline", "appc-76", "2024-02-01", "extra"}, 2, "", "too many"},
		{"ErrKindTwice", []string{"deadline", "appc-76", "--kind", "cpc-106"}, 2, "", "twice"},
		{"ErrBadFlag", []string{"deadline", "--frm", "2024-02-01"}, 2, "", "frm"},
		{"Help", []string{"deadline", "--help"}, 0, "Usage: qantar deadline", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := runDeadlineCmd(t, tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d (stdout %q, stderr %q)", code, tc.code, out, errs)
			}
			if first, _, _ := strings.Cut(out, "\n"); tc.firstLine != "" && !strings.HasPrefix(first, tc.firstLine) {
				t.Errorf("first line %q, want %q", first, tc.firstLine)
			}
			if tc.firstLine != "" && strings.HasPrefix(tc.firstLine, "20") && !strings.HasSuffix(tc.firstLine, "UNVERIFIED") && strings.Contains(out, "UNVERIFIED") {
				t.Errorf("a verified deadline is marked unverified: %q", out)
			}
			if tc.code == 0 && !strings.Contains(strings.Join(tc.args, " "), "info-401") && strings.HasPrefix(tc.firstLine, "20") && !strings.Contains(out, "\nedition: ") {
				t.Errorf("the edition of the law is not named: %q", out)
			}
			if !strings.Contains(errs, tc.errHas) {
				t.Errorf("stderr %q does not say %q", errs, tc.errHas)
			}
		})
	}
}

func TestDeadlineCommandJSON(t *testing.T) {
	code, out, errs := runDeadlineCmd(t, "deadline", "--kind", "appc-76", "--from", "2026-02-02", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var v struct {
		Date     string `json:"date"`
		Verified bool   `json:"verified"`
		Edition  struct {
			Text    string `json:"text"`
			InForce bool   `json:"in_force"`
		} `json:"edition"`
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	if v.Date != "2026-02-23" || !v.Verified || !strings.Contains(v.Edition.Text, "241-VIII") || !v.Edition.InForce {
		t.Errorf("got %+v", v)
	}
}

func TestDeadlineCommandRulesFile(t *testing.T) {
	dir := t.TempDir()
	broken := filepath.Join(dir, "broken.json")
	if err := os.WriteFile(broken, []byte("{\n  \"jurisdiction\": \"xx\",\n  \"nmae\": {}\n}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errs := runDeadlineCmd(t, "deadline", "--rules", broken, "--kind", "x", "--from", "2024-02-01")
	if code != 1 || !strings.Contains(errs, "line 3") || !strings.Contains(errs, "nmae") {
		t.Errorf("broken rules: exit %d, stderr %q; want exit 1 naming line 3 and the field", code, errs)
	}
}

func TestDeadlineCommandList(t *testing.T) {
	code, out, _ := runDeadlineCmd(t, "deadline", "--list", "--lang", "ru")
	if code != 0 || !strings.Contains(out, "appc-76") || !strings.Contains(out, "Обращение") || !strings.Contains(out, "НЕ ПРОВЕРЕНО") || !strings.Contains(out, "ч. 2 ст. 105 УПК РК") {
		t.Errorf("list: exit %d, %q", code, out)
	}
}
