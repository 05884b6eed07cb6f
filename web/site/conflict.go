package site

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/qantar-project/qantar"
)

// A stale save (409: someone else saved the record since the editor opened
// it) shows the record as it is now beside what the editor typed, field by
// field of the form, and the form again holding the editor's changes put
// onto the current version: a three-way merge per field against the version
// the editor started from (their base, read from the history). A field only
// the other editor changed keeps the other's value; a field only this
// editor changed keeps theirs; a field both changed shows this editor's
// input, and the editor chooses which to keep (keep.<field>: mine or
// theirs). Saving that form is an ordinary save at the current version, so
// one more post resolves the conflict; a link discards the input.
//
// Every form is compared as the values it posts, grouped by the record's
// top-level field that each input fills: a field form's ("steps[1].date" is
// steps), the person form's ("names[0].value" is names), and a JSON form's,
// whose values are its top-level members' JSON.

// conflict is what the 409 page shows above the form.
type conflict struct {
	Current int // the version stored now, which the form edits
	Base    int // the version the editor started from; 0 when unknown
	Href    string
	// Edit is the form at the current version, without the editor's input.
	Edit string
	Rows []conflictRow
	// Choose names the fields both changed, posted back (conflicts) with
	// the base so that a choice left out can be asked for again.
	Choose string
}

// conflictRow is one field of the form: the current version's value and the
// editor's input, as lines to read, and who changed it since the base.
type conflictRow struct {
	Field, Label   string
	Current, Input []string
	Differs        bool // the input is not what is stored now
	Theirs         bool // someone else changed it since the base
	Mine           bool // the editor changed it
	Both           bool // both did, differently: the editor chooses
	Keep           string
	Error          string
}

// formMode is how a kind's form posts its values.
type formMode int

const (
	modeFields formMode = iota // formSpecs: an input per field
	modePerson                 // the person form
	modeJSON                   // the record's JSON
)

func editMode(kind qantar.Kind, posted url.Values) formMode {
	if kind == qantar.KindPerson {
		return modePerson
	}
	if _, ok := formSpecs[kind]; ok && posted.Get("as") != "json" {
		return modeFields
	}
	return modeJSON
}

// modeValues are a record's values as its form posts them (a JSON form's:
// each top-level member's JSON under its name).
func modeValues(mode formMode, rec qantar.Record) url.Values {
	switch mode {
	case modeFields:
		return formValues(rec)
	case modePerson:
		if pr, ok := rec.(*qantar.Person); ok {
			return personValues(pr)
		}
	}
	return jsonValues(mustJSON(rec))
}

// metaField: set by the server, never by a form.
func metaField(k string) bool {
	return k == "id" || k == "version" || k == "created_at" || k == "updated_at"
}

// jsonValues are an object's top-level members, each as compact JSON.
func jsonValues(data []byte) url.Values {
	out := url.Values{}
	fields, order, err := topFields(data, nil)
	if err != nil {
		return out
	}
	for _, k := range order {
		var buf bytes.Buffer
		if metaField(k) || json.Compact(&buf, fields[k]) != nil {
			continue
		}
		out.Set(k, buf.String())
	}
	return out
}

// jsonText is the JSON form's text of members in order.
func jsonText(order []string, vals url.Values) string {
	var buf bytes.Buffer
	buf.WriteString("{")
	for _, k := range order {
		v := vals.Get(k)
		if v == "" {
			continue
		}
		if buf.Len() > 1 {
			buf.WriteString(",")
		}
		kb, _ := json.Marshal(k)
		fmt.Fprintf(&buf, "\n%s: %s", kb, v)
	}
	buf.WriteString("\n}")
	var out bytes.Buffer
	if json.Indent(&out, buf.Bytes(), "", "  ") != nil {
		return buf.String()
	}
	return out.String()
}

// personValues are a person's values as the person form posts them.
func personValues(pr *qantar.Person) url.Values {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	for i, n := range pr.Names {
		key := fmt.Sprintf("names[%d]", i)
		set(key+".value", n.Value)
		set(key+".lang", n.Lang)
		set(key+".script", n.Script)
		set(key+".kind", n.Kind)
	}
	set("sex", pr.Sex)
	set("birth_date", pr.BirthDate.String())
	if pr.BirthPlace != 0 {
		set("birth_place_id", itoa(pr.BirthPlace))
	}
	for l, s := range pr.Description {
		set("description."+l, s)
	}
	set("protection", pr.Protection)
	set("consent", pr.Consent)
	return v
}

