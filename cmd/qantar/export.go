package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/csvio"
)

func init() {
	register(command{name: "export", summary: "export every kind of record, one file each, with the log checkpoint beside them", run: runExport})
}

func runExport(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlags("export", "--out DIR [--format csv|json|xlsx] [--public] [--lang en|ru|kk]   or   qantar export --columns")
	db := dbFlag(fs)
	format := fs.String("format", "csv", "file format: csv, json or xlsx")
	out := fs.String("out", "", "directory to write persons.csv, cases.csv, … into (created if needed)")
	public := fs.Bool("public", false, "export only what the public site shows: protected persons become placeholders")
	lang := fs.String("lang", "en", "language of the column headers: en (the JSON field names), ru or kk")
	kinds := fs.String("kind", "", "comma-separated kinds to export (default: every kind)")
	columns := fs.Bool("columns", false, "print the columns of every kind as Markdown and exit")
	pos, err := parseFlagsAnywhere(m, fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	var ks []qantar.Kind
	if *kinds != "" {
		for _, s := range strings.Split(*kinds, ",") {
			k, err := qantar.ParseKind(strings.TrimSpace(s))
			if err != nil {
				return usagef("%s", qantar.ErrorMessage(err))
			}
			ks = append(ks, k)
		}
	}
	if *columns {
		if ks == nil {
			ks = qantar.Kinds
		}
		for _, k := range ks {
			fmt.Fprintln(m.Stdout, csvio.ColumnDoc(k))
		}
		return nil
	}
	if *out == "" {
		return usagef("--out DIR is required")
	}
	switch *format {
	case "csv", "json", "xlsx":
	default:
		return usagef("unknown --format %q (want csv, json or xlsx)", *format)
	}
	switch *lang {
	case "en", "ru", "kk":
	default:
		return usagef("unknown --lang %q (want en, ru or kk)", *lang)
	}
	st, closeStore, err := openStore(ctx, m, *db)
	if err != nil {
		return err
	}
	defer closeStore()
	rep, err := csvio.Export(ctx, st, *out, csvio.ExportOptions{Format: *format, Public: *public, Lang: *lang, Kinds: ks})
	if err != nil {
		return err
	}
	if err := m.exportFiles(ctx, st, *db, *out); err != nil { // public evidence files under files/ (file.go)
		return err
	}
	for _, f := range rep.Files {
		k := qantar.Kind(strings.TrimSuffix(filepath.Base(f), filepath.Ext(f)))
		if n, ok := rep.Counts[k]; ok {
			fmt.Fprintf(m.Stdout, "%s\t%s\n", f, m.say("%d records", n))
		} else {
			fmt.Fprintln(m.Stdout, f)
		}
	}
	if !rep.Checkpoint {
		m.sayln(m.Stderr, "note: this database offers no log checkpoint yet, so no checkpoint.txt was written")
	}
	return nil
}
