package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
)

// runQantar runs the program in-process and returns its exit code and output.
func runQantar(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := (&Main{Stdout: &out, Stderr: &errOut}).Run(context.Background(), args)
	return code, out.String(), errOut.String()
}

func writeFile(t *testing.T, path string, data []byte) string {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func win1251(t *testing.T, s string) []byte {
	t.Helper()
	b, err := charmap.Windows1251.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestImportCommand covers the command end to end: a Windows-1251,
// semicolon file mapped by a YAML file; a second run changes nothing; a
// file with problems on several lines writes nothing and a problems CSV;
// --skip-invalid writes the rejected rows beside the input.
func TestImportCommand(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "q.db")
	list := writeFile(t, filepath.Join(dir, "list.csv"), win1251(t,
		"Номер;Фамилия Имя;Дата рождения;Пол\r\n1;Ахметов Серик;12.05.1980;М\r\n2;Бекова Сая;1990;Ж\r\n"))
	mapFile := writeFile(t, filepath.Join(dir, "map.yaml"), []byte("columns:\n  Номер: external_key\n  Фамилия Имя: name_ru\n"))

	tests := []struct {
		name     string
		args     []string
		code     int
		stdout   string
		stderr   string
		noStderr string
	}{
		{"ImportsMapped1251", []string{"import", "--db", db, "--kind", "person", list, "--map", mapFile}, 0,
			"list.csv: 2 rows read (csv, windows-1251, semicolon); 2 created, 0 updated, 0 unchanged, 0 rejected", "", ""},
		{"SecondRunChangesNothing", []string{"import", list, "--db", db, "--kind", "persons", "--map", mapFile}, 0,
			"0 created, 0 updated, 2 unchanged", "", ""},
		{"UnknownColumnNamesIt", []string{"import", "--db", db, "--kind", "person", list}, 1,
			"", `line 1: column "Номер" numbers the rows of a list`, ""},
		{"KindRequired", []string{"import", "--db", db, list}, 2, "", "--kind is required", ""},
		{"ListTakesNoKind", []string{"import", "--db", db, "--kind", "person", "--list", "L", list}, 2, "", "it takes no --kind", ""},
		{"ActTypeIsForLists", []string{"import", "--db", db, "--kind", "person", "--act-type", "killing", list}, 2, "", "--act-type is for a list", ""},
		{"ActTypeEndsALife", []string{"import", "--db", db, "--list", "L", "--act-type", "torture", list}, 2, "", "act types that end a life", ""},
		{"UnknownKind", []string{"import", "--db", db, "--kind", "victim", list}, 2, "", `unknown kind "victim"`, ""},
		{"Help", []string{"import", "--help"}, 0, "Usage: qantar import", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runQantar(t, tt.args...)
			if code != tt.code || !strings.Contains(out, tt.stdout) || !strings.Contains(errOut, tt.stderr) {
				t.Errorf("exit %d (want %d)\nstdout: %s\nstderr: %s\nwant stdout %q, stderr %q", code, tt.code, out, errOut, tt.stdout, tt.stderr)
			}
		})
	}

	bad := writeFile(t, filepath.Join(dir, "bad.csv"), []byte("external_key,name,birth_date,sex\nb1,Ok Person,1990,male\nb2,Bad Date,31.02.1990,female\nb3,Bad Sex,1991,robot\n"))
	code, _, errOut := runQantar(t, "import", "--db", db, "--kind", "person", bad)
	if code != 1 || !strings.Contains(errOut, `line 3, column "birth_date": "31.02.1990" is not a date`) ||
		!strings.Contains(errOut, `line 4, column "sex": "robot" is not a known sex`) || !strings.Contains(errOut, "nothing was imported") {
		t.Errorf("bad file: exit %d\n%s", code, errOut)
	}
	report, err := os.ReadFile(filepath.Join(dir, "bad.problems.csv"))
	if err != nil || !strings.Contains(string(report), "31.02.1990") {
		t.Errorf("problems CSV: %v\n%s", err, report)
	}
	code, out, _ := runQantar(t, "import", "--db", db, "--kind", "person", "--dry-run", list, "--map", mapFile)
	if code != 0 || !strings.Contains(out, "dry run") {
		t.Errorf("dry run: exit %d\n%s", code, out)
	}

	code, _, errOut = runQantar(t, "import", "--db", db, "--kind", "person", "--skip-invalid", bad)
	if code != 1 || !strings.Contains(errOut, "2 rejected rows of bad.csv written") {
		t.Errorf("skip-invalid: exit %d\n%s", code, errOut)
	}
	rejected, err := os.ReadFile(filepath.Join(dir, "bad.rejected.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "external_key,name,birth_date,sex\nb2,Bad Date,31.02.1990,female\nb3,Bad Sex,1991,robot\n"; string(rejected) != want {
		t.Errorf("rejected file:\n%s\nwant\n%s", rejected, want)
	}
}

// TestExportCommand exports every kind and imports the directory into an
// empty database.
func TestExportCommand(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "q.db")
	list := writeFile(t, filepath.Join(dir, "p.csv"), []byte("external_key,name,protection\np1,Public Person,\np2,Hidden Person,confidential\n"))
	if code, _, errOut := runQantar(t, "import", "--db", db, "--kind", "person", list); code != 0 {
		t.Fatalf("import: %s", errOut)
	}
	out := filepath.Join(dir, "export")
	code, stdout, errOut := runQantar(t, "export", "--db", db, "--out", out, "--public")
	if code != 0 {
		t.Fatalf("export: exit %d: %s", code, errOut)
	}
	if !strings.Contains(stdout, "persons.csv\t2 records") {
		t.Errorf("export output:\n%s", stdout)
	}
	// The log checkpoint at the time of export, beside the files.
	if cp, err := os.ReadFile(filepath.Join(out, "checkpoint.txt")); err != nil || len(cp) == 0 || !strings.Contains(stdout, "checkpoint.txt") {
		t.Errorf("checkpoint.txt: %v %q; stdout:\n%s", err, cp, stdout)
	}
	persons, _ := os.ReadFile(filepath.Join(out, "persons.csv"))
	if strings.Contains(string(persons), "Hidden Person") || !strings.Contains(string(persons), "Protected person") {
		t.Errorf("public persons.csv:\n%s", persons)
	}
	code, stdout, errOut = runQantar(t, "import", "--db", filepath.Join(dir, "copy.db"), out)
	if code != 0 || !strings.Contains(stdout, "persons.csv: 2 rows read") {
		t.Errorf("import of the export: exit %d\n%s\n%s", code, stdout, errOut)
	}
	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"export", "--db", db}, 2, "--out DIR is required"},
		{[]string{"export", "--db", db, "--out", out, "--format", "pdf"}, 2, "unknown --format"},
		{[]string{"export", "--columns", "--kind", "case"}, 0, "| `steps` |"},
	} {
		code, stdout, errOut := runQantar(t, tt.args...)
		if code != tt.code || !strings.Contains(stdout+errOut, tt.want) {
			t.Errorf("%v: exit %d (want %d)\n%s%s", tt.args, code, tt.code, stdout, errOut)
		}
	}
}

