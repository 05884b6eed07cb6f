package site

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/web/httpx"
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
	// refs: what the form's reference inputs came to (refs.go), shown
	// beside them by renderEdit.
	refs *refOutcome
	// Citing a source for the record or one of its fields.
	Cite       citeForm
	CiteRef    *refState
	CiteFields []option
	Confidence []option
	Kinds      []qantar.Kind
}

type personForm struct {
	Names      []nameRow
	Sex        []option
	BirthDate  string
	BirthPlace string
	// BirthPlaceRef: the choices for a typed name, or the place an id names.
	BirthPlaceRef *refState
	Description   []textRow
	Protection    []option
	Consent       []option
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
func (p *Site) editNew(kind qantar.Kind) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if _, err := httpx.RequireWriter(r); err != nil {
			return err
		}
		rec, _ := qantar.New(kind)
		return p.renderEdit(w, r, http.StatusOK, p.newEdit(r, rec))
	}
}

// editForm shows the form of an existing record at its current version.
func (p *Site) editForm(kind qantar.Kind) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if _, err := httpx.RequireWriter(r); err != nil {
			return err
		}
		id, err := httpx.PathID(r)
		if err != nil {
			return err
		}
		rec, err := p.store.Get(r.Context(), kind, id)
		if err != nil {
			return err
		}
		p.auth.AuditShown(r, rec)
		return p.renderEdit(w, r, http.StatusOK, p.newEdit(r, rec))
	}
}

// editPost is a form posted to save a record: who, which record at which
// version, the values (form: what build reads; vals: a field form's,
// compacted), its reference inputs resolved, and the error of its save.
type editPost struct {
	actor      qantar.Actor
	kind       qantar.Kind
	id         int64
	version    int
	form, vals url.Values
	refs       *refOutcome
	build      func() (qantar.Record, error)
	err        error
}

// editSave creates (no id) or updates a record from the form. Reference
// inputs may hold names: they are resolved first (refs.go), and a name of
// several records, or of none, shows the form again with the choices and
// nothing saved. A stale save shows the conflict (conflict.go).
func (p *Site) editSave(kind qantar.Kind) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		post, err := p.readEditPost(r, kind)
		if err != nil {
			return err
		}
		if post.vals != nil && r.PostFormValue("more") != "" {
			return p.editMore(w, r, kind, post.id, post.version, post.vals)
		}
		res := p.newResolver(p.tr[httpx.PickLang(r)], post.actor)
		if post.refs, err = p.formRefs(r.Context(), res, kind, post.form); err != nil {
			return err
		}
		if post.refs.Waiting {
			return p.editAgain(w, r, kind, post.id, post.version, post.vals, post.refs, nil)
		}
		if done, err := p.checkDuplicates(w, r, post.actor, kind, post.id, post.form, post.refs, post.build); done || err != nil {
			return err
		}
		// The post that confirms a conflict's page: each field both editors
		// changed needs a choice, and those the editor takes from the
		// current version are put into the post.
		theirs, missing := conflictChoices(r.PostForm)
		if missing && post.id != 0 {
			base, _ := strconv.Atoi(r.PostFormValue("base"))
			return p.editConflict(w, r, post, base, p.tr[httpx.PickLang(r)].S("Choose, for each field you both changed, which value to keep."))
		}
		p.takeTheirs(r.Context(), post, r.PostForm, theirs)
		rec, err := p.storeRecord(r.Context(), post.actor, httpx.PickLang(r), kind, post.id, post.version, post.form, post.refs, post.build)
		if err == nil {
			http.Redirect(w, r, recordHref(kind, rec.GetMeta().ID), http.StatusSeeOther)
			return nil
		}
		if post.err = err; qantar.ErrorCode(err) == qantar.ECONFLICT && qantar.ErrorField(err) == "version" && post.id != 0 {
			return p.editConflict(w, r, post, post.version, "")
		}
		return p.editAgain(w, r, kind, post.id, post.version, post.vals, post.refs, err)
	}
}

