package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestImportJSONCommand: `export --format json` then `import DIR` into an
// empty database; the same import again changes nothing; a JSON file with
// problems names line and field and writes nothing; --skip-invalid writes
// the rejected elements, unchanged, to FILE.rejected.json.
func TestImportJSONCommand(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "q.db")
	list := writeFile(t, filepath.Join(dir, "p.csv"), []byte("external_key,name,birth_date\np1,Synthetic Aliya,1990\np2,Synthetic Bolat,~1985\n"))
	if code, _, errOut := runQantar(t, "import", "--db", db, "--kind", "person", list); code != 0 {
		t.Fatalf("import: %s", errOut)
	}
	out := filepath.Join(dir, "export")
	if code, _, errOut := runQantar(t, "export", "--db", db, "--out", out, "--format", "json"); code != 0 {
		t.Fatalf("export: exit %d: %s", code, errOut)
	}
	copyDB := filepath.Join(dir, "copy.db")
	code, stdout, errOut := runQantar(t, "import", "--db", copyDB, out)
	if code != 0 || !strings.Contains(stdout, "persons.json: 2 rows read (json, utf-8); 2 created, 0 updated, 0 unchanged, 0 rejected") ||
		!strings.Contains(stdout, "cases.json: 0 rows read") {
		t.Fatalf("import of the export: exit %d\n%s\n%s", code, stdout, errOut)
	}
	code, stdout, errOut = runQantar(t, "import", "--db", copyDB, out)
	if code != 0 || !strings.Contains(stdout, "persons.json: 2 rows read (json, utf-8); 0 created, 0 updated, 2 unchanged, 0 rejected") {
		t.Fatalf("second import of the export: exit %d\n%s\n%s", code, stdout, errOut)
	}

	elems := []string{
		`{"external_key":"b1","names":[{"value":"Synthetic Ok"}],"birth_date":"1990"}`,
		`{"external_key":"b2","names":[{"value":"Synthetic Bad Date"}],"birth_date":"31.02.1990"}`,
		`{"external_key":"b3","names":[{"value":"Synthetic Bad Sex"}],"sex":"robot"}`,
	}
	bad := writeFile(t, filepath.Join(dir, "bad.json"), []byte("[\n"+strings.Join(elems, ",\n")+"\n]\n"))
	code, _, errOut = runQantar(t, "import", "--db", db, "--kind", "person", bad)
	if code != 1 || !strings.Contains(errOut, `line 3, column "birth_date": invalid value: "31.02.1990" is not a date`) ||
		!strings.Contains(errOut, `line 4, column "sex": "robot" is not a known code`) || !strings.Contains(errOut, "nothing was imported") {
		t.Errorf("bad file: exit %d\n%s", code, errOut)
	}
	if report, err := os.ReadFile(filepath.Join(dir, "bad.problems.csv")); err != nil || !strings.Contains(string(report), "bad.json,3,birth_date") {
		t.Errorf("problems CSV: %v\n%s", err, report)
	}

	code, _, errOut = runQantar(t, "import", "--db", db, "--kind", "person", "--skip-invalid", bad)
	if code != 1 || !strings.Contains(errOut, "2 rejected rows of bad.json written, unchanged, to "+filepath.Join(dir, "bad.rejected.json")) {
		t.Errorf("skip-invalid: exit %d\n%s", code, errOut)
	}
	rejected, err := os.ReadFile(filepath.Join(dir, "bad.rejected.json"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "[\n" + elems[1] + ",\n" + elems[2] + "\n]\n"; string(rejected) != want {
		t.Errorf("rejected file:\n%s\nwant\n%s", rejected, want)
	}
	if !json.Valid(rejected) {
		t.Error("the rejected file is not JSON")
	}
	if _, err := os.Stat(filepath.Join(dir, "bad.rejected.csv")); err == nil {
		t.Error("a CSV of rejected rows was written for a JSON file")
	}
}
