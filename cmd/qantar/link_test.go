package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Two small synthetic lists naming some of the same (invented) people, one
// in Cyrillic and one in Latin transliteration, with partial dates.
const (
	linkListA = `id,name,born,sex
a1,Абдуллаев Нурлан Серікұлы,05.01.1985,М
a2,Жұмабаева Айгүл,1990-03-12,F
a3,Петров Сергей Иванович,1979,М
a4,Ким Ольга,1962-11-30,F
a5,Тоқаев Ерлан,1971-07-07,М
`
	linkListB = `id,name,born,sex
b1,Nurlan Abdullayev,1985-01-05,M
b2,ZHUMABAYEVA AIGUL,12.03.1990,F
b3,Sergei Petrov,1979-04-18,M
b4,Daniyar Omarov,2001-02-02,M
b5,Olga Kim,1962-11-30,F
`
)

func writeLinkFile(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func runLinkCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := (&Main{Stdout: &out, Stderr: &errb}).Run(context.Background(), append([]string{"link"}, args...))
	return code, out.String(), errb.String()
}

func readClusters(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(rows[0], ","); got != "file,record_id,cluster_id" {
		t.Fatalf("header %q, want file,record_id,cluster_id", got)
	}
	m := map[string]string{}
	for _, r := range rows[1:] {
		m[r[0]+":"+r[1]] = r[2]
	}
	return m
}