// readEditPost reads who saves which record from the form. A field form's
// values have their blank rows dropped: what is saved, and what is shown
// again if it cannot be. The person form and JSON are read from the posted
// form itself.
func (p *Site) readEditPost(r *http.Request, kind qantar.Kind) (*editPost, error) {
	actor, err := httpx.RequireWriter(r)
	if err != nil {
		return nil, err
	}
	post := &editPost{actor: actor, kind: kind}
	if r.PathValue("id") != "" {
		if post.id, err = httpx.PathID(r); err != nil {
			return nil, err
		}
	}
	if err := r.ParseForm(); err != nil {
		return nil, httpx.BodyError(err)
	}
	post.version, _ = strconv.Atoi(r.PostFormValue("version"))
	post.form = r.PostForm
	if _, ok := formSpecs[kind]; ok && r.PostFormValue("as") != "json" {
		post.vals = compactRows(kind, r.PostForm)
		post.form = post.vals
	}
	post.build = func() (qantar.Record, error) {
		if post.vals != nil {
			return fieldsRecord(kind, post.vals)
		}
		return p.recordFromForm(kind, r)
	}
	return post, nil
}

// editMore is the same form with more empty rows ("More rows"); nothing is
// saved.
func (p *Site) editMore(w http.ResponseWriter, r *http.Request, kind qantar.Kind, id int64, version int, vals url.Values) error {
	rec, derr := p.recordFromForm(kind, r)
	if derr != nil || rec == nil {
		rec, _ = qantar.New(kind)
	}
	rec.GetMeta().ID, rec.GetMeta().Version = id, version
	pg := p.newEdit(r, rec)
	pg.Fields = fieldsForm(pg.T, p.rules, kind, vals, extraRows(r.PostForm, vals))
	return p.renderEdit(w, r, http.StatusOK, pg)
}

// formRefs resolves the reference inputs of a form: a fields form's, or a
// person's birth place.
func (p *Site) formRefs(ctx context.Context, res *resolver, kind qantar.Kind, form url.Values) (*refOutcome, error) {
	if kind != qantar.KindPerson {
		if _, ok := formSpecs[kind]; !ok || form.Get("as") == "json" {
			return &refOutcome{States: map[string]*refState{}}, nil
		}
		return p.resolveRefs(ctx, res, kind, form)
	}
	out := &refOutcome{States: map[string]*refState{}}
	return out, p.resolveOne(ctx, res, qantar.KindPlace, "birth_place_id", form, out)
}

// checkDuplicates shows, before a new person is saved, persons of a close
// name with a "save anyway" button (confirm_duplicate=1); done is true when
// it did. A birth place still to be created is left out of the check.
func (p *Site) checkDuplicates(w http.ResponseWriter, r *http.Request, actor qantar.Actor, kind qantar.Kind, id int64,
	form url.Values, refs *refOutcome, build func() (qantar.Record, error)) (bool, error) {
	if kind != qantar.KindPerson || id != 0 || r.PostFormValue("confirm_duplicate") == "1" {
		return false, nil
	}
	typed := holdCreates(form, refs.Creates)
	rec, err := build()
	restoreCreates(form, typed)
	pr, ok := rec.(*qantar.Person)
	if err != nil || !ok || pr.Validate() != nil {
		return false, nil
	}
	dups, err := p.duplicates(r.Context(), actor, p.tr[httpx.PickLang(r)], pr)
	if err != nil || len(dups) == 0 {
		return false, err
	}
	pg := p.newEdit(r, rec)
	pg.Duplicates = dups
	pg.refs = refs
	return true, p.renderEdit(w, r, http.StatusOK, pg)
}

// holdCreates blanks the inputs whose records are still to be created,
// returning what they held; restoreCreates puts it back.
func holdCreates(form url.Values, creates []pendingCreate) map[string]string {
	typed := map[string]string{}
	for _, c := range creates {
		typed[c.Key] = form.Get(c.Key)
		form.Set(c.Key, "")
	}
	return typed
}

