package site

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"unicode"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/names"
	"github.com/qantar-project/qantar/search"
)

// A reference input (victim, place, authority…) of an editor's form or a
// list filter takes a record's id or a name in any script. A name is looked
// up with the search of /search, as the reader: one record meant is taken;
// several are offered as a choice (pick.<input>, remembered with the name
// it was for in for.<input>); none is said, and for a place or a unit a box
// offers to create one of that name (create.<input>, holding the name) in
// the same save. The JSON API takes ids only.

// refChoice is one record a typed name may mean.
type refChoice struct {
	ID      int64
	Title   string
	Line    string // what tells it apart: dates, place, kind
	Href    string
	Checked bool
}

// refState is what a reference input shows besides its value: the choices
// for a name of several records, that none was found (and the offer to
// create one), or the record an id names.
type refState struct {
	Key     string
	Typed   string
	Legend  string
	Choices []refChoice
	// None: nothing found by the name; CreateLabel offers to create it.
	None        bool
	CreateLabel string
	Create      bool
	Named       *link
}

// refKindOf is the kind of record a reference input of a kind's form names;
// ok is false for inputs that are not references, or whose records are not
// searched by name (acts, complaints: ids only).
func refKindOf(kind qantar.Kind, field string) (qantar.Kind, bool) {
	if i := strings.LastIndexByte(field, '.'); i >= 0 {
		field = field[i+1:]
	}
	switch field {
	case "person_id", "victim_id", "filer_id":
		return qantar.KindPerson, true
	case "unit_id", "authority_id", "addressee_id", "claimant_id":
		return qantar.KindUnit, true
	case "place_id", "birth_place_id", "region_then_id", "region_now_id":
		return qantar.KindPlace, true
	case "event_id":
		return qantar.KindEvent, true
	case "case_id":
		return qantar.KindCase, true
	case "source_id":
		return qantar.KindSource, true
	case "parent_id":
		if kind == qantar.KindEvent || kind == qantar.KindUnit {
			return kind, true
		}
	}
	return "", false
}

// creatable: a record of the kind can be made from its name alone.
func creatable(kind qantar.Kind) bool { return kind == qantar.KindPlace || kind == qantar.KindUnit }

// isID reports whether a typed value is a record id (digits, "#" allowed).
func isID(v string) (int64, bool) {
	n, err := strconv.ParseInt(strings.TrimPrefix(v, "#"), 10, 64)
	return n, err == nil
}

// searcher is the search of the pages (Config.Search), nil when the server
// has none.
func (p *Site) searcher() qantar.Searcher { return p.searchIndex }

// findByName returns the records of kind a reader may see that a typed
// name means, best first: the one whose whole name is what was typed when
// exactly one is; else the one that matches every word exactly when exactly
// one does; else every record found (at most 10).
func (p *Site) findByName(ctx context.Context, reader qantar.Actor, t tr, kind qantar.Kind, name string) ([]qantar.Record, error) {
	found, scores, err := p.searchKind(ctx, reader, t, kind, name)
	if err != nil || len(found) <= 1 {
		return found, err
	}
	key := names.Key(name)
	var exact, best []qantar.Record
	for i, rec := range found {
		for _, n := range namesOf(rec) {
			if key != "" && names.Key(n) == key {
				exact = append(exact, rec)
				break
			}
		}
		if scores[i] >= 1 {
			best = append(best, rec)
		}
	}
	if len(exact) == 1 {
		return exact, nil
	}
	if len(best) == 1 {
		return best, nil
	}
	return found, nil
}

