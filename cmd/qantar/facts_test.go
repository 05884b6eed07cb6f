package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qantar-project/qantar/seed"
	"github.com/qantar-project/qantar/sqlite"
)

func runFactsCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := (&Main{Stdout: &out, Stderr: &errb}).Run(context.Background(), append([]string{"facts"}, args...))
	return code, out.String(), errb.String()
}

// factsFixtures writes a dataset file missing one citation, a rules file
// with a fact marked verified that has no source to check, and a database
// holding the bundled data.
func factsFixtures(t *testing.T) (uncited, badRules, db string) {
	dir := t.TempDir()
	f, err := seed.Bundled()
	if err != nil {
		t.Fatal(err)
	}
	good := f
	var kept []seed.Entry
	for _, e := range f.Records {
		if e.Key != "cit:b-almaty" {
			kept = append(kept, e)
		}
	}
	f.Records = kept
	uncited = filepath.Join(dir, "uncited.json")
	b, _ := json.Marshal(f)
	rules, err := os.ReadFile(filepath.Join("..", "..", "law", "rules", "kz.json"))
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(string(rules), `"source": "GPO statements (no URL recorded)", "verified": false`, `"source": "GPO statements", "verified": true`, 1)
	if bad == string(rules) {
		t.Fatal("article 380 is not as the test expects")
	}
	badRules = filepath.Join(dir, "rules.json")
	for p, data := range map[string][]byte{uncited: b, badRules: []byte(bad)} {
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	db = filepath.Join(dir, "q.db")
	s, err := sqlite.Open(context.Background(), db, sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := seed.Load(context.Background(), s, good); err != nil {
		t.Fatal(err)
	}
	return uncited, badRules, db
}

func TestFactsCheck(t *testing.T) {
	uncited, badRules, db := factsFixtures(t)
	tests := []struct {
		name     string
		args     []string
		code     int
		out, err string
	}{
		{"Bundled", []string{"--check"}, 0, "no problems in the bundled dataset and the kz rules", ""},
		{"Database", []string{"--check", "--db", db}, 0, "no problems in the database", ""},
		{"FileUncited", []string{"--check", uncited}, 1, "events qantar2022:event:buildings-almaty: states a fact but cites no source", "problems found in"},
		{"FlagAfterFile", []string{uncited, "--check"}, 1, "buildings-almaty", ""},
		{"RulesVerifiedWithoutSource", []string{"--check", "--rules", badRules}, 1, `rules kz articles[9] (380): marked verified, but its source ("GPO statements") names no place`, "problems found in"},
		{"NoDatabase", []string{"--check", "--db", filepath.Join(t.TempDir(), "none.db")}, 1, "", "no database"},
		{"ErrNoCheck", []string{uncited}, 2, "", "--check"},
		{"ErrDBAndFile", []string{"--check", "--db", db, uncited}, 2, "", "not both"},
		{"ErrTwoFiles", []string{"--check", uncited, uncited}, 2, "", "one dataset file"},
		{"ErrBadFlag", []string{"--chek"}, 2, "", "chek"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := runFactsCmd(t, tc.args...)
			if code != tc.code || !strings.Contains(out, tc.out) || !strings.Contains(errs, tc.err) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit %d, stdout with %q, stderr with %q", code, out, errs, tc.code, tc.out, tc.err)
			}
		})
	}
}
