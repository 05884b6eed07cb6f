package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/qantar-project/qantar"
)

// editView is the form that creates or edits a record. A person has a form
// of its own; the kinds of formSpecs have field forms (lists as rows of
// inputs); places and units are edited as their JSON, the API's own format.
// Every form shows the API's validation messages next to the field they
// name. A kind with a field form can also be edited as JSON (?as=json).
type editView struct {
	base
	Kind    qantar.Kind
	ID      int64 // 0 for a new record
	Version int
	// Person form.
	Person *personForm
	// Kinds with real fields (formSpecs).
	Fields []formField
	// HasRows: the form has lists of rows, and a "More rows" button.
	HasRows bool
	// Any other kind, or a kind with fields edited as JSON: the record's
	// JSON. AsJSON marks the latter (the form posts as=json).
	JSON   string
	AsJSON bool
	// Errors by field name ("names[0].value"); Problem is the summary.
	Errors   map[string]string
	Problem  string
	Conflict *conflict
	// Duplicates are existing persons of a close name, shown before a new
	// person is saved.
	Duplicates []dupRow
	// Citing a source for the record or one of its fields.
	Cite       citeForm
	CiteFields []option
	Confidence []option
	Kinds      []qantar.Kind
}

// conflict is shown when someone else saved first (409).
type conflict struct {
	Current int
	Href    string
}

type personForm struct {
	Names       []nameRow
	Sex         []option
	BirthDate   string
	BirthPlace  string
	Description []textRow
	Protection  []option
	Consent     []option
}

type nameRow struct {
	Key                       string // names[i]
	Value, Lang, Script, Kind string
	Scripts, Kinds            []option
}

type textRow struct {
	Key, Lang, Value string
	Error            string // set for field forms (attachErrors)
}

type citeForm struct {
	SourceID, Field, Page, TimeCode, ArchiveURL, Confidence, Quote string
}

// editNew shows an empty form of a kind.
func (p *site) editNew(kind qantar.Kind) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if _, err := requireWriter(r); err != nil {
			return err
		}
		rec, _ := qantar.New(kind)
		return p.renderEdit(w, r, http.StatusOK, p.newEdit(r, rec))
	}
}

// editForm shows the form of an existing record at its current version.
func (p *site) editForm(kind qantar.Kind) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if _, err := requireWriter(r); err != nil {
			return err
		}
		id, err := pathID(r)
		if err != nil {
			return err
		}
		rec, err := p.srv.store.Get(r.Context(), kind, id)
		if err != nil {
			return err
		}
		p.auditView(r, rec)
		return p.renderEdit(w, r, http.StatusOK, p.newEdit(r, rec))
	}
}

