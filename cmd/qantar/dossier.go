package main

import (
	"context"
	"fmt"

	"github.com/qantar-project/qantar/filing"
	"github.com/qantar-project/qantar/law"
)

func init() {
	register(command{name: "dossier", summary: "write the dossier on a person for a UN individual communication (chronology, remedies, protocol checklists, annexes with SHA-256 and log checkpoint), as DOCX or PDF", run: runDossier})
}

func runDossier(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlags("dossier", "--db D --person ID --lang ru|kk|en --out FILE.pdf|FILE.docx [--as ROLE] [--as-of DATE]")
	ff := addFilingFlags(fs)
	person := fs.Int64("person", 0, "the person's id")
	asOf := fs.String("as-of", "", "the day the complaints' status is judged on (default: today)")
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
	if *person <= 0 {
		return usagef("--person is required (a person's id)")
	}
	day, err := dayFlag("as-of", *asOf)
	if err != nil {
		return err
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
	pf, err := filing.LoadPerson(ctx, s, actor, *person, *ff.lang)
	if err != nil {
		return err
	}
	doc, err := filing.MakeDossier(pf, filing.DossierOptions{Lang: *ff.lang, Today: day, Rules: reg})
	if err != nil {
		return err
	}
	if err := writeDocument(doc, format, *ff.out); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "%s, %s, %s, %s, %s\n", m.say("dossier %s: person %d", *ff.out, *person), m.say("%d acts", len(pf.Acts)),
		m.say("%d cases", len(pf.Cases)), m.say("%d complaints", len(pf.Complaints)), m.say("%d sources annexed", len(pf.Sources)))
	return nil
}
