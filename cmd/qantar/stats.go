package main

import (
	"context"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/web"
)

func init() {
	register(command{name: "stats", summary: "the published figures as they were at a checkpoint of the log, as /api/v1/stats gives them: stats --db D --at SIZE --format json", run: runStats})
}

// runStats recomputes the figures from the records as they were at a
// checkpoint, so that a published figure can be checked years later: the
// same JSON, byte for byte, as the site's /api/v1/stats gave at that size.
func runStats(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlags("stats", "[--db D] [--at SIZE] [--as-of YYYY-MM-DD] [--format json] [--rules FILE]")
	db := dbFlag(fs)
	at := fs.Int64("at", -1, "the size of the checkpoint the figures were published at (default: the latest)")
	asOfFlag := fs.String("as-of", "", "the day the figures are counted to (default: the day of the checkpoint's last entry, as the site does)")
	format := fs.String("format", "json", "json: the JSON of /api/v1/stats")
	site := fs.String("url", "", "a site or mirror instead of --db: not supported (see the message)")
	rulesFile := fs.String("rules", "", "jurisdiction rules file instead of the embedded ones (as the site was served with)")
	if err := m.parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	if *format != "json" {
		return usagef("--format %q: only json is supported", *format)
	}
	if *site != "" {
		// The figures count every record, protected or not; a site's open
		// data is the public projection and cannot give the same numbers.
		return usagef("--url is not supported: a site's open data carries only what the public may see, while the figures count every record, so they cannot be recomputed from it; run stats --db on a copy of the database (qantar backup), and compare with the site's /api/v1/stats?at=SIZE or a mirror's data/stats.json")
	}
	if *at < -1 {
		return usagef("--at %d is not a size of the log", *at)
	}
	var asOf time.Time
	if *asOfFlag != "" {
		d, err := qantar.ParseDate(*asOfFlag)
		if err != nil || !d.HasDay() || d.Precision == qantar.PrecisionExact {
			return usagef("--as-of %q is not a date (YYYY-MM-DD)", *asOfFlag)
		}
		asOf = d.Time()
	}
	rules, err := rulesRegistry(*rulesFile)
	if err != nil {
		return err
	}
	s, err := openAppStore(ctx, storeConfig{DSN: *db, ReadOnly: true})
	if err != nil {
		return err
	}
	defer s.Close()
	ar, ok := s.(qantar.AtReader)
	if !ok {
		return qantar.Errorf(qantar.EINVALID, "this store cannot read its records at a checkpoint")
	}
	st, err := web.StatsAt(ctx, ar, rules, *at, asOf)
	if err != nil {
		return err
	}
	return web.EncodeStats(m.Stdout, st)
}
