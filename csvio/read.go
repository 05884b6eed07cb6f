package csvio

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Limits that keep one bad file from exhausting memory. They are far above
// what any real list holds: a record's longest field is qantar.MaxLong
// characters, which is at most 400 KB of UTF-8.
const (
	DefaultMaxBytes = 2 << 30 // whole file
	MaxLineBytes    = 8 << 20 // one physical line of a CSV file
	MaxCellBytes    = 1 << 20 // one cell
	MaxColumns      = 1000
)

// Formats of a table file.
const (
	FormatCSV  = "csv"
	FormatTSV  = "tsv"
	FormatXLSX = "xlsx"
)

// Encodings a CSV file may be in. Detection: a byte-order mark says UTF-8 or
// UTF-16; otherwise valid UTF-8 is UTF-8 and anything else is taken as
// Windows-1251, which is what Excel writes on Russian and Kazakh Windows.
const (
	EncUTF8    = "utf-8"
	EncUTF8BOM = "utf-8-bom"
	EncUTF16LE = "utf-16le"
	EncUTF16BE = "utf-16be"
	EncCP1251  = "windows-1251"
)

// ReadOptions says how to read a table; zero values mean "detect".
type ReadOptions struct {
	Format    string // csv, tsv or xlsx; detected from the name and content
	Encoding  string // one of the Enc* names (also "cp1251", "utf-16", "utf8")
	Delimiter rune   // ',', ';' or '\t'; detected from the header line
	Sheet     string // XLSX sheet; the first by default
	MaxBytes  int64  // file size limit; DefaultMaxBytes by default
}

// Row is one line of a table: its line (CSV) or row (XLSX) number, counted
// from 1 as a spreadsheet shows it, and its cells.
type Row struct {
	Line  int
	Cells []string
}

// Table reads a sheet row by row. Next returns io.EOF at the end; any other
// error is about the file as a whole (the row that failed is named in it),
// and the table cannot be read further.
type Table struct {
	Format    string
	Encoding  string // CSV only
	Delimiter rune   // CSV only
	next      func() (Row, error)
	closeFn   func() error
	counter   *countingReader
}

// Next returns the next non-empty row.
func (t *Table) Next() (Row, error) {
	for {
		r, err := t.next()
		if err != nil {
			return r, err
		}
		for _, c := range r.Cells {
			if strings.TrimSpace(c) != "" {
				return r, nil
			}
		}
	}
}

// BytesRead returns how much of the file has been read, for progress.
func (t *Table) BytesRead() int64 {
	if t.counter == nil {
		return 0
	}
	return t.counter.n
}

// Close releases what the table holds (XLSX keeps temporary files).
func (t *Table) Close() error {
	if t.closeFn != nil {
		return t.closeFn()
	}
	return nil
}

// FileError is a problem with a file as a whole, or with a line that stops
// it from being read further (an enormous line, a broken XLSX).
type FileError struct {
	Line int
	Msg  string
	w    words // Msg as a catalogue key, when it was made by fileErrorf
}

func fileErrorf(line int, format string, args ...any) *FileError {
	w := wordsf(format, args...)
	return &FileError{Line: line, Msg: w.String(), w: w}
}

// Key is the message as a catalogue key (locale.Keyed).
func (e *FileError) Key() (string, []any) {
	if e.w.format == "" {
		return "%s", []any{e.Msg}
	}
	return e.w.Key()
}

func (e *FileError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return e.Msg
}

// OpenTable detects the format, encoding and delimiter of r (named filename)
// and returns a Table over it.
func OpenTable(r io.Reader, filename string, o ReadOptions) (*Table, error) {
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	counter := &countingReader{r: io.LimitReader(r, o.MaxBytes+1), max: o.MaxBytes}
	br := bufio.NewReaderSize(counter, 64<<10)
	head, _ := br.Peek(64 << 10)
	format := strings.ToLower(o.Format)
	if format == "" {
		switch strings.ToLower(filepath.Ext(filename)) {
		case ".xlsx", ".xlsm":
			format = FormatXLSX
		case ".tsv", ".tab":
			format = FormatTSV
		default:
			format = FormatCSV
		}
		if bytes.HasPrefix(head, []byte("PK\x03\x04")) {
			format = FormatXLSX
		}
	}
	var t *Table
	var err error
	switch format {
	case FormatXLSX:
		t, err = openXLSX(br, o)
	case FormatCSV, FormatTSV:
		if format == FormatTSV && o.Delimiter == 0 {
			o.Delimiter = '\t'
		}
		t, err = openCSV(br, head, o)
	default:
		return nil, fileErrorf(0, "unknown format %q (want csv, tsv or xlsx)", o.Format)
	}
	if err != nil {
		return nil, err
	}
	t.counter = counter
	return t, nil
}