// TestImportProtectsUntilDecided: persons imported without a protection
// level are restricted, and the summary says how many; --protection sets the
// level of rows that give none, a row's own level wins; an unknown level is
// a usage error that writes nothing.
func TestImportProtectsUntilDecided(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "q.db")
	list := writeFile(t, filepath.Join(dir, "victims.csv"), []byte("external_key,name,birth_date,protection,consent\n"+
		"v1,Synthetic Undecided,1990,,\nv2,Synthetic Consented,1991,,given\nv3,Synthetic Hidden,1992,confidential,\n"))
	code, out, errOut := runQantar(t, "import", "--db", db, "--kind", "person", list)
	if code != 0 || !strings.Contains(out, "2 persons are protected (restricted or confidential) until an editor publishes them") {
		t.Fatalf("import: exit %d\n%s%s", code, out, errOut)
	}
	code, out, _ = runQantar(t, "export", "--db", db, "--format", "csv", "--public", "--out", filepath.Join(dir, "pub"))
	if code != 0 {
		t.Fatalf("export: %d %s", code, out)
	}
	pub, _ := os.ReadFile(filepath.Join(dir, "pub", "persons.csv"))
	if strings.Contains(string(pub), "Synthetic Undecided") || strings.Contains(string(pub), "Synthetic Hidden") || !strings.Contains(string(pub), "Synthetic Consented") {
		t.Errorf("public export after an import without levels:\n%s", pub)
	}
	other := writeFile(t, filepath.Join(dir, "other.csv"), []byte("external_key,name,protection\no1,Synthetic Flagged,\no2,Synthetic Own,restricted\n"))
	if code, out, errOut := runQantar(t, "import", "--db", db, "--kind", "person", "--protection", "bogus", other); code != 2 || !strings.Contains(errOut, "--protection") {
		t.Fatalf("bad level: exit %d\n%s%s", code, out, errOut)
	}
	if code, out, errOut := runQantar(t, "import", "--db", db, "--kind", "person", "--protection", "public", other); code != 0 ||
		!strings.Contains(out, "2 created") || !strings.Contains(out, "1 person is protected") {
		t.Fatalf("--protection public: exit %d\n%s%s", code, out, errOut)
	}
}
