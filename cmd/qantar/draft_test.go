package main

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/law"
	"github.com/qantar-project/qantar/sqlite"
)

// filingDB writes a synthetic database (every record named as synthetic):
// a public victim's torture act, a case about it terminated, and a
// restricted person's act in a second case. It returns the path and ids.
func filingDB(t *testing.T) (path string, caseID, victim, hidden int64) {
	t.Helper()
	ctx := context.Background()
	path = filepath.Join(t.TempDir(), "filing.db")
	db, err := sqlite.Open(ctx, path, sqlite.Options{Checker: law.Checker{Rules: law.DefaultRegistry()}})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ed := qantar.Actor{ID: "test", Role: qantar.RoleEditor}
	create := func(r qantar.Record) int64 {
		t.Helper()
		if err := db.Create(ctx, ed, r); err != nil {
			t.Fatal(err)
		}
		return r.GetMeta().ID
	}
	src := create(&qantar.Source{SourceKind: "court_document", Title: qantar.Text{"en": "Synthetic order"}, SHA256: strings.Repeat("ab", 32)})
	victim = create(&qantar.Person{Names: []qantar.Name{{Value: "Synthetic Public Victim"}}, Protection: qantar.Public})
	hidden = create(&qantar.Person{Names: []qantar.Name{{Value: "Synthetic Restricted Victim"}}, Protection: qantar.Restricted})
	act := create(&qantar.Act{VictimID: victim, ActType: "torture", Date: qantar.MustDate("2022-01-06"),
		Istanbul: []qantar.ChecklistAnswer{{Item: "exam_requested", Answer: "yes", SourceID: src}}})
	hiddenAct := create(&qantar.Act{VictimID: hidden, ActType: "torture", Date: qantar.MustDate("2022-01-07")})
	caseID = create(&qantar.Case{Number: "SYN-CLI-1", ActIDs: []int64{act}, Steps: []qantar.CaseEvent{
		{Step: "registered", Date: qantar.MustDate("2022-01-20")},
		{Step: "terminated", Date: qantar.MustDate("2022-06-15"), Ground: "cpc-35-1-2", SourceID: src}}})
	create(&qantar.Case{Number: "SYN-CLI-2", ActIDs: []int64{hiddenAct}, Steps: []qantar.CaseEvent{{Step: "registered", Date: qantar.MustDate("2022-02-01")}}})
	return path, caseID, victim, hidden
}

func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := (&Main{Stdout: &out, Stderr: &errb, Getenv: func(k string) string {
		if k == "USER" {
			return "synthetic-lawyer"
		}
		return ""
	}}).Run(context.Background(), args)
	return code, out.String(), errb.String()
}

func id(n int64) string { return strconv.FormatInt(n, 10) }

