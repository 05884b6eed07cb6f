package site

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/law"
	"github.com/qantar-project/qantar/web/httpx"
)

// formSpec describes the real fields of a kind's form. Each input is named
// after the JSON field it fills, so that the API's validation message for
// "place_id" lands next to the input "place_id". The form is turned into the
// record's JSON and read by qantar.DecodeBytes, exactly as the API reads it.
//
// A list of items (a case's steps, a complaint's responses) is a "rows"
// field: its rows of inputs are named as the API names the items' fields,
// "steps[1].date", so that an error about one step lands next to it. The
// inputs of one row are rowSpecs[kind][name].
type formSpec struct {
	Name  string
	Type  string // text, number, date, select, texts (one per language), check, textarea, rows
	Vocab string // for select: a vocabulary or a list of the rules (law*); for text: suggestions
}

// Lists that come from the jurisdiction's rules (package law), not from
// vocab.json.
const (
	lawJurisdiction  = "law:jurisdiction"   // the jurisdictions that have rules
	lawComplaintKind = "law:complaint_kind" // the rules' kinds of complaint
	lawGround        = "law:ground"         // termination and interruption grounds, by step
	lawArticle       = "law:article"        // criminal-code articles, suggested for a text input
)

// Kinds of input beyond the plain ones: a decimal number (coordinates), and
// the record's fields that the form has no input for, carried as they are.
const (
	typeDecimal = "decimal"
	typeKeep    = "kept"
	// placeTexts: a place's name, shown in every form a place is named in
	// (kk, ru, en and the Kazakh Latin alphabet).
	placeTexts = "texts:place"
)

// keepKey is the hidden input that carries, as JSON, the fields of a record
// its form has no input for (a unit's positions, an act's checklists), so
// that saving the form keeps them. The "edit as JSON" option edits them.
const keepKey = "kept_json"

// formSpecs are the kinds edited with fields; the others (persons have a
// form of their own) are edited as JSON.
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
	qantar.KindCase: {{"number", "text", ""}, {"jurisdiction", "select", lawJurisdiction}, {"authority_id", "number", ""},
		{"opened_on", "date", ""}, {"articles", "rows", ""}, {"act_ids", "rows", ""}, {"participants", "rows", ""},
		{"steps", "rows", ""}, {"summary", "texts", ""}},
	qantar.KindComplaint: {{"kind", "select", lawComplaintKind}, {"jurisdiction", "select", lawJurisdiction},
		{"filed_on", "date", ""}, {"filer_id", "number", ""}, {"filer_role", "select", "filer_role"},
		{"addressee_id", "number", ""}, {"case_id", "number", ""}, {"escalates_id", "number", ""},
		{"subject", "texts", ""}, {"responses", "rows", ""}},
	qantar.KindPlace: {{"name", "texts", placeTexts}, {"kind", "select", "place_kind"}, {"names", "rows", ""},
		{"region_then_id", "number", ""}, {"region_now_id", "number", ""}, {"lat", typeDecimal, ""}, {"lon", typeDecimal, ""},
		{"coord_precision", "select", "coord_precision"}, {"notes", "texts", ""}},
	qantar.KindUnit: {{"name", "texts", ""}, {"kind", "select", "unit_kind"}, {"aliases", "rows", ""},
		{"parents", "rows", ""}, {"notes", "texts", ""}},
}

