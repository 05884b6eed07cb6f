package csvio

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/qantar-project/qantar"
	"github.com/xuri/excelize/v2"
)

// ExportOptions says what to export and how.
type ExportOptions struct {
	Format string // csv (default), json or xlsx
	// Public exports what an anonymous reader of the public site sees:
	// protected persons become "Protected person" placeholders, through
	// qantar.Visible, the one function that decides.
	Public bool
	// Lang is the language of the CSV and XLSX headers: en (default, the
	// JSON field names), ru or kk. Import recognises all three.
	Lang string
	// Kinds to export; every kind by default.
	Kinds []qantar.Kind
}

// Checkpointer is a store that can name the state of its log; an export
// writes the checkpoint beside its files so that it can be checked against
// the log.
type Checkpointer interface {
	Checkpoint(ctx context.Context) ([]byte, error)
}

// ExportReport says what an export wrote.
type ExportReport struct {
	Files      []string // paths written, checkpoint.txt last if any
	Counts     map[qantar.Kind]int
	Checkpoint bool // false when the store offers no checkpoint
}

// CheckpointFile is the name of the checkpoint written beside an export.
const CheckpointFile = "checkpoint.txt"

// Export writes one file per kind into dir (persons.csv, cases.csv, …).
// Files are written under temporary names and renamed only when every file
// is complete, so a failed export leaves no partial file. When the store
// offers a checkpoint it is read before and after; if they differ the store
// changed during the export and the export is refused, because its files
// would not match any one state of the log.
func Export(ctx context.Context, st qantar.Store, dir string, o ExportOptions) (*ExportReport, error) {
	if err := o.check(); err != nil {
		return nil, err
	}
	kinds := o.Kinds
	if len(kinds) == 0 {
		kinds = qantar.Kinds
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	cp, hasCP := st.(Checkpointer)
	var before []byte
	if hasCP {
		var err error
		if before, err = cp.Checkpoint(ctx); err != nil {
			return nil, fmt.Errorf("checkpoint: %w", err)
		}
	}
	rep := &ExportReport{Counts: map[qantar.Kind]int{}, Checkpoint: hasCP}
	var temps, finals []string
	defer func() {
		for _, t := range temps {
			os.Remove(t)
		}
	}()
	for _, k := range kinds {
		final := filepath.Join(dir, string(k)+"."+o.Format)
		f, err := os.CreateTemp(dir, "."+string(k)+"-*.tmp")
		if err != nil {
			return nil, fmt.Errorf("export %s: %w", k, err)
		}
		temps = append(temps, f.Name())
		n, err := exportKind(ctx, st, k, f, o)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, fmt.Errorf("export %s: %w", k, err)
		}
		rep.Counts[k] = n
		finals = append(finals, final)
	}
	if hasCP {
		after, err := cp.Checkpoint(ctx)
		if err != nil {
			return nil, fmt.Errorf("checkpoint: %w", err)
		}
		if !bytes.Equal(before, after) {
			return nil, qantar.Errorf(qantar.ECONFLICT, "the database changed during the export; export again")
		}
		f, err := os.CreateTemp(dir, ".checkpoint-*.tmp")
		if err != nil {
			return nil, fmt.Errorf("export checkpoint: %w", err)
		}
		temps = append(temps, f.Name())
		_, err = f.Write(after)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, fmt.Errorf("export checkpoint: %w", err)
		}
		finals = append(finals, filepath.Join(dir, CheckpointFile))
	}
	for i, t := range temps {
		if err := os.Rename(t, finals[i]); err != nil {
			return nil, fmt.Errorf("export: %w", err)
		}
	}
	temps = nil
	rep.Files = finals
	return rep, nil
}

// check refuses an unknown format or header language, and sets the
// defaults: CSV, headers in English.
func (o *ExportOptions) check() error {
	if o.Format == "" {
		o.Format = FormatCSV
	}
	if o.Format != FormatCSV && o.Format != "json" && o.Format != FormatXLSX {
		return qantar.Errorf(qantar.EINVALID, "unknown format %q (want csv, json or xlsx)", o.Format)
	}
	switch o.Lang {
	case "":
		o.Lang = "en"
	case "en", "ru", "kk":
	default:
		return qantar.Errorf(qantar.EINVALID, "unknown header language %q (want en, ru or kk)", o.Lang)
	}
	return nil
}

// exportKind writes every live record of kind k to w and returns the count.
func exportKind(ctx context.Context, st qantar.Store, k qantar.Kind, w io.Writer, o ExportOptions) (int, error) {
	reader := qantar.System
	if o.Public {
		reader = qantar.Anonymous
	}
	cols := ExportColumns(k)
	bw := bufio.NewWriterSize(w, 256<<10)
	var sink recordSink
	switch o.Format {
	case FormatCSV:
		sink = csvSink(bw, cols, o.Lang)
	case "json":
		sink = jsonSink(bw)
	case FormatXLSX:
		xf := excelize.NewFile()
		defer xf.Close()
		var err error
		if sink, err = xlsxSink(xf, bw, k, cols, o.Lang); err != nil {
			return 0, err
		}
	}
	n, err := emitRecords(ctx, st, k, reader, sink.emit)
	if err != nil {
		return 0, err
	}
	if err := sink.finish(); err != nil {
		return 0, err
	}
	return n, bw.Flush()
}