func TestDraftCommand(t *testing.T) {
	db, caseID, _, _ := filingDB(t)
	dir := t.TempDir()
	pdf := filepath.Join(dir, "draft.pdf")
	code, out, errs := runCLI(t, "draft", "--db", db, "--case", id(caseID), "--kind", "cpc-106", "--lang", "kk", "--out", pdf, "--filed-on", "2022-06-20", "--file")
	if code != 0 {
		t.Fatalf("exit %d: %s %s", code, out, errs)
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Fatal("pdftotext (poppler-utils) is needed: .ci/run installs it")
	}
	text, err := exec.Command("pdftotext", pdf, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	filing, _ := law.Default().FilingDeadline("cpc-106", qantar.MustDate("2022-06-15").Time())
	for _, want := range []string{"SYN-CLI-1", "2022-06-15", "2022-01-20", filing.Date.Format("2006-01-02"), "ШАҒЫМ"} {
		if !strings.Contains(string(text), want) {
			t.Errorf("the PDF lacks %q", want)
		}
	}
	if !strings.Contains(out, "filed: complaints/") {
		t.Fatalf("no Complaint filed: %s", out)
	}
	s, err := sqlite.Open(context.Background(), db, sqlite.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	cs, _, err := s.List(context.Background(), qantar.KindComplaint, qantar.Filter{Reader: qantar.System, Limit: 10})
	if err != nil || len(cs) != 1 {
		t.Fatalf("complaints %v %v, want the one filed", cs, err)
	}
	c := cs[0].(*qantar.Complaint)
	if c.ComplaintKind != "cpc-106" || c.CaseID != caseID || c.FiledOn.String() != "2022-06-20" {
		t.Errorf("filed %+v", c)
	}
	h, _ := s.History(context.Background(), qantar.KindComplaint, c.ID)
	if len(h) != 1 || h[0].Actor != "cli:synthetic-lawyer" {
		t.Errorf("the complaint's version is by %v, want the command's actor", h)
	}
}

func TestDraftCommandBadInput(t *testing.T) {
	db, caseID, _, _ := filingDB(t)
	out := filepath.Join(t.TempDir(), "d.docx")
	badTmpl := t.TempDir()
	orig, err := os.ReadFile("../../law/rules/kz/templates/ru.json")
	if err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Join(badTmpl, "kz", "templates"), 0o755)
	os.WriteFile(filepath.Join(badTmpl, "kz", "templates", "ru.json"), bytes.Replace(orig, []byte("{{today}}"), []byte("{{tomorrow}}"), 1), 0o644)
	for _, c := range []struct {
		name string
		args []string
		code int
		says string
	}{
		{"UnknownKind", []string{"--kind", "cpc-999"}, 1, "cpc-106"},
		{"UnknownCase", []string{"--kind", "cpc-106", "--case", "999"}, 1, "Нет дела"},
		{"UnknownPlaceholder", []string{"--kind", "cpc-106", "--templates", badTmpl}, 1, "{{tomorrow}}"},
		{"BadOut", []string{"--kind", "cpc-106", "--out", "draft.txt"}, 2, ".docx or .pdf"},
		{"BadLang", []string{"--kind", "cpc-106", "--lang", "de"}, 2, "ru, kk or en"},
		{"FileAsViewer", []string{"--kind", "cpc-106", "--as", "viewer", "--file"}, 2, "editor"},
	} {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"draft", "--db", db, "--case", id(caseID), "--lang", "ru", "--out", out}, c.args...)
			code, stdout, errs := runCLI(t, args...)
			if code != c.code || !strings.Contains(errs, c.says) {
				t.Errorf("exit %d (want %d), stderr %q (want %q), stdout %q", code, c.code, errs, c.says, stdout)
			}
			if _, err := os.Stat(out); err == nil {
				t.Error("a refused draft wrote its file")
			}
		})
	}
}

func TestDossierCommandHidesProtectedPerson(t *testing.T) {
	db, _, victim, hidden := filingDB(t)
	dir := t.TempDir()
	for _, c := range []struct {
		as, person, name string
		shown            bool
	}{
		{"public", id(hidden), "Synthetic Restricted Victim", false},
		{"viewer", id(hidden), "Synthetic Restricted Victim", true},
		{"public", id(victim), "Synthetic Public Victim", true},
	} {
		out := filepath.Join(dir, c.as+c.person+".docx")
		code, stdout, errs := runCLI(t, "dossier", "--db", db, "--person", c.person, "--lang", "ru", "--as", c.as, "--out", out)
		if code != 0 {
			t.Fatalf("exit %d: %s %s", code, stdout, errs)
		}
		z, err := zip.OpenReader(out)
		if err != nil {
			t.Fatal(err)
		}
		var doc []byte
		for _, f := range z.File {
			if f.Name == "word/document.xml" {
				rc, _ := f.Open()
				doc, _ = io.ReadAll(rc)
				rc.Close()
			}
		}
		z.Close()
		if strings.Contains(string(doc), c.name) != c.shown {
			t.Errorf("--as %s: %q shown = %v, want %v", c.as, c.name, !c.shown, c.shown)
		}
		if !strings.Contains(string(doc), strings.Repeat("ab", 32)) && c.person == id(victim) {
			t.Error("the annexed source's SHA-256 is not in the dossier")
		}
	}
	if code, _, errs := runCLI(t, "dossier", "--db", db, "--person", "999", "--lang", "kk", "--out", filepath.Join(dir, "x.pdf")); code != 1 || !strings.Contains(errs, "адам жоқ") {
		t.Errorf("unknown person: exit %d, %q", code, errs)
	}
}