// rowSpecs are the inputs of one row of a kind's "rows" field. A spec with
// no name is the item itself: a list of codes or of record ids.
var rowSpecs = map[qantar.Kind]map[string][]formSpec{
	qantar.KindCase: {
		"articles":     {{"", "text", lawArticle}},
		"act_ids":      {{"", "number", ""}},
		"participants": {{"person_id", "number", ""}, {"role", "select", "participant_role"}, {"since", "date", ""}},
		"steps": {{"step", "select", "case_step"}, {"date", "date", ""}, {"ground", "select", lawGround},
			{"verdict", "select", "verdict"}, {"term_years", "number", ""}, {"term_months", "number", ""},
			{"sentence", "text", ""}, {"source_id", "number", ""}, {"note", "texts", ""}},
	},
	qantar.KindComplaint: {
		"responses": {{"received_on", "date", ""}, {"outcome", "select", "response_outcome"}, {"source_id", "number", ""},
			{"note", "texts", ""}},
	},
	qantar.KindPlace: {
		"names": {{"name", "texts", placeTexts}, {"from", "date", ""}, {"to", "date", ""}},
	},
	qantar.KindUnit: {
		"aliases": {{"", "text", ""}},
		"parents": {{"parent_id", "number", ""}, {"from", "date", ""}, {"to", "date", ""}, {"status", "select", "claim_status"}},
	},
}

// emptyRows is how many empty rows a list shows for new items; moreRows how
// many the "More rows" button adds, up to maxEmptyRows.
const (
	emptyRows    = 2
	moreRows     = 3
	maxEmptyRows = 30
)

// minRows is how many rows a list shows at least, filled or empty: a new
// case's registration, investigation and end are entered in one post.
var minRows = map[string]int{"steps": 3}

// rowsLimit is the most items the API takes in a list (qantar's Validate):
// a form shows no more rows than that, whatever was posted.
func rowsLimit(list string) int {
	if list == "act_ids" {
		return qantar.MaxList * 10
	}
	return qantar.MaxList
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
	// Groups are options under headings (grounds by the step they belong to).
	Groups []optGroup
	// ListID names a datalist of suggestions for a text input; a rows
	// field holds the suggestions (Suggest) for its rows.
	ListID  string
	Suggest []option
	// Rows are the rows of a "rows" field: the items, then empty rows.
	Rows []formRow
	// Inline: a field inside a row, kept on one line (texts as inputs).
	Inline bool
	// Error is the validation message for this field, set just before
	// rendering (attachErrors).
	Error string
	// Ref: a reference input's choices, the offer to create a record, or
	// the record its id names (refs.go).
	Ref *refState
}

// formRow is one item of a list: its inputs share the key "steps[1]".
type formRow struct {
	N      int // from 0
	Key    string
	Fields []formField
	Error  string
}

type optGroup struct {
	Label   string
	Options []option
}

// formValues are a record's values as its form would post them: "number",
// "summary.ru", "steps[1].date".
func formValues(rec qantar.Record) url.Values {
	raw := map[string]json.RawMessage{}
	_ = json.Unmarshal(mustJSON(rec), &raw)
	vals := url.Values{}
	for _, sp := range formSpecs[rec.Kind()] {
		if sp.Type != "rows" {
			putValue(vals, sp.Name, sp.Type, raw[sp.Name])
			continue
		}
		var items []json.RawMessage
		_ = json.Unmarshal(raw[sp.Name], &items)
		sub := rowSpecs[rec.Kind()][sp.Name]
		for i, item := range items {
			key := fmt.Sprintf("%s[%d]", sp.Name, i)
			obj := map[string]json.RawMessage{}
			if len(sub) > 0 && sub[0].Name != "" {
				_ = json.Unmarshal(item, &obj)
			}
			for _, s := range sub {
				v := item
				if s.Name != "" {
					v = obj[s.Name]
				}
				putValue(vals, subKey(key, s.Name), s.Type, v)
			}
		}
	}
	if keep := keptFields(rec.Kind(), raw); keep != "" {
		vals.Set(keepKey, keep)
	}
	return vals
}

// metaFields are set by the server, never by a form.
var metaFields = map[string]bool{"id": true, "version": true, "created_at": true, "updated_at": true}