// TestLinkAcrossScripts links a Cyrillic and a Latin list with flags placed
// after, between and before the files.
func TestLinkAcrossScripts(t *testing.T) {
	for _, tc := range []struct {
		name  string
		order func(a, b string, flags []string) []string
	}{
		{"FlagsAfterFiles", func(a, b string, f []string) []string { return append([]string{a, b}, f...) }},
		{"FlagsBeforeFiles", func(a, b string, f []string) []string { return append(append([]string{}, f...), a, b) }},
		{"FlagsBetweenFiles", func(a, b string, f []string) []string {
			return append(append([]string{a}, f...), b)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			a := writeLinkFile(t, dir, "prosecutor.csv", linkListA)
			b := writeLinkFile(t, dir, "radio.csv", linkListB)
			out := filepath.Join(dir, "clusters.csv")
			review := filepath.Join(dir, "review.csv")
			pairs := filepath.Join(dir, "pairs.csv")
			flags := []string{"--id", "id", "--field", "name:name", "--field", "date:born", "--field", "exact:sex",
				"--link-only", "--out", out, "--review", review, "--pairs", pairs, "--quiet"}
			code, _, stderr := runLinkCmd(t, tc.order(a, b, flags)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			c := readClusters(t, out)
			if len(c) != 10 {
				t.Fatalf("%d records in the output, want 10", len(c))
			}
			for _, same := range [][2]string{{"a1", "b1"}, {"a2", "b2"}, {"a4", "b5"}} {
				if c["prosecutor.csv:"+same[0]] != c["radio.csv:"+same[1]] {
					t.Errorf("%s and %s are not linked", same[0], same[1])
				}
			}
			for _, apart := range [][2]string{{"a5", "b4"}, {"a1", "b3"}} {
				if c["prosecutor.csv:"+apart[0]] == c["radio.csv:"+apart[1]] {
					t.Errorf("%s and %s are linked", apart[0], apart[1])
				}
			}
			for _, p := range []string{review, pairs} {
				if _, err := os.Stat(p); err != nil {
					t.Errorf("no %s: %v", filepath.Base(p), err)
				}
			}
		})
	}
}

// TestLinkDedupToStdout deduplicates one list and writes to standard output.
func TestLinkDedupToStdout(t *testing.T) {
	dir := t.TempDir()
	body := linkListA + "a6,Nurlan Abdullaev,1985-01-05,M\n"
	f := writeLinkFile(t, dir, "list.csv", body)
	code, out, stderr := runLinkCmd(t, f, "--id", "id", "--field", "name:name", "--field", "date:born")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.HasPrefix(out, "file,record_id,cluster_id\n") || strings.Count(out, "\n") != 7 {
		t.Fatalf("output:\n%s", out)
	}
	if !strings.Contains(stderr, "persons") {
		t.Errorf("no summary on stderr: %s", stderr)
	}
}

// TestLinkErrors checks that bad input names the fault and the line, with
// the right exit code, and leaves no output file behind.
func TestLinkErrors(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		args       []string
		code       int
		want       []string
	}{
		{name: "MissingIDColumn", body: linkListA, args: []string{"--id", "nope", "--field", "name:name"},
			code: 1, want: []string{"line 1", `no identifier column "nope"`}},
		{name: "MissingFieldColumn", body: linkListA, args: []string{"--id", "id", "--field", "name:surname"},
			code: 1, want: []string{"line 1", `no column "surname"`}},
		{name: "DuplicateID", body: linkListA + "a2,Someone Else,1990,F\n", args: []string{"--id", "id", "--field", "name:name"},
			code: 1, want: []string{"line 7", `duplicate identifier "a2"`, "first on line 3"}},
		{name: "RaggedRow", body: "id,name\nx1,Нурлан\nx2,Ерлан,extra\n", args: []string{"--id", "id", "--field", "name:name"},
			code: 1, want: []string{"line 3", "number of columns"}},
		{name: "EmptyID", body: "id,name\n,Нурлан\n", args: []string{"--id", "id", "--field", "name:name"},
			code: 1, want: []string{"line 2", "empty identifier"}},
		{name: "StrayQuote", body: "id,name\nx1,\"Нурлан\nx2,Ерлан\n", args: []string{"--id", "id", "--field", "name:name"},
			code: 1, want: []string{"line"}},
		{name: "EmptyFile", body: "", args: []string{"--id", "id", "--field", "name:name"},
			code: 1, want: []string{"empty"}},
		{name: "UnknownFieldType", body: linkListA, args: []string{"--id", "id", "--field", "fuzzy:name"},
			code: 2, want: []string{`unknown field type "fuzzy"`}},
		{name: "FieldWithoutType", body: linkListA, args: []string{"--id", "id", "--field", "name"},
			code: 2, want: []string{"TYPE:COLUMN"}},
		{name: "NoID", body: linkListA, args: []string{"--field", "name:name"},
			code: 2, want: []string{"--id is required"}},
		{name: "NoField", body: linkListA, args: []string{"--id", "id"},
			code: 2, want: []string{"--field"}},
		{name: "BadThreshold", body: linkListA, args: []string{"--id", "id", "--field", "name:name", "--threshold", "1.5"},
			code: 2, want: []string{"--threshold"}},
		{name: "BadReviewBand", body: linkListA, args: []string{"--id", "id", "--field", "name:name", "--review-band", "0.9,0.1"},
			code: 2, want: []string{"--review-band"}},
		{name: "BadNameKey", body: linkListA, args: []string{"--id", "id", "--field", "name:name", "--name-key", "soundex"},
			code: 2, want: []string{"--name-key"}},
		{name: "PairsOnADate", body: linkListA, args: []string{"--id", "id", "--field", "name:name", "--field", "date:born", "--block", "born:pairs"},
			code: 2, want: []string{":pairs applies to name fields"}},
		{name: "BlockOnUnknownColumn", body: linkListA, args: []string{"--id", "id", "--field", "name:name", "--block", "born"},
			code: 2, want: []string{"--block", `"born"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			in := writeLinkFile(t, dir, "list.csv", tc.body)
			out := filepath.Join(dir, "clusters.csv")
			args := append([]string{in, "--out", out, "--quiet"}, tc.args...)
			code, _, stderr := runLinkCmd(t, args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr: %s", code, tc.code, stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr %q does not say %q", stderr, w)
				}
			}
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				if e.Name() != "list.csv" {
					t.Errorf("left behind %s", e.Name())
				}
			}
		})
	}
}

// TestLinkSecondFileErrorLeavesNoOutput: a fault in the second file stops
// the run before anything is written.
func TestLinkSecondFileErrorLeavesNoOutput(t *testing.T) {
	dir := t.TempDir()
	a := writeLinkFile(t, dir, "a.csv", linkListA)
	b := writeLinkFile(t, dir, "b.csv", "id,name,born,sex\nb1,Nurlan,1985\n")
	out := filepath.Join(dir, "clusters.csv")
	code, _, stderr := runLinkCmd(t, a, b, "--id", "id", "--field", "name:name", "--out", out, "--quiet")
	if code != 1 || !strings.Contains(stderr, "b.csv: line 2") {
		t.Fatalf("exit %d, stderr %q; want 1 naming b.csv: line 2", code, stderr)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("output exists after a failure: %v", err)
	}
}

func TestLinkHelp(t *testing.T) {
	code, out, _ := runLinkCmd(t, "--help")
	if code != 0 || !strings.Contains(out, "--link-only") {
		t.Fatalf("exit %d, help:\n%s", code, out)
	}
}

func TestLinkSameBaseName(t *testing.T) {
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "x"), 0o755)
	a := writeLinkFile(t, dir, "list.csv", linkListA)
	b := writeLinkFile(t, filepath.Join(dir, "x"), "list.csv", linkListB)
	code, _, stderr := runLinkCmd(t, a, b, "--id", "id", "--field", "name:name", "--quiet")
	if code != 2 || !strings.Contains(stderr, "same base name") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
}

// TestLinkLabels refines the model from judged pairs, and refuses a label
// naming a record that is not there, with its line.
func TestLinkLabels(t *testing.T) {
	dir := t.TempDir()
	a := writeLinkFile(t, dir, "a.csv", linkListA)
	b := writeLinkFile(t, dir, "b.csv", linkListB)
	good := writeLinkFile(t, dir, "labels.csv", "file_a,record_id_a,file_b,record_id_b,match\na.csv,a1,b.csv,b1,1\na.csv,a5,b.csv,b4,0\n")
	bad := writeLinkFile(t, dir, "bad.csv", "file_a,record_id_a,file_b,record_id_b,match\na.csv,a1,b.csv,b1,1\na.csv,a9,b.csv,b4,0\n")
	args := []string{a, b, "--id", "id", "--field", "name:name", "--field", "date:born", "--link-only", "--quiet"}
	if code, _, stderr := runLinkCmd(t, append(args, "--labels", good)...); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	code, _, stderr := runLinkCmd(t, append(args, "--labels", bad)...)
	if code != 1 || !strings.Contains(stderr, "bad.csv: line 3") || !strings.Contains(stderr, `"a9"`) {
		t.Fatalf("exit %d, stderr %q; want 1 naming bad.csv: line 3 and a9", code, stderr)
	}
}

// TestLinkBlockRules: rules given with --block replace the default ones and
// are reported.
func TestLinkBlockRules(t *testing.T) {
	dir := t.TempDir()
	a := writeLinkFile(t, dir, "a.csv", linkListA)
	b := writeLinkFile(t, dir, "b.csv", linkListB)
	code, _, stderr := runLinkCmd(t, a, b, "--id", "id", "--field", "name:name", "--field", "date:born",
		"--block", "name:pairs", "--block", "born:year", "--out", filepath.Join(dir, "c.csv"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, w := range []string{"blocking on name(word pairs)", "blocking on born(year)"} {
		if !strings.Contains(stderr, w) {
			t.Errorf("summary does not say %q:\n%s", w, stderr)
		}
	}
	if strings.Contains(stderr, "blocking on name:") {
		t.Errorf("the default rule ran too:\n%s", stderr)
	}
}
