package csvio

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/qantar-project/qantar"
)

// FormatJSON is a JSON array of records, one element a record, as
// `qantar export --format json` writes it and the API serves records.
const FormatJSON = "json"

// MaxRecordBytes bounds one element of a JSON array (with the space and
// comma before it): the JSON reader holds a whole element in memory, so an
// enormous one is a problem with the file, not gigabytes read. It is twice
// MaxLineBytes, the CSV limit for a record's line, because JSON escapes
// some characters the CSV keeps as they are.
const MaxRecordBytes = 2 * MaxLineBytes

// isJSONInput says whether an input is JSON: by the format asked for, by
// its name (.json), or, when the name says nothing (no extension, or one
// that is no table's), by its content starting with "[" after an optional
// byte-order mark and space. It returns the reader to read the input from,
// which holds the bytes it looked at.
func isJSONInput(r io.Reader, name, format string) (io.Reader, bool) {
	switch strings.ToLower(format) {
	case FormatJSON:
		return r, true
	case "":
	default:
		return r, false
	}
	switch strings.ToLower(filepath.Ext(name)) {
	case ".json":
		return r, true
	case ".csv", ".tsv", ".tab", ".xlsx", ".xlsm":
		return r, false
	}
	br := bufio.NewReaderSize(r, 4096)
	head, _ := br.Peek(4096)
	head = bytes.TrimPrefix(head, []byte{0xEF, 0xBB, 0xBF})
	head = bytes.TrimLeft(head, " \t\r\n")
	return br, len(head) > 0 && head[0] == '['
}

// jsonElem is one element of a JSON array: the line it begins on, counted
// from 1, and its JSON exactly as the file has it.
type jsonElem struct {
	Line int
	Raw  json.RawMessage
}

// jsonTable reads a JSON array element by element, holding at most one
// element in memory. Next returns io.EOF after the last; any other error
// is a *FileError, and the file cannot be read further.
type jsonTable struct {
	Encoding string
	dec      *json.Decoder
	src      *jsonSource
	counter  *countingReader
	started  bool
	done     bool
}

var errRecordTooLarge = errors.New("record too large")

// openJSON starts reading r as a JSON array of records. JSON is UTF-8
// (RFC 8259); a UTF-8 byte-order mark is skipped.
func openJSON(r io.Reader, o ReadOptions) (*jsonTable, error) {
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	switch strings.ToLower(strings.ReplaceAll(o.Encoding, "_", "-")) {
	case "", "utf-8", "utf8", "utf-8-bom", "utf8-bom":
	default:
		return nil, fileErrorf(0, "a JSON file is read as UTF-8; encoding %q does not apply to it", o.Encoding)
	}
	counter := &countingReader{r: io.LimitReader(r, o.MaxBytes+1), max: o.MaxBytes}
	br := bufio.NewReaderSize(counter, 64<<10)
	head, _ := br.Peek(3)
	enc := EncUTF8
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		enc = EncUTF8BOM
		br.Discard(3)
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return nil, fileErrorf(0, "the file is in UTF-16; a JSON file must be in UTF-8: save it as UTF-8 and import it again")
	}
	src := &jsonSource{r: br, max: MaxRecordBytes, line: 1}
	return &jsonTable{Encoding: enc, dec: json.NewDecoder(src), src: src, counter: counter}, nil
}

// BytesRead returns how much of the file has been read, for progress.
func (t *jsonTable) BytesRead() int64 { return t.counter.n }