// keptFields is the JSON of a record's fields that its form has no input
// for, "" when there are none.
func keptFields(kind qantar.Kind, raw map[string]json.RawMessage) string {
	keep := map[string]json.RawMessage{}
	for k, v := range raw {
		if !metaFields[k] && !hasSpec(kind, k) && len(v) > 0 && string(v) != "null" {
			keep[k] = v
		}
	}
	if len(keep) == 0 {
		return ""
	}
	b, _ := json.Marshal(keep)
	return string(b)
}

func hasSpec(kind qantar.Kind, name string) bool {
	return slices.ContainsFunc(formSpecs[kind], func(sp formSpec) bool { return sp.Name == name })
}

// mergeKept puts into a record's JSON object the fields the form carried
// unchanged (keepKey); what the form's inputs say wins.
func mergeKept(kind qantar.Kind, vals url.Values, obj map[string]any) error {
	v := strings.TrimSpace(vals.Get(keepKey))
	if v == "" {
		return nil
	}
	keep := map[string]json.RawMessage{}
	if err := json.Unmarshal([]byte(v), &keep); err != nil {
		return qantar.FieldErrorf(keepKey, "is not valid JSON")
	}
	for k, raw := range keep {
		if _, set := obj[k]; !set && !metaFields[k] && !hasSpec(kind, k) {
			obj[k] = raw
		}
	}
	return nil
}

// putValue sets the form value(s) of one JSON value.
func putValue(vals url.Values, key, typ string, v json.RawMessage) {
	switch typ {
	case "texts":
		var txt map[string]string
		_ = json.Unmarshal(v, &txt)
		for l, s := range txt {
			vals.Set(key+"."+l, s)
		}
	case "check":
		var b bool
		if json.Unmarshal(v, &b) == nil && b {
			vals.Set(key, "true")
		}
	default:
		var s string
		if json.Unmarshal(v, &s) != nil && len(v) > 0 && string(v) != "0" && string(v) != "null" {
			s = string(v) // a number
		}
		if s != "" {
			vals.Set(key, s)
		}
	}
}

func subKey(row, name string) string {
	if name == "" {
		return row
	}
	return row + "." + name
}

// rowIndex reads the index of list's row from an input name: "steps[12].date"
// is row 12 of "steps". Indices are plain decimals below a million.
func rowIndex(key, list string) (int, bool) {
	rest, ok := strings.CutPrefix(key, list+"[")
	if !ok {
		return 0, false
	}
	end := strings.IndexByte(rest, ']')
	if end <= 0 || end > 6 || (end > 1 && rest[0] == '0') {
		return 0, false
	}
	n, err := strconv.Atoi(rest[:end])
	if err != nil || n < 0 || strings.ContainsAny(rest[:end], "+-") {
		return 0, false
	}
	if tail := rest[end+1:]; tail != "" && tail[0] != '.' {
		return 0, false
	}
	return n, true
}

// rowIndices are the indices of a list's rows that have an input in vals,
// in order.
func rowIndices(vals url.Values, list string) []int {
	seen := map[int]bool{}
	for k := range vals {
		if i, ok := rowIndex(k, list); ok {
			seen[i] = true
		}
	}
	out := make([]int, 0, len(seen))
	for i := range seen {
		out = append(out, i)
	}
	sort.Ints(out)
	return out
}

// rowEmpty reports whether every input of a row is blank.
func rowEmpty(vals url.Values, key string, sub []formSpec) bool {
	for _, s := range sub {
		k := subKey(key, s.Name)
		if s.Type == "texts" {
			for _, l := range qantar.TextLangs {
				if strings.TrimSpace(vals.Get(k+"."+l)) != "" {
					return false
				}
			}
		} else if strings.TrimSpace(vals.Get(k)) != "" {
			return false
		}
	}
	return true
}