// personFields are the person form's fields, in its order.
var personFields = []string{"names", "sex", "birth_date", "birth_place_id", "description", "protection", "consent"}

// fieldOf is the top-level field an input fills: "steps[1].date" steps,
// "summary.ru" summary.
func fieldOf(key string) string {
	if i := strings.IndexAny(key, ".["); i >= 0 {
		return key[:i]
	}
	return key
}

// fieldSig is a field's values, blank inputs left out, as one comparable
// string.
func fieldSig(vals url.Values, field string) string {
	var parts []string
	for k, vs := range vals {
		if fieldOf(k) != field {
			continue
		}
		for _, v := range vs {
			if v = strings.TrimSpace(v); v != "" {
				parts = append(parts, k+"\x00"+v)
			}
		}
	}
	slices.Sort(parts)
	return strings.Join(parts, "\x01")
}

// setField replaces field's values in dst with src's.
func setField(dst, src url.Values, field string) {
	for k := range dst {
		if fieldOf(k) == field {
			delete(dst, k)
		}
	}
	for k, vs := range src {
		if fieldOf(k) == field {
			dst[k] = append([]string(nil), vs...)
		}
	}
}

// mergeForms merges, field by field, the editor's input onto the current
// values against the base: the input where the editor changed a field
// (both changed: the input, until the editor chooses), the current value
// elsewhere. Without a base every difference is the editor's to choose.
func mergeForms(fields []string, base, cur, input url.Values, hasBase bool) (url.Values, []conflictRow) {
	merged := url.Values{}
	var rows []conflictRow
	for _, f := range fields {
		b, c, in := fieldSig(base, f), fieldSig(cur, f), fieldSig(input, f)
		row := conflictRow{Field: f, Differs: in != c, Theirs: hasBase && c != b, Mine: !hasBase || in != b}
		row.Both = row.Differs && row.Mine && (row.Theirs || !hasBase)
		src := cur
		if row.Differs && row.Mine {
			src = input
		}
		setField(merged, src, f)
		rows = append(rows, row)
	}
	return merged, rows
}

// editConflict shows the 409 page of a stale save (base is the version the
// form was opened at), or, when problem is set, the same page again because
// the confirming post left a choice out.
func (p *Site) editConflict(w http.ResponseWriter, r *http.Request, post *editPost, base int, problem string) error {
	ctx := r.Context()
	cur, err := p.get(ctx, post.actor, post.kind, post.id)
	if err != nil { // deleted meanwhile: the form again, saying so
		return p.editAgain(w, r, post.kind, post.id, post.version, post.vals, post.refs, post.err)
	}
	mode := editMode(post.kind, r.PostForm)
	typed := holdCreates(post.form, post.refs.Creates)
	in, err := post.build()
	restoreCreates(post.form, typed)
	if err != nil {
		return p.editAgain(w, r, post.kind, post.id, post.version, post.vals, post.refs, err)
	}
	input, curVals := modeValues(mode, in), modeValues(mode, cur)
	for k, v := range typed { // a place or unit still to be made from its name
		input.Set(k, v)
	}
	baseVals, hasBase := p.baseValues(r, mode, post.kind, post.id, base)
	pg := p.newEdit(r, cur)
	_, order, _ := topFields(mustJSON(cur), nil)
	_, order, _ = topFields(mustJSON(in), order)
	fields, labels := p.formFieldList(pg.T, post.kind, mode, order, curVals, input, baseVals)
	merged, rows := mergeForms(fields, baseVals, curVals, input, hasBase)
	p.fillForm(&pg, mode, fields, merged)
	pg.refs = post.refs
	c := &conflict{Current: cur.GetMeta().Version, Href: recordHref(post.kind, post.id),
		Edit: "/edit" + recordHref(post.kind, post.id)}
	if hasBase {
		c.Base = base
	}
	if mode == modeJSON && pg.AsJSON {
		c.Edit += "?as=json"
	}
	lines := p.valueLines(ctx, pg.T, post.actor, post.kind, mode)
	var choose []string
	for _, row := range rows {
		row.Label, row.Current, row.Input = labels[row.Field], lines(curVals, row.Field), lines(input, row.Field)
		if row.Both {
			choose = append(choose, row.Field)
			if row.Keep = r.PostFormValue("keep." + row.Field); problem != "" && row.Keep == "" {
				row.Error = problem
			}
		}
		c.Rows = append(c.Rows, row)
	}
	c.Choose = strings.Join(choose, " ")
	pg.Conflict, pg.Problem = c, problem
	status := http.StatusConflict
	if problem != "" {
		status = http.StatusUnprocessableEntity
	}
	return p.renderEdit(w, r, status, pg)
}

