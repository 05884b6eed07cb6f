package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/csvio"
)

func init() {
	register(command{name: "import", summary: "import a CSV, TSV, XLSX or JSON list (or an export directory), all rows or none", run: runImport})
}

const importSynopsis = "--kind KIND FILE [--map MAP] [--dry-run] [--skip-invalid]   or   qantar import --list NAME FILE   or   qantar import EXPORT-DIR"

func runImport(ctx context.Context, m *Main, args []string) error {
	fs, f := newImportFlags(m)
	pos, err := parseFlagsAnywhere(m, fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("give one FILE (or export directory) to import")
	}
	path := pos[0]
	o, err := f.options(m)
	if err != nil {
		return err
	}
	fi, err := os.Stat(path)
	if err != nil {
		return qantar.Errorf(qantar.EINVALID, "%v", err)
	}
	kind, err := f.kind(fi)
	if err != nil {
		return err
	}
	st, closeStore, err := openStore(ctx, m, *f.db)
	if err != nil {
		return err
	}
	defer closeStore()
	bar := newImportProgress(m.Stderr)
	o.Progress = bar.update
	rep, err := f.importPath(ctx, st, path, fi, kind, o)
	bar.done()
	if err != nil {
		return err
	}
	printImportSummary(m, rep, f.list())
	if rep.OK() {
		if rep.DryRun {
			m.sayln(m.Stdout, "dry run: nothing was written")
		}
		return nil
	}
	return f.importProblems(m, rep, path, fi)
}

// importFlags are the flags of qantar import.
type importFlags struct {
	db, kindName, mapPath, enc, delim, sheet, reportPath, protection *string
	listName, listKey, actType, rejectedPath                         *string
	dryRun, skip                                                     *bool
}

func newImportFlags(m *Main) (*flag.FlagSet, *importFlags) {
	fs := m.newFlags("import", importSynopsis)
	f := &importFlags{db: dbFlag(fs)}
	f.kindName = fs.String("kind", "", "kind of record in FILE: person, event, act, case, complaint, source, unit, post, figure, place, involvement, citation")
	f.mapPath = fs.String("map", "", "mapping file (YAML or JSON) from the file's column names to columns; see csvio.Mapping")
	f.dryRun = fs.Bool("dry-run", false, "validate and report what would change, write nothing")
	f.skip = fs.Bool("skip-invalid", false, "import the valid rows and write the rejected ones, unchanged, to --rejected")
	f.enc = fs.String("encoding", "", "encoding of a CSV file: utf-8, utf-16 or windows-1251 (default: detected)")
	f.delim = fs.String("delimiter", "", "delimiter of a CSV file: comma, semicolon, tab (default: detected)")
	f.sheet = fs.String("sheet", "", "XLSX sheet to read (default: the first)")
	f.reportPath = fs.String("report", "", "where to write the problems as CSV (default: FILE.problems.csv when there are problems)")
	f.protection = fs.String("protection", "", "protection level of every person whose row sets none: public, restricted or confidential (default: restricted until an editor publishes them, unless the row records consent)")
	f.listName = fs.String("list", "", "FILE is a list kept by a source called NAME: each row a person on it, with a death act when the row gives a date, place or circumstances of death, cited to the list with the row's number (the list's source is created on first import, found again after)")
	f.listKey = fs.String("list-key", "", "with --list, or instead of it: the external key of the list's existing source")
	f.actType = fs.String("act-type", "", "with --list: the type of each row's death act (default: killing, \"other or unclear\")")
	f.rejectedPath = fs.String("rejected", "", "with --skip-invalid, where to write the rejected rows (default: FILE.rejected.csv, or FILE.rejected.json for a JSON file)")
	return fs, f
}

// list reports whether the file is imported as a list.
func (f *importFlags) list() bool { return *f.listName != "" || *f.listKey != "" }

// options are the import's options from the flags, the mapping file read.
func (f *importFlags) options(m *Main) (csvio.Options, error) {
	switch *f.protection {
	case "", qantar.Public, qantar.Restricted, qantar.Confidential:
	default:
		return csvio.Options{}, usagef("--protection %q: give public, restricted or confidential", *f.protection)
	}
	o := csvio.Options{DryRun: *f.dryRun, SkipInvalid: *f.skip, Actor: importActor(m), Protection: *f.protection}
	o.Read.Encoding, o.Read.Sheet = *f.enc, *f.sheet
	var err error
	if o.Read.Delimiter, err = csvio.ParseDelimiter(*f.delim); err != nil {
		return o, usagef("%v", err)
	}
	if *f.mapPath != "" {
		mf, err := os.Open(*f.mapPath)
		if err != nil {
			return o, qantar.Errorf(qantar.EINVALID, "mapping: %v", err)
		}
		o.Mapping, err = csvio.ParseMapping(mf)
		mf.Close()
		if err != nil {
			return o, qantar.Errorf(qantar.EINVALID, "%s: %v", *f.mapPath, err)
		}
	}
	return o, nil
}

