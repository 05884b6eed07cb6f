package site

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/web/httpx"
)

// One form records a death (issue 15): the victim (a person named by
// typing, or a new one, restricted until an editor publishes), the act, its
// place and event, the source and the citation, and optionally a unit's part
// in it. Its reference inputs take a name or an #id as every form's do
// (refs.go); one save is one transaction, one version per record, and any
// error shows the same form again with what was typed and nothing saved.

// deathRefs are the reference inputs of the form and what they name. The
// victim is one too, unless "a new person" is ticked.
var deathRefs = []struct {
	Key  string
	Kind qantar.Kind
}{{"victim", qantar.KindPerson}, {"place_id", qantar.KindPlace}, {"event_id", qantar.KindEvent},
	{"source_id", qantar.KindSource}, {"unit_id", qantar.KindUnit}}

// deathLabels label the form's inputs, for the message above the form.
var deathLabels = map[string]string{"victim": "Victim", "victim_new": "Victim", "sex": "Sex", "protection": "Protection",
	"type": "Type", "date": "Date", "victim_status": "Victim's status", "method": "Method", "description": "Circumstances",
	"place_id": "Place", "event_id": "Event", "source_id": "Source", "source_title": "Title of a new source",
	"source_url": "Address", "source_kind": "Kind", "page": "Page", "quote": "Quote", "unit_id": "Unit", "degree": "Role"}

// deathDefaults are what a new form holds: a killing, the victim dead, a
// news report, a unit suspected.
var deathDefaults = map[string]string{"type": "killing", "victim_status": "dead", "source_kind": "news", "degree": "suspected"}

// deathView is the form, filled with what was typed.
type deathView struct {
	base
	vals    url.Values
	Errors  map[string]string
	Refs    map[string]*refState
	Problem string
	// Duplicates are persons of a close name to the new victim's, shown
	// before they are recorded (as the person form does).
	Duplicates []deathDup
}

// deathDup is a person of a close name, with the number to type for them.
type deathDup struct {
	dupRow
	ID string
}

// Val is what an input holds.
func (v deathView) Val(key string) string { return v.vals.Get(key) }

// Ref is what a reference input shows beside it: its choices, the offer to
// create it, or the record its id names.
func (v deathView) Ref(key string) *refState { return v.Refs[key] }

// deathInput is one input of the form as the template shows it.
type deathInput struct {
	Key, Label, Type, Value, Placeholder, Error string
	Options                                     []option
	Ref                                         *refState
}

// In is the input key, labelled with the catalogue's label and of type
// text, date, url, ref (a name or #id) or select.
func (v deathView) In(key, label, typ string) deathInput {
	in := deathInput{Key: key, Label: v.T.S(label), Type: typ, Value: v.Val(key), Error: v.Errors[key], Ref: v.Refs[key]}
	switch typ {
	case "select":
		in.Options = v.Options(key)
	case "ref":
		in.Placeholder = v.T.S("a name or #id")
	case "date":
		in.Placeholder = "2022, 2022-01, 2022-01-05"
	}
	return in
}

// Options are a select's choices, the current one selected.
func (v deathView) Options(key string) []option {
	switch key {
	case "type":
		return vocabOptions(v.T, "act_type", v.Val(key))
	case "degree":
		return vocabOptions(v.T, "degree", v.Val(key))
	case "source_kind":
		return vocabOptions(v.T, "source_kind", v.Val(key))
	case "protection":
		return protectionOptions(v.T, v.Val(key))
	}
	return vocabOptions(v.T, key, v.Val(key))
}

// deathForm shows the empty form.
func (p *Site) deathForm(w http.ResponseWriter, r *http.Request) error {
	if _, err := httpx.RequireWriter(r); err != nil {
		return err
	}
	vals := url.Values{}
	for k, v := range deathDefaults {
		vals.Set(k, v)
	}
	return p.renderDeath(w, r, http.StatusOK, p.newDeath(r, vals))
}

func (p *Site) newDeath(r *http.Request, vals url.Values) deathView {
	pg := deathView{base: p.newBase(r, ""), vals: vals, Errors: map[string]string{}, Refs: map[string]*refState{}}
	pg.Title, pg.NoIndex = pg.T.S("Record a death"), true
	return pg
}

