package law

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/qantar-project/qantar"
)

// LoadError is a fault in a rules file: where it is (line and column, from
// 1, and the field path such as "complaint_kinds[2].limit.unit") and what is
// wrong. It unwraps to a qantar EINVALID error naming the field, so the
// boundary reports it like any other bad input.
type LoadError struct {
	Line, Column int
	Path         string
	Msg          string
}

func (e *LoadError) Error() string {
	var b strings.Builder
	b.WriteString("rules")
	if e.Line > 0 {
		fmt.Fprintf(&b, " line %d column %d", e.Line, e.Column)
	}
	if e.Path != "" {
		b.WriteString(": " + e.Path)
	}
	b.WriteString(": " + e.Msg)
	return b.String()
}

func (e *LoadError) Unwrap() error {
	return &qantar.Error{Code: qantar.EINVALID, Field: e.Path, Message: e.Error()}
}

func loadErrorf(path, format string, args ...any) *LoadError {
	return &LoadError{Path: path, Msg: fmt.Sprintf(format, args...)}
}

// positions maps each value's field path to its byte offset, so that a fault
// found after decoding can still name its line.
type positions struct {
	data    []byte
	offsets map[string]int64
}

// lineOf returns the line and column of the value at path, or of the
// nearest enclosing value that was recorded.
func (p positions) lineOf(path string) (int, int) {
	for {
		if off, ok := p.offsets[path]; ok {
			return p.lineCol(off)
		}
		i := strings.LastIndexAny(path, ".[")
		if i < 0 {
			return 0, 0
		}
		path = path[:i]
	}
}

// valueBefore finds the path of the value that ends at off. encoding/json
// gives the end offset and a path without array indices ("a.b.c"); the
// value that starts last before the offset, with that path once its indices
// are removed, is the one.
func (p positions) valueBefore(off int64, field string) string {
	best, bestOff := field, int64(-1)
	for path, o := range p.offsets {
		if o < off && o > bestOff && stripIndices(path) == field {
			best, bestOff = path, o
		}
	}
	return best
}

func stripIndices(path string) string {
	var b strings.Builder
	depth := 0
	for _, c := range path {
		switch {
		case c == '[':
			depth++
		case c == ']':
			depth--
		case depth == 0:
			b.WriteRune(c)
		}
	}
	return b.String()
}

func (p positions) lineCol(off int64) (int, int) {
	if off > int64(len(p.data)) {
		off = int64(len(p.data))
	}
	before := p.data[:off]
	line := bytes.Count(before, []byte{'\n'}) + 1
	start := bytes.LastIndexByte(before, '\n') + 1
	return line, utf8.RuneCount(before[start:]) + 1
}

// skipSpace moves an offset past the white space and separators that
// json.Decoder.InputOffset leaves before the next token.
func (p positions) skipSpace(off int64) int64 {
	for off < int64(len(p.data)) {
		switch p.data[off] {
		case ' ', '\t', '\n', '\r', ',', ':':
			off++
			continue
		}
		break
	}
	return off
}

// decodeStrict decodes data into v, refusing unknown fields, and records the
// position of every value. encoding/json names neither the line nor, for an
// unknown field, the path; so a first pass walks the tokens beside v's type
// to find both, and a second pass decodes.
func decodeStrict(data []byte, v any) (positions, error) {
	pos := positions{data: data, offsets: map[string]int64{}}
	if err := pos.walk(reflect.TypeOf(v).Elem()); err != nil {
		return pos, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var typ *json.UnmarshalTypeError
		if errors.As(err, &typ) {
			path := pos.valueBefore(typ.Offset, typ.Field)
			le := loadErrorf(path, "must be %s, not %s", typeName(typ.Type), typ.Value)
			le.Line, le.Column = pos.lineOf(path)
			return pos, le
		}
		return pos, loadErrorf("", "%v", strings.TrimPrefix(err.Error(), "json: "))
	}
	return pos, nil
}

type frame struct {
	obj     bool
	t       reflect.Type // nil: anything goes (encoding/json reports mismatches)
	path    string
	wantKey bool
	key     string
	keyType reflect.Type
	idx     int
}

func (p positions) walk(root reflect.Type) error {
	dec := json.NewDecoder(bytes.NewReader(p.data))
	dec.UseNumber()
	var stack []*frame
	values := 0
	for {
		off := p.skipSpace(dec.InputOffset())
		tok, err := dec.Token()
		if err == io.EOF {
			if len(stack) > 0 {
				le := loadErrorf("", "malformed JSON: unexpected end of file inside %s", orDefault(stack[len(stack)-1].path, "the top object"))
				le.Line, le.Column = p.lineCol(int64(len(p.data)))
				return le
			}
			if values == 0 {
				return loadErrorf("", "the file is empty: a JSON object is required")
			}
			return nil
		}
		if err != nil {
			le := loadErrorf("", "malformed JSON: %s", strings.TrimPrefix(err.Error(), "json: "))
			var syn *json.SyntaxError
			if errors.As(err, &syn) {
				off = syn.Offset
			} else if errors.Is(err, io.ErrUnexpectedEOF) {
				off = int64(len(p.data))
			}
			le.Line, le.Column = p.lineCol(off)
			return le
		}
		delim, isDelim := tok.(json.Delim)
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if top != nil && top.obj && top.wantKey {
			if isDelim && delim == '}' {
				stack = stack[:len(stack)-1]
				continue
			}
			key, _ := tok.(string)
			path := joinPath(top.path, key)
			ft, ok := fieldType(top.t, key)
			if !ok {
				le := loadErrorf(path, "unknown field %q", key)
				le.Line, le.Column = p.lineCol(off)
				return le
			}
			top.key, top.keyType, top.wantKey = key, ft, false
			continue
		}
		var t reflect.Type
		var path string
		switch {
		case top == nil:
			if values > 0 {
				le := loadErrorf("", "the file holds more than one JSON value")
				le.Line, le.Column = p.lineCol(off)
				return le
			}
			values++
			t = root
		case top.obj:
			t, path = top.keyType, joinPath(top.path, top.key)
			top.wantKey = true
		default:
			if isDelim && delim == ']' {
				stack = stack[:len(stack)-1]
				continue
			}
			t, path = elemType(top.t), fmt.Sprintf("%s[%d]", top.path, top.idx)
			top.idx++
		}
		p.offsets[path] = off
		if isDelim {
			for t != nil && t.Kind() == reflect.Pointer {
				t = t.Elem()
			}
			stack = append(stack, &frame{obj: delim == '{', t: t, path: path, wantKey: delim == '{'})
		}
	}
}

func joinPath(parent, key string) string {
	if parent == "" {
		return key
	}
	return parent + "." + key
}

// fieldType returns the type of key's value in an object of type t.
func fieldType(t reflect.Type, key string) (reflect.Type, bool) {
	if t == nil {
		return nil, true
	}
	switch t.Kind() {
	case reflect.Map:
		return t.Elem(), true
	case reflect.Struct:
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" {
				continue
			}
			if name == "" {
				name = f.Name
			}
			// encoding/json matches keys case-insensitively; a rules file
			// is clearer if it spells them exactly.
			if name == key {
				return f.Type, true
			}
		}
		return nil, false
	}
	return nil, true // a type mismatch: let encoding/json say so
}

func elemType(t reflect.Type) reflect.Type {
	if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
		return t.Elem()
	}
	return nil
}

func typeName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Int, reflect.Int64, reflect.Int32:
		return "an integer"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice:
		return "an array"
	case reflect.Map, reflect.Struct, reflect.Pointer:
		return "an object"
	}
	return t.String()
}