// Next returns the next element of the array.
func (t *jsonTable) Next() (jsonElem, error) {
	if t.done {
		return jsonElem{}, io.EOF
	}
	if !t.started {
		t.started = true
		t.src.mark = 0
		t.dec.More() // skips the space before the first value
		start := t.dec.InputOffset()
		tok, err := t.dec.Token()
		if errors.Is(err, io.EOF) {
			t.done = true
			return jsonElem{}, fileErrorf(0, "the file is empty: a JSON array of records, [{…}, {…}], is expected")
		} else if err != nil {
			return jsonElem{}, t.fail(err)
		}
		if d, ok := tok.(json.Delim); !ok || d != '[' {
			t.done = true
			return jsonElem{}, &FileError{Line: t.src.lineAt(start),
				Msg: fmt.Sprintf("the file holds %s; a JSON array of records, [{…}, {…}], is expected", describeJSONToken(tok))}
		}
	}
	t.src.mark = t.dec.InputOffset()
	if t.dec.More() {
		var raw json.RawMessage
		if err := t.dec.Decode(&raw); err != nil {
			return jsonElem{}, t.fail(err)
		}
		start := t.dec.InputOffset() - int64(len(raw))
		return jsonElem{Line: t.src.lineAt(start), Raw: raw}, nil
	}
	// The end of the array, then nothing but space.
	if _, err := t.dec.Token(); err != nil {
		return jsonElem{}, t.fail(err)
	}
	t.done = true
	closeLine := t.src.lineAt(t.dec.InputOffset() - 1)
	t.src.mark = t.dec.InputOffset()
	t.dec.More() // skips space, so that the offset is where more begins
	after := t.dec.InputOffset()
	_, err := t.dec.Token()
	switch {
	case errors.Is(err, io.EOF):
		return jsonElem{}, io.EOF
	case errors.Is(err, errTooLarge), errors.Is(err, errRecordTooLarge):
		return jsonElem{}, t.fail(err)
	}
	var se *json.SyntaxError
	if err != nil && !errors.As(err, &se) {
		return jsonElem{}, t.fail(err)
	}
	return jsonElem{}, &FileError{Line: t.src.lineAt(after),
		Msg: fmt.Sprintf("the array of records ends on line %d, yet the file goes on; it must hold one JSON array and nothing after it", closeLine)}
}

// fail turns an error of the decoder into a FileError naming the line
// where the trouble is, and stops the table.
func (t *jsonTable) fail(err error) error {
	t.done = true
	// Where the value being read begins: past the space and any comma
	// before it, in what the decoder holds but has not consumed.
	pending, _ := io.ReadAll(t.dec.Buffered())
	pos := t.dec.InputOffset()
	lead := 0
	for lead < len(pending) && (isJSONSpace(pending[lead]) || pending[lead] == ',') {
		lead++
	}
	startLine := func() int { return t.src.lineAt(pos + int64(lead)) }
	var se *json.SyntaxError
	switch {
	case errors.Is(err, errTooLarge):
		return &FileError{Msg: strings.TrimPrefix(err.Error(), errTooLarge.Error()+": ")}
	case errors.Is(err, errRecordTooLarge):
		if lead == len(pending) {
			return fileErrorf(t.src.lineAt(pos), "more than %d MiB of space without a record", MaxRecordBytes>>20)
		}
		return fileErrorf(startLine(), "the record that begins on this line is longer than %d MiB; is this an export of records?", MaxRecordBytes>>20)
	case errors.As(err, &se):
		// The decoder's offsets count only some of what it read; find the
		// byte at fault by decoding what it holds again from where it
		// stood.
		at := pos
		var again *json.SyntaxError
		var v json.RawMessage
		if err := json.NewDecoder(bytes.NewReader(pending)).Decode(&v); errors.As(err, &again) && again.Offset > 0 {
			at += again.Offset - 1
		} else {
			at += int64(lead)
		}
		return &FileError{Line: t.src.lineAt(at), Msg: "malformed JSON: " + jsonSyntaxMessage(se)}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fileErrorf(startLine(), "the file ends inside the record that begins on this line")
	case errors.Is(err, io.EOF):
		return &FileError{Line: t.src.lineAt(max(t.src.n-1, 0)), Msg: "the file ends before the array of records is closed with ]"}
	}
	return &FileError{Line: t.src.lineAt(max(t.src.n-1, 0)), Msg: "cannot read the file: " + err.Error()}
}

// jsonSyntaxMessage words encoding/json's syntax errors without the
// package's own prefix.
func jsonSyntaxMessage(se *json.SyntaxError) string {
	msg := se.Error()
	if msg == "unexpected end of JSON input" {
		return "the file ends inside a value"
	}
	return msg
}