// searchKind asks the search for records of one kind, each looked up again
// as the reader may see it (never a placeholder).
func (p *Site) searchKind(ctx context.Context, reader qantar.Actor, t tr, kind qantar.Kind, name string) ([]qantar.Record, []float64, error) {
	var found []qantar.Record
	var scores []float64
	s := p.searcher()
	if s == nil {
		recs, _, err := p.store.List(ctx, kind, qantar.Filter{Q: name, Limit: 10, Reader: reader})
		if err != nil {
			return nil, nil, err
		}
		for _, rec := range p.visibleAll(ctx, reader, recs) {
			if !qantar.IsPlaceholder(rec) {
				found, scores = append(found, rec), append(scores, 1)
			}
		}
		return found, scores, nil
	}
	if _, err := search.Parse(name); err != nil {
		return nil, nil, nil // no letters or digits: nothing is named
	}
	results, err := s.Search(ctx, qantar.SearchQuery{Q: name, Kinds: []qantar.Kind{kind}, Limit: 10, Lang: t.Lang, Reader: reader})
	if err != nil {
		return nil, nil, err
	}
	for _, res := range results {
		rec, err := p.get(ctx, reader, res.Kind, res.ID)
		if err != nil || qantar.IsPlaceholder(rec) {
			continue
		}
		found, scores = append(found, rec), append(scores, res.Score)
	}
	return found, scores, nil
}

// namesOf are the names a record is known by.
func namesOf(rec qantar.Record) []string {
	var out []string
	texts := func(x qantar.Text) {
		for _, v := range x {
			out = append(out, v)
		}
	}
	switch r := rec.(type) {
	case *qantar.Person:
		for _, n := range r.Names {
			out = append(out, n.Value)
		}
	case *qantar.Place:
		texts(r.Name)
		for _, n := range r.Names {
			texts(n.Name)
		}
	case *qantar.Unit:
		texts(r.Name)
		out = append(out, r.Aliases...)
	case *qantar.Event:
		texts(r.Title)
	case *qantar.Source:
		texts(r.Title)
	case *qantar.Case:
		out = append(out, r.Number)
	}
	return out
}

// choiceOf is a record offered as a choice: its title and a line that
// tells it apart from records of the same name.
func (p *Site) choiceOf(ctx context.Context, res *resolver, rec qantar.Record) refChoice {
	t := res.t
	var parts []string
	add := func(s string) {
		if s != "" {
			parts = append(parts, s)
		}
	}
	title := func(k qantar.Kind, id int64) string { return t.title(res.get(ctx, k, id)) }
	switch r := rec.(type) {
	case *qantar.Person:
		if !r.BirthDate.IsZero() {
			add(t.S("born %s", t.Date(r.BirthDate)))
		}
		add(title(qantar.KindPlace, r.BirthPlace))
	case *qantar.Event:
		if !r.Start.IsZero() {
			add(t.Date(r.Start))
		}
		add(title(qantar.KindPlace, r.PlaceID))
	case *qantar.Place:
		if r.PlaceKind != "" {
			add(t.Term("place_kind", r.PlaceKind))
		}
		add(title(qantar.KindPlace, r.RegionNowID))
	case *qantar.Unit:
		if r.UnitKind != "" {
			add(t.Term("unit_kind", r.UnitKind))
		}
		for _, pa := range r.Parents {
			add(title(qantar.KindUnit, pa.ParentID))
		}
	case *qantar.Source:
		add(r.Publisher)
		if !r.Date.IsZero() {
			add(t.Date(r.Date))
		}
	case *qantar.Case:
		if !r.OpenedOn.IsZero() {
			add(t.Date(r.OpenedOn))
		}
		add(title(qantar.KindUnit, r.AuthorityID))
	}
	id := rec.GetMeta().ID
	add("#" + itoa(id))
	return refChoice{ID: id, Title: t.title(rec), Line: strings.Join(parts, " · "), Href: recordHref(rec.Kind(), id)}
}

// newNamed is a place or unit made from its name alone, named in the
// language its letters say: Kazakh letters kk, other Cyrillic the page's
// language (ru on an English page), Latin en.
func newNamed(kind qantar.Kind, name, pageLang string) qantar.Record {
	text := qantar.Text{nameLang(name, pageLang): name}
	if kind == qantar.KindUnit {
		return &qantar.Unit{Name: text}
	}
	return &qantar.Place{Name: text}
}