// compactRows drops the blank rows of a kind's lists and numbers the others
// from 0 in the order they were entered, so that the n-th input row is the
// n-th item of the record and an error about "steps[1]" names the row the
// form shows as steps[1]. Other inputs are kept as they are.
func compactRows(kind qantar.Kind, vals url.Values) url.Values {
	lists := rowSpecs[kind]
	out := url.Values{}
	for k, v := range vals {
		isRow := false
		for list := range lists {
			if _, ok := rowIndex(k, list); ok {
				isRow = true
				break
			}
		}
		if !isRow {
			out[k] = v
		}
	}
	for list, sub := range lists {
		j := 0
		for _, i := range rowIndices(vals, list) {
			from := fmt.Sprintf("%s[%d]", list, i)
			if rowEmpty(vals, from, sub) {
				continue
			}
			to := fmt.Sprintf("%s[%d]", list, j)
			for _, s := range sub {
				if s.Type == "texts" {
					for _, l := range qantar.TextLangs {
						if v, ok := vals[subKey(from, s.Name)+"."+l]; ok {
							out[subKey(to, s.Name)+"."+l] = v
						}
					}
				} else if v, ok := vals[subKey(from, s.Name)]; ok {
					out[subKey(to, s.Name)] = v
				}
			}
			j++
		}
	}
	return out
}

// fieldsRecord reads a record of a kind with a fields form from its
// (compacted) values: the inputs become the record's JSON, read as the API
// reads it.
func fieldsRecord(kind qantar.Kind, vals url.Values) (qantar.Record, error) {
	obj := map[string]any{}
	for _, sp := range formSpecs[kind] {
		if sp.Type != "rows" {
			v, ok, err := readValue(vals, sp.Name, sp.Type)
			if err != nil {
				return nil, err
			}
			if ok {
				obj[sp.Name] = v
			}
			continue
		}
		sub := rowSpecs[kind][sp.Name]
		var items []any
		for _, i := range rowIndices(vals, sp.Name) {
			key := fmt.Sprintf("%s[%d]", sp.Name, i)
			if rowEmpty(vals, key, sub) {
				continue
			}
			item := map[string]any{}
			for _, s := range sub {
				v, ok, err := readValue(vals, subKey(key, s.Name), s.Type)
				if err != nil {
					return nil, err
				}
				if ok && s.Name == "" {
					items = append(items, v)
				} else if ok {
					item[s.Name] = v
				}
			}
			if sub[0].Name != "" {
				items = append(items, item)
			}
		}
		if len(items) > 0 {
			obj[sp.Name] = items
		}
	}
	if err := mergeKept(kind, vals, obj); err != nil {
		return nil, err
	}
	b, err := json.Marshal(obj)
	if err != nil {
		return nil, err
	}
	return qantar.DecodeBytes(kind, b)
}

// readValue reads one field's JSON value from the form; ok is false when
// the field was left blank.
func readValue(vals url.Values, key, typ string) (any, bool, error) {
	switch typ {
	case "texts":
		txt := map[string]string{}
		for _, l := range qantar.TextLangs {
			if v := strings.TrimSpace(vals.Get(key + "." + l)); v != "" {
				txt[l] = v
			}
		}
		return txt, len(txt) > 0, nil
	case "check":
		return vals.Get(key) != "", true, nil
	}
	v := strings.TrimSpace(vals.Get(key))
	if v == "" {
		return nil, false, nil
	}
	if typ == typeDecimal {
		f, err := strconv.ParseFloat(strings.Replace(v, ",", ".", 1), 64)
		if err != nil {
			return nil, false, qantar.FieldErrorf(key, "must be a number such as 43.25")
		}
		return f, true, nil
	}
	if typ == "number" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return nil, false, qantar.FieldErrorf(key, "must be a whole number (a record's #id)")
		}
		return n, true, nil
	}
	return v, true, nil
}

// formBuilder fills a kind's inputs from form values, with the select
// options of the vocabularies and of the record's jurisdiction's rules.
type formBuilder struct {
	t     tr
	kind  qantar.Kind
	vals  url.Values
	reg   *law.Registry
	rules *law.Rules
}