func describeJSONToken(tok json.Token) string {
	switch v := tok.(type) {
	case json.Delim:
		if v == '{' {
			return "one JSON object"
		}
		return fmt.Sprintf("%q", string(v))
	case string:
		return "a JSON string"
	case float64, json.Number:
		return "a JSON number"
	case bool:
		return "a JSON boolean"
	case nil:
		return "null"
	}
	return "a JSON value"
}

func isJSONSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// jsonSource feeds the decoder. It refuses to read on once the decoder
// holds MaxRecordBytes since mark (set before each element): the decoder
// reads only while the value it scans is incomplete, so that element is
// larger than the limit. It also keeps what it has fed since the last
// lineAt, to count lines.
type jsonSource struct {
	r      io.Reader
	n      int64 // bytes fed to the decoder
	mark   int64
	max    int64
	win    []byte // bytes fed from winOff on
	winOff int64
	line   int // the line at winOff
}

func (s *jsonSource) Read(p []byte) (int, error) {
	room := s.max - (s.n - s.mark)
	if room <= 0 {
		return 0, errRecordTooLarge
	}
	// Never more than the limit since mark, so that an element larger than
	// the limit cannot slip through in one large read. Reads otherwise are
	// as large as the decoder asks: it rescans the space it holds on each
	// read, so small reads would make a long run of space quadratic.
	if int64(len(p)) > room {
		p = p[:room]
	}
	n, err := s.r.Read(p)
	s.win = append(s.win, p[:n]...)
	s.n += int64(n)
	return n, err
}

// lineAt returns the line of byte offset off; offsets must not go back.
func (s *jsonSource) lineAt(off int64) int {
	k := min(max(off-s.winOff, 0), int64(len(s.win)))
	s.line += bytes.Count(s.win[:k], []byte{'\n'})
	s.win = s.win[k:]
	s.winOff += k
	return s.line
}

// readJSON reads and converts every element of a JSON input.
func (im *importer) readJSON(ctx context.Context, t *table, in Input, r io.Reader) error {
	t.json = true
	t.hashes = map[[16]byte]int{}
	t.rep.Format = FormatJSON
	im.hold(t, true) // a JSON record's id ties it to others
	if im.o.Mapping != nil {
		im.fileProblemf(t, 0, "a mapping names the columns of a table; a JSON file names its fields as the API does, so it takes no mapping")
		return nil
	}
	jt, err := openJSON(r, im.o.Read)
	if err != nil {
		return im.readError(t, err)
	}
	t.rep.Encoding = jt.Encoding
	return readRows(ctx, im, t, in, jt.Next, jt.BytesRead, func(e jsonElem) { im.convertJSON(t, e) })
}

// jsonMember is one member of a JSON object.
type jsonMember struct {
	key   []byte // as written, with its quotes
	name  string
	value []byte
	long  bool // holds a string longer than MaxCellBytes
}

// convertJSON turns one element into a row: the record's own fields go to
// the decoders as they are; id, external_key and the times are taken out
// as the CSV's id, external_key, version and time columns are.
func (im *importer) convertJSON(t *table, e jsonElem) {
	r := &row{t: t, line: e.Line}
	im.keepRow(r)
	defer im.rowConverted(r)
	if im.o.SkipInvalid {
		// A JSON row keeps one cell: the element as the file has it.
		r.cells = []string{string(e.Raw)}
	}
	members, what := splitJSONObject(e.Raw)
	if what != "" {
		im.rowProblemf(r, "", "", "the element is %s, not a record: each element of the array must be a JSON object, {…}", qantar.Word(what))
		return
	}
	b := make([]byte, 0, len(e.Raw))
	b = append(b, '{')
	var seen map[string]string // folded name → name as written, for many members
	if len(members) > 16 {
		seen = make(map[string]string, len(members))
	}
	twice := false
	for i, m := range members {
		folded := foldName(m.name)
		if prev, dup := repeatedMember(members, i, folded, seen); dup {
			// One such problem an element is enough; as DecodeBytes, which
			// stops at the first.
			if !twice {
				twice = true
				if prev == m.name {
					im.rowProblemf(r, m.name, "", "the field is given twice")
				} else {
					im.rowProblemf(r, m.name, "", "the field is given twice (also as %q)", prev)
				}
			}
			continue
		}
		if im.takeMember(r, m, folded) {
			b = appendMember(b, m.key, m.value)
		}
	}
	if k := im.fromKey(r); k != "" {
		r.key = k
		kb, _ := json.Marshal(k)
		b = appendMember(b, []byte(`"external_key"`), kb)
	}
	b = append(b, '}')
	if r.key != "" {
		im.keys.put(t.kind, r)
	}
	if r.bad {
		return
	}
	im.submit(&decodeJob{r: r, b: b, json: true, hashed: r.key == "" && r.srcID == 0, pos: len(im.rep.Problems)})
}

