package qantar

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"
)

// Kind names a kind of record. It is also the path segment of the API
// (/api/v1/persons) and the name of the export file (persons.csv).
type Kind string

const (
	KindSource      Kind = "sources"
	KindEvent       Kind = "events"
	KindPlace       Kind = "places"
	KindPerson      Kind = "persons"
	KindUnit        Kind = "units"
	KindPost        Kind = "posts"
	KindAct         Kind = "acts"
	KindInvolvement Kind = "involvements"
	KindCase        Kind = "cases"
	KindComplaint   Kind = "complaints"
	KindCitation    Kind = "citations"
	KindFigure      Kind = "figures"
	KindFile        Kind = "files"
)

// Kinds lists every kind in an order where a record only refers to kinds
// listed before it (or to its own kind); imports and copies follow it.
var Kinds = []Kind{KindSource, KindPlace, KindEvent, KindPerson, KindUnit, KindPost, KindAct,
	KindInvolvement, KindCase, KindComplaint, KindFigure, KindCitation, KindFile}

// ParseKind accepts a kind by its plural name ("persons") or singular ("person").
func ParseKind(s string) (Kind, error) {
	for _, k := range Kinds {
		if string(k) == s || k.Singular() == s {
			return k, nil
		}
	}
	names := make([]string, len(Kinds))
	for i, k := range Kinds {
		names[i] = string(k)
	}
	return "", Errorf(ENOTFOUND, "unknown kind %q (want one of %s)", s, strings.Join(names, ", "))
}

// Singular returns "person" for "persons".
func (k Kind) Singular() string {
	switch k {
	case KindPerson:
		return "person"
	case KindCase:
		return "case"
	}
	return strings.TrimSuffix(string(k), "s")
}

// Meta is what every record carries about itself. The store sets it; on input
// only Version matters (the version an update edits).
type Meta struct {
	ID        int64     `json:"id"`
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at,omitzero"`
	UpdatedAt time.Time `json:"updated_at,omitzero"`
	// ExternalKey is a stable key from outside (a list's own row id), unique
	// within a kind, that makes imports idempotent.
	ExternalKey string `json:"external_key,omitempty"`
}

// GetMeta returns the record's metadata; records embed Meta to satisfy Record.
func (m *Meta) GetMeta() *Meta { return m }

// Ref is a reference from one record to another, checked to exist on write.
type Ref struct {
	Field string // the referring field, for error messages ("victim_id")
	Kind  Kind
	ID    int64
}

// Record is implemented by every kind of record.
type Record interface {
	GetMeta() *Meta
	Kind() Kind
	// Validate checks the record on its own (types, vocabularies, limits),
	// naming the field at fault. References are checked by the store.
	Validate() error
	// Refs lists the records this one refers to.
	Refs() []Ref
}

// New returns an empty record of kind k.
func New(k Kind) (Record, error) {
	switch k {
	case KindSource:
		return &Source{}, nil
	case KindEvent:
		return &Event{}, nil
	case KindPlace:
		return &Place{}, nil
	case KindPerson:
		return &Person{}, nil
	case KindUnit:
		return &Unit{}, nil
	case KindPost:
		return &Post{}, nil
	case KindAct:
		return &Act{}, nil
	case KindInvolvement:
		return &Involvement{}, nil
	case KindCase:
		return &Case{}, nil
	case KindComplaint:
		return &Complaint{}, nil
	case KindCitation:
		return &Citation{}, nil
	case KindFigure:
		return &Figure{}, nil
	case KindFile:
		return &File{}, nil
	}
	_, err := ParseKind(string(k))
	return nil, err
}

// Decode reads one record of kind k from JSON strictly: unknown fields, wrong
// types, trailing data and invalid UTF-8 are errors naming the field. It
// does not validate; call Validate.
func Decode(k Kind, r io.Reader) (Record, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	return DecodeBytes(k, b)
}