// editSave creates (no id) or updates a record from the form.
func (p *site) editSave(kind qantar.Kind) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		actor, err := requireWriter(r)
		if err != nil {
			return err
		}
		var id int64
		if r.PathValue("id") != "" {
			if id, err = pathID(r); err != nil {
				return err
			}
		}
		if err := r.ParseForm(); err != nil {
			return bodyError(err)
		}
		version, _ := strconv.Atoi(r.PostFormValue("version"))
		// A field form's values, its blank rows dropped: what is saved, and
		// what is shown again if it cannot be.
		var vals url.Values
		if _, ok := formSpecs[kind]; ok && r.PostFormValue("as") != "json" {
			vals = compactRows(kind, r.PostForm)
			if r.PostFormValue("more") != "" {
				// "More rows": the same form with more empty rows; nothing
				// is saved.
				rec, derr := p.recordFromForm(kind, r)
				if derr != nil || rec == nil {
					rec, _ = qantar.New(kind)
				}
				rec.GetMeta().ID, rec.GetMeta().Version = id, version
				pg := p.newEdit(r, rec)
				pg.Fields = fieldsForm(pg.T, p.rules, kind, vals, extraRows(r.PostForm, vals))
				return p.renderEdit(w, r, http.StatusOK, pg)
			}
		}
		rec, err := p.recordFromForm(kind, r)
		// Before a new person is saved, persons of a close name are shown
		// with a "save anyway" button (confirm_duplicate=1).
		if pr, ok := rec.(*qantar.Person); ok && err == nil && id == 0 && r.PostFormValue("confirm_duplicate") != "1" && pr.Validate() == nil {
			dups, derr := p.duplicates(r.Context(), actor, p.tr[pickLang(r)], pr)
			if derr != nil {
				return derr
			}
			if len(dups) > 0 {
				pg := p.newEdit(r, rec)
				pg.Duplicates = dups
				return p.renderEdit(w, r, http.StatusOK, pg)
			}
		}
		// The person form has no field for a merge (same_as_id, set on the
		// linkage page): saving the form keeps it rather than undoing it.
		if pr, ok := rec.(*qantar.Person); ok && err == nil && id != 0 {
			if cur, gerr := p.srv.store.Get(r.Context(), kind, id); gerr == nil {
				if cp, ok := cur.(*qantar.Person); ok {
					pr.SameAsID = cp.SameAsID
				}
			}
		}
		if err == nil {
			m := rec.GetMeta()
			m.ID, m.Version = id, version
			if id == 0 {
				err = p.srv.store.Create(r.Context(), actor, rec)
			} else {
				err = p.srv.store.Update(r.Context(), actor, rec)
			}
		}
		if err == nil {
			http.Redirect(w, r, recordHref(kind, rec.GetMeta().ID), http.StatusSeeOther)
			return nil
		}
		code := qantar.ErrorCode(err)
		// A full disk or an unavailable database: the form again with what
		// was typed, so that nothing typed is lost, and a message saying so.
		storage := p.srv.storageError(w, r, err, code)
		if !storage && code != qantar.EINVALID && code != qantar.ECONFLICT && code != qantar.ETOOLARGE {
			return err
		}
		// Show the form again with what was typed, and the error.
		if rec == nil {
			rec, _ = qantar.New(kind)
		}
		rec.GetMeta().ID, rec.GetMeta().Version = id, version
		pg := p.newEdit(r, rec)
		if vals != nil {
			pg.Fields = fieldsForm(pg.T, p.rules, kind, vals, nil)
		} else if pg.JSON != "" {
			pg.JSON = r.PostFormValue("json")
		}
		pg.Problem = qantar.ErrorMessage(err)
		if storage {
			pg.Problem = pg.T.S(pg.Problem)
		}
		if f := qantar.ErrorField(err); f != "" {
			pg.Errors[f] = qantar.ErrorMessage(err)
			pg.Problem = f + ": " + pg.Problem
		}
		status := statusOf[code]
		if code == qantar.ECONFLICT {
			pg.Problem = ""
			if cur, gerr := p.srv.store.Get(r.Context(), kind, id); gerr == nil {
				pg.Conflict = &conflict{Current: cur.GetMeta().Version, Href: recordHref(kind, id)}
			} else {
				pg.Problem = qantar.ErrorMessage(err)
			}
		}
		return p.renderEdit(w, r, status, pg)
	}
}

// recordFromForm reads a record from the form: a person from its fields, a
// kind of formSpecs from its fields (blank rows dropped) unless the form
// posts as=json, any other kind from its JSON; all through the API's strict
// decoder.
func (p *site) recordFromForm(kind qantar.Kind, r *http.Request) (qantar.Record, error) {
	if err := r.ParseForm(); err != nil {
		return nil, bodyError(err)
	}
	if _, ok := formSpecs[kind]; ok && r.PostFormValue("as") != "json" {
		return fieldsRecord(kind, compactRows(kind, r.PostForm))
	}
	if kind != qantar.KindPerson {
		return qantar.DecodeBytes(kind, []byte(r.PostFormValue("json")))
	}
	pr := &qantar.Person{Sex: r.PostFormValue("sex"), Protection: r.PostFormValue("protection"), Consent: r.PostFormValue("consent")}
	for i := 0; i < 50; i++ {
		key := fmt.Sprintf("names[%d]", i)
		if _, ok := r.PostForm[key+".value"]; !ok {
			break
		}
		n := qantar.Name{Value: strings.TrimSpace(r.PostFormValue(key + ".value")), Lang: r.PostFormValue(key + ".lang"),
			Script: r.PostFormValue(key + ".script"), Kind: r.PostFormValue(key + ".kind")}
		if n.Value != "" {
			pr.Names = append(pr.Names, n)
		}
	}
	var err error
	if v := strings.TrimSpace(r.PostFormValue("birth_date")); v != "" {
		if pr.BirthDate, err = qantar.ParseDate(v); err != nil {
			return pr, qantar.FieldErrorf("birth_date", "%v", err)
		}
	}
	if v := strings.TrimSpace(r.PostFormValue("birth_place_id")); v != "" {
		if pr.BirthPlace, err = strconv.ParseInt(v, 10, 64); err != nil {
			return pr, qantar.FieldErrorf("birth_place_id", "must be a record id (a number)")
		}
	}
	for _, l := range qantar.UILangs {
		if v := strings.TrimSpace(r.PostFormValue("description." + l)); v != "" {
			if pr.Description == nil {
				pr.Description = qantar.Text{}
			}
			pr.Description[l] = v
		}
	}
	return pr, nil
}

