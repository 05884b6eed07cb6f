package csvio

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/qantar-project/qantar"
)

// formulaStart lists the characters that make a spreadsheet treat a cell
// as a formula (OWASP's "CSV injection" list).
const formulaStart = "=+-@\t\r"

// Neutralize prefixes a cell that a spreadsheet would run as a formula with
// an apostrophe, so that opening an export runs nothing. A cell that starts
// with an apostrophe is prefixed too, so that Unneutralize gives back
// exactly the original.
func Neutralize(s string) string {
	if s != "" && (strings.IndexByte(formulaStart, s[0]) >= 0 || s[0] == '\'') {
		return "'" + s
	}
	return s
}

// Cell is a JSON value as a CSV cell, the one rule of every export (the
// CLI's and the site's downloads): a string neutralised, a number as written
// (a spreadsheet reads "-43.2" as a number, not a formula; a string that
// only starts like one, "-2+3+cmd|' /C calc'!A0", is a string), true or
// false, null as nothing, anything else as its JSON, neutralised. v is a
// value decoded with json.Decoder.UseNumber, or a json.RawMessage.
func Cell(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return Neutralize(x)
	case json.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	case json.RawMessage:
		return rawCell(x)
	}
	b, _ := json.Marshal(v)
	return Neutralize(string(b))
}

// rawCell is Cell of a JSON text: a scalar by its value, an object or an
// array as written.
func rawCell(raw json.RawMessage) string {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) == nil {
		switch v.(type) {
		case nil, string, json.Number, bool:
			return Cell(v)
		}
	}
	return Neutralize(string(raw))
}

// Unneutralize undoes Neutralize: an apostrophe before a formula character
// or before another apostrophe is dropped.
func Unneutralize(s string) string {
	if len(s) >= 2 && s[0] == '\'' && (strings.IndexByte(formulaStart, s[1]) >= 0 || s[1] == '\'') {
		return s[1:]
	}
	return s
}

var (
	reDMY       = regexp.MustCompile(`^(\d{1,2})[./-](\d{1,2})[./-](\d{4})(?:[ T](\d{1,2}):(\d{2}))?$`)
	reMY        = regexp.MustCompile(`^(\d{1,2})[./](\d{4})$`)
	reYearWords = regexp.MustCompile(`\s*(г\.?\s*р\.?|г\.?|год|жыл|ж\.?)$`)
	reSerial    = regexp.MustCompile(`^[1-9]\d{0,6}(\.\d+)?$`)
)

// parseCellDate reads a date as people write it in lists: ISO forms
// (qantar.ParseDate), DD.MM.YYYY, MM.YYYY, "1990 г.", and in XLSX an Excel
// serial day number. It returns the ISO form.
func parseCellDate(v string, xlsx bool) (string, error) {
	s := v
	est := ""
	if strings.HasPrefix(s, "~") {
		est, s = "~", strings.TrimSpace(s[1:])
	}
	s = reYearWords.ReplaceAllString(s, "")
	iso := s
	switch {
	case reDMY.MatchString(s):
		m := reDMY.FindStringSubmatch(s)
		iso = fmt.Sprintf("%s-%02s-%02s", m[3], m[2], m[1])
		if m[4] != "" {
			iso += fmt.Sprintf("T%02s:%s", m[4], m[5])
		}
	case reMY.MatchString(s):
		m := reMY.FindStringSubmatch(s)
		iso = fmt.Sprintf("%s-%02s", m[2], m[1])
	case xlsx && reSerial.MatchString(s) && len(s) >= 3 && !strings.Contains(s, "-"):
		f, _ := strconv.ParseFloat(s, 64)
		if f >= 1 && f < 2958466 && len(s) != 4 {
			// Excel's day 0 is 1899-12-30 once its 1900 leap-year bug is
			// accounted for.
			t := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).Add(time.Duration(math.Round(f*86400)) * time.Second)
			if f == math.Trunc(f) {
				iso = t.Format("2006-01-02")
			} else {
				iso = t.Format("2006-01-02T15:04")
			}
		}
	}
	d, err := qantar.ParseDate(est + iso)
	if err != nil {
		if f, a := qantarKey(err); len(a) == 3 && strings.HasSuffix(f, "has no day %d") {
			return "", cellErrorf(f, v, a[1], a[2]) // the cell as written, not as read
		}
		return "", cellErrorf("%q is not a date (write YYYY-MM-DD, DD.MM.YYYY, MM.YYYY or YYYY)", v)
	}
	return d.String(), nil
}

func parseCellInt(v string) (int64, error) {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		// XLSX stores every number as a float.
		f, ferr := strconv.ParseFloat(v, 64)
		if ferr != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
			return 0, cellErrorf("%q is not a whole number", v)
		}
		n = int64(f)
	}
	return n, nil
}

func parseCellID(v string) (int64, error) {
	n, err := parseCellInt(v)
	if err != nil || n <= 0 {
		return 0, cellErrorf("%q is not a record id (a positive whole number)", v)
	}
	return n, nil
}