// nameLang is the language a typed name's letters say (newNamed).
func nameLang(name, pageLang string) string {
	lang := pageLang
	if lang == "en" {
		lang = "ru"
	}
	latin := false
	for _, r := range name {
		if strings.ContainsRune("әғқңөұүһіӘҒҚҢӨҰҮҺІ", r) {
			lang = "kk"
			break
		}
		if unicode.Is(unicode.Latin, r) {
			latin = true
		}
		if unicode.Is(unicode.Cyrillic, r) {
			latin = false
		}
	}
	if latin && lang != "kk" {
		lang = "en"
	}
	return lang
}

// refOutcome is what resolving a form's reference inputs came to: inputs
// still waiting for the editor (a choice, or a name found nowhere), and the
// records to create from a name in the same save.
type refOutcome struct {
	States  map[string]*refState
	Waiting bool
	Creates []pendingCreate
}

type pendingCreate struct {
	Key  string
	Kind qantar.Kind
	Name string
}

// resolveOne resolves the typed value of one reference input key in vals:
// an id is left as it is; a name of one record becomes its id; a name that
// was offered a choice takes the record picked; otherwise the input waits.
func (p *Site) resolveOne(ctx context.Context, res *resolver, kind qantar.Kind, key string, vals url.Values, out *refOutcome) error {
	typed := strings.TrimSpace(vals.Get(key))
	if typed == "" {
		return nil
	}
	if id, ok := isID(typed); ok {
		vals.Set(key, itoa(id))
		return nil
	}
	if pick, ok := isID(vals.Get("pick." + key)); ok && strings.TrimSpace(vals.Get("for."+key)) == typed {
		vals.Set(key, itoa(pick))
		return nil
	}
	if creatable(kind) && strings.TrimSpace(vals.Get("create."+key)) == typed {
		out.Creates = append(out.Creates, pendingCreate{Key: key, Kind: kind, Name: typed})
		out.States[key] = &refState{Key: key, Typed: typed, None: true, Create: true,
			CreateLabel: createLabel(res.t, kind, typed)}
		return nil
	}
	found, err := p.findByName(ctx, res.reader, res.t, kind, typed)
	if err != nil {
		return err
	}
	if len(found) == 1 {
		vals.Set(key, itoa(found[0].GetMeta().ID))
		return nil
	}
	st := &refState{Key: key, Typed: typed, None: len(found) == 0, Legend: res.t.S("Which one do you mean by “%s”?", typed)}
	for _, rec := range found {
		st.Choices = append(st.Choices, p.choiceOf(ctx, res, rec))
	}
	if st.None && creatable(kind) {
		st.CreateLabel = createLabel(res.t, kind, typed)
	}
	out.States[key] = st
	out.Waiting = true
	return nil
}

// refMessage is the message next to a waiting input.
func refMessage(t tr, kind qantar.Kind, st *refState) string {
	switch {
	case !st.None:
		return t.S("Several records match “%s”: choose one below, or type a number (#id). Nothing was saved yet.", st.Typed)
	case creatable(kind):
		return t.S("Nothing found by the name “%s”: check the spelling, type a number (#id), or tick the box below to create it.", st.Typed)
	}
	return t.S("Nothing found by the name “%s”: check the spelling or type a number (#id).", st.Typed)
}

// createLabel offers to create a place or unit of a typed name.
func createLabel(t tr, kind qantar.Kind, name string) string {
	if kind == qantar.KindUnit {
		return t.S("Create a new unit named “%s” when saving", name)
	}
	return t.S("Create a new place named “%s” when saving", name)
}

// refKeys are the reference inputs of a kind's fields form present in vals:
// its fields and the fields of its rows.
func refKeys(kind qantar.Kind, vals url.Values) map[string]qantar.Kind {
	out := map[string]qantar.Kind{}
	for _, sp := range formSpecs[kind] {
		if sp.Type != "rows" {
			if rk, ok := refKindOf(kind, sp.Name); ok {
				out[sp.Name] = rk
			}
			continue
		}
		for _, s := range rowSpecs[kind][sp.Name] {
			rk, ok := refKindOf(kind, s.Name)
			if !ok || s.Name == "" {
				continue
			}
			for _, i := range rowIndices(vals, sp.Name) {
				out[subKey(sp.Name+"["+strconv.Itoa(i)+"]", s.Name)] = rk
			}
		}
	}
	if kind == qantar.KindCitation {
		// A citation's record is of the kind chosen beside it.
		if rk, err := qantar.ParseKind(vals.Get("record_kind")); err == nil && search.Indexed(rk) {
			out["record_id"] = rk
		}
	}
	return out
}

