package csvio

import (
	"encoding/json"
	"strings"
	"testing"
)

const calc = `-2+3+cmd|' /C calc'!A0`

func TestCell(t *testing.T) {
	for _, tc := range []struct {
		in   any
		want string
	}{
		{"plain", "plain"},
		{"=1+1", "'=1+1"},
		{"+7 701 000 00 00", "'+7 701 000 00 00"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\t=x", "'\t=x"},
		{"\r=x", "'\r=x"},
		{"-43.2", "'-43.2"}, // a string, even one that reads as a number
		{calc, "'" + calc},
		{"'quoted", "''quoted"},
		{json.Number("-43.2"), "-43.2"},
		{true, "true"},
		{nil, ""},
		{[]any{"=x"}, `["=x"]`},
		{json.RawMessage(`"` + calc + `"`), "'" + calc},
		{json.RawMessage(`"=1+1"`), "'=1+1"},
		{json.RawMessage(`-43.2`), "-43.2"},
		{json.RawMessage(`null`), ""},
		{json.RawMessage(`false`), "false"},
		{json.RawMessage(`{"en":"=x"}`), `{"en":"=x"}`},
	} {
		if got := Cell(tc.in); got != tc.want {
			t.Errorf("Cell(%#v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// FuzzCell: no string becomes a cell that starts a formula, and a string
// gives the same cell as its JSON text.
func FuzzCell(f *testing.F) {
	for _, s := range []string{calc, "=1+1", "-43.2", "-", "+", "@", "\t", "'", "", "plain"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := Cell(s)
		if c != "" && strings.IndexByte(formulaStart, c[0]) >= 0 {
			t.Fatalf("Cell(%q) = %q starts a formula", s, c)
		}
		raw, _ := json.Marshal(s)
		if r := Cell(json.RawMessage(raw)); r != c && strings.ToValidUTF8(s, "\uFFFD") == s {
			t.Fatalf("Cell of %s = %q, of the string %q", raw, r, c)
		}
	})
}
