package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/facts"
	"github.com/qantar-project/qantar/law"
	"github.com/qantar-project/qantar/postgres"
	"github.com/qantar-project/qantar/seed"
)

func init() {
	register(command{name: "facts", summary: "check that a dataset claims no more than its sources (facts --check)", run: runFacts})
}

// runFacts prints what a dataset claims beyond its sources (package facts):
// facts without a citation, empty quotes, sources without an address or a
// word on why, uncited renamings and boundary changes, and rules marked
// verified without a source or an edition. It checks the bundled dataset,
// a dataset file, or a database, with the embedded rules or --rules; exit
// 1 when it finds anything.
func runFacts(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlags("facts", "--check [--db D | FILE] [--rules FILE]")
	check := fs.Bool("check", false, "check the dataset and the rules, and print every problem")
	db := dbFlag(fs)
	rulesFile := fs.String("rules", "", "a rules file to check instead of the embedded Kazakh rules")
	rest, err := parseFlagsAnywhere(m, fs, args)
	if err != nil {
		return err
	}
	dbGiven := false
	fs.Visit(func(f *flag.Flag) { dbGiven = dbGiven || f.Name == "db" })
	switch {
	case !*check:
		return usagef("say --check (the only thing this command does)")
	case len(rest) > 1:
		return usagef("one dataset file at most, not %s", strings.Join(rest, " "))
	case len(rest) == 1 && dbGiven:
		return usagef("check a database (--db) or a file (%s), not both", rest[0])
	}
	rules := law.Default()
	if *rulesFile != "" {
		if rules, err = law.LoadFile(*rulesFile); err != nil {
			return err
		}
	}
	what, ps, err := factProblems(ctx, m, rest, dbGiven, *db)
	if err != nil {
		return err
	}
	ps = append(ps, facts.Rules(rules)...)
	for _, p := range ps {
		fmt.Fprintln(m.Stdout, m.say("%s", p))
	}
	if len(ps) > 0 {
		return qantar.Errorf(qantar.EINVALID, "problems found in %s and the %s rules: %d", what, rules.Jurisdiction, len(ps))
	}
	m.sayln(m.Stdout, "no problems in %s and the %s rules", what, rules.Jurisdiction)
	return nil
}

// factProblems checks the dataset named: a file, a database, or (neither)
// the bundled one; what says which, for the summary.
func factProblems(ctx context.Context, m *Main, files []string, dbGiven bool, dsn string) (what string, ps []facts.Problem, err error) {
	switch {
	case dbGiven:
		if !postgres.IsURL(dsn) {
			if _, err := os.Stat(dsn); err != nil {
				return "", nil, qantar.Errorf(qantar.ENOTFOUND, "no database at %s", dsn)
			}
		}
		s, closeStore, err := openStore(ctx, m, dsn)
		if err != nil {
			return "", nil, err
		}
		defer closeStore()
		ps, err = facts.Store(ctx, s)
		return "the database " + dsn, ps, err
	case len(files) == 1:
		f, err := readDataset(files[0])
		if err != nil {
			return "", nil, err
		}
		ps, err = facts.File(f)
		return files[0], ps, err
	}
	f, err := seed.Bundled()
	if err != nil {
		return "", nil, err
	}
	ps, err = facts.File(f)
	return "the bundled dataset", ps, err
}

// readDataset reads a dataset file in the bundled format (seed.File:
// "about" and "records" of kind, key and record), strictly.
func readDataset(path string) (seed.File, error) {
	var f seed.File
	b, err := os.Open(path)
	if err != nil {
		return f, qantar.Errorf(qantar.EINVALID, "dataset file: %v", err)
	}
	defer b.Close()
	dec := json.NewDecoder(b)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return f, qantar.Errorf(qantar.EINVALID, "dataset file %s: %v (want the bundled format: about, records of kind, key, record)", path, err)
	}
	return f, nil
}