// deathSave resolves the typed names and saves every record at once, then
// shows the act.
func (p *Site) deathSave(w http.ResponseWriter, r *http.Request) error {
	actor, err := httpx.RequireWriter(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return httpx.BodyError(err)
	}
	vals := cloneValues(r.PostForm)
	pg := p.newDeath(r, vals)
	res := p.newResolver(pg.T, actor)
	refs, err := p.deathResolve(r.Context(), res, vals)
	if err != nil {
		return err
	}
	pg.Refs = refs.States
	if refs.Waiting {
		pg.Problem = pg.T.S("Some names need a choice before saving. Nothing was saved yet.")
		return p.renderDeath(w, r, http.StatusUnprocessableEntity, pg)
	}
	if shown, err := p.deathDuplicates(w, r, actor, pg); shown || err != nil {
		return err
	}
	actID, err := p.saveDeath(r.Context(), actor, pg.T.Lang, cloneValues(vals), refs.Creates)
	if err == nil {
		http.Redirect(w, r, recordHref(qantar.KindAct, actID), http.StatusSeeOther)
		return nil
	}
	code := qantar.ErrorCode(err)
	if storage := httpx.StorageError(w, r, p.logger, err, code); !storage && code != qantar.EINVALID && code != qantar.ENOTFOUND {
		return err
	}
	field := qantar.ErrorField(err)
	if _, ok := deathLabels[field]; ok {
		pg.Errors[field] = pg.T.Err(err)
		pg.Problem = pg.T.S(deathLabels[field]) + ": " + pg.Errors[field]
	} else {
		pg.Problem = pg.T.Err(err)
	}
	status := httpx.Status(code)
	if code == qantar.ENOTFOUND {
		status = http.StatusUnprocessableEntity
	}
	return p.renderDeath(w, r, status, pg)
}

// deathDuplicates shows, before a new victim is recorded, the persons of a
// close name, with a button to save anyway (confirm_duplicate=1); shown is
// true when it did.
func (p *Site) deathDuplicates(w http.ResponseWriter, r *http.Request, actor qantar.Actor, pg deathView) (bool, error) {
	name := strings.TrimSpace(pg.Val("victim"))
	if pg.Val("victim_new") == "" || name == "" || pg.Val("confirm_duplicate") == "1" {
		return false, nil
	}
	pr := &qantar.Person{Names: []qantar.Name{{Value: name, Lang: nameLang(name, pg.T.Lang)}}}
	dups, err := p.duplicates(r.Context(), actor, pg.T, pr)
	if err != nil || len(dups) == 0 {
		return false, err
	}
	for _, d := range dups {
		pg.Duplicates = append(pg.Duplicates, deathDup{dupRow: d, ID: d.Person.Href[strings.LastIndexByte(d.Person.Href, '/')+1:]})
	}
	return true, p.renderDeath(w, r, http.StatusOK, pg)
}

