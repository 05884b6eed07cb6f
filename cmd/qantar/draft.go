package main

import (
	"bytes"
	"context"
	"flag"
	iofs "io/fs"
	"os"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/filing"
	"github.com/qantar-project/qantar/law"
)

func init() {
	register(command{name: "draft", summary: "write a draft complaint or appeal for a case, as DOCX or PDF, from the rules and a template; --file also records it as a Complaint", run: runDraft})
}

// filingFlags are what draft and dossier share: the database, the language,
// the output file, the reader the document is made for, and the rules.
type filingFlags struct {
	db, lang, out, as, rules *string
}

func addFilingFlags(fs *flag.FlagSet) filingFlags {
	return filingFlags{
		db:    dbFlag(fs),
		lang:  fs.String("lang", "ru", "the document's language: ru, kk or en"),
		out:   fs.String("out", "", "the file to write: NAME.docx or NAME.pdf"),
		as:    fs.String("as", qantar.RoleEditor, "the reader the document is made for: public, viewer, editor or admin (what they may not see is left out)"),
		rules: fs.String("rules", "", "jurisdiction rules file instead of the embedded ones"),
	}
}

// check validates the shared flags and returns the output format and the
// reader.
func (f filingFlags) check(m *Main) (string, qantar.Actor, error) {
	if *f.lang != "ru" && *f.lang != "kk" && *f.lang != "en" {
		return "", qantar.Actor{}, usagef("--lang %q: want ru, kk or en", *f.lang)
	}
	if *f.out == "" {
		return "", qantar.Actor{}, usagef("--out is required (NAME.docx or NAME.pdf)")
	}
	format, err := filing.FormatOf(*f.out)
	if err != nil {
		return "", qantar.Actor{}, usagef("--out %q: the file must end in .docx or .pdf", *f.out)
	}
	actor := importActor(m)
	switch *f.as {
	case "public", "anonymous":
		actor = qantar.Anonymous
	case qantar.RoleViewer, qantar.RoleEditor, qantar.RoleAdmin:
		actor.Role = *f.as
	default:
		return "", qantar.Actor{}, usagef("--as %q: want public, viewer, editor or admin", *f.as)
	}
	return format, actor, nil
}

// write renders the document and puts it in place whole.
func writeDocument(doc *filing.Document, format, path string) error {
	var buf bytes.Buffer
	if err := doc.Write(&buf, format); err != nil {
		return err
	}
	return writeFileAtomic(path, buf.Bytes())
}

func today() time.Time {
	t := time.Now().UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// dayFlag parses a YYYY-MM-DD flag, today when empty.
func dayFlag(name, v string) (time.Time, error) {
	if v == "" {
		return today(), nil
	}
	d, err := qantar.ParseDate(v)
	if err != nil || !d.HasDay() {
		return time.Time{}, usagef("--%s %q is not a date (YYYY-MM-DD)", name, v)
	}
	return d.Time(), nil
}

func runDraft(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlags("draft", "--db D --case ID --kind KIND --lang ru|kk|en --out FILE.docx|FILE.pdf [--filed-on DATE] [--file]")
	ff := addFilingFlags(fs)
	caseID := fs.Int64("case", 0, "the case's id")
	kind := fs.String("kind", "", "the complaint kind, a code of the rules (e.g. cpc-106); qantar deadline --help lists them")
	filedOn := fs.String("filed-on", "", "the day the complaint would be registered, from which the answer's deadline counts (default: today)")
	templates := fs.String("templates", "", "a directory holding JURISDICTION/templates/LANG.json, instead of the embedded templates")
	file := fs.Bool("file", false, "also record the draft as a Complaint in the database, written by you (the log names you)")
	if err := m.parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	format, actor, err := ff.check(m)
	if err != nil {
		return err
	}
	if *caseID <= 0 {
		return usagef("--case is required (a case's id)")
	}
	if *kind == "" {
		return usagef("--kind is required (a complaint kind of the rules, e.g. cpc-106)")
	}
	filed, err := dayFlag("filed-on", *filedOn)
	if err != nil {
		return err
	}
	if *file && !actor.CanWrite() {
		return usagef("--file writes a Complaint: --as must be editor or admin")
	}
	reg, err := rulesRegistry(*ff.rules)
	if err != nil {
		return err
	}
	if err := m.checkExists(*ff.db); err != nil {
		return err
	}
	s, err := openAppStore(ctx, storeConfig{DSN: *ff.db, Checker: law.Checker{Rules: reg}})
	if err != nil {
		return err
	}
	defer s.Close()
	var tfs iofs.FS = law.Templates()
	if *templates != "" {
		tfs = os.DirFS(*templates)
	}
	d, cf, err := filing.DraftCase(ctx, s, actor, reg, tfs, filing.DraftRequest{CaseID: *caseID, Kind: *kind, Lang: *ff.lang, FiledOn: filed, Today: today()})
	if err != nil {
		return err
	}
	if err := writeDocument(d.Document, format, *ff.out); err != nil {
		return err
	}
	m.sayln(m.Stdout, "draft %s: %s for case %d (%s)", *ff.out, *kind, *caseID, cf.Case.Number)
	for _, miss := range d.Missing {
		m.sayln(m.Stdout, "missing: %s", miss)
	}
	if !*file {
		return nil
	}
	c, created, err := filing.File(ctx, s, actor, d)
	if err != nil {
		return err
	}
	if !created {
		m.sayln(m.Stdout, "already filed: complaints/%d, %s, filed on %s", c.ID, c.ComplaintKind, c.FiledOn.String())
		return nil
	}
	m.sayln(m.Stdout, "filed: complaints/%d, %s, filed on %s", c.ID, c.ComplaintKind, c.FiledOn.String())
	return nil
}
