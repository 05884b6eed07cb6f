package filing

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/law"
	"github.com/qantar-project/qantar/locale"
	"github.com/qantar-project/qantar/report"
)

// pdfText writes the document as PDF, converts it back to text with
// poppler's pdftotext, and returns the words separated by single spaces.
func pdfText(t *testing.T, d *Document) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Fatal("pdftotext (Debian poppler-utils) is needed: .ci/run installs it")
	}
	var buf bytes.Buffer
	if err := WritePDF(&buf, d); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "d.pdf")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v: %s", err, out)
	}
	return words(string(out))
}

// docxText writes the document as DOCX, opens it as a zip, parses every
// part as XML, checks the package's parts, and returns the words of
// word/document.xml's text runs.
func docxText(t *testing.T, d *Document) string {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteDOCX(&buf, d); err != nil {
		t.Fatal(err)
	}
	z, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	parts := map[string]bool{}
	var text strings.Builder
	for _, f := range z.File {
		parts[f.Name] = true
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		dec := xml.NewDecoder(rc)
		inText := false
		for {
			tok, err := dec.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s is not well-formed XML: %v", f.Name, err)
			}
			switch tk := tok.(type) {
			case xml.StartElement:
				inText = f.Name == "word/document.xml" && tk.Name.Local == "t" && tk.Name.Space == docxNS
			case xml.EndElement:
				if tk.Name.Local == "p" {
					text.WriteString("\n")
				}
				inText = false
			case xml.CharData:
				if inText {
					text.Write(tk)
				}
			}
		}
		rc.Close()
	}
	for _, p := range []string{"[Content_Types].xml", "_rels/.rels", "word/document.xml"} {
		if !parts[p] {
			t.Errorf("the DOCX has no %s", p)
		}
	}
	return words(text.String())
}

func words(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\u00a0", " ")), " ")
}

// mustHave reports every wanted text that got lacks (compared word by word).
func mustHave(t *testing.T, what, got string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(got, words(w)) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
}

func title(s *qantar.Source, lang string) string { t, _ := s.Title.In(lang); return t }

func day(s string) time.Time { return qantar.MustDate(s).Time() }