// recordSink writes an export's records in its format: emit one record,
// finish after the last.
type recordSink struct {
	emit   func(qantar.Record) error
	finish func() error
}

// csvSink writes a CSV table: a byte-order mark, the header in lang, a
// line a record.
func csvSink(bw *bufio.Writer, cols []Column, lang string) recordSink {
	cw := csv.NewWriter(bw)
	// A byte-order mark, so that Excel reads the UTF-8 as UTF-8.
	bw.Write([]byte{0xEF, 0xBB, 0xBF})
	head := make([]string, len(cols))
	for i, c := range cols {
		head[i] = c.Header(lang)
	}
	cw.Write(head)
	return recordSink{
		emit: func(rec qantar.Record) error {
			cells, err := recordCells(rec, cols)
			if err != nil {
				return err
			}
			return cw.Write(cells)
		},
		finish: func() error { cw.Flush(); return cw.Error() },
	}
}

// jsonSink writes a JSON array of the records as the API gives them.
func jsonSink(bw *bufio.Writer) recordSink {
	first := true
	bw.WriteString("[")
	return recordSink{
		emit: func(rec qantar.Record) error {
			b, err := json.Marshal(rec)
			if err != nil {
				return err
			}
			if !first {
				bw.WriteString(",")
			}
			first = false
			bw.WriteString("\n")
			_, err = bw.Write(b)
			return err
		},
		finish: func() error { _, err := bw.WriteString("\n]\n"); return err },
	}
}

// xlsxSink writes one sheet named after the kind, streamed, with the
// header in lang; the caller closes xf.
func xlsxSink(xf *excelize.File, bw *bufio.Writer, k qantar.Kind, cols []Column, lang string) (recordSink, error) {
	sheet := string(k)
	xf.SetSheetName("Sheet1", sheet)
	sw, err := xf.NewStreamWriter(sheet)
	if err != nil {
		return recordSink{}, err
	}
	head := make([]any, len(cols))
	for i, c := range cols {
		head[i] = c.Header(lang)
	}
	if err := sw.SetRow("A1", head); err != nil {
		return recordSink{}, err
	}
	line := 1
	emit := func(rec qantar.Record) error {
		cells, err := recordCells(rec, cols)
		if err != nil {
			return err
		}
		line++
		if line > excelize.TotalRows {
			return qantar.Errorf(qantar.ETOOLARGE, "%s has more rows than an XLSX sheet holds; export as csv", k)
		}
		vals := make([]any, len(cells))
		for i, c := range cells {
			vals[i] = c
		}
		cell, _ := excelize.CoordinatesToCellName(1, line)
		return sw.SetRow(cell, vals)
	}
	finish := func() error {
		if err := sw.Flush(); err != nil {
			return err
		}
		_, err := xf.WriteTo(bw)
		return err
	}
	return recordSink{emit: emit, finish: finish}, nil
}

// emitRecords hands every live record of kind k, as reader sees it, to
// emit in order of id, and returns how many. A page at a time after the
// last id, so that a large export costs no offset.
func emitRecords(ctx context.Context, st qantar.Store, k qantar.Kind, reader qantar.Actor, emit func(qantar.Record) error) (int, error) {
	n := 0
	for after := int64(0); ; {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		recs, _, err := st.List(ctx, k, qantar.Filter{Sort: "id", Limit: qantar.MaxLimit, After: after, Reader: reader})
		if err != nil {
			return 0, err
		}
		for _, rec := range recs {
			if err := emit(qantar.Visible(reader, rec)); err != nil {
				return 0, err
			}
			n++
		}
		if len(recs) < qantar.MaxLimit {
			return n, nil
		}
		last := recs[len(recs)-1].GetMeta().ID
		if last <= after {
			return 0, fmt.Errorf("list %s: the store does not read after id %d", k, after)
		}
		after = last
	}
}

// recordCells writes a record as the cells of its kind's columns.
func recordCells(rec qantar.Record, cols []Column) ([]string, error) {
	b, err := json.Marshal(rec)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil {
		return nil, err
	}
	cells := make([]string, len(cols))
	for i, c := range cols {
		v, ok := obj[c.Field]
		if !ok || v == nil {
			continue
		}
		switch c.Type {
		case typeText:
			if m, ok := v.(map[string]any); ok {
				s, _ := m[c.Lang].(string)
				cells[i] = Neutralize(s)
			}
		case typeList:
			lb, err := json.Marshal(v)
			if err != nil {
				return nil, err
			}
			if string(lb) != "[]" {
				cells[i] = string(lb)
			}
		default:
			cells[i] = Cell(v)
		}
	}
	return cells, nil
}