// fieldsForm fills a kind's inputs from form values (formValues of a
// record, or what was posted). Each list shows its rows and then extra
// empty rows: extra(list), or emptyRows when extra is nil.
func fieldsForm(t tr, reg *law.Registry, kind qantar.Kind, vals url.Values, extra func(list string) int) []formField {
	if reg == nil {
		reg = law.DefaultRegistry()
	}
	b := formBuilder{t: t, kind: kind, vals: vals, reg: reg}
	b.rules, _ = reg.Get(vals.Get("jurisdiction"))
	if b.rules == nil {
		b.rules, _ = reg.Get("")
	}
	var out []formField
	for _, sp := range formSpecs[kind] {
		if sp.Type != "rows" {
			out = append(out, b.field(sp, sp.Name, t.S(labelOf(sp.Name))))
			continue
		}
		f := formField{Name: sp.Name, Label: t.S(labelOf(sp.Name)), Type: "rows"}
		sub := rowSpecs[kind][sp.Name]
		n := min(len(rowIndices(vals, sp.Name)), rowsLimit(sp.Name))
		more := max(emptyRows, minRows[sp.Name]-n)
		if extra != nil {
			more = min(extra(sp.Name), maxEmptyRows)
		}
		// The rows are numbered from 0: vals come compacted, or from a
		// record, so that row i is the record's item i.
		for i := 0; i < n+more; i++ {
			row := formRow{N: i, Key: fmt.Sprintf("%s[%d]", sp.Name, i)}
			for _, s := range sub {
				label := b.rowLabel(sp.Name, s.Name)
				in := b.field(s, subKey(row.Key, s.Name), label)
				in.Inline = true
				row.Fields = append(row.Fields, in)
				if s.Vocab == lawArticle && f.Suggest == nil && b.rules != nil {
					// One list of suggestions for all the rows.
					f.ListID = in.ListID
					for _, e := range b.rules.Articles {
						f.Suggest = append(f.Suggest, option{Value: e.Code, Label: e.Labels.In(t.Lang)})
					}
				}
			}
			f.Rows = append(f.Rows, row)
		}
		out = append(out, f)
	}
	if v := vals.Get(keepKey); v != "" {
		out = append(out, formField{Name: keepKey, Type: typeKeep, Value: v})
	}
	return out
}

// rowLabel labels an input of a row.
func (b *formBuilder) rowLabel(list, name string) string {
	t := b.t
	switch name {
	case "":
		switch list {
		case "articles":
			return t.S("Article")
		case "aliases":
			return t.S("Alias")
		}
		return t.S("Act")
	case "from":
		return t.S("From")
	case "to":
		return t.S("To")
	case "step":
		return t.S("Step")
	case "ground":
		return t.S("Ground")
	case "verdict":
		return t.S("Verdict")
	case "sentence":
		return t.S("Sentence")
	case "term_years":
		return t.S("Term, years")
	case "term_months":
		return t.S("Term, months")
	case "since":
		return t.S("Since")
	case "received_on":
		return t.S("Received")
	case "outcome":
		return t.S("Outcome")
	}
	return t.S(labelOf(name))
}

// field is one input named key, filled from the form values.
func (b *formBuilder) field(sp formSpec, key, label string) formField {
	f := formField{Name: key, Label: label, Type: sp.Type, InputMode: "text"}
	switch sp.Type {
	case "number":
		f.InputMode = "numeric"
		if _, ok := refKindOf(b.kind, key); ok || (b.kind == qantar.KindCitation && key == "record_id") {
			// A name in any script, or an id.
			f.InputMode, f.Placeholder = "text", b.t.S("a name or #id")
		}
	case "date":
		f.Placeholder = "2022, 2022-01, 2022-01-05"
	case typeDecimal:
		f.InputMode, f.Placeholder = "decimal", "43.2567"
	}
	switch sp.Type {
	case "texts":
		// The three interface languages, and any other the text has
		// ("und", "kk-Latn"), so that saving loses none; a place's name
		// in the Kazakh Latin alphabet too.
		for _, l := range qantar.TextLangs {
			v := b.vals.Get(key + "." + l)
			if v != "" || httpx.IsUILang(l) || (sp.Vocab == placeTexts && l == "kk-Latn") {
				f.Texts = append(f.Texts, textRow{Key: key + "." + l, Lang: l, Value: v})
			}
		}
	case "check":
		f.Checked = b.vals.Get(key) != ""
	default:
		f.Value = b.vals.Get(key)
		switch {
		case sp.Type == "select":
			f.Options = b.options(sp.Vocab, f.Value, &f)
		case sp.Vocab == lawArticle:
			f.ListID = "list-articles" // filled once for the list (fieldsForm)
		}
	}
	return f
}