// repeatedMember finds an earlier member of the same name as members[i],
// matched as encoding/json, and so the API, matches field names: without
// regard to case ("ID" is id). seen, for many members, holds the names met
// so far.
func repeatedMember(members []jsonMember, i int, folded string, seen map[string]string) (prev string, dup bool) {
	if seen == nil {
		for _, o := range members[:i] {
			if foldName(o.name) == folded {
				return o.name, true
			}
		}
		return "", false
	}
	if prev, dup = seen[folded]; !dup {
		seen[folded] = members[i].name
	}
	return prev, dup
}

// takeMember takes what the row's columns would take out of one member (id,
// external_key; the times and version the store sets) and reports whether
// the member goes into the record as it is.
func (im *importer) takeMember(r *row, m jsonMember, folded string) bool {
	t := r.t
	switch folded {
	case "version", "created_at", "updated_at":
		return false // the store sets them
	}
	if m.long {
		im.rowProblemf(r, m.name, "", "holds a string longer than %d KiB", MaxCellBytes>>10)
		return false
	}
	switch folded {
	case "id":
		id, err := jsonID(m.value)
		if err != nil {
			im.rowProblemErr(r, m.name, "", err)
		} else if id > 0 {
			r.srcID = id
			t.hasID = true
			if prev, dup := im.ids[kindID{t.kind, id}]; dup {
				im.rowProblemf(r, m.name, "", "id %d is already on line %d", id, prev.line)
			} else {
				im.ids[kindID{t.kind, id}] = r
			}
		}
		return false
	case "external_key":
		var key *string
		if err := json.Unmarshal(m.value, &key); err != nil {
			im.rowProblemf(r, m.name, "", "must be a string, not %s", qantar.Word(jsonKind(m.value)))
			return false
		}
		if key == nil || *key == "" {
			return false
		}
		if prev, dup := im.keys.get(t.kind, *key); dup {
			im.rowProblemf(r, m.name, "", "external key %q is already on line %d", clip(*key, 80), prev.line)
			return false
		}
		r.key = *key
	}
	return true
}

// appendMember appends a member to an object being written, b, which
// holds its opening brace.
func appendMember(b, key, value []byte) []byte {
	if len(b) > 1 {
		b = append(b, ',')
	}
	b = append(b, key...)
	b = append(b, ':')
	return append(b, value...)
}

// foldName folds a field name as encoding/json matches names: "ID" and
// "id" are one field.
func foldName(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0x80 || 'A' <= c && c <= 'Z' {
			return strings.ToLower(strings.ToUpper(s))
		}
	}
	return s
}

// hash16 is the first half of a SHA-256, enough to find repeated content.
func hash16(b []byte) [16]byte {
	sum := sha256.Sum256(b)
	var h [16]byte
	copy(h[:], sum[:])
	return h
}