// kind checks the flags that say what the file is against the file, and
// returns the kind of a file that is neither a list nor a directory.
func (f *importFlags) kind(fi os.FileInfo) (qantar.Kind, error) {
	list := f.list()
	if *f.actType != "" && !list {
		return "", usagef("--act-type is for a list (--list NAME)")
	}
	if list && (fi.IsDir() || *f.kindName != "") {
		return "", usagef("--list imports one FILE as a list; it takes no --kind")
	}
	if *f.actType != "" && !qantar.IsKilling(*f.actType) {
		return "", usagef("--act-type %q: a list's death act is one of the act types that end a life (%s)", *f.actType, strings.Join(killingTypes(), ", "))
	}
	if fi.IsDir() || list {
		return "", nil
	}
	if *f.kindName == "" {
		return "", usagef("--kind is required for a file (person, event, act, case, complaint, …)")
	}
	kind, err := qantar.ParseKind(*f.kindName)
	if err != nil {
		return "", usagef("%s", qantar.ErrorMessage(err))
	}
	return kind, nil
}

// importPath imports an export directory, a list or a table.
func (f *importFlags) importPath(ctx context.Context, st qantar.Store, path string, fi os.FileInfo, kind qantar.Kind, o csvio.Options) (*csvio.Report, error) {
	if fi.IsDir() {
		return csvio.ImportDir(ctx, st, path, o)
	}
	file, err := os.Open(path)
	if err != nil {
		return nil, qantar.Errorf(qantar.EINVALID, "%v", err)
	}
	defer file.Close()
	in := csvio.Input{Kind: kind, Name: filepath.Base(path), R: file, Size: fi.Size()}
	if f.list() {
		return csvio.ImportList(ctx, st, in, csvio.List{Name: *f.listName, Key: *f.listKey, ActType: *f.actType}, o)
	}
	return csvio.ImportTables(ctx, st, []csvio.Input{in}, o)
}

// printImportSummary says what each table of an import did, and how many
// persons it left protected.
func printImportSummary(m *Main, rep *csvio.Report, list bool) {
	for _, t := range rep.Tables {
		name := t.Name
		if list {
			name += ", " + string(t.Kind)
		}
		fmt.Fprintf(m.Stdout, "%s; %s, %s, %s, %s\n", m.say("%s: %d rows read (%s)", name, t.Rows, describeImportTable(m, t)),
			m.say("%d created", t.Created), m.say("%d updated", t.Updated), m.say("%d unchanged", t.Unchanged), m.say("%d rejected", t.Rejected))
	}
	if rep.Protected > 0 {
		m.sayln(m.Stdout, "%d persons are protected (restricted or confidential) until an editor publishes them", rep.Protected)
	}
}

// importProblems reports an import's problems: on stderr, as a CSV file,
// and with --skip-invalid the rejected rows as files; the error is the
// command's outcome.
func (f *importFlags) importProblems(m *Main, rep *csvio.Report, path string, fi os.FileInfo) error {
	m.writeImportProblems(rep, 100)
	base := strings.TrimSuffix(path, filepath.Ext(path))
	if fi.IsDir() {
		base = filepath.Join(path, "import")
	}
	reportPath := *f.reportPath
	if reportPath == "" {
		reportPath = base + ".problems.csv"
	}
	if err := writeFileViaTemp(reportPath, rep.WriteCSV); err != nil {
		return err
	}
	m.sayln(m.Stderr, "%d problems, listed in %s", len(rep.Problems), reportPath)
	if !rep.Written {
		if rep.DryRun && *f.skip {
			return qantar.Errorf(qantar.EINVALID, "dry run: %d rows would be rejected", rep.Rejected)
		}
		return qantar.Errorf(qantar.EINVALID, "nothing was imported: fix the problems and import again")
	}
	// Written with --skip-invalid: hand back the rejected rows.
	for i := range rep.Tables {
		if rep.RejectedRows(i) == 0 {
			continue
		}
		if err := writeRejected(m, rep, i, *f.rejectedPath, base, path); err != nil {
			return err
		}
	}
	return qantar.Errorf(qantar.EINVALID, "%d rows imported, %d rejected", rep.Created+rep.Updated+rep.Unchanged, rep.Rejected)
}

// writeImportProblems writes an import's problems on standard error, one a
// line, at most max of them, said in the command's language when their
// words are a key of the catalogue (as the site says them).
func (m *Main) writeImportProblems(rep *csvio.Report, max int) {
	for i, p := range rep.Problems {
		if i == max {
			m.sayln(m.Stderr, "… and %d more problems", len(rep.Problems)-max)
			return
		}
		var where []string
		if len(rep.Tables) > 1 && p.File != "" {
			where = append(where, p.File)
		}
		if p.Line > 0 {
			where = append(where, m.say("line %d", p.Line))
		}
		if p.Column != "" {
			where = append(where, m.say("column %q", p.Column))
		}
		msg := p.Message
		if p.Format != "" {
			msg = m.say(p.Format, p.Args...)
		}
		if len(where) > 0 {
			msg = strings.Join(where, ", ") + ": " + msg
		}
		fmt.Fprintln(m.Stderr, msg)
	}
}

