package main

import (
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/csvio"
	"github.com/qantar-project/qantar/linkage"
	"github.com/qantar-project/qantar/names"
)

func init() {
	register(command{
		name:    "link",
		summary: "link the records of one or more lists: which entries are the same person",
		run:     runLink,
	})
}

const linkSynopsis = "FILE.csv [FILE2.csv …] --id COLUMN --field TYPE:COLUMN … [--link-only] [--threshold P] [--out clusters.csv] [--pairs pairs.csv] [--review review.csv]\n" +
	"       qantar link --db D [--list ID …] [--apply --min-probability P] [--out clusters.csv] [--review review.csv]"

// linkConfig is what the flags of qantar link say.
type linkConfig struct {
	files               []string
	id                  string
	fields              []linkage.Field
	blocks              multiFlag
	labels              string
	out, pairs, review  string
	opts                linkage.Options
	reviewBand          string
	quiet               bool
	maxBlock, window    int
	maxCluster          int
	threshold, chainMin float64
	linkOnly, noTF      bool
	nameKey             string
	read                csvio.ReadOptions
	encoding, delimiter string
	sheet               string
	db                  linkDBConfig
}

func runLink(ctx context.Context, m *Main, args []string) error {
	c, err := m.parseLinkFlags(args)
	if err != nil {
		return err
	}
	if c.db.dsn != "" {
		return runLinkDB(ctx, m, c)
	}
	start := time.Now()
	progress := newProgress(m.Stderr, c.quiet)
	d, err := linkage.NewDataset(c.fields)
	if err != nil {
		return usagef("%v", err)
	}
	for _, path := range c.files {
		progress.stage("reading " + path)
		if err := readList(d, path, c.id, c.read); err != nil {
			return err
		}
	}
	if c.opts.Rules, err = parseRules(c.blocks, c.fields); err != nil {
		return err
	}
	if c.labels != "" {
		if c.opts.Labels, err = readLabels(d, c.labels); err != nil {
			return err
		}
	}
	c.opts.Progress = progress.report
	res, err := linkage.Link(ctx, d, c.opts)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return qantar.Errorf(qantar.EINVALID, "%v", err)
	}
	progress.stage("writing")
	if err := writeOutput(m.Stdout, c.out, func(w io.Writer) error { return writeClusters(w, d, res) }); err != nil {
		return err
	}
	if c.pairs != "" {
		if err := writeOutput(m.Stdout, c.pairs, func(w io.Writer) error { return writePairs(w, d, res.Pairs, false) }); err != nil {
			return err
		}
	}
	if c.review != "" {
		if err := writeOutput(m.Stdout, c.review, func(w io.Writer) error { return writePairs(w, d, res.Review, true) }); err != nil {
			return err
		}
	}
	if !c.quiet {
		summarize(m.Stderr, m.say, d, res, time.Since(start))
	}
	return nil
}

// parseLinkFlags parses flags placed before, between or after the files:
// Go's flag package stops at the first argument that is not a flag, so the
// parse is repeated on what follows each file.
func (m *Main) parseLinkFlags(args []string) (*linkConfig, error) {
	c := &linkConfig{}
	fs := m.newFlags("link", linkSynopsis)
	var fields multiFlag
	c.defineFlags(fs, &fields)
	rest := args
	for {
		if err := m.parseFlags(fs, rest); err != nil {
			return nil, err
		}
		rest = fs.Args()
		if len(rest) == 0 {
			break
		}
		c.files = append(c.files, rest[0])
		rest = rest[1:]
	}
	lo, hi, ok := strings.Cut(c.reviewBand, ",")
	low, err1 := strconv.ParseFloat(strings.TrimSpace(lo), 64)
	high, err2 := strconv.ParseFloat(strings.TrimSpace(hi), 64)
	if !ok || err1 != nil || err2 != nil || low < 0 || high > 1 || low > high {
		return nil, usagef("--review-band %q: want LOW,HIGH with 0 ≤ LOW ≤ HIGH ≤ 1", c.reviewBand)
	}
	if c.threshold <= 0 || c.threshold >= 1 {
		return nil, usagef("--threshold %g: want a probability strictly between 0 and 1", c.threshold)
	}
	if c.maxBlock < 2 || c.window < 1 || c.maxCluster < 2 {
		return nil, usagef("--max-block and --max-cluster must be at least 2, --window at least 1")
	}
	c.opts = linkage.Options{
		LinkOnly: c.linkOnly, Threshold: c.threshold, ReviewLow: low, ReviewHigh: high,
		MaxBlock: c.maxBlock, Window: c.window, MaxCluster: c.maxCluster, ChainMin: c.chainMin,
		NoTermFrequencies: c.noTF,
	}
	if c.db.dsn != "" {
		return c, c.checkDB(fields)
	}
	return c, c.checkFiles(fields)
}

