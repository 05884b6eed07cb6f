package linkage

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// InputError is a fault in an input file, with the line it is on (1 is the
// header; 0 when it concerns the file as a whole).
type InputError struct {
	File string
	Line int
	Msg  string
}

func (e *InputError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s: line %d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// Columns returns the columns a field reads: one, or several joined by "+"
// (a name in given-name and surname columns; a date in year, month and day
// columns, in that order).
func (f Field) Columns() []string { return strings.Split(f.Column, "+") }

// ReadCSV adds the records of one CSV list, read from r, as source name. The
// first row names the columns; idColumn identifies each record. Values are
// trimmed of surrounding spaces, and a UTF-8 byte-order mark is ignored. A
// missing column, a row of the wrong length, an empty or repeated identifier
// or a value that is not UTF-8 is an *InputError naming the line.
func (d *Dataset) ReadCSV(name string, r io.Reader, idColumn string) error {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return &InputError{File: name, Msg: "file is empty: want a header row naming the columns"}
	} else if err != nil {
		return csvError(name, err)
	}
	header = append([]string(nil), header...)
	return d.ReadTable(name, header, idColumn, func() (int, []string, error) {
		rec, err := cr.Read()
		if err == io.EOF {
			return 0, nil, io.EOF
		} else if err != nil {
			return 0, nil, csvError(name, err)
		}
		line, _ := cr.FieldPos(0)
		return line, rec, nil
	})
}

// ReadTable adds the records of one list as source name, from a table
// already opened by the caller (any format, encoding and delimiter): the
// header names the columns, next returns each row with its line and
// io.EOF after the last. A row shorter than the header has empty cells at
// its end (a spreadsheet leaves them out). Faults are *InputErrors naming
// the line, as for ReadCSV; an error of next that is not one is wrapped.
func (d *Dataset) ReadTable(name string, header []string, idColumn string, next func() (line int, cells []string, err error)) error {
	fail := func(line int, format string, args ...any) error {
		return &InputError{File: name, Line: line, Msg: fmt.Sprintf(format, args...)}
	}
	hs := make([]string, len(header))
	col := map[string]int{}
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		if _, dup := col[h]; dup {
			return fail(1, "column %q appears twice in the header", h)
		}
		col[h], hs[i] = i, h
	}
	idIdx, ok := col[idColumn]
	if !ok {
		return fail(1, "no identifier column %q (the columns are: %s)", idColumn, strings.Join(hs, ", "))
	}
	fieldCols := make([][]int, len(d.Fields))
	for f, fd := range d.Fields {
		for _, c := range fd.Columns() {
			i, ok := col[c]
			if !ok {
				return fail(1, "no column %q for the %s field (the columns are: %s)", c, fd.Type, strings.Join(hs, ", "))
			}
			fieldCols[f] = append(fieldCols[f], i)
		}
	}
	src := d.AddSource(name)
	firstLine := map[string]int{}
	values := make([]string, len(d.Fields))
	for {
		line, rec, err := next()
		if err == io.EOF {
			return nil
		} else if err != nil {
			var ie *InputError
			if errors.As(err, &ie) {
				return err
			}
			return &InputError{File: name, Line: line, Msg: err.Error()}
		}
		cell := func(i int) string {
			if i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		for i, v := range rec {
			if !utf8.ValidString(v) && i < len(hs) {
				return fail(line, "column %q is not valid UTF-8 (convert the file to UTF-8 first)", hs[i])
			}
		}
		id := cell(idIdx)
		if id == "" {
			return fail(line, "empty identifier in column %q", idColumn)
		}
		if first, dup := firstLine[id]; dup {
			return fail(line, "duplicate identifier %q in column %q (first on line %d)", id, idColumn, first)
		}
		firstLine[id] = line
		for f, cols := range fieldCols {
			values[f] = joinCells(d.Fields[f].Type, cols, cell)
		}
		if err := d.Add(src, id, values); err != nil {
			return fail(line, "%v", err)
		}
	}
}

// joinCells joins the cells of a field read from several columns: words of
// a name with a space, parts of a date with a hyphen; all empty is empty.
func joinCells(t FieldType, cols []int, cell func(int) string) string {
	sep := " "
	if t == Date {
		sep = "-"
	}
	if len(cols) == 1 {
		if v := cell(cols[0]); strings.Trim(v, sep) != "" {
			return v
		}
		return ""
	}
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = cell(c)
	}
	v := strings.Join(parts, sep)
	if strings.Trim(v, sep) == "" {
		return ""
	}
	return v
}

// csvError turns the csv package's errors (ragged rows, stray quotes) into
// an InputError with the line.
func csvError(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		msg := pe.Err.Error()
		if errors.Is(pe.Err, csv.ErrFieldCount) {
			msg = "row has a different number of columns than the header"
		}
		return &InputError{File: name, Line: pe.Line, Msg: msg}
	}
	return &InputError{File: name, Msg: err.Error()}
}