func restoreCreates(form url.Values, typed map[string]string) {
	for k, v := range typed {
		form.Set(k, v)
	}
}

// storeRecord creates or updates the record the form holds. Places and
// units to be made from a name are created first, in the same transaction,
// so that the record and they are saved together or not at all.
func (p *Site) storeRecord(ctx context.Context, actor qantar.Actor, lang string, kind qantar.Kind, id int64, version int,
	form url.Values, refs *refOutcome, build func() (qantar.Record, error)) (qantar.Record, error) {
	var rec qantar.Record
	save := func(wr qantar.Writer) error {
		var err error
		if rec, err = build(); err != nil {
			return err
		}
		m := rec.GetMeta()
		m.ID, m.Version = id, version
		if id == 0 {
			return wr.Create(ctx, actor, rec)
		}
		// The person form has no field for a merge (same_as_id, set on
		// the linkage page): saving the form keeps it rather than undoing it.
		if pr, ok := rec.(*qantar.Person); ok {
			if cur, gerr := wr.Get(ctx, kind, id); gerr == nil {
				if cp, ok := cur.(*qantar.Person); ok {
					pr.SameAsID = cp.SameAsID
				}
			}
		}
		return wr.Update(ctx, actor, rec)
	}
	if len(refs.Creates) == 0 {
		err := save(p.store)
		return rec, err
	}
	typed := holdCreates(form, refs.Creates)
	defer restoreCreates(form, typed)
	err := p.store.InTx(ctx, func(wr qantar.Writer) error {
		if err := createPending(ctx, wr, actor, lang, refs.Creates, form); err != nil {
			return err
		}
		return save(wr)
	})
	return rec, err
}

// editAgain shows the form again with what was typed: for the choices of
// a reference input (err nil), or with the error that kept it from being
// saved.
func (p *Site) editAgain(w http.ResponseWriter, r *http.Request, kind qantar.Kind, id int64, version int,
	vals url.Values, refs *refOutcome, err error) error {
	code := qantar.ErrorCode(err)
	// A full disk or an unavailable database: the form again with what
	// was typed, so that nothing typed is lost, and a message saying so.
	storage := err != nil && httpx.StorageError(w, r, p.logger, err, code)
	if err != nil && !storage && code != qantar.EINVALID && code != qantar.ECONFLICT && code != qantar.ETOOLARGE {
		return err
	}
	rec, _ := p.recordFromForm(kind, r)
	if rec == nil {
		rec, _ = qantar.New(kind)
	}
	rec.GetMeta().ID, rec.GetMeta().Version = id, version
	pg := p.newEdit(r, rec)
	pg.refs = refs
	if vals != nil {
		pg.Fields = fieldsForm(pg.T, p.rules, kind, vals, nil)
	} else if pg.JSON != "" {
		pg.JSON = r.PostFormValue("json")
	}
	if err == nil {
		pg.Problem = pg.T.S("Some names need a choice before saving. Nothing was saved yet.")
		return p.renderEdit(w, r, http.StatusUnprocessableEntity, pg)
	}
	pg.Problem = pg.T.FieldErr(err)
	if f := qantar.ErrorField(err); f != "" {
		pg.Errors[f] = pg.T.Err(err)
		if pg.JSON != "" { // the editor types the JSON: its path says where
			pg.Problem = f + ": " + pg.Errors[f]
		}
	}
	status := httpx.Status(code)
	if code == qantar.ECONFLICT {
		pg.Problem = ""
		if cur, gerr := p.store.Get(r.Context(), kind, id); gerr == nil {
			pg.Conflict = &conflict{Current: cur.GetMeta().Version, Href: recordHref(kind, id)}
		} else {
			pg.Problem = pg.T.Err(err)
		}
	}
	return p.renderEdit(w, r, status, pg)
}

