package csvio

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/qantar-project/qantar"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Problem is one thing wrong with the input: a file (Line 0), a line, or a
// cell (Line and Column, the header as the file writes it).
type Problem struct {
	File    string
	Line    int
	Column  string
	Value   string
	Message string
	// Format and Args, when Format is set, are the message as a key of
	// the interface's catalogue (package locale) and its arguments, so that
	// a page can say it in the reader's language; Message is its English.
	Format string `json:"-"`
	Args   []any  `json:"-"`
}

// String writes the problem as `line 17, column "Дата рождения": "31.02.1990" is not a date`.
func (p Problem) String() string {
	var b strings.Builder
	if p.Line > 0 {
		fmt.Fprintf(&b, "line %d", p.Line)
	}
	if p.Column != "" {
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "column %q", p.Column)
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// Report is what an import found and did.
type Report struct {
	Tables   []*TableReport
	Problems []Problem
	// Created, Updated and Unchanged count rows written (or, for a dry run,
	// that would be); Rejected counts rows with a problem.
	Created, Updated, Unchanged, Rejected int
	// Protected counts the persons written who are not public: restricted
	// or confidential until an editor publishes them.
	Protected int
	// Written is true when the import committed its rows.
	Written bool
	DryRun  bool
}

// TableReport describes one file of an import.
type TableReport struct {
	Name                                  string
	Kind                                  qantar.Kind
	Format                                string
	Encoding                              string
	Delimiter                             rune
	Header                                []string
	Rows                                  int // data rows read
	Created, Updated, Unchanged, Rejected int
	Protected                             int // persons written who are not public
	rejected                              []Row
}

// countProtected counts rec if it is a person who is not public.
func (t *TableReport) countProtected(rec qantar.Record) {
	if p, ok := rec.(*qantar.Person); ok && p.ProtectionLevel() != qantar.Public {
		t.Protected++
	}
}

// OK reports whether the import found no problem.
func (r *Report) OK() bool { return len(r.Problems) == 0 }

// WriteText writes the problems, one a line, at most max of them (0: all),
// prefixed by the file name when the import read several files.
func (r *Report) WriteText(w io.Writer, max int) error {
	for i, p := range r.Problems {
		if max > 0 && i == max {
			_, err := fmt.Fprintf(w, "… and %d more problems\n", len(r.Problems)-max)
			return err
		}
		prefix := ""
		if len(r.Tables) > 1 && p.File != "" {
			prefix = p.File + ": "
		}
		if _, err := fmt.Fprintf(w, "%s%s\n", prefix, p); err != nil {
			return err
		}
	}
	return nil
}

// WriteCSV writes the problems as a CSV table (UTF-8 with a byte-order
// mark, so that Excel opens it correctly): file, line, column, value, problem.
func (r *Report) WriteCSV(w io.Writer) error {
	if _, err := w.Write([]byte{0xEF, 0xBB, 0xBF}); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Write([]string{"file", "line", "column", "value", "problem"})
	for _, p := range r.Problems {
		line := ""
		if p.Line > 0 {
			line = strconv.Itoa(p.Line)
		}
		cw.Write([]string{Neutralize(p.File), line, Neutralize(p.Column), Neutralize(p.Value), Neutralize(p.Message)})
	}
	cw.Flush()
	return cw.Error()
}

// RejectedRows returns how many rows table i rejected.
func (r *Report) RejectedRows(i int) int { return len(r.Tables[i].rejected) }

// WriteRejected writes table i's header and rejected rows, cell for cell as
// they were read, so that the user can fix them and import that file. A CSV
// input is written back in its own encoding and delimiter; an XLSX input as
// UTF-8 CSV with a byte-order mark; a JSON input as a JSON array of the
// rejected elements, each exactly as the file had it.
func (r *Report) WriteRejected(w io.Writer, i int) error {
	t := r.Tables[i]
	if t.Format == FormatJSON {
		return writeRejectedJSON(w, t.rejected)
	}
	var out io.Writer = w
	var closer io.Closer
	delim := ','
	if t.Format != FormatXLSX {
		delim = t.Delimiter
		switch t.Encoding {
		case EncUTF8BOM:
			if _, err := w.Write([]byte{0xEF, 0xBB, 0xBF}); err != nil {
				return err
			}
		case EncCP1251:
			tw := transform.NewWriter(w, charmap.Windows1251.NewEncoder())
			out, closer = tw, tw
		case EncUTF16LE, EncUTF16BE:
			end := unicode.LittleEndian
			if t.Encoding == EncUTF16BE {
				end = unicode.BigEndian
			}
			tw := transform.NewWriter(w, unicode.UTF16(end, unicode.UseBOM).NewEncoder())
			out, closer = tw, tw
		}
	} else if _, err := w.Write([]byte{0xEF, 0xBB, 0xBF}); err != nil {
		return err
	}
	cw := csv.NewWriter(out)
	cw.Comma = delim
	cw.Write(t.Header)
	for _, row := range t.rejected {
		cw.Write(row.Cells)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write rejected rows: %w", err)
	}
	if closer != nil {
		return closer.Close()
	}
	return nil
}

// writeRejectedJSON writes rejected JSON rows (one cell each: the element)
// as an array laid out as an export is, one element a line.
func writeRejectedJSON(w io.Writer, rows []Row) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("[")
	for i, row := range rows {
		if i > 0 {
			bw.WriteString(",")
		}
		bw.WriteString("\n")
		if len(row.Cells) > 0 {
			bw.WriteString(row.Cells[0])
		}
	}
	bw.WriteString("\n]\n")
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write rejected records: %w", err)
	}
	return nil
}
