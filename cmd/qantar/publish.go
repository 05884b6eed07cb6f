package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/law"
	"github.com/qantar-project/qantar/publish"
	"github.com/qantar-project/qantar/seed"
	"github.com/qantar-project/qantar/web"
	"github.com/qantar-project/qantar/witness"
)

func init() {
	register(command{name: "publish", summary: "write a static mirror of the public site (pages in kk/ru/en, open data, the log) that any static host serves and anyone can check; or --check one", run: runPublish})
}

func runPublish(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlags("publish", "--out DIR [--db D] [--origin URL] [--lang en|ru|kk] [--force]   or   qantar publish --check DIR|URL [--key KEY] [--checkpoint OLD]")
	db := fs.String("db", "qantar.db", "database: a SQLite file path, or a postgres:// URL")
	out := fs.String("out", "", "directory to write the mirror into: created, or replaced whole at the end (never left half-written)")
	origin := fs.String("origin", "", "the https:// (or .onion) address the mirror will be served at, written into its VERIFY.txt")
	lang := fs.String("lang", "en", "language of the pages at the mirror's root (the others go under kk/, ru/, en/)")
	force := fs.Bool("force", false, "replace the mirror already in --out (a directory that holds no mirror is never replaced)")
	rules := fs.String("rules", "", "jurisdiction rules file, as given to serve (default: the embedded Kazakh rules)")
	checkSrc := fs.String("check", "", "check a mirror instead: its directory (offline) or its http(s) URL")
	key := fs.String("key", "", "with --check: the log's public key, obtained from elsewhere than the mirror")
	old := fs.String("checkpoint", "", "with --check: a checkpoint kept from earlier, which the log must extend")
	witnesses := fs.String("witness-policy", "", "have the mirror's checkpoint cosigned by this policy's witnesses (docs/WITNESS.md)")
	policy := fs.String("policy", "", "with --check: a witness policy whose quorum must have cosigned the mirror's checkpoint")
	lc := logConfig{Level: slog.LevelWarn}
	logFlags(fs, &lc)
	if err := m.parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if *checkSrc != "" {
		for _, f := range []string{"out", "origin", "lang", "force", "rules", "db", "witness-policy"} {
			if set[f] {
				return usagef("--%s is for publishing, not with --check", f)
			}
		}
		return m.checkMirror(ctx, *checkSrc, *key, *old, *policy)
	}
	for _, f := range []string{"key", "checkpoint", "policy"} {
		if set[f] {
			return usagef("--%s goes with --check", f)
		}
	}
	if *out == "" {
		return usagef("--out DIR is required (or --check DIR|URL)")
	}
	if !slices.Contains(qantar.UILangs, *lang) {
		return usagef("unknown --lang %q (want en, ru or kk)", *lang)
	}
	if *origin != "" {
		if err := publish.CheckOrigin(*origin); err != nil {
			return usagef("--origin: %s", qantar.ErrorMessage(err))
		}
	}
	reg, err := rulesRegistry(*rules)
	if err != nil {
		return err
	}
	if !strings.Contains(*db, "://") {
		if _, err := os.Stat(*db); err != nil {
			return qantar.Errorf(qantar.EINVALID, "no database at %s", *db)
		}
	}
	st, err := openAppStore(ctx, storeConfig{DSN: *db, Checker: law.Checker{Rules: reg}})
	if err != nil {
		return err
	}
	defer st.Close()
	outline, err := seed.Regions()
	if err != nil {
		return err
	}
	cfg := web.Config{Store: st, Tokens: st, Log: st, Search: st, Rules: reg,
		Logger: m.logger(lc), Files: m.filesOf(*db), Map: outline} // public evidence files under files/ (file.go)
	po := publish.Options{Site: cfg, Origin: *origin, Lang: *lang, Force: *force}
	if *witnesses != "" {
		cos, err := newCosigner(serveConfig{WitnessPolicy: *witnesses, DB: *db, WitnessState: "-"}, st, cfg.Logger)
		if err != nil {
			return err
		}
		po.Cosign = cos.Cosign
	}
	rep, err := publish.Publish(ctx, *out, po)
	if err != nil {
		return err
	}
	records := 0
	for _, n := range rep.Records {
		records += n
	}
	fmt.Fprintf(m.Stdout, "%s, %s, %s (%s, %s); %s, %s\n", m.say("published %s: %d pages in %s", rep.Dir, rep.Pages, strings.Join(rep.Langs, ", ")),
		m.say("%d public records as CSV and JSON", records), m.say("the log at %d entries", rep.Size), m.say("%d tiles", rep.Tiles), m.say("%d entry bundles", rep.Bundles),
		m.say("%d files", rep.Files), m.say("%.1f MiB, in %s", float64(rep.Bytes)/(1<<20), rep.Elapsed.Round(1e6)))
	fmt.Fprintf(m.Stdout, "%s, %s; %s\n", m.say("checked: %d records matched to the log", rep.Check.Records),
		m.say("%d shown without identifying details", rep.Check.Redacted), m.say("see %s/%s", rep.Dir, publish.VerifyFile))
	return nil
}

func (m *Main) checkMirror(ctx context.Context, src, key, oldPath, policyPath string) error {
	if strings.Contains(src, "://") && !strings.HasPrefix(src, "http://") && !strings.HasPrefix(src, "https://") {
		return usagef("--check takes a directory or an http(s) URL, not %q", src)
	}
	opts := publish.CheckOptions{VerifierKey: key}
	if oldPath != "" {
		b, err := os.ReadFile(oldPath)
		if err != nil {
			return qantar.Errorf(qantar.EINVALID, "read --checkpoint: %v", err)
		}
		opts.OldCheckpoint = b
	}
	rep, err := publish.Check(ctx, src, opts)
	if rep != nil {
		rep.WriteText(m.Stdout)
	}
	var ce *publish.CheckError
	switch {
	case errors.As(err, &ce):
		return qantar.Errorf(qantar.EINVALID, "the mirror does not check out")
	case err != nil:
		return qantar.Errorf(qantar.EINVALID, "cannot check %s: %v", src, err)
	}
	if policyPath != "" {
		pol, err := witness.ReadPolicy(policyPath)
		if err != nil {
			return qantar.Errorf(qantar.EINVALID, "--policy: %v", err)
		}
		if err := witness.CheckQuorum(pol, rep.Log.Checkpoint); err != nil {
			return qantar.Errorf(qantar.EINVALID, "the mirror's checkpoint is not witnessed as the policy requires: %v", err)
		}
		m.sayln(m.Stdout, "witnessed: the policy's quorum cosigned the mirror's checkpoint")
	}
	if key == "" {
		m.sayln(m.Stderr, "note: no --key given, so the mirror was checked against its own key; get the log's key from elsewhere to check that the log is the one it claims to be")
	}
	return nil
}