// newEdit fills the form from a record.
func (p *site) newEdit(r *http.Request, rec qantar.Record) editView {
	m := rec.GetMeta()
	pg := editView{base: p.newBase(r, ""), Kind: rec.Kind(), ID: m.ID, Version: m.Version, Errors: map[string]string{}}
	t := pg.T
	pg.NoIndex = true
	if m.ID == 0 {
		pg.Title = t.S("New record") + ": " + t.KindOne(rec.Kind())
	} else {
		pg.Title = t.S("Edit") + ": " + t.title(rec)
	}
	_, hasFields := formSpecs[rec.Kind()]
	if pr, ok := rec.(*qantar.Person); ok {
		pg.Person = personFormOf(t, pr)
	} else if hasFields && r.FormValue("as") != "json" {
		pg.Fields = fieldsForm(t, p.rules, rec.Kind(), formValues(rec), nil)
	} else {
		pg.JSON = recordJSON(rec)
		pg.AsJSON = hasFields
	}
	pg.Kinds = qantar.Kinds
	pg.CiteFields = []option{{Value: "", Label: t.S("the whole record")}}
	_, order, _ := topFields(json.RawMessage(mustJSON(rec)), nil)
	for _, f := range order {
		if !hiddenFields[f] || f == "steps" || f == "responses" || f == "participants" {
			if f != "id" && f != "version" && f != "created_at" && f != "updated_at" {
				pg.CiteFields = append(pg.CiteFields, option{Value: f, Label: t.S(labelOf(f))})
			}
		}
	}
	pg.Confidence = vocabOptions(t, "confidence", "")
	return pg
}

func personFormOf(t tr, pr *qantar.Person) *personForm {
	f := &personForm{BirthDate: pr.BirthDate.String(), Sex: vocabOptions(t, "sex", pr.Sex),
		Protection: protectionOptions(t, pr.Protection), Consent: vocabOptions(t, "consent", pr.Consent)}
	if pr.BirthPlace != 0 {
		f.BirthPlace = itoa(pr.BirthPlace)
	}
	names := append(append([]qantar.Name{}, pr.Names...), qantar.Name{}, qantar.Name{})
	for i, n := range names {
		f.Names = append(f.Names, nameRow{Key: fmt.Sprintf("names[%d]", i), Value: n.Value, Lang: n.Lang, Script: n.Script,
			Kind: n.Kind, Scripts: vocabOptions(t, "script", n.Script), Kinds: vocabOptions(t, "name_kind", n.Kind)})
	}
	for _, l := range qantar.UILangs {
		f.Description = append(f.Description, textRow{Key: "description." + l, Lang: l, Value: pr.Description[l]})
	}
	return f
}

// vocabOptions is a select of a vocabulary, with an empty choice first.
// protectionOptions are vocabOptions of protection, whose empty choice says
// what it means: restricted until someone decides.
func protectionOptions(t tr, current string) []option {
	out := vocabOptions(t, "protection", current)
	out[0].Label = t.S("Not decided yet: restricted until an editor publishes")
	return out
}

func vocabOptions(t tr, vocab, current string) []option {
	out := []option{{Value: "", Label: "—"}}
	for _, code := range qantar.VocabCodes(vocab) {
		out = append(out, option{Value: code, Label: t.Term(vocab, code), Selected: code == current})
	}
	return out
}

// recordJSON is a record's content as the API takes it: indented, without
// the metadata the server sets.
func recordJSON(rec qantar.Record) string {
	var obj map[string]json.RawMessage
	_ = json.Unmarshal(mustJSON(rec), &obj)
	fields, order, _ := topFields(json.RawMessage(mustJSON(rec)), nil)
	var buf bytes.Buffer
	buf.WriteString("{")
	first := true
	for _, k := range order {
		if k == "id" || k == "version" || k == "created_at" || k == "updated_at" {
			continue
		}
		if !first {
			buf.WriteString(",")
		}
		first = false
		kb, _ := json.Marshal(k)
		fmt.Fprintf(&buf, "\n  %s: %s", kb, fields[k])
	}
	buf.WriteString("\n}")
	var out bytes.Buffer
	if json.Indent(&out, buf.Bytes(), "", "  ") != nil {
		return buf.String()
	}
	return out.String()
}