// defineFlags declares the flags of qantar link.
func (c *linkConfig) defineFlags(fs *flag.FlagSet, fields *multiFlag) {
	fs.StringVar(&c.id, "id", "", "the column that identifies a record within its file (required with files)")
	fs.Var(fields, "field", "a field to compare, as TYPE:COLUMN (repeat); TYPE is name, date, text, exact or number; "+
		"join columns with + (name:given+surname, date:year+month+day)")
	fs.BoolVar(&c.linkOnly, "link-only", false, "link records across files without deduplicating within one")
	fs.Float64Var(&c.threshold, "threshold", linkage.DefaultThreshold, "match probability from which a pair is linked")
	fs.StringVar(&c.reviewBand, "review-band", fmt.Sprintf("%g,%g", linkage.DefaultReviewLow, linkage.DefaultReviewHigh),
		"LOW,HIGH: pairs with LOW ≤ probability < HIGH go to review")
	fs.StringVar(&c.out, "out", "", "write file,record_id,cluster_id to this file (default: standard output; with --db, the lists' persons: file is the list, record_id the person); qantar estimate reads it")
	fs.StringVar(&c.pairs, "pairs", "", "write the scored pairs (probability ≥ the review band's low end) to this file")
	fs.StringVar(&c.review, "review", "", "write the pairs to review, with both records' values, to this file")
	fs.Var(&c.blocks, "block", "a blocking rule: COLUMN[,COLUMN…] of compared fields; a date field with :year for its year, a name field with :pairs for pairs of its words (repeat; default: every name and date field, and finely splitting others)")
	fs.StringVar(&c.labels, "labels", "", "CSV of judged pairs (file_a,record_id_a,file_b,record_id_b,match) to refine the model")
	fs.IntVar(&c.maxBlock, "max-block", linkage.DefaultMaxBlock, "blocks larger than this are compared within a sliding window")
	fs.IntVar(&c.window, "window", linkage.DefaultWindow, "the sliding window for large blocks")
	fs.IntVar(&c.maxCluster, "max-cluster", linkage.DefaultMaxCluster, "the most records one person may hold")
	fs.Float64Var(&c.chainMin, "chain-min", linkage.DefaultChainMin, "a link does not join two groups if a pair across them has a match probability under this (negative: off)")
	fs.BoolVar(&c.noTF, "no-tf", false, "do not adjust for common names")
	fs.StringVar(&c.nameKey, "name-key", "names", "match key of names: names (package names: Kazakh and Russian transliterations, patronymics; the only key)")
	fs.StringVar(&c.encoding, "encoding", "", "encoding of CSV files: utf-8, utf-16 or windows-1251 (default: detected, as import does)")
	fs.StringVar(&c.delimiter, "delimiter", "", "delimiter of CSV files: comma, semicolon, tab or pipe (default: detected)")
	fs.StringVar(&c.sheet, "sheet", "", "XLSX sheet to read (default: the first)")
	fs.BoolVar(&c.quiet, "quiet", false, "no progress or summary on standard error")
	c.db.defineFlags(fs)
}