func draftOf(t *testing.T, st qantar.Store, id int64, kind, lang string) *Draft {
	t.Helper()
	rules := law.Default()
	tmpl, err := LoadTemplate(law.Templates(), rules, lang)
	if err != nil {
		t.Fatal(err)
	}
	cf, err := LoadCase(context.Background(), st, editor, id, lang)
	if err != nil {
		t.Fatal(err)
	}
	d, err := MakeDraft(cf, DraftOptions{Kind: kind, Lang: lang, FiledOn: day("2022-06-24"), Today: day("2022-06-24"), Rules: rules, Template: tmpl})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestDraftHoldsBasisDeadlinesAndSteps renders a complaint to the
// investigating judge in ru and kk, as PDF and DOCX, and finds in each the
// legal basis, both deadlines as the rules count them, every step's date
// and source, and the case's article.
func TestDraftHoldsBasisDeadlinesAndSteps(t *testing.T) {
	rules := law.Default()
	kind, _ := rules.Kind("cpc-106")
	filing, err := rules.FilingDeadline("cpc-106", day("2022-06-15"))
	if err != nil {
		t.Fatal(err)
	}
	answer, err := rules.Deadline("cpc-106", day("2022-06-24"))
	if err != nil {
		t.Fatal(err)
	}
	art, _ := rules.Article("146-2")
	for _, s := range stores(t) {
		w := build(t, s.Store)
		for _, lang := range []string{"ru", "kk"} {
			d := draftOf(t, s.Store, w.fullCase.ID, "cpc-106", lang)
			if len(d.Missing) != 0 {
				t.Errorf("%s %s: a complete case is said to lack %v", s.Name, lang, d.Missing)
			}
			want := []string{kind.Basis.In(lang), kind.Labels.In(lang), filing.Date.Format(time.DateOnly), answer.Date.Format(time.DateOnly),
				filing.Basis.In(lang), art.Basis.In(lang), "SYN-146-1", title(w.order, lang), w.letter.URL}
			for _, st := range w.fullCase.Steps {
				want = append(want, st.Date.String())
			}
			if lang == "ru" {
				want = append(want, "Синтетический следственный отдел", "Синтетическое постановление о прекращении")
			}
			mustHave(t, s.Name+" "+lang+" PDF", pdfText(t, d.Document), want...)
			mustHave(t, s.Name+" "+lang+" DOCX", docxText(t, d.Document), want...)
		}
	}
}

// TestDraftSaysWhatIsMissing: a case that records no termination or
// interruption gets a draft that names the missing step and counts no
// filing deadline, rather than inventing a date.
func TestDraftSaysWhatIsMissing(t *testing.T) {
	for _, s := range stores(t)[:1] {
		w := build(t, s.Store)
		d := draftOf(t, s.Store, w.bareCase.ID, "cpc-106", "ru")
		if len(d.Missing) != 1 {
			t.Fatalf("missing = %v, want the one challenged step", d.Missing)
		}
		text := pdfText(t, d.Document)
		tmpl, _ := LoadTemplate(law.Templates(), law.Default(), "ru")
		mustHave(t, "draft of a bare case", text, "Прекращено", tmpl.Phrases["not_computed"], "В деле не записано")
		if strings.Contains(text, "2022-02-11") == false {
			t.Error("the one recorded step's date is not in the draft")
		}
		// No filing deadline is counted from the only date the case has.
		if f, err := law.Default().FilingDeadline("cpc-106", day("2022-02-11")); err == nil && strings.Contains(text, f.Date.Format(time.DateOnly)) {
			t.Errorf("the draft counts a filing deadline (%s) from a step it does not challenge", f.Date.Format(time.DateOnly))
		}
		// The same case with a kind that challenges no step lacks nothing.
		if d := draftOf(t, s.Store, w.bareCase.ID, "appc-76", "ru"); len(d.Missing) != 0 {
			t.Errorf("appc-76 draft lacks %v", d.Missing)
		}
	}
}

func TestDraftRefusesBadInput(t *testing.T) {
	s := stores(t)[0]
	w := build(t, s.Store)
	rules := law.Default()
	tmpl, err := LoadTemplate(law.Templates(), rules, "ru")
	if err != nil {
		t.Fatal(err)
	}
	cf, err := LoadCase(context.Background(), s.Store, editor, w.fullCase.ID, "ru")
	if err != nil {
		t.Fatal(err)
	}
	_, err = MakeDraft(cf, DraftOptions{Kind: "no-such-kind", Lang: "ru", FiledOn: day("2022-06-24"), Today: day("2022-06-24"), Rules: rules, Template: tmpl})
	if qantar.ErrorCode(err) != qantar.EINVALID || !strings.Contains(err.Error(), "не вид жалобы") || !strings.Contains(err.Error(), "cpc-106") {
		t.Errorf("unknown kind: %v (want EINVALID in Russian naming the kinds)", err)
	}
	if _, err := LoadCase(context.Background(), s.Store, editor, 9999, "kk"); qantar.ErrorCode(err) != qantar.ENOTFOUND || !strings.Contains(err.Error(), "іс жоқ") {
		t.Errorf("unknown case: %v (want ENOTFOUND in Kazakh)", err)
	}
	if _, err := LoadTemplate(law.Templates(), rules, "de"); qantar.ErrorCode(err) != qantar.ENOTFOUND {
		t.Errorf("a language with no template: %v", err)
	}
}

// TestTemplateRefusedAtLoad changes the shipped template one mistake at a
// time; each must be refused at load, naming what is wrong.
func TestTemplateRefusedAtLoad(t *testing.T) {
	rules := law.Default()
	orig, err := os.ReadFile("../law/rules/kz/templates/ru.json")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParseTemplate(orig, "ru.json", rules, "ru"); err != nil {
		t.Fatalf("the shipped template is refused: %v", err)
	}
	for _, c := range []struct{ old, new, says string }{
		{"{{case_number}}, орган", "{{case_numbr}}, орган", "{{case_numbr}}"},
		{`"text": "{{step_date}}: `, `"text": "{{act_victim}}: `, "{{act_victim}}"}, // an item field outside its list
		{`"each": "steps"`, `"each": "stepz"`, "stepz"},
		{`"style": "title"`, `"style": "banner"`, "banner"},
		{`"cpc-107": {`, `"cpc-999": {`, "cpc-999"},
		{`"challenges": [
        "terminated",`, `"challenges": [
        "closed",`, "closed"},
		{`"none": "нет"`, `"nothing": "нет"`, "none"},
		{`"lang": "ru"`, `"lang": "ru", "colour": "red"`, "colour"},
		{"{{today}}", "{{today}", "braces"},
	} {
		bad := strings.Replace(string(orig), c.old, c.new, 1)
		if bad == string(orig) {
			t.Fatalf("the test's %q is not in the template", c.old)
		}
		_, err := ParseTemplate([]byte(bad), "ru.json", rules, "ru")
		if err == nil || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%q → %q: err = %v, want one naming %q", c.old, c.new, err, c.says)
		}
	}
}

// TestTemplatesCoverEveryKind: every complaint kind of the embedded rules
// has a draft in kk, ru and en.
func TestTemplatesCoverEveryKind(t *testing.T) {
	rules := law.Default()
	for _, lang := range qantar.UILangs {
		tmpl, err := LoadTemplate(law.Templates(), rules, lang)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range rules.KindCodes() {
			if _, ok := tmpl.Kinds[k]; !ok {
				t.Errorf("%s template has no draft for %s", lang, k)
			}
		}
	}
}