func mustJSON(rec qantar.Record) []byte {
	b, err := json.Marshal(rec)
	if err != nil {
		return []byte("{}")
	}
	return b
}

func (p *site) renderEdit(w http.ResponseWriter, r *http.Request, status int, pg editView) error {
	attachErrors(pg.Fields, pg.Errors)
	pg.HasRows = hasRows(pg.Fields)
	return p.render(w, r, status, "edit", pg)
}

// cite attaches a citation to a record or one of its fields.
func (p *site) cite(kind qantar.Kind) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		actor, err := requireWriter(r)
		if err != nil {
			return err
		}
		id, err := pathID(r)
		if err != nil {
			return err
		}
		rec, err := p.srv.store.Get(r.Context(), kind, id)
		if err != nil {
			return err
		}
		cf := citeForm{SourceID: r.PostFormValue("source_id"), Field: r.PostFormValue("field"), Page: r.PostFormValue("page"),
			TimeCode: r.PostFormValue("time_code"), ArchiveURL: r.PostFormValue("archive_url"),
			Confidence: r.PostFormValue("confidence"), Quote: r.PostFormValue("quote")}
		c := &qantar.Citation{RecordKind: kind, RecordID: id, Field: cf.Field, Page: cf.Page, TimeCode: cf.TimeCode,
			ArchiveURL: cf.ArchiveURL, Confidence: cf.Confidence, Quote: cf.Quote}
		c.SourceID, err = strconv.ParseInt(strings.TrimSpace(cf.SourceID), 10, 64)
		if err != nil {
			err = qantar.FieldErrorf("source_id", "must be the number of a source")
		} else {
			err = p.srv.store.Create(r.Context(), actor, c)
		}
		if err == nil {
			http.Redirect(w, r, recordHref(kind, id), http.StatusSeeOther)
			return nil
		}
		var qe *qantar.Error
		if !errors.As(err, &qe) || (qe.Code != qantar.EINVALID && qe.Code != qantar.ENOTFOUND) {
			return err
		}
		pg := p.newEdit(r, rec)
		pg.Cite = cf
		pg.Errors["cite."+qantar.ErrorField(err)] = qantar.ErrorMessage(err)
		pg.Problem = qantar.ErrorField(err) + ": " + qantar.ErrorMessage(err)
		return p.renderEdit(w, r, http.StatusBadRequest, pg)
	}
}

// workspaceView is the editors' start page: what can be created.
type workspaceView struct {
	base
	Kinds []qantar.Kind
}

func (p *site) workspace(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireWriter(r); err != nil {
		return err
	}
	pg := workspaceView{base: p.newBase(r, ""), Kinds: qantar.Kinds}
	pg.Title, pg.NoIndex = pg.T.S("Workspace"), true
	return p.render(w, r, http.StatusOK, "workspace", pg)
}

// deleteRecord records the deletion of a record at the version the editor
// saw, with their reason; the history stays.
func (p *site) deleteRecord(kind qantar.Kind) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		actor, err := requireWriter(r)
		if err != nil {
			return err
		}
		id, err := pathID(r)
		if err != nil {
			return err
		}
		version, _ := strconv.Atoi(r.PostFormValue("version"))
		reason := strings.TrimSpace(r.PostFormValue("reason"))
		if reason == "" {
			err = qantar.FieldErrorf("reason", "is required: say why the record is deleted")
		} else {
			err = p.srv.store.Delete(r.Context(), actor, kind, id, version, reason)
		}
		if err == nil {
			http.Redirect(w, r, recordHref(kind, id)+"/history", http.StatusSeeOther)
			return nil
		}
		code := qantar.ErrorCode(err)
		if code != qantar.EINVALID && code != qantar.ECONFLICT {
			return err
		}
		rec, gerr := p.srv.store.Get(r.Context(), kind, id)
		if gerr != nil {
			return err
		}
		pg := p.newEdit(r, rec)
		pg.Errors["delete."+qantar.ErrorField(err)] = qantar.ErrorMessage(err)
		pg.Problem = qantar.ErrorMessage(err)
		if code == qantar.ECONFLICT {
			pg.Problem = ""
			pg.Conflict = &conflict{Current: rec.GetMeta().Version, Href: recordHref(kind, id)}
		}
		return p.renderEdit(w, r, statusOf[code], pg)
	}
}