// checkFiles checks the flags of a run over files.
func (c *linkConfig) checkFiles(fields multiFlag) error {
	if len(c.files) == 0 {
		return usagef("no input file (usage: qantar link %s)", linkSynopsis)
	}
	if c.db.apply || c.db.minP != 0 || len(c.db.lists) > 0 {
		return usagef("--apply, --min-probability and --list need --db")
	}
	if c.id == "" {
		return usagef("--id is required: the column that identifies each record")
	}
	if len(fields) == 0 {
		return usagef("at least one --field TYPE:COLUMN is required")
	}
	seen := map[string]string{}
	for _, f := range c.files {
		base := filepath.Base(f)
		if other, dup := seen[base]; dup {
			return usagef("%s and %s have the same base name, which the output uses to say where a record is from", other, f)
		}
		seen[base] = f
	}
	for _, spec := range fields {
		typ, col, ok := strings.Cut(spec, ":")
		if !ok || col == "" {
			return usagef("--field %q: want TYPE:COLUMN, such as name:surname", spec)
		}
		t, err := linkage.ParseFieldType(typ)
		if err != nil {
			return usagef("--field %q: %v", spec, err)
		}
		c.fields = append(c.fields, linkage.Field{Type: t, Column: col})
	}
	for _, p := range []string{c.out, c.pairs, c.review} {
		for _, in := range c.files {
			if p != "" && sameFile(p, in) {
				return usagef("output %s would overwrite input %s", p, in)
			}
		}
	}
	if c.nameKey != "names" {
		// "simple", linkage's own fold, is gone: linkage uses names' keys.
		return usagef("--name-key %q: want names", c.nameKey)
	}
	c.opts.Key = names.Key
	c.read = csvio.ReadOptions{Encoding: c.encoding, Sheet: c.sheet}
	var err error
	if c.read.Delimiter, err = csvio.ParseDelimiter(c.delimiter); err != nil {
		return usagef("--delimiter: %v", err)
	}
	return nil
}

func sameFile(a, b string) bool {
	ia, err1 := os.Stat(a)
	ib, err2 := os.Stat(b)
	if err1 != nil || err2 != nil {
		return filepath.Clean(a) == filepath.Clean(b)
	}
	return os.SameFile(ia, ib)
}

// readList reads one input file into d under its base name, in any
// format, encoding and delimiter that qantar import reads (csvio.OpenTable).
func readList(d *linkage.Dataset, path, id string, o csvio.ReadOptions) error {
	name := filepath.Base(path)
	f, err := os.Open(path)
	if err != nil {
		return qantar.Errorf(qantar.EINVALID, "%v", err)
	}
	defer f.Close()
	t, err := csvio.OpenTable(f, path, o)
	if err != nil {
		return qantar.Errorf(qantar.EINVALID, "%s: %v", name, err)
	}
	defer t.Close()
	head, err := t.Next()
	if err == io.EOF {
		return qantar.Errorf(qantar.EINVALID, "%s: file is empty: want a header row naming the columns", name)
	} else if err != nil {
		return qantar.Errorf(qantar.EINVALID, "%s: %v", name, err)
	}
	header := append([]string(nil), head.Cells...)
	err = d.ReadTable(name, header, id, func() (int, []string, error) {
		r, err := t.Next()
		// A spreadsheet leaves empty cells out at the end of a row; a CSV
		// row of another length than the header is a mistake.
		if err == nil && (len(r.Cells) > len(header) || t.Format != csvio.FormatXLSX && len(r.Cells) != len(header)) {
			err = &linkage.InputError{File: name, Line: r.Line,
				Msg: fmt.Sprintf("row has a different number of columns than the header (%d, the header has %d)", len(r.Cells), len(header))}
		}
		return r.Line, r.Cells, err
	})
	if err != nil {
		var ie *linkage.InputError
		if errors.As(err, &ie) {
			return qantar.Errorf(qantar.EINVALID, "%s", ie.Error())
		}
		return qantar.Errorf(qantar.EINVALID, "%s: %v", path, err)
	}
	return nil
}