func parseCellFloat(v string) (float64, error) {
	s := v
	if !strings.Contains(s, ".") {
		s = strings.Replace(s, ",", ".", 1)
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, cellErrorf("%q is not a number", v)
	}
	return f, nil
}

func parseCellBool(v string) (bool, error) {
	switch strings.ToLower(v) {
	case "true", "yes", "y", "1", "да", "д", "иә", "ия", "иа", "+":
		return true, nil
	case "false", "no", "n", "0", "нет", "н", "жоқ", "жок", "-":
		return false, nil
	}
	return false, cellErrorf("%q is not true or false (yes/no, да/нет, иә/жоқ)", v)
}

// vocabIndex maps every way of writing a term (its code, its labels in
// en/ru/kk, common short forms) to its code, per vocabulary.
var vocabIndex = buildVocabIndex()

var vocabShortForms = map[string]map[string]string{
	"sex": {"м": "male", "муж": "male", "мужчина": "male", "m": "male", "ер адам": "male",
		"ж": "female", "жен": "female", "женщина": "female", "f": "female", "w": "female", "әйел адам": "female"},
}

func buildVocabIndex() map[string]map[string]string {
	out := map[string]map[string]string{}
	for name, terms := range qantar.Vocabularies {
		m := map[string]string{}
		for _, t := range terms {
			for _, l := range []string{t.EN, t.RU, t.KK} {
				if l != "" {
					m[normValue(l)] = t.Code
				}
			}
		}
		for from, to := range vocabShortForms[name] {
			m[normValue(from)] = to
		}
		for _, t := range terms {
			m[normValue(t.Code)] = t.Code
		}
		out[name] = m
	}
	return out
}

func normValue(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.ReplaceAll(s, "ё", "е")
	s = strings.TrimRight(s, ".")
	return strings.Join(strings.Fields(s), " ")
}

func parseCellVocab(v, vocab string) (string, error) {
	if code, ok := vocabIndex[vocab][normValue(v)]; ok {
		return code, nil
	}
	return "", cellErrorf("%q is not a known %s (one of %s)", v, qantar.Word(strings.ReplaceAll(vocab, "_", " ")),
		strings.Join(qantar.VocabCodes(vocab), ", "))
}

// listCell reads a list column: a JSON array as the API takes it or, for
// lists of plain values, items separated by semicolons.
func listCell(field, v string) (any, error) {
	if strings.HasPrefix(v, "[") {
		var raw []json.RawMessage
		if err := json.Unmarshal([]byte(v), &raw); err != nil {
			return nil, cellErrorf("is not a valid JSON array: %v", jsonMsg(err))
		}
		return json.RawMessage(v), nil
	}
	if strings.HasPrefix(v, "{") { // an object: a file's metadata or deletion request
		var raw map[string]json.RawMessage
		if err := json.Unmarshal([]byte(v), &raw); err != nil {
			return nil, cellErrorf("is not a valid JSON object: %v", jsonMsg(err))
		}
		return json.RawMessage(v), nil
	}
	parts := splitList(v)
	switch field {
	case "articles", "aliases":
		return parts, nil
	case "act_ids":
		ids := make([]int64, 0, len(parts))
		for _, p := range parts {
			id, err := parseCellID(p)
			if err != nil {
				return nil, err
			}
			ids = append(ids, id)
		}
		return ids, nil
	case "names":
		names := make([]map[string]string, 0, len(parts))
		for _, p := range parts {
			names = append(names, nameObject(p, "", ""))
		}
		return names, nil
	}
	return nil, cellErrorf("must be a JSON array, such as the export writes (got %q)", clip(v, 40))
}

func splitList(v string) []string {
	sep := ";"
	if !strings.Contains(v, ";") {
		sep = ","
	}
	var out []string
	for _, p := range strings.Split(v, sep) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func jsonMsg(err error) string {
	return strings.TrimPrefix(err.Error(), "json: ")
}

// nameObject builds one entry of a person's names, with the script read
// from the letters when it is not given.
func nameObject(value, lang, kind string) map[string]string {
	n := map[string]string{"value": value}
	if lang != "" && lang != "Latn" {
		n["lang"] = lang
	}
	if s := scriptOf(value); s != "" {
		n["script"] = s
	}
	if lang == "Latn" {
		n["script"] = "Latn"
		kind = "transliteration"
	}
	if kind != "" {
		n["kind"] = kind
	}
	return n
}

// scriptOf returns Cyrl or Latn when every letter of s is of that script.
func scriptOf(s string) string {
	cyr, lat := false, false
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Cyrillic, r):
			cyr = true
		case unicode.Is(unicode.Latin, r):
			lat = true
		}
	}
	switch {
	case cyr && !lat:
		return "Cyrl"
	case lat && !cyr:
		return "Latn"
	}
	return ""
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