// recordFromForm reads a record from the form: a person from its fields, a
// kind of formSpecs from its fields (blank rows dropped) unless the form
// posts as=json, any other kind from its JSON; all through the API's strict
// decoder.
func (p *Site) recordFromForm(kind qantar.Kind, r *http.Request) (qantar.Record, error) {
	if err := r.ParseForm(); err != nil {
		return nil, httpx.BodyError(err)
	}
	if _, ok := formSpecs[kind]; ok && r.PostFormValue("as") != "json" {
		return fieldsRecord(kind, compactRows(kind, r.PostForm))
	}
	if kind != qantar.KindPerson {
		return qantar.DecodeBytes(kind, []byte(r.PostFormValue("json")))
	}
	return personFromValues(r.PostForm)
}

// personFromValues reads a person from the person form's values; the error
// is the first input that could not be read (the others are read still).
func personFromValues(vals url.Values) (*qantar.Person, error) {
	pr := &qantar.Person{Sex: vals.Get("sex"), Protection: vals.Get("protection"), Consent: vals.Get("consent")}
	for i := 0; i < 50; i++ {
		key := fmt.Sprintf("names[%d]", i)
		if _, ok := vals[key+".value"]; !ok {
			break
		}
		n := qantar.Name{Value: strings.TrimSpace(vals.Get(key + ".value")), Lang: vals.Get(key + ".lang"),
			Script: vals.Get(key + ".script"), Kind: vals.Get(key + ".kind")}
		if n.Value != "" {
			pr.Names = append(pr.Names, n)
		}
	}
	var errs []error
	if v := strings.TrimSpace(vals.Get("birth_date")); v != "" {
		d, err := qantar.ParseDate(v)
		if err != nil {
			errs = append(errs, qantar.FieldErrorf("birth_date", "%v", err))
		}
		pr.BirthDate = d
	}
	if v := strings.TrimSpace(vals.Get("birth_place_id")); v != "" {
		var err error
		if pr.BirthPlace, err = strconv.ParseInt(v, 10, 64); err != nil {
			errs = append(errs, qantar.FieldErrorf("birth_place_id", "must be a record id (a number)"))
		}
	}
	for _, l := range qantar.UILangs {
		if v := strings.TrimSpace(vals.Get("description." + l)); v != "" {
			if pr.Description == nil {
				pr.Description = qantar.Text{}
			}
			pr.Description[l] = v
		}
	}
	if len(errs) > 0 {
		return pr, errs[0]
	}
	return pr, nil
}

// newEdit fills the form from a record.
func (p *Site) newEdit(r *http.Request, rec qantar.Record) editView {
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

func (p *Site) renderEdit(w http.ResponseWriter, r *http.Request, status int, pg editView) error {
	res := p.newResolver(pg.T, httpx.ActorOf(r))
	showRefs(pg.T, pg.Kind, pg.Fields, pg.refs, pg.Errors)
	p.nameRefs(r.Context(), res, pg.Kind, pg.Fields)
	if pg.Person != nil {
		p.personRef(r.Context(), res, pg.Person, pg.refs, pg.Errors)
	}
	attachErrors(pg.Fields, pg.Errors)
	pg.HasRows = hasRows(pg.Fields)
	return p.render(w, r, status, "edit", pg)
}

// cite attaches a citation to a record or one of its fields.
func (p *Site) cite(kind qantar.Kind) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		actor, err := httpx.RequireWriter(r)
		if err != nil {
			return err
		}
		id, err := httpx.PathID(r)
		if err != nil {
			return err
		}
		rec, err := p.store.Get(r.Context(), kind, id)
		if err != nil {
			return err
		}
		if err := r.ParseForm(); err != nil {
			return httpx.BodyError(err)
		}
		if shown, err := p.citeSource(w, r, actor, rec); shown || err != nil {
			return err
		}
		cf := citeFormOf(r)
		c := &qantar.Citation{RecordKind: kind, RecordID: id, Field: cf.Field, Page: cf.Page, TimeCode: cf.TimeCode,
			ArchiveURL: cf.ArchiveURL, Confidence: cf.Confidence, Quote: cf.Quote}
		c.SourceID, err = strconv.ParseInt(strings.TrimSpace(cf.SourceID), 10, 64)
		if err != nil {
			err = qantar.FieldErrorf("source_id", "must be the number of a source")
		} else {
			err = p.store.Create(r.Context(), actor, c)
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
		pg.Errors["cite."+qantar.ErrorField(err)] = pg.T.Err(err)
		pg.Problem = pg.T.FieldErr(err)
		return p.renderEdit(w, r, http.StatusBadRequest, pg)
	}
}