// writeRejected writes the rejected rows of table i, unchanged: to out
// when given for a single table, else beside the file (a JSON array for a
// JSON file, a CSV table for any other).
func writeRejected(m *Main, rep *csvio.Report, i int, out, base, path string) error {
	t := rep.Tables[i]
	ext := ".rejected.csv"
	if t.Format == csvio.FormatJSON {
		ext = ".rejected.json"
	}
	if out == "" || len(rep.Tables) > 1 {
		out = base + ext
		if len(rep.Tables) > 1 {
			out = filepath.Join(path, strings.TrimSuffix(t.Name, filepath.Ext(t.Name))+ext)
		}
	}
	if err := writeFileViaTemp(out, func(w io.Writer) error { return rep.WriteRejected(w, i) }); err != nil {
		return err
	}
	m.sayln(m.Stderr, "%d rejected rows of %s written, unchanged, to %s", t.Rejected, t.Name, out)
	return nil
}

// killingTypes lists the act types that end a life.
func killingTypes() []string {
	var out []string
	for _, c := range qantar.VocabCodes("act_type") {
		if qantar.IsKilling(c) {
			out = append(out, c)
		}
	}
	return out
}

func describeImportTable(m *Main, t *csvio.TableReport) string {
	switch t.Format {
	case csvio.FormatXLSX:
		return "xlsx"
	case csvio.FormatJSON:
		return "json, " + t.Encoding
	}
	d := map[rune]string{',': "comma", ';': "semicolon", '\t': "tab", '|': "pipe"}[t.Delimiter]
	return fmt.Sprintf("%s, %s, %s", t.Format, t.Encoding, m.say(d))
}

// importActor is who the log records for writes from the command line.
func importActor(m *Main) qantar.Actor {
	user := m.Getenv("USER")
	if user == "" {
		user = "unknown"
	}
	return qantar.Actor{ID: "cli:" + user, Name: user, Role: qantar.RoleEditor}
}

// parseFlagsAnywhere parses flags given before and after positional
// arguments (Go's flag package stops at the first positional one).
func parseFlagsAnywhere(m *Main, fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := m.parseFlags(fs, args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if rest[0] == "--" {
			return append(pos, rest[1:]...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// writeFileViaTemp writes a file through a temporary file in the same
// directory, renamed on success, so a failure leaves no partial file.
func writeFileViaTemp(path string, write func(io.Writer) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+"-*.tmp")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(f.Name())
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return os.Rename(f.Name(), path)
}

// importProgress draws an import's progress: a bar with rate and time left on
// a terminal, a plain line every few seconds otherwise.
type importProgress struct {
	w         io.Writer
	tty       bool
	start     time.Time
	last      time.Time
	phase     string
	drawn     bool
	lastShown csvio.Progress
}

func newImportProgress(w io.Writer) *importProgress {
	tty := false
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			tty = true
		}
	}
	return &importProgress{w: w, tty: tty, start: time.Now()}
}

func (b *importProgress) update(p csvio.Progress) {
	now := time.Now()
	if p.Phase != b.phase {
		if b.drawn && b.tty {
			b.draw(b.lastShown, now)
			fmt.Fprintln(b.w)
		}
		b.phase, b.start, b.drawn = p.Phase, now, false
	}
	b.lastShown = p
	interval := 5 * time.Second
	if b.tty {
		interval = 200 * time.Millisecond
	}
	if now.Sub(b.last) < interval || now.Sub(b.start) < time.Second {
		return
	}
	b.last, b.drawn = now, true
	b.draw(p, now)
}

func (b *importProgress) draw(p csvio.Progress, now time.Time) {
	el := now.Sub(b.start).Seconds()
	unit, scale := "rows", 1.0
	if p.Phase == "read" {
		unit, scale = "MB", 1e6
	}
	rate := float64(p.Done) / scale / max(el, 1e-9)
	line := fmt.Sprintf("%s: %.0f %s, %.1f %s/s", p.Phase, float64(p.Done)/scale, unit, rate, unit)
	if p.Total > 0 {
		frac := min(float64(p.Done)/float64(p.Total), 1)
		left := time.Duration(0)
		if frac > 0 {
			left = time.Duration(el*(1-frac)/frac) * time.Second
		}
		if b.tty {
			const width = 30
			n := int(frac * width)
			line = fmt.Sprintf("%-5s [%s%s] %3.0f%% %.1f %s/s, %s left", p.Phase, strings.Repeat("=", n), strings.Repeat(" ", width-n),
				frac*100, rate, unit, left.Round(time.Second))
		} else {
			line += fmt.Sprintf(", %.0f%%, %s left", frac*100, left.Round(time.Second))
		}
	}
	if b.tty {
		fmt.Fprintf(b.w, "\r%s\x1b[K", line)
	} else {
		fmt.Fprintln(b.w, line)
	}
}

func (b *importProgress) done() {
	if b.drawn && b.tty {
		b.draw(b.lastShown, time.Now())
		fmt.Fprintln(b.w)
	}
}