// resolveRefs resolves every reference input of a fields form in vals (in
// place: names become ids) and says what waits for the editor.
func (p *Site) resolveRefs(ctx context.Context, res *resolver, kind qantar.Kind, vals url.Values) (*refOutcome, error) {
	out := &refOutcome{States: map[string]*refState{}}
	for key, rk := range refKeys(kind, vals) {
		if err := p.resolveOne(ctx, res, rk, key, vals, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// createPending creates, through w (the save's transaction), the places and
// units to be made from their names, and puts their ids in vals.
func createPending(ctx context.Context, w qantar.Writer, actor qantar.Actor, lang string, creates []pendingCreate, vals url.Values) error {
	for _, c := range creates {
		rec := newNamed(c.Kind, c.Name, lang)
		if err := w.Create(ctx, actor, rec); err != nil {
			if qantar.ErrorCode(err) == qantar.EINVALID {
				return qantar.WithField(err, c.Key)
			}
			return err
		}
		vals.Set(c.Key, itoa(rec.GetMeta().ID))
	}
	return nil
}

// showRefs puts on a form's fields what their reference inputs need to
// show, and the messages of the waiting ones in errs.
func showRefs(t tr, kind qantar.Kind, fields []formField, out *refOutcome, errs map[string]string) {
	if out == nil {
		return
	}
	for i := range fields {
		f := &fields[i]
		if st, ok := out.States[f.Name]; ok {
			f.Ref = st
			if st.Typed != "" && !st.Create {
				rk, _ := refKindOf(kind, f.Name)
				if kind == qantar.KindCitation && f.Name == "record_id" {
					rk = qantar.Kind(fieldValue(fields, "record_kind"))
				}
				errs[f.Name] = refMessage(t, rk, st)
			}
		}
		for j := range f.Rows {
			showRefs(t, kind, f.Rows[j].Fields, out, errs)
		}
	}
}

func fieldValue(fields []formField, name string) string {
	for _, f := range fields {
		if f.Name == name {
			return f.Value
		}
	}
	return ""
}

// nameRefs shows, beside each reference input that holds an id, the record
// it names as the reader may see it.
func (p *Site) nameRefs(ctx context.Context, res *resolver, kind qantar.Kind, fields []formField) {
	for i := range fields {
		f := &fields[i]
		if rk, ok := refKindOf(kind, f.Name); ok && f.Ref == nil {
			if id, ok := isID(f.Value); ok && id > 0 {
				if rec := res.get(ctx, rk, id); rec != nil {
					l := res.t.linkTo(rec)
					f.Ref = &refState{Key: f.Name, Named: &l}
				}
			}
		}
		for j := range f.Rows {
			p.nameRefs(ctx, res, kind, f.Rows[j].Fields)
		}
	}
}

// personRef shows the birth place input of a person's form: the choices
// for a typed name, the offer to create it, or the place its id names.
func (p *Site) personRef(ctx context.Context, res *resolver, f *personForm, out *refOutcome, errs map[string]string) {
	if out != nil {
		if st, ok := out.States["birth_place_id"]; ok {
			f.BirthPlaceRef, f.BirthPlace = st, st.Typed
			if !st.Create {
				errs["birth_place_id"] = refMessage(res.t, qantar.KindPlace, st)
			}
			return
		}
	}
	if id, ok := isID(f.BirthPlace); ok && id > 0 {
		if rec := res.get(ctx, qantar.KindPlace, id); rec != nil {
			l := res.t.linkTo(rec)
			f.BirthPlaceRef = &refState{Key: "birth_place_id", Named: &l}
		}
	}
}