// citeSource resolves a source named in the citation form as the form's
// references are; shown is true when the form was shown again to choose.
func (p *Site) citeSource(w http.ResponseWriter, r *http.Request, actor qantar.Actor, rec qantar.Record) (bool, error) {
	refs := &refOutcome{States: map[string]*refState{}}
	typed := r.PostFormValue("source_id")
	if err := p.resolveOne(r.Context(), p.newResolver(p.tr[httpx.PickLang(r)], actor), qantar.KindSource, "source_id", r.PostForm, refs); err != nil {
		return false, err
	}
	st := refs.States["source_id"]
	if st == nil {
		return false, nil
	}
	pg := p.newEdit(r, rec)
	pg.Cite = citeFormOf(r)
	pg.Cite.SourceID, pg.CiteRef = typed, st
	pg.Errors["cite.source_id"] = refMessage(pg.T, qantar.KindSource, st)
	return true, p.renderEdit(w, r, http.StatusUnprocessableEntity, pg)
}

// citeFormOf is the posted citation form.
func citeFormOf(r *http.Request) citeForm {
	return citeForm{SourceID: r.PostFormValue("source_id"), Field: r.PostFormValue("field"), Page: r.PostFormValue("page"),
		TimeCode: r.PostFormValue("time_code"), ArchiveURL: r.PostFormValue("archive_url"),
		Confidence: r.PostFormValue("confidence"), Quote: r.PostFormValue("quote")}
}

// workspaceView is the editors' start page: what can be created.
type workspaceView struct {
	base
	Kinds []qantar.Kind
}

func (p *Site) workspace(w http.ResponseWriter, r *http.Request) error {
	if _, err := httpx.RequireWriter(r); err != nil {
		return err
	}
	pg := workspaceView{base: p.newBase(r, ""), Kinds: qantar.Kinds}
	pg.Title, pg.NoIndex = pg.T.S("Workspace"), true
	return p.render(w, r, http.StatusOK, "workspace", pg)
}

// deleteRecord records the deletion of a record at the version the editor
// saw, with their reason; the history stays.
func (p *Site) deleteRecord(kind qantar.Kind) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		actor, err := httpx.RequireWriter(r)
		if err != nil {
			return err
		}
		id, err := httpx.PathID(r)
		if err != nil {
			return err
		}
		version, _ := strconv.Atoi(r.PostFormValue("version"))
		reason := strings.TrimSpace(r.PostFormValue("reason"))
		if reason == "" {
			err = qantar.FieldErrorf("reason", "is required: say why the record is deleted")
		} else {
			err = p.store.Delete(r.Context(), actor, kind, id, version, reason)
		}
		if err == nil {
			http.Redirect(w, r, recordHref(kind, id)+"/history", http.StatusSeeOther)
			return nil
		}
		code := qantar.ErrorCode(err)
		if code != qantar.EINVALID && code != qantar.ECONFLICT {
			return err
		}
		rec, gerr := p.store.Get(r.Context(), kind, id)
		if gerr != nil {
			return err
		}
		pg := p.newEdit(r, rec)
		pg.Errors["delete."+qantar.ErrorField(err)] = pg.T.Err(err)
		pg.Problem = pg.T.Err(err)
		if code == qantar.ECONFLICT {
			pg.Problem = ""
			pg.Conflict = &conflict{Current: rec.GetMeta().Version, Href: recordHref(kind, id)}
		}
		return p.renderEdit(w, r, httpx.Status(code), pg)
	}
}