// TestDossier renders the dossier of the public victim in ru and kk and
// finds every step's date, the complaint and its deadline, every annex's
// SHA-256, the log checkpoint, and the seven Istanbul items nobody has
// answered with a source.
func TestDossier(t *testing.T) {
	for _, s := range stores(t) {
		w := build(t, s.Store)
		pf, err := LoadPerson(context.Background(), s.Store, editor, w.victim.ID, "ru")
		if err != nil {
			t.Fatal(err)
		}
		if pf.Log == nil || pf.Log.Size == 0 {
			t.Fatalf("%s: no log checkpoint", s.Name)
		}
		st, err := law.DefaultRegistry().Status(w.complaint, day("2022-12-01"))
		if err != nil {
			t.Fatal(err)
		}
		suf := report.EvidenceSufficiency(w.act, []*qantar.Case{w.fullCase})
		for _, lang := range []string{"ru", "kk"} {
			doc, err := MakeDossier(pf, DossierOptions{Lang: lang, Today: day("2022-12-01")})
			if err != nil {
				t.Fatal(err)
			}
			want := []string{w.victim.Names[0].Value, w.order.SHA256, w.certificate.SHA256, st.Deadline.Date.Format(time.DateOnly),
				w.complaint.FiledOn.String(), w.complaint.Responses[0].ReceivedOn.String(), w.act.Date.String(),
				locale.For(lang).S("Log leaf %d, held by the checkpoint of size %d.", pf.Leaves[w.order.ID], pf.Log.Size)}
			for _, step := range w.fullCase.Steps {
				want = append(want, step.Date.String())
			}
			for _, m := range suf.Missing {
				want = append(want, m.Item.Labels.In(lang))
			}
			want = append(want, locale.For(lang).S("Answered with a source: %d of %d. Missing:", 3, 10))
			mustHave(t, s.Name+" "+lang+" dossier PDF", pdfText(t, doc), want...)
			mustHave(t, s.Name+" "+lang+" dossier DOCX", docxText(t, doc), want...)
		}
	}
}

// TestDossierOfProtectedPerson: an anonymous reader's dossier on a
// restricted person does not name them nor describe their act, and says
// what is withheld; an editor's names them.
func TestDossierOfProtectedPerson(t *testing.T) {
	s := stores(t)[0]
	w := build(t, s.Store)
	for _, c := range []struct {
		reader qantar.Actor
		sees   bool
	}{{qantar.Anonymous, false}, {qantar.ViewerReader, true}, {editor, true}} {
		pf, err := LoadPerson(context.Background(), s.Store, c.reader, w.hidden.ID, "ru")
		if err != nil {
			t.Fatal(err)
		}
		doc, err := MakeDossier(pf, DossierOptions{Lang: "ru", Today: day("2022-12-01")})
		if err != nil {
			t.Fatal(err)
		}
		text := docxText(t, doc)
		for _, secret := range []string{"Synthetic Hidden Person", "Synthetic secret description"} {
			if strings.Contains(text, secret) != c.sees {
				t.Errorf("reader %q: %q shown = %v, want %v", c.reader.Role, secret, !c.sees, c.sees)
			}
		}
		withheld := strings.Contains(text, locale.For("ru").S("Withheld as confidential from the reader this dossier was made for:"))
		if withheld == c.sees {
			t.Errorf("reader %q: the dossier says parts are withheld = %v", c.reader.Role, withheld)
		}
		if !c.sees {
			mustHave(t, "anonymous dossier", text, locale.For("ru").S("Protected person"), "2022-01-07", "SYN-146-2",
				locale.For("ru").S("the descriptions and methods of the acts, and the notes of their checklists"))
		}
	}
}

// TestPDFRefusesTextTheFontCannotDraw.
func TestPDFRefusesTextTheFontCannotDraw(t *testing.T) {
	d := &Document{Lang: "kk", Blocks: []Block{{Style: StylePara, Text: "Әділет 中"}}}
	err := WritePDF(io.Discard, d)
	if qantar.ErrorCode(err) != qantar.EINVALID || !strings.Contains(err.Error(), "U+4E2D") || !strings.Contains(err.Error(), "DOCX") {
		t.Errorf("err = %v, want EINVALID naming U+4E2D in Kazakh", err)
	}
	d.Blocks[0].Text = "ӘәҒғҚқҢңӨөҰұҮүҺһІі"
	if err := WritePDF(io.Discard, d); err != nil {
		t.Errorf("Kazakh letters refused: %v", err)
	}
}