// deathResolve resolves the form's reference inputs in vals (names become
// ids), as the other forms' are. A victim's name found nowhere offers to
// record a new person, as a place's offers to create one.
func (p *Site) deathResolve(ctx context.Context, res *resolver, vals url.Values) (*refOutcome, error) {
	out := &refOutcome{States: map[string]*refState{}}
	for _, ref := range deathRefs {
		if ref.Key == "victim" && vals.Get("victim_new") != "" {
			continue
		}
		if err := p.resolveOne(ctx, res, ref.Kind, ref.Key, vals, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// renderDeath shows the form: beside each waiting input its message, beside
// each id the record it names.
func (p *Site) renderDeath(w http.ResponseWriter, r *http.Request, status int, pg deathView) error {
	res := p.newResolver(pg.T, httpx.ActorOf(r))
	for _, ref := range deathRefs {
		if st, ok := pg.Refs[ref.Key]; ok {
			if st.Typed != "" && !st.Create && pg.Errors[ref.Key] == "" {
				pg.Errors[ref.Key] = deathRefMessage(pg.T, ref.Kind, st)
			}
			continue
		}
		if ref.Key == "victim" && pg.Val("victim_new") != "" {
			continue
		}
		if id, ok := isID(pg.Val(ref.Key)); ok && id > 0 {
			if rec := res.get(r.Context(), ref.Kind, id); rec != nil {
				l := pg.T.linkTo(rec)
				pg.Refs[ref.Key] = &refState{Key: ref.Key, Named: &l}
			}
		}
	}
	return p.render(w, r, status, "death", pg)
}

// deathRefMessage is refMessage, but a victim found nowhere may be recorded
// as a new person.
func deathRefMessage(t tr, kind qantar.Kind, st *refState) string {
	if kind == qantar.KindPerson && st.None {
		return t.S("Nothing found by the name “%s”: check the spelling, type a number (#id), or tick “a new person” to record them.", st.Typed)
	}
	return refMessage(t, kind, st)
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, s := range v {
		out[k] = append([]string(nil), s...)
	}
	return out
}

// saveDeath creates, in one transaction, the places and units named to be
// created, a new victim, a new source, the act, its citation (and the new
// victim's), and the unit's involvement with its citation. It returns the
// act's id. Errors name the form's input at fault.
func (p *Site) saveDeath(ctx context.Context, actor qantar.Actor, lang string, vals url.Values, creates []pendingCreate) (int64, error) {
	var actID int64
	err := p.store.InTx(ctx, func(wr qantar.Writer) error {
		if err := createPending(ctx, wr, actor, lang, creates, vals); err != nil {
			return err
		}
		d := deathSaver{ctx: ctx, w: wr, actor: actor, lang: lang, vals: vals}
		victim, isNew, err := d.victim()
		if err != nil {
			return err
		}
		source, err := d.source()
		if err != nil {
			return err
		}
		act, err := d.act(victim)
		if err != nil {
			return err
		}
		actID = act
		if err := d.cite(qantar.KindAct, act, source); err != nil {
			return err
		}
		if isNew {
			if err := d.cite(qantar.KindPerson, victim, source); err != nil {
				return err
			}
		}
		return d.involvement(act, source)
	})
	return actID, err
}

// deathSaver writes the records of one death through a transaction.
type deathSaver struct {
	ctx   context.Context
	w     qantar.Writer
	actor qantar.Actor
	lang  string
	vals  url.Values
}

func (d deathSaver) val(key string) string { return strings.TrimSpace(d.vals.Get(key)) }

// create stores a record; an error about one of its fields is put on the
// form's input that fields[field] names (the first part of its path), or
// on input.
func (d deathSaver) create(rec qantar.Record, input string, fields map[string]string) error {
	err := d.w.Create(d.ctx, d.actor, rec)
	code := qantar.ErrorCode(err)
	if err == nil || (code != qantar.EINVALID && code != qantar.ENOTFOUND) {
		return err
	}
	f := qantar.ErrorField(err)
	if i := strings.IndexAny(f, ".["); i >= 0 {
		f = f[:i]
	}
	if to, ok := fields[f]; ok {
		input = to
	}
	e := qantar.WithField(err, input)
	e.Code = code
	return e
}

// id reads a reference input that holds an id (resolved), 0 when blank.
func (d deathSaver) id(key string) (int64, error) {
	v := d.val(key)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, qantar.FieldErrorf(key, "must be a whole number (a record's #id)")
	}
	return n, nil
}

// victim is the person named, or a new one of the typed name; isNew says
// which. A new person's protection is what the form says, restricted when
// left undecided.
func (d deathSaver) victim() (int64, bool, error) {
	name := d.val("victim")
	if name == "" {
		return 0, false, qantar.FieldErrorf("victim", "is required: type the victim's name or #id")
	}
	if d.vals.Get("victim_new") == "" {
		id, err := d.id("victim")
		return id, false, err
	}
	pr := &qantar.Person{Names: []qantar.Name{{Value: name, Lang: nameLang(name, d.lang)}}, Sex: d.val("sex"),
		Protection: d.val("protection")}
	err := d.create(pr, "victim", map[string]string{"sex": "sex", "protection": "protection"})
	return pr.ID, true, err
}

// source is the source named, or a new one from its title and address.
func (d deathSaver) source() (int64, error) {
	if d.val("source_id") != "" {
		return d.id("source_id")
	}
	title := d.val("source_title")
	if title == "" {
		return 0, qantar.FieldErrorf("source_id", "is required: name a source or give a new one's title")
	}
	s := &qantar.Source{SourceKind: d.val("source_kind"), Title: qantar.Text{nameLang(title, d.lang): title}, URL: d.val("source_url")}
	err := d.create(s, "source_title", map[string]string{"kind": "source_kind", "url": "source_url"})
	return s.ID, err
}

// act is the act done to the victim.
func (d deathSaver) act(victim int64) (int64, error) {
	a := &qantar.Act{VictimID: victim, ActType: d.val("type"), Method: d.val("method"), VictimStatus: d.val("victim_status")}
	var err error
	if v := d.val("date"); v != "" {
		if a.Date, err = qantar.ParseDate(v); err != nil {
			return 0, qantar.WithField(err, "date")
		}
	}
	if a.PlaceID, err = d.id("place_id"); err != nil {
		return 0, err
	}
	if a.EventID, err = d.id("event_id"); err != nil {
		return 0, err
	}
	if v := d.val("description"); v != "" {
		a.Description = qantar.Text{d.lang: v}
	}
	err = d.create(a, "victim", map[string]string{"type": "type", "date": "date", "method": "method",
		"victim_status": "victim_status", "place_id": "place_id", "event_id": "event_id", "description": "description"})
	return a.ID, err
}

// cite cites the source for a record, with the page and the quote.
func (d deathSaver) cite(kind qantar.Kind, id, source int64) error {
	c := &qantar.Citation{RecordKind: kind, RecordID: id, SourceID: source, Page: d.val("page"), Quote: d.val("quote")}
	return d.create(c, "quote", map[string]string{"source_id": "source_id", "page": "page"})
}

// involvement records the unit's part in the act, cited as the act is;
// nothing when no unit is named.
func (d deathSaver) involvement(act, source int64) error {
	unit, err := d.id("unit_id")
	if err != nil || unit == 0 {
		return err
	}
	v := &qantar.Involvement{ActID: act, UnitID: unit, Degree: d.val("degree")}
	if err := d.create(v, "unit_id", map[string]string{"degree": "degree"}); err != nil {
		return err
	}
	return d.cite(qantar.KindInvolvement, v.ID, source)
}