// options are the choices of a select, with an empty choice first. A value
// the list does not know (a code of older rules, or one typed into the
// JSON) is kept as a choice of its own, so that saving the form does not
// silently change it.
func (b *formBuilder) options(vocab, current string, f *formField) []option {
	t := b.t
	out := []option{{Value: "", Label: "—"}}
	known := current == ""
	add := func(code, label string) {
		out = append(out, option{Value: code, Label: label, Selected: code == current})
		known = known || code == current
	}
	switch vocab {
	case lawJurisdiction:
		for _, code := range b.reg.Codes() {
			if r, err := b.reg.Get(code); err == nil {
				add(code, r.Name.In(t.Lang)+" ("+code+")")
			}
		}
	case lawComplaintKind:
		if b.rules != nil {
			for _, k := range b.rules.ComplaintKinds {
				add(k.Code, k.Labels.In(t.Lang))
			}
		}
	case lawGround:
		if b.rules != nil {
			steps := make([]string, 0, len(b.rules.CaseSteps.Grounds))
			for step := range b.rules.CaseSteps.Grounds {
				steps = append(steps, step)
			}
			sort.Strings(steps)
			for _, step := range steps {
				g := optGroup{Label: t.Term("case_step", step)}
				for _, e := range groundList(b.rules, b.rules.CaseSteps.Grounds[step]) {
					label := e.Labels.In(t.Lang)
					if e.Basis.EN != "" {
						label += " (" + e.Basis.In(t.Lang) + ")"
					}
					g.Options = append(g.Options, option{Value: e.Code, Label: label, Selected: e.Code == current})
					known = known || e.Code == current
				}
				f.Groups = append(f.Groups, g)
			}
		}
	default:
		for _, code := range qantar.VocabCodes(vocab) {
			add(code, t.Term(vocab, code))
		}
	}
	if !known {
		out = append(out, option{Value: current, Label: current, Selected: true})
	}
	return out
}

// groundList is a named list of grounds of the rules.
func groundList(r *law.Rules, list string) []law.Entry {
	switch list {
	case law.ListTermination:
		return r.TerminationGrounds
	case law.ListInterruption:
		return r.InterruptionGrounds
	}
	return nil
}

// extraRows is how many empty rows each list shows after "More rows": the
// empty rows it had, and moreRows more.
func extraRows(posted, compacted url.Values) func(string) int {
	return func(list string) int {
		return len(rowIndices(posted, list)) - len(rowIndices(compacted, list)) + moreRows
	}
}

// attachErrors puts each validation message on the input it names.
func attachErrors(fields []formField, errs map[string]string) {
	for i := range fields {
		f := &fields[i]
		f.Error = errs[f.Name]
		for j := range f.Texts {
			f.Texts[j].Error = errs[f.Texts[j].Key]
		}
		for j := range f.Rows {
			f.Rows[j].Error = errs[f.Rows[j].Key]
			attachErrors(f.Rows[j].Fields, errs)
		}
	}
}

// hasRows reports whether a form has a list of rows (and so a "More rows"
// button).
func hasRows(fields []formField) bool {
	return slices.ContainsFunc(fields, func(f formField) bool { return f.Type == "rows" })
}
