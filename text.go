package qantar

import (
	"bytes"
	"encoding/json"
	"sort"
	"strings"
	"unicode/utf8"
)

// Languages a Text may be written in. "kk-Latn" is Kazakh in the Latin
// alphabet; "und" is a text whose language nobody recorded.
var TextLangs = []string{"kk", "ru", "en", "kk-Latn", "und"}

// UILangs are the languages of the interface.
var UILangs = []string{"kk", "ru", "en"}

// Text is a piece of record content in one or more languages: {"en": "...",
// "ru": "..."}. A plain JSON string is accepted on input as language "und".
type Text map[string]string

func (t *Text) UnmarshalJSON(b []byte) error {
	if v := bytes.TrimLeft(b, " \t\r\n"); len(v) > 0 && v[0] == '{' {
		// Most texts: decoded once as the object they are, not first
		// tried as a string.
		var m map[string]string
		if err := json.Unmarshal(b, &m); err != nil {
			return Errorf(EINVALID, "must be a string or an object of language to text")
		}
		*t = m
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return Errorf(EINVALID, "must be a string or an object of language to text")
	}
	*t = nil
	if s != "" {
		*t = Text{"und": s}
	}
	return nil
}

// In returns the text in lang, else in English, Russian, Kazakh, undetermined,
// else any; and the language it returned.
func (t Text) In(lang string) (string, string) {
	for _, l := range []string{lang, "en", "ru", "kk", "kk-Latn", "und"} {
		if v := t[l]; v != "" {
			return v, l
		}
	}
	keys := make([]string, 0, len(t))
	for k := range t {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if t[k] != "" {
			return t[k], k
		}
	}
	return "", ""
}

// String returns the English (or first available) text.
func (t Text) String() string { s, _ := t.In("en"); return s }

// IsEmpty reports whether no language has text.
func (t Text) IsEmpty() bool {
	for _, v := range t {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

// All returns every text, sorted by language, for search and matching.
func (t Text) All() []string {
	keys := make([]string, 0, len(t))
	for k := range t {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		out = append(out, t[k])
	}
	return out
}

func (t Text) validate(field string, max int, required bool) error {
	if required && t.IsEmpty() {
		return FieldErrorf(field, "is required")
	}
	for lang, v := range t {
		if !contains(TextLangs, lang) {
			return FieldErrorf(field+"."+lang, "unknown language %q (want one of %s)", lang, strings.Join(TextLangs, ", "))
		}
		if err := checkString(field+"."+lang, v, max); err != nil {
			return err
		}
	}
	return nil
}

// Limits on the length of strings, in characters. They are generous for
// documentation and small enough that no single request can exhaust memory.
const (
	MaxShort = 500     // names, titles, codes
	MaxLong  = 100_000 // descriptions, quotes
	MaxURL   = 2048
	MaxList  = 1000 // items in any list inside a record
)

func checkString(field, s string, max int) error {
	if !utf8.ValidString(s) {
		return FieldErrorf(field, "is not valid UTF-8")
	}
	if n := utf8.RuneCountInString(s); n > max {
		return FieldErrorf(field, "is %d characters long; the limit is %d", n, max)
	}
	for _, r := range s {
		if r < 0x20 && r != '\n' && r != '\r' && r != '\t' || r == 0x7f {
			return FieldErrorf(field, "contains a control character (U+%04X)", r)
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