// jsonID reads an element's id: a positive whole number, or null or 0 for
// none (the API's id of a record not yet written).
func jsonID(v []byte) (int64, error) {
	s := string(v)
	if s == "null" {
		return 0, nil
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id < 0 {
		return 0, cellErrorf("%s is not a record id (a positive whole number)", clip(s, 40))
	}
	return id, nil
}

// jsonKind names the type of a JSON value for messages.
func jsonKind(v []byte) string {
	if len(v) == 0 {
		return "nothing"
	}
	switch v[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "true or false"
	case 'n':
		return "null"
	}
	return "a number"
}

// splitJSONObject lists the members of an object that the decoder has
// already checked to be valid JSON. For any other value it returns what
// the value is instead ("a string").
func splitJSONObject(raw []byte) ([]jsonMember, string) {
	i := skipJSONSpace(raw, 0)
	if i >= len(raw) || raw[i] != '{' {
		return nil, jsonKind(raw[i:])
	}
	var out []jsonMember
	i++
	for {
		i = skipJSONSpace(raw, i)
		if i < len(raw) && raw[i] == ',' {
			i = skipJSONSpace(raw, i+1)
		}
		if i >= len(raw) {
			return nil, "a broken JSON object"
		}
		if raw[i] == '}' {
			return out, ""
		}
		ks := i
		end, long := skipJSONString(raw, i)
		if end < 0 {
			return nil, "a broken JSON object"
		}
		m := jsonMember{key: raw[ks:end], long: long}
		if bytes.IndexByte(m.key, '\\') < 0 && utf8.Valid(m.key) {
			m.name = string(m.key[1 : len(m.key)-1])
		} else if json.Unmarshal(m.key, &m.name) != nil {
			return nil, "a broken JSON object"
		}
		i = skipJSONSpace(raw, end)
		if i >= len(raw) || raw[i] != ':' {
			return nil, "a broken JSON object"
		}
		i = skipJSONSpace(raw, i+1)
		vs := i
		end, vlong := skipJSONValue(raw, i)
		if end < 0 {
			return nil, "a broken JSON object"
		}
		m.value, m.long = raw[vs:end], m.long || vlong
		out = append(out, m)
		i = end
	}
}

func skipJSONSpace(b []byte, i int) int {
	for i < len(b) && isJSONSpace(b[i]) {
		i++
	}
	return i
}

// skipJSONString returns the index after the string that starts at b[i],
// and whether it is longer than MaxCellBytes; -1 if it is not closed.
func skipJSONString(b []byte, i int) (int, bool) {
	start := i
	i++
	for i < len(b) {
		j := bytes.IndexAny(b[i:], `"\`)
		if j < 0 {
			return -1, false
		}
		i += j
		if b[i] == '\\' {
			i += 2
			continue
		}
		i++
		return i, i-start-2 > MaxCellBytes
	}
	return -1, false
}

// skipJSONValue returns the index after the value that starts at b[i], and
// whether a string in it is longer than MaxCellBytes; -1 if it is broken.
// It does not recurse, so depth costs nothing.
func skipJSONValue(b []byte, i int) (int, bool) {
	long := false
	depth := 0
	for i < len(b) {
		switch c := b[i]; c {
		case '"':
			end, l := skipJSONString(b, i)
			if end < 0 {
				return -1, false
			}
			long = long || l
			i = end
		case '{', '[':
			depth++
			i++
		case '}', ']':
			depth--
			i++
		default:
			if depth == 0 {
				// A number or a literal ends at the first byte that
				// cannot be part of it.
				for i < len(b) && !isJSONSpace(b[i]) && b[i] != ',' && b[i] != '}' && b[i] != ']' {
					i++
				}
				return i, long
			}
			i++
		}
		if depth == 0 {
			return i, long
		}
		if depth < 0 {
			return -1, false
		}
	}
	return -1, false
}

// runJSON is decodeJob.run for a JSON row: the column is the field as
// the API's error names it.
func (j *decodeJob) runJSON() {
	t := j.r.t
	if !utf8.Valid(j.b) {
		j.msg = wordsf("the record is not valid UTF-8")
		return
	}
	rec, err := qantar.DecodeBytes(t.kind, j.b)
	if err == nil {
		t.decided(rec)
		err = rec.Validate()
	}
	if err != nil {
		if f := qantar.ErrorField(err); f != "body" {
			j.col = f
		}
		j.msg = errWords(err)
		return
	}
	if j.hashed {
		c, err := qantar.Canonical(rec)
		if err != nil {
			j.msg = wordsf("cannot encode the record: %s", err)
			return
		}
		j.sum = hash16(c)
	}
	j.rec = rec
	j.b = nil
}
