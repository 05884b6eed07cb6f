package web

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/qantar-project/qantar"
)

// formSpec describes the real fields of a kind's form. Each input is named
// after the JSON field it fills, so that the API's validation message for
// "place_id" lands next to the input "place_id". The form is turned into the
// record's JSON and read by qantar.DecodeBytes, exactly as the API reads it.
type formSpec struct {
	Name  string
	Type  string // text, number, date, select, texts (one per language), check, textarea
	Vocab string // for select
}

// formSpecs are the kinds edited with fields; the others (cases and
// complaints, whose steps and responses are lists) are edited as JSON.
var formSpecs = map[qantar.Kind][]formSpec{
	qantar.KindAct: {{"victim_id", "number", ""}, {"event_id", "number", ""}, {"type", "select", "act_type"},
		{"method", "text", ""}, {"date", "date", ""}, {"place_id", "number", ""},
		{"victim_status", "select", "victim_status"}, {"description", "texts", ""}},
	qantar.KindSource: {{"kind", "select", "source_kind"}, {"title", "texts", ""}, {"publisher", "text", ""},
		{"author", "text", ""}, {"date", "date", ""}, {"url", "text", ""}, {"archive_url", "text", ""},
		{"language", "text", ""}, {"sha256", "text", ""}, {"reliability", "select", "reliability"}, {"notes", "texts", ""}},
	qantar.KindEvent: {{"title", "texts", ""}, {"start", "date", ""}, {"end", "date", ""}, {"place_id", "number", ""},
		{"parent_id", "number", ""}, {"description", "texts", ""}},
	qantar.KindFigure: {{"measure", "select", "figure_measure"}, {"value", "number", ""}, {"qualifier", "select", "qualifier"},
		{"claimed_by", "texts", ""}, {"claimant_id", "number", ""}, {"official", "check", ""}, {"as_of", "date", ""},
		{"place_id", "number", ""}, {"event_id", "number", ""}, {"source_id", "number", ""}, {"note", "texts", ""}},
	qantar.KindPost: {{"person_id", "number", ""}, {"unit_id", "number", ""}, {"role", "select", "post_role"},
		{"title", "texts", ""}, {"rank", "text", ""}, {"first_cited", "date", ""}, {"last_cited", "date", ""},
		{"confidence", "select", "confidence"}, {"description", "texts", ""}},
	qantar.KindInvolvement: {{"act_id", "number", ""}, {"person_id", "number", ""}, {"unit_id", "number", ""},
		{"degree", "select", "degree"}, {"confidence", "select", "confidence"}, {"notes", "texts", ""}},
	qantar.KindCitation: {{"record_kind", "text", ""}, {"record_id", "number", ""}, {"field", "text", ""},
		{"source_id", "number", ""}, {"page", "text", ""}, {"time_code", "text", ""}, {"archive_url", "text", ""},
		{"confidence", "select", "confidence"}, {"quote", "textarea", ""}},
}

// formField is one input of a fields form, filled for the template.
type formField struct {
	Name    string
	Label   string
	Type    string
	Value   string
	Checked bool
	// InputMode and Placeholder help on a phone: digits for ids, the
	// forms a date may take.
	InputMode   string
	Placeholder string
	Texts       []textRow
	Options     []option
}

// fieldsForm fills a kind's inputs from a record.
func fieldsForm(t tr, rec qantar.Record) []formField {
	raw := map[string]json.RawMessage{}
	_ = json.Unmarshal(mustJSON(rec), &raw)
	var out []formField
	for _, sp := range formSpecs[rec.Kind()] {
		f := formField{Name: sp.Name, Label: t.S(labelOf(sp.Name)), Type: sp.Type, InputMode: "text"}
		switch sp.Type {
		case "number":
			f.InputMode = "numeric"
		case "date":
			f.Placeholder = "2022, 2022-01, 2022-01-05"
		}
		v := raw[sp.Name]
		switch sp.Type {
		case "texts":
			var txt map[string]string
			_ = json.Unmarshal(v, &txt)
			// The three interface languages, and any other the text has
			// ("und", "kk-Latn"), so that saving loses none.
			for _, l := range qantar.TextLangs {
				if _, ok := txt[l]; ok || isUILang(l) {
					f.Texts = append(f.Texts, textRow{Key: sp.Name + "." + l, Lang: l, Value: txt[l]})
				}
			}
		case "check":
			_ = json.Unmarshal(v, &f.Checked)
		default:
			var s string
			if json.Unmarshal(v, &s) != nil && len(v) > 0 && string(v) != "0" {
				s = string(v) // a number
			}
			f.Value = s
			if sp.Type == "select" {
				f.Options = vocabOptions(t, sp.Vocab, s)
			}
		}
		out = append(out, f)
	}
	return out
}

// fieldsRecord reads a record of a kind with a fields form: the inputs
// become the record's JSON, read as the API reads it.
func fieldsRecord(kind qantar.Kind, r *http.Request) (qantar.Record, error) {
	obj := map[string]any{}
	for _, sp := range formSpecs[kind] {
		switch sp.Type {
		case "texts":
			txt := map[string]string{}
			for _, l := range qantar.TextLangs {
				if v := strings.TrimSpace(r.PostFormValue(sp.Name + "." + l)); v != "" {
					txt[l] = v
				}
			}
			if len(txt) > 0 {
				obj[sp.Name] = txt
			}
		case "check":
			obj[sp.Name] = r.PostFormValue(sp.Name) != ""
		case "number":
			if v := strings.TrimSpace(r.PostFormValue(sp.Name)); v != "" {
				n, err := strconv.ParseInt(v, 10, 64)
				if err != nil {
					return nil, qantar.FieldErrorf(sp.Name, "must be a whole number (a record's #id)")
				}
				obj[sp.Name] = n
			}
		default:
			if v := strings.TrimSpace(r.PostFormValue(sp.Name)); v != "" {
				obj[sp.Name] = v
			}
		}
	}
	b, err := json.Marshal(obj)
	if err != nil {
		return nil, err
	}
	return qantar.DecodeBytes(kind, b)
}