func openCSV(br *bufio.Reader, head []byte, o ReadOptions) (*Table, error) {
	enc, dec, skip, err := pickEncoding(o.Encoding, head)
	if err != nil {
		return nil, err
	}
	if _, err := br.Discard(skip); err != nil {
		return nil, fileErrorf(0, "cannot read the file: %v", err)
	}
	var text io.Reader = br
	if dec != nil {
		text = transform.NewReader(br, dec.NewDecoder())
	}
	lr := &lineLimiter{r: text, max: MaxLineBytes, line: 1}
	tb := bufio.NewReaderSize(lr, 64<<10)
	delim := o.Delimiter
	if delim == 0 {
		sample, _ := tb.Peek(64 << 10)
		delim = detectDelimiter(sample)
	}
	if delim != ',' && delim != ';' && delim != '\t' && delim != '|' {
		return nil, fileErrorf(0, "delimiter %q is not supported (want comma, semicolon, tab or |)", delim)
	}
	cr := csv.NewReader(tb)
	cr.Comma = delim
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = false
	t := &Table{Format: FormatCSV, Encoding: enc, Delimiter: delim}
	if o.Format == FormatTSV || delim == '\t' {
		t.Format = FormatTSV
	}
	done := false
	t.next = func() (Row, error) {
		if done {
			return Row{}, io.EOF
		}
		rec, err := cr.Read()
		line := 0
		if len(rec) > 0 {
			line, _ = cr.FieldPos(0)
		}
		var pe *csv.ParseError
		switch {
		case err == nil:
		case errors.Is(err, io.EOF):
			done = true
			return Row{}, io.EOF
		case errors.As(err, &pe):
			done = true
			return Row{}, &FileError{Line: pe.StartLine, Msg: csvMessage(pe)}
		case errors.Is(err, errLineTooLong):
			done = true
			return Row{}, fileErrorf(lr.line, "the line is longer than %d MiB; is this a table?", MaxLineBytes>>20)
		case errors.Is(err, errTooLarge):
			done = true
			return Row{}, &FileError{Msg: err.Error()}
		default:
			done = true
			return Row{}, fileErrorf(lr.line, "cannot read the file: %v", err)
		}
		if len(rec) > MaxColumns {
			done = true
			return Row{}, fileErrorf(line, "has %d columns; the limit is %d", len(rec), MaxColumns)
		}
		return Row{Line: line, Cells: rec}, nil
	}
	return t, nil
}

// csvMessage words encoding/csv's errors for people who edit spreadsheets.
func csvMessage(pe *csv.ParseError) string {
	switch {
	case errors.Is(pe.Err, csv.ErrQuote):
		return fmt.Sprintf("a quote (\") at column %d is not closed or not doubled; cells with quotes must be written \"like \"\"this\"\"\"", pe.Column)
	case errors.Is(pe.Err, csv.ErrBareQuote):
		return fmt.Sprintf("a quote (\") in an unquoted cell at column %d; write the cell as \"like \"\"this\"\"\"", pe.Column)
	}
	return pe.Err.Error()
}

// pickEncoding returns the encoding's name, its decoder (nil for UTF-8) and
// the length of the byte-order mark to skip.
func pickEncoding(name string, head []byte) (string, encoding.Encoding, int, error) {
	bom := 0
	detected := EncUTF8
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		detected, bom = EncUTF8BOM, 3
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}):
		detected, bom = EncUTF16LE, 2
	case bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		detected, bom = EncUTF16BE, 2
	case !validUTF8Prefix(head):
		detected = EncCP1251
	}
	switch strings.ToLower(strings.ReplaceAll(name, "_", "-")) {
	case "":
	case "utf-8", "utf8":
		if detected != EncUTF8BOM {
			detected, bom = EncUTF8, 0
		}
	case "utf-8-bom", "utf8-bom":
		detected = EncUTF8BOM
		if !bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}) {
			bom = 0
		}
	case "utf-16", "utf16", "utf-16le", "utf16le":
		if detected != EncUTF16BE {
			detected = EncUTF16LE
		}
		if !bytes.HasPrefix(head, []byte{0xFF, 0xFE}) && !bytes.HasPrefix(head, []byte{0xFE, 0xFF}) {
			bom = 0
		}
	case "utf-16be", "utf16be":
		detected = EncUTF16BE
		if !bytes.HasPrefix(head, []byte{0xFE, 0xFF}) {
			bom = 0
		}
	case "windows-1251", "cp1251", "win1251", "1251":
		detected, bom = EncCP1251, 0
	default:
		return "", nil, 0, fileErrorf(0, "unknown encoding %q (want utf-8, utf-16 or windows-1251)", name)
	}
	switch detected {
	case EncUTF16LE:
		return detected, unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), bom, nil
	case EncUTF16BE:
		return detected, unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), bom, nil
	case EncCP1251:
		return detected, charmap.Windows1251, bom, nil
	}
	return detected, nil, bom, nil
}

// validUTF8Prefix reports whether b is valid UTF-8, allowing a rune cut off
// at the end of the sample.
func validUTF8Prefix(b []byte) bool {
	for i := 0; i < 3 && len(b) > 0; i++ {
		if utf8.Valid(b) {
			return true
		}
		if len(b) < 64<<10 {
			return false
		}
		b = b[:len(b)-1]
	}
	return utf8.Valid(b)
}