// parseRules turns --block values into rules over the compared fields.
func parseRules(specs []string, fields []linkage.Field) ([]linkage.Rule, error) {
	var rules []linkage.Rule
	for _, spec := range specs {
		var r linkage.Rule
		for _, part := range strings.Split(spec, ",") {
			col, fn, _ := strings.Cut(strings.TrimSpace(part), ":")
			idx := -1
			for i, f := range fields {
				if f.Column == col {
					idx = i
				}
			}
			if idx < 0 {
				return nil, usagef("--block %q: %q is not the column of a --field", spec, col)
			}
			switch fn {
			case "":
			case "year":
				if fields[idx].Type != linkage.Date {
					return nil, usagef("--block %q: :year applies to date fields only", spec)
				}
				r.Year = true
			case "pairs":
				if fields[idx].Type != linkage.Name {
					return nil, usagef("--block %q: :pairs applies to name fields only", spec)
				}
				r.WordPairs = true
			default:
				return nil, usagef("--block %q: unknown key %q (want :year, :pairs or nothing)", spec, fn)
			}
			r.Fields = append(r.Fields, idx)
		}
		rules = append(rules, r)
	}
	return rules, nil
}

// readLabels reads judged pairs: file_a,record_id_a,file_b,record_id_b,match.
func readLabels(d *linkage.Dataset, path string) ([]linkage.LabeledPair, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, qantar.Errorf(qantar.EINVALID, "%v", err)
	}
	defer f.Close()
	name := filepath.Base(path)
	cr := csv.NewReader(f)
	header, err := cr.Read()
	want := []string{"file_a", "record_id_a", "file_b", "record_id_b", "match"}
	if err != nil || len(header) != len(want) || strings.Join(header, ",") != strings.Join(want, ",") {
		return nil, qantar.Errorf(qantar.EINVALID, "%s: line 1: want the header %s", name, strings.Join(want, ","))
	}
	var out []linkage.LabeledPair
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return out, nil
		} else if err != nil {
			return nil, qantar.Errorf(qantar.EINVALID, "%s: %v", name, err)
		}
		line, _ := cr.FieldPos(0)
		rec0 := func(file, id string) (int, error) {
			s, ok := d.SourceIndex(file)
			if !ok {
				return 0, qantar.Errorf(qantar.EINVALID, "%s: line %d: %q is not an input file", name, line, file)
			}
			i, ok := d.Lookup(s, id)
			if !ok {
				return 0, qantar.Errorf(qantar.EINVALID, "%s: line %d: no record %q in %s", name, line, id, file)
			}
			return i, nil
		}
		a, err := rec0(rec[0], rec[1])
		if err != nil {
			return nil, err
		}
		b, err := rec0(rec[2], rec[3])
		if err != nil {
			return nil, err
		}
		var match bool
		switch strings.ToLower(strings.TrimSpace(rec[4])) {
		case "1", "true", "yes", "y", "match":
			match = true
		case "0", "false", "no", "n", "nonmatch", "non-match":
		default:
			return nil, qantar.Errorf(qantar.EINVALID, "%s: line %d: match %q: want 1 or 0", name, line, rec[4])
		}
		if a == b {
			return nil, qantar.Errorf(qantar.EINVALID, "%s: line %d: a record paired with itself", name, line)
		}
		out = append(out, linkage.LabeledPair{A: a, B: b, Match: match})
	}
}

// writeOutput writes to path through a temporary file in the same
// directory, renamed into place only when everything is written, so that a
// failure leaves no partial file; with no path it writes to stdout.
func writeOutput(stdout io.Writer, path string, write func(io.Writer) error) error {
	if path == "" {
		return write(stdout)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return qantar.Errorf(qantar.EINVALID, "cannot write %s: %v", path, err)
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return qantar.Errorf(qantar.EINVALID, "cannot write %s: %v", path, err)
	}
	return nil
}

func writeClusters(w io.Writer, d *linkage.Dataset, res *linkage.Result) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"file", "record_id", "cluster_id"})
	for i := 0; i < d.Len(); i++ {
		cw.Write([]string{d.Sources[d.Source(i)], d.ID(i), strconv.Itoa(int(res.Cluster[i]) + 1)})
	}
	cw.Flush()
	return cw.Error()
}