func strictUnmarshal(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// locateError finds the field whose value a record cannot take, by decoding
// the fields one at a time, down into arrays of objects: encoding/json does
// not name the field when a value's own UnmarshalJSON (a date) fails.
func locateError(k Kind, raw []byte) string {
	var top map[string]json.RawMessage
	if json.Unmarshal(raw, &top) != nil {
		return ""
	}
	try := func(v any) bool {
		b, _ := json.Marshal(v)
		rec, _ := New(k)
		return strictUnmarshal(b, rec) == nil
	}
	for key, val := range top {
		if try(map[string]json.RawMessage{key: val}) {
			continue
		}
		var items []json.RawMessage
		if json.Unmarshal(val, &items) != nil {
			return key
		}
		for i, item := range items {
			if try(map[string][]json.RawMessage{key: {item}}) {
				continue
			}
			var obj map[string]json.RawMessage
			if json.Unmarshal(item, &obj) == nil {
				for sub, sv := range obj {
					if !try(map[string][]map[string]json.RawMessage{key: {{sub: sv}}}) {
						return fmt.Sprintf("%s[%d].%s", key, i, sub)
					}
				}
			}
			return fmt.Sprintf("%s[%d]", key, i)
		}
		return key
	}
	return ""
}

// DecodeBytes is Decode over a byte slice.
// It decodes in one pass (a json.Decoder reads the whole value before it
// fills the record, so malformed JSON is still reported before a wrong type).
func DecodeBytes(k Kind, b []byte) (Record, error) {
	rec, err := New(k)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(rec); err != nil {
		err = jsonError(err)
		if ErrorField(err) == "" {
			if f := locateError(k, b); f != "" {
				err = WithField(err, f)
			}
		}
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, FieldErrorf("body", "body holds more than one JSON value")
	}
	if !utf8.Valid(b) {
		return nil, FieldErrorf("body", "body is not valid UTF-8")
	}
	return rec, nil
}

// jsonError turns encoding/json's errors into field errors.
func jsonError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return FieldErrorf("body", "malformed JSON at byte %d: %v", syn.Offset, syn)
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "body"
		}
		return FieldErrorf(field, "must be %s, not %s", Word(jsonTypeName(typ.Type.String())), Word(jsonValueName(typ.Value)))
	case errors.Is(err, io.EOF):
		return FieldErrorf("body", "empty body: a JSON object is required")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return FieldErrorf("body", "malformed JSON: unexpected end of input")
	}
	msg := err.Error()
	if f, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		return FieldErrorf(strings.Trim(f, `"`), "unknown field")
	}
	// Errors from a field's own UnmarshalJSON (a date, a text) carry no field
	// name in encoding/json v1; report them with the message we wrote.
	var own *Error
	if errors.As(err, &own) {
		return Errorf(EINVALID, "invalid value: %s", own) // said in the reader's language
	}
	return Errorf(EINVALID, "invalid value: %s", strings.TrimPrefix(msg, "json: "))
}

// jsonValueName names the kind of a JSON value as encoding/json describes
// it ("number -5" is a number).
func jsonValueName(v string) string {
	kind, _, _ := strings.Cut(v, " ")
	return kind
}

func jsonTypeName(t string) string {
	switch {
	case strings.HasPrefix(t, "int"), strings.HasPrefix(t, "uint"):
		return "an integer"
	case strings.HasPrefix(t, "float"):
		return "a number"
	case t == "string", strings.HasSuffix(t, "Kind"):
		return "a string"
	case t == "bool":
		return "true or false"
	case strings.HasPrefix(t, "[]"):
		return "an array"
	case strings.HasPrefix(t, "map"), strings.HasPrefix(t, "qantar."):
		return "an object"
	}
	return t
}

// Canonical returns the canonical JSON of a record's content: its fields
// without Meta's server-set times, keys in struct order, no insignificant
// space. It is what the log commits to (see tlog).
func Canonical(r Record) ([]byte, error) {
	m := *r.GetMeta()
	defer func() { *r.GetMeta() = m }()
	r.GetMeta().CreatedAt, r.GetMeta().UpdatedAt = time.Time{}, time.Time{}
	b, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("canonical %s: %w", r.Kind(), err)
	}
	return b, nil
}

func checkID(field string, id int64, required bool) error {
	if id < 0 || required && id == 0 {
		if id == 0 {
			return FieldErrorf(field, "is required")
		}
		return FieldErrorf(field, "must be a positive id")
	}
	return nil
}

func ref(refs []Ref, field string, k Kind, id int64) []Ref {
	if id > 0 {
		refs = append(refs, Ref{Field: field, Kind: k, ID: id})
	}
	return refs
}