// detectDelimiter picks the delimiter that splits the first line (outside
// quotes) into the most cells and, on a tie, agrees best with the next lines.
func detectDelimiter(sample []byte) rune {
	lines := splitLines(sample, 6)
	best, bestScore := ',', -1
	for _, d := range []rune{',', ';', '\t', '|'} {
		if len(lines) == 0 {
			break
		}
		n0 := countOutsideQuotes(lines[0], d)
		if n0 == 0 {
			continue
		}
		score := n0 * 10
		for _, l := range lines[1:] {
			if countOutsideQuotes(l, d) == n0 {
				score += 5
			}
		}
		if score > bestScore {
			best, bestScore = d, score
		}
	}
	return best
}

func splitLines(b []byte, n int) []string {
	var out []string
	inQuote := false
	start := 0
	for i, c := range b {
		switch c {
		case '"':
			inQuote = !inQuote
		case '\n':
			if !inQuote {
				out = append(out, string(b[start:i]))
				start = i + 1
				if len(out) == n {
					return out
				}
			}
		}
	}
	if start < len(b) && len(out) < n {
		out = append(out, string(b[start:]))
	}
	return out
}

func countOutsideQuotes(line string, d rune) int {
	n, inQuote := 0, false
	for _, r := range line {
		if r == '"' {
			inQuote = !inQuote
		} else if r == d && !inQuote {
			n++
		}
	}
	return n
}

var (
	errLineTooLong = errors.New("line too long")
	errTooLarge    = errors.New("file too large")
)

// lineLimiter fails a read once a physical line grows past max bytes, so an
// enormous line is an error instead of a gigabyte in memory.
type lineLimiter struct {
	r    io.Reader
	max  int
	cur  int
	line int
}

func (l *lineLimiter) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	for _, c := range p[:n] {
		if c == '\n' {
			l.cur = 0
			l.line++
		} else if l.cur++; l.cur > l.max {
			return 0, errLineTooLong
		}
	}
	return n, err
}

// countingReader counts bytes for progress and enforces the size limit.
type countingReader struct {
	r   io.Reader
	n   int64
	max int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.n > c.max {
		return n, fmt.Errorf("%w: the file is larger than %d MiB", errTooLarge, c.max>>20)
	}
	return n, err
}

// openXLSX reads an XLSX workbook's first sheet (or o.Sheet). excelize
// unzips into memory with the limits below, so a zip bomb is refused.
func openXLSX(r io.Reader, o ReadOptions) (t *Table, err error) {
	defer func() {
		if p := recover(); p != nil {
			t, err = nil, fileErrorf(0, "not a readable XLSX file (%v)", p)
		}
	}()
	data, err := io.ReadAll(r)
	if err != nil {
		if errors.Is(err, errTooLarge) {
			return nil, &FileError{Msg: err.Error()}
		}
		return nil, fileErrorf(0, "cannot read the file: %v", err)
	}
	// A quick check of the zip directory gives a clearer message for a
	// truncated file than excelize does.
	if _, err := zip.NewReader(bytes.NewReader(data), int64(len(data))); err != nil {
		return nil, fileErrorf(0, "not a readable XLSX file (truncated or not a zip archive: %v)", err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit:    min(o.MaxBytes*8, 4<<30),
		UnzipXMLSizeLimit: 64 << 20,
	})
	if err != nil {
		return nil, fileErrorf(0, "not a readable XLSX file: %v", err)
	}
	sheet := o.Sheet
	if sheet == "" {
		sheets := f.GetSheetList()
		if len(sheets) == 0 {
			f.Close()
			return nil, fileErrorf(0, "the workbook has no sheet")
		}
		sheet = sheets[0]
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		f.Close()
		return nil, fileErrorf(0, "sheet %q: %v", sheet, err)
	}
	t = &Table{Format: FormatXLSX}
	line := 0
	t.next = func() (row Row, err error) {
		defer func() {
			if p := recover(); p != nil {
				row, err = Row{}, fileErrorf(line, "not a readable XLSX row (%v)", p)
			}
		}()
		if !rows.Next() {
			if err := rows.Error(); err != nil {
				return Row{}, fileErrorf(line+1, "cannot read the sheet: %v", err)
			}
			return Row{}, io.EOF
		}
		line++
		// Raw values: dates come as Excel serial numbers, which the date
		// columns convert; formatted values ("01-05-22") would be ambiguous.
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return Row{}, fileErrorf(line, "cannot read the row: %v", err)
		}
		if len(cells) > MaxColumns {
			return Row{}, fileErrorf(line, "has %d columns; the limit is %d", len(cells), MaxColumns)
		}
		return Row{Line: line, Cells: cells}, nil
	}
	t.closeFn = func() error { rows.Close(); return f.Close() }
	return t, nil
}