// writePairs writes scored pairs; for review, with both records' values
// side by side so that a person can judge them without opening the lists.
func writePairs(w io.Writer, d *linkage.Dataset, pairs []linkage.Pair, review bool) error {
	cw := csv.NewWriter(w)
	h := []string{"file_a", "record_id_a", "file_b", "record_id_b", "probability", "weight", "linked"}
	if review {
		h = append(h, "reason")
	}
	for _, f := range d.Fields {
		if review {
			h = append(h, f.Column+"_a", f.Column+"_b")
		}
		h = append(h, f.Column+"_level")
	}
	cw.Write(h)
	levelName := func(f, l int) string {
		if l < 0 {
			return "missing"
		}
		return linkage.LevelNames(d.Fields[f].Type)[l]
	}
	for _, p := range pairs {
		a, b := int(p.A), int(p.B)
		row := []string{d.Sources[d.Source(a)], d.ID(a), d.Sources[d.Source(b)], d.ID(b),
			strconv.FormatFloat(p.P, 'f', 4, 64), strconv.FormatFloat(p.Weight, 'f', 2, 64), strconv.FormatBool(p.Linked)}
		if review {
			reason := p.Refused
			if reason == "" {
				reason = "uncertain"
			}
			row = append(row, reason)
		}
		for f := range d.Fields {
			if review {
				row = append(row, d.Value(a, f), d.Value(b, f))
			}
			row = append(row, levelName(f, p.Levels[f]))
		}
		cw.Write(row)
	}
	cw.Flush()
	return cw.Error()
}

func summarize(w io.Writer, say func(string, ...any) string, d *linkage.Dataset, res *linkage.Result, took time.Duration) {
	fmt.Fprintf(w, "%s; %s\n", say("%d records in %d file(s)", d.Len(), len(d.Sources)), say("%d pairs compared", res.Candidates))
	for _, r := range res.Rules {
		fmt.Fprintf(w, "  blocking on %s: %d blocks (%d over the size cap), %d pairs, %d new\n", r.Rule, r.Blocks, r.Oversized, r.Pairs, r.New)
	}
	for f, n := range res.Unreadable {
		if n > 0 {
			fmt.Fprintf(w, "  %d values of %s could not be read as %ss and count as missing\n", n, d.Fields[f].Column, d.Fields[f].Type)
		}
	}
	fmt.Fprintf(w, "EM: prior %.3g, %.0f expected matching pairs\n", res.Model.Lambda, res.Model.ExpectedMatches)
	for _, s := range res.Model.Sessions {
		fmt.Fprintf(w, "  session on %s: %d pairs, %.3f of them matches, %d iterations\n", s.Rule, s.Pairs, s.Lambda, s.Iterations)
	}
	for _, f := range res.Model.Fields {
		fmt.Fprintf(w, "  %-20s", f.Column)
		for l, name := range f.Levels {
			fmt.Fprintf(w, " %s %+.1f", name, res.Model.Weight(indexOfField(res.Model, f.Column), l))
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "%s; %s; %s\n", say("%d persons", res.Clusters), say("%d pairs to review", len(res.Review)), took.Round(time.Millisecond))
}

func indexOfField(m *linkage.Model, col string) int {
	for i, f := range m.Fields {
		if f.Column == col {
			return i
		}
	}
	return 0
}

// progress reports long stages on the terminal, at most a few times a
// second, so a run over a million records shows it is alive.
type progress struct {
	w     io.Writer
	quiet bool
	last  time.Time
	cur   string
}

func newProgress(w io.Writer, quiet bool) *progress { return &progress{w: w, quiet: quiet} }

func (p *progress) stage(s string) {
	if !p.quiet {
		fmt.Fprintf(p.w, "%s…\n", s)
	}
	p.cur = s
}

func (p *progress) report(stage string, done, total int64) {
	if p.quiet {
		return
	}
	if stage != p.cur {
		p.stage(stage)
		p.last = time.Now()
		return
	}
	if total > 0 && time.Since(p.last) >= 10*time.Second {
		p.last = time.Now()
		fmt.Fprintf(p.w, "  %s: %d of %d (%.0f%%)\n", stage, done, total, 100*float64(done)/float64(total))
	}
}
