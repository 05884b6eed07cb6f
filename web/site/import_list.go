package site

import (
	"bytes"
	"net/http"
	"strings"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/csvio"
	"github.com/qantar-project/qantar/web/httpx"
)

// listChoice offers the lists already imported, by title.
func (p *Site) listChoice(r *http.Request, pg *importView) error {
	srcs, _, err := p.store.List(r.Context(), qantar.KindSource, qantar.Filter{Where: map[string]string{"kind": "list"}, Limit: qantar.MaxLimit, Reader: httpx.ActorOf(r)})
	if err != nil {
		return err
	}
	pg.Lists = []option{{Value: "", Label: pg.T.S("A new list, named below")}}
	for _, rec := range srcs {
		s := rec.(*qantar.Source)
		if s.ExternalKey == "" {
			continue // a list entered by hand: its rows are cited one by one
		}
		pg.Lists = append(pg.Lists, option{Value: s.ExternalKey, Label: pg.T.Text(s.Title), Selected: s.ExternalKey == pg.ListKey})
	}
	for _, role := range csvio.ListRoles() {
		pg.RoleNames = append(pg.RoleNames, option{Value: role, Label: pg.T.S(roleLabels[role])})
	}
	return nil
}

// roleLabels name the columns a list may have.
var roleLabels = map[string]string{
	"number": "Row number (№)", "name": "Full name", "surname": "Surname", "given_name": "Given name",
	"patronymic": "Patronymic", "birth_date": "Date of birth", "age": "Age", "sex": "Sex",
	"death_date": "Date of death", "death_place": "Place of death", "circumstances": "Circumstances",
	"note": "Note",
}

// importListPost checks (and with confirm imports) a file as a list, as
// qantar import --list does; the meaning of each column may be chosen.
func (p *Site) importListPost(w http.ResponseWriter, r *http.Request, actor qantar.Actor) error {
	pg := p.newImport(r, kindList)
	pg.IsList, pg.DryRun = true, r.PostFormValue("dry_run") == "1"
	pg.ListName, pg.ListKey = r.PostFormValue("list_name"), r.PostFormValue("list_key")
	pg.Protection = r.PostFormValue("protection")
	if _, ok := qantar.LookupTerm("protection", pg.Protection); pg.Protection != "" && !ok {
		return qantar.FieldErrorf("protection", "%q is not a protection level", pg.Protection)
	}
	pg.ProtectionChoice = protectionOptions(pg.T, pg.Protection)
	if err := p.listChoice(r, &pg); err != nil {
		return err
	}
	data, name, err := uploaded(r)
	if err != nil {
		pg.Problem = pg.T.Err(err)
		return p.render(w, r, http.StatusBadRequest, "import", pg)
	}
	pg.FileName = name
	if pg.ListKey == "" && pg.ListName == "" {
		pg.Problem = pg.T.S("Name the list, or choose a list imported before.")
		return p.render(w, r, http.StatusBadRequest, "import", pg)
	}
	l := csvio.List{Name: pg.ListName, Key: pg.ListKey}
	opts := csvio.Options{Actor: actor, DryRun: true, Protection: pg.Protection, Mapping: chosenMapping(r)}
	in := func() csvio.Input { return csvio.Input{Name: name, R: bytes.NewReader(data)} }
	rep, err := csvio.ImportList(r.Context(), p.store, in(), l, opts)
	if err == nil && (r.PostFormValue("confirm") == "1" || !pg.DryRun) && rep.OK() {
		opts.DryRun = false
		rep, err = csvio.ImportList(r.Context(), p.store, in(), l, opts)
	}
	if err != nil {
		return err
	}
	status := pg.show(rep, data)
	pg.Columns = fileColumns(pg, rep, opts.Mapping)
	return p.render(w, r, status, "import", pg)
}

// chosenMapping is the meaning chosen for each column on the page
// (col.N = a role, or "-" to leave the column out), keyed by the header the
// form sent back (head.N).
func chosenMapping(r *http.Request) *csvio.Mapping {
	m := &csvio.Mapping{Columns: map[string]string{}}
	for k, v := range r.PostForm {
		n, ok := strings.CutPrefix(k, "col.")
		if head := r.PostForm.Get("head." + n); ok && head != "" && len(v) > 0 && v[0] != "" {
			m.Columns[head] = v[0]
		}
	}
	if len(m.Columns) == 0 {
		return nil
	}
	return m
}

// fileColumns shows the file's columns with the meaning each has now.
func fileColumns(pg importView, rep *csvio.Report, m *csvio.Mapping) []listColumn {
	if len(rep.Tables) == 0 {
		return nil
	}
	var head []string
	for _, t := range rep.Tables {
		if len(t.Header) > 0 {
			head = t.Header
			break
		}
	}
	var out []listColumn
	for i, h := range head {
		role := csvio.ListRole(h)
		if m != nil {
			if to, ok := m.Columns[h]; ok {
				role = to
			}
		}
		c := listColumn{Index: i, Header: h, Roles: []option{{Value: "-", Label: pg.T.S("Leave out"), Selected: role == "-" || role == ""}}}
		for _, o := range pg.RoleNames {
			o.Selected = o.Value == role
			c.Roles = append(c.Roles, o)
		}
		out = append(out, c)
	}
	return out
}

// Problem says an import's problem in the reader's language when its words
// are a key of the catalogue, in English otherwise.
func (t tr) Problem(p csvio.Problem) string {
	if p.Format != "" {
		return t.S(p.Format, p.Args...)
	}
	return p.Message
}