// baseValues are the form's values of the version the editor started from,
// as the history shows it to them; false when it is not there.
func (p *Site) baseValues(r *http.Request, mode formMode, kind qantar.Kind, id int64, base int) (url.Values, bool) {
	versions, err := p.store.History(r.Context(), kind, id)
	if err == nil {
		versions, err = p.figures.VisibleHistory(r, kind, versions)
	}
	if err != nil {
		return url.Values{}, false
	}
	for _, v := range versions {
		if v.Version != base || v.Op == qantar.OpDelete {
			continue
		}
		rec, err := qantar.New(kind)
		if err == nil && json.Unmarshal(v.Data, rec) == nil {
			return modeValues(mode, rec), true
		}
	}
	return url.Values{}, false
}

// formFieldList is the form's fields in its order, with their labels: a
// field form's inputs (as fieldsForm makes them of any of the values, so
// that an input only some of them have, such as the fields kept as JSON,
// is compared too), the person form's, a JSON form's members.
func (p *Site) formFieldList(t tr, kind qantar.Kind, mode formMode, order []string, vals ...url.Values) ([]string, map[string]string) {
	var names []string
	labels := map[string]string{}
	add := func(name, label string) {
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
		switch {
		case label != "":
		case mode == modeFields && name == keepKey:
			label = t.S("Other fields (JSON)")
		default:
			label = t.S(labelOf(name))
		}
		labels[name] = label
	}
	switch mode {
	case modeFields:
		for _, v := range vals {
			for _, f := range fieldsForm(t, p.rules, kind, v, noRows) {
				add(f.Name, f.Label)
			}
		}
	case modePerson:
		for _, n := range personFields {
			add(n, "")
		}
	default:
		for _, k := range order {
			if !metaField(k) {
				add(k, "")
			}
		}
		var keys []string
		for _, v := range vals {
			for k := range v {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		for _, k := range keys {
			add(k, "")
		}
	}
	return names, labels
}

// noRows: a form's lists without empty rows.
func noRows(string) int { return 0 }

// fillForm puts merged values in the page's form.
func (p *Site) fillForm(pg *editView, mode formMode, fields []string, merged url.Values) {
	switch mode {
	case modeFields:
		pg.Fields = fieldsForm(pg.T, p.rules, pg.Kind, merged, nil)
	case modePerson:
		pr, _ := personFromValues(merged)
		pg.Person = personFormOf(pg.T, pr)
		pg.Person.BirthPlace = merged.Get("birth_place_id") // a name still to be made a place
	default:
		pg.Fields, pg.Person = nil, nil
		pg.JSON = jsonText(fields, merged)
		_, pg.AsJSON = formSpecs[pg.Kind]
	}
}

// valueLines says a field's values for reading: labels of codes, the
// titles of the records ids name, one line per language or list item.
func (p *Site) valueLines(ctx context.Context, t tr, reader qantar.Actor, kind qantar.Kind, mode formMode) func(url.Values, string) []string {
	res := p.newResolver(t, reader)
	return func(vals url.Values, field string) []string {
		switch mode {
		case modeFields:
			for _, f := range fieldsForm(t, p.rules, kind, vals, noRows) {
				if f.Name == field {
					one := []formField{f}
					p.nameRefs(ctx, res, kind, one)
					return fieldLines(t, one[0])
				}
			}
			return nil
		case modePerson:
			return personLines(ctx, res, vals, field)
		}
		if v := vals.Get(field); v != "" {
			return []string{v}
		}
		return nil
	}
}

// fieldLines reads an input of a field form.
func fieldLines(t tr, f formField) []string {
	var out []string
	switch f.Type {
	case "texts":
		for _, x := range f.Texts {
			if x.Value != "" {
				out = append(out, x.Lang+": "+x.Value)
			}
		}
	case "rows":
		for _, row := range f.Rows {
			var parts []string
			for _, in := range row.Fields {
				parts = append(parts, fieldLines(t, in)...)
			}
			if len(parts) > 0 {
				out = append(out, strings.Join(parts, " · "))
			}
		}
	case "check":
		out = append(out, map[bool]string{true: t.S("Yes"), false: t.S("No")}[f.Checked])
	case "select":
		if f.Value != "" {
			out = append(out, optionLabel(f))
		}
	default:
		if f.Value == "" {
			break
		}
		if f.Ref != nil && f.Ref.Named != nil {
			out = append(out, f.Ref.Named.Title+" (#"+f.Value+")")
		} else {
			out = append(out, f.Value)
		}
	}
	return out
}

// optionLabel is the label of a select's chosen option.
func optionLabel(f formField) string {
	opts := f.Options
	for _, g := range f.Groups {
		opts = append(opts, g.Options...)
	}
	for _, o := range opts {
		if o.Selected && o.Value == f.Value {
			return o.Label
		}
	}
	return f.Value
}

// personLines reads a field of the person form.
func personLines(ctx context.Context, res *resolver, vals url.Values, field string) []string {
	t := res.t
	var out []string
	switch field {
	case "names":
		for i := 0; ; i++ {
			key := fmt.Sprintf("names[%d]", i)
			if _, ok := vals[key+".value"]; !ok {
				break
			}
			line := vals.Get(key + ".value")
			var about []string
			for _, s := range []string{vals.Get(key + ".lang"), term(t, "script", vals.Get(key+".script")),
				term(t, "name_kind", vals.Get(key+".kind"))} {
				if s != "" {
					about = append(about, s)
				}
			}
			if len(about) > 0 {
				line += " (" + strings.Join(about, ", ") + ")"
			}
			out = append(out, line)
		}
	case "description":
		for _, l := range qantar.TextLangs {
			if s := vals.Get("description." + l); s != "" {
				out = append(out, l+": "+s)
			}
		}
	case "birth_place_id":
		if id, err := strconv.ParseInt(vals.Get(field), 10, 64); err == nil {
			if rec := res.get(ctx, qantar.KindPlace, id); rec != nil {
				return []string{t.title(rec) + " (#" + itoa(id) + ")"}
			}
		}
		fallthrough
	default:
		if s := term(t, personVocab[field], vals.Get(field)); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// personVocab are the vocabularies of the person form's selects.
var personVocab = map[string]string{"sex": "sex", "protection": "protection", "consent": "consent"}

// term is a code's label, or the value itself outside a vocabulary.
func term(t tr, vocab, code string) string {
	if vocab == "" || code == "" {
		return code
	}
	return t.Term(vocab, code)
}

// conflictChoices reads a confirming post's choices: the fields to take
// from the current version (theirs) and whether any choice was left out.
func conflictChoices(posted url.Values) (theirs []string, missing bool) {
	for _, f := range strings.Fields(posted.Get("conflicts")) {
		switch posted.Get("keep." + f) {
		case "theirs":
			theirs = append(theirs, f)
		case "mine":
		default:
			missing = true
		}
	}
	return theirs, missing
}

// takeTheirs puts into the post, for the fields the editor chose to take
// from the current version, that version's values, if it is still the one
// the post edits (if not, the save is stale again and says so).
func (p *Site) takeTheirs(ctx context.Context, post *editPost, posted url.Values, fields []string) {
	if len(fields) == 0 {
		return
	}
	cur, err := p.get(ctx, post.actor, post.kind, post.id)
	if err != nil || cur.GetMeta().Version != post.version {
		return
	}
	mode := editMode(post.kind, posted)
	curVals := modeValues(mode, cur)
	dst := post.form
	if mode == modeJSON {
		_, order, err := topFields([]byte(posted.Get("json")), nil)
		if err != nil {
			return
		}
		dst = jsonValues([]byte(posted.Get("json")))
		for _, f := range fields {
			setField(dst, curVals, f)
			if !slices.Contains(order, f) {
				order = append(order, f)
			}
		}
		posted.Set("json", jsonText(order, dst))
		return
	}
	for _, f := range fields {
		setField(dst, curVals, f)
	}
	// A place or unit to be made for an input now taken from theirs is not
	// made.
	post.refs.Creates = slices.DeleteFunc(post.refs.Creates, func(c pendingCreate) bool {
		return slices.Contains(fields, fieldOf(c.Key))
	})
}
