package site

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/filing"
	"github.com/qantar-project/qantar/law"
	"github.com/qantar-project/qantar/web/httpx"
)

// Filings (docs/FILINGS.md): a case page offers its editors a draft
// complaint to download and to file, a person page its signed-in readers a
// dossier for a UN communication. Both are package filing's documents, made
// from the records as the reader may see them.

// draftForm is the case page's "Draft a complaint" form: the complaint
// kinds of the case's rules that the template of the page's language
// drafts, and, for each kind the case lacks a step for, what is missing.
type draftForm struct {
	Action  string
	File    string
	Kinds   []option
	Langs   []option
	Formats []option
	Missing []kindMissing
}

type kindMissing struct {
	Kind  string
	Steps []string
}

// dossierForm is the person page's download of a dossier.
type dossierForm struct {
	Action  string
	Langs   []option
	Formats []option
}

func (p *Site) langOptions(t tr) []option {
	out := make([]option, len(qantar.UILangs))
	for i, l := range qantar.UILangs {
		out[i] = option{Value: l, Label: langName[l], Selected: l == t.Lang}
	}
	return out
}

func formatOptions() []option {
	return []option{{Value: filing.FormatDOCX, Label: "DOCX", Selected: true}, {Value: filing.FormatPDF, Label: "PDF"}}
}

// newDraftForm fills the draft form of a case for a reader who may write;
// nil for the others, and when the case's rules have no template.
func (p *Site) newDraftForm(ctx context.Context, t tr, reader qantar.Actor, c *qantar.Case) *draftForm {
	if !reader.CanWrite() {
		return nil
	}
	rules, err := p.rules.Get(c.Jurisdiction)
	if err != nil {
		return nil
	}
	tmpl, err := filing.LoadTemplate(law.Templates(), rules, t.Lang)
	if err != nil {
		return nil
	}
	cf, err := filing.LoadCase(ctx, p.store, reader, c.ID, t.Lang)
	if err != nil {
		return nil
	}
	f := &draftForm{Action: recordHref(qantar.KindCase, c.ID) + "/draft", File: recordHref(qantar.KindCase, c.ID) + "/file",
		Langs: p.langOptions(t), Formats: formatOptions()}
	day := dayOf(p.now())
	for _, code := range rules.KindCodes() {
		if _, ok := tmpl.Kinds[code]; !ok {
			continue
		}
		k, _ := rules.Kind(code)
		label := k.Labels.In(t.Lang) + " (" + code + ")"
		f.Kinds = append(f.Kinds, option{Value: code, Label: label})
		d, err := filing.MakeDraft(cf, filing.DraftOptions{Kind: code, Lang: t.Lang, FiledOn: day, Today: day, Rules: rules, Template: tmpl})
		if err == nil && len(d.Missing) > 0 {
			f.Missing = append(f.Missing, kindMissing{Kind: label, Steps: d.Missing})
		}
	}
	if len(f.Kinds) == 0 {
		return nil
	}
	return f
}

func dayOf(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// documentQuery reads the language and format of a document download.
func (p *Site) documentQuery(r *http.Request, form func(string) string) (lang, format string, err error) {
	t := p.tr[httpx.PickLang(r)]
	lang, format = form("lang"), form("format")
	if lang == "" {
		lang = t.Lang
	}
	if !httpx.IsUILang(lang) {
		return "", "", qantar.FieldErrorf("lang", "%s", t.S("%q is not one of kk, ru, en", lang))
	}
	if format == "" {
		format = filing.FormatDOCX
	}
	if format != filing.FormatDOCX && format != filing.FormatPDF {
		return "", "", qantar.FieldErrorf("format", "%s", t.S("%q is not docx or pdf", format))
	}
	return lang, format, nil
}

// draftRequest reads what a draft download or filing asks for.
func (p *Site) draftRequest(r *http.Request, form func(string) string) (filing.DraftRequest, string, error) {
	id, err := httpx.PathID(r)
	if err != nil {
		return filing.DraftRequest{}, "", err
	}
	lang, format, err := p.documentQuery(r, form)
	if err != nil {
		return filing.DraftRequest{}, "", err
	}
	kind := form("kind")
	if kind == "" {
		t := p.tr[httpx.PickLang(r)]
		return filing.DraftRequest{}, "", qantar.FieldErrorf("kind", "%s", t.S("Choose the kind of complaint"))
	}
	day := dayOf(p.now())
	return filing.DraftRequest{CaseID: id, Kind: kind, Lang: lang, FiledOn: day, Today: day}, format, nil
}

// caseDraft answers GET /cases/{id}/draft?kind=&lang=&format=: the draft as
// a file, for editors and admins.
func (p *Site) caseDraft(w http.ResponseWriter, r *http.Request) error {
	actor, err := httpx.RequireWriter(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	req, format, err := p.draftRequest(r, q.Get)
	if err != nil {
		return err
	}
	d, cf, err := filing.DraftCase(r.Context(), p.store, actor, p.rules, law.Templates(), req)
	if err != nil {
		return err
	}
	p.auth.Audit(r, qantar.AuditExport, qantar.KindCase, req.CaseID, fmt.Sprintf("draft %s %s %s", req.Kind, req.Lang, format))
	name := fmt.Sprintf("draft-%s-%s-%s.%s", fileSafe(cf.Case.Number, req.CaseID), req.Kind, req.Lang, format)
	return writeDocument(w, d.Document, format, name)
}

// caseFile answers POST /cases/{id}/file: the draft recorded as a
// Complaint by filing.File (the rule `qantar draft --file` follows), then
// the complaint's page. Filing the same draft again on the same day (a
// double click) records nothing more and goes to the complaint filed.
func (p *Site) caseFile(w http.ResponseWriter, r *http.Request) error {
	actor, err := httpx.RequireWriter(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return qantar.Errorf(qantar.EINVALID, "%s", p.tr[httpx.PickLang(r)].S("The form could not be read"))
	}
	req, _, err := p.draftRequest(r, r.PostForm.Get)
	if err != nil {
		return err
	}
	d, _, err := filing.DraftCase(r.Context(), p.store, actor, p.rules, law.Templates(), req)
	if err != nil {
		return err
	}
	c, _, err := filing.File(r.Context(), p.store, actor, d)
	if err != nil {
		return err
	}
	http.Redirect(w, r, recordHref(qantar.KindComplaint, c.ID), http.StatusSeeOther)
	return nil
}

// personDossier answers GET /persons/{id}/dossier?lang=&format=: the
// dossier for a UN communication, made for the reader's own role. Only
// signed-in readers (viewers, editors, admins) get one: see
// docs/FILINGS.md.
func (p *Site) personDossier(w http.ResponseWriter, r *http.Request) error {
	reader := httpx.ActorOf(r)
	if reader.ID == "" {
		return qantar.Errorf(qantar.EUNAUTHORIZED, "sign in to download a dossier")
	}
	id, err := httpx.PathID(r)
	if err != nil {
		return err
	}
	lang, format, err := p.documentQuery(r, r.URL.Query().Get)
	if err != nil {
		return err
	}
	pf, err := filing.LoadPerson(r.Context(), p.store, reader, id, lang)
	if err != nil {
		return err
	}
	doc, err := filing.MakeDossier(pf, filing.DossierOptions{Lang: lang, Today: dayOf(p.now()), Rules: p.rules})
	if err != nil {
		return err
	}
	p.auth.Audit(r, qantar.AuditExport, qantar.KindPerson, id, fmt.Sprintf("dossier %s %s", lang, format))
	return writeDocument(w, doc, format, fmt.Sprintf("dossier-person-%d-%s.%s", id, lang, format))
}

// writeDocument sends a document as a download that no cache keeps.
func writeDocument(w http.ResponseWriter, doc *filing.Document, format, name string) error {
	var buf bytes.Buffer
	if err := doc.Write(&buf, format); err != nil {
		return err
	}
	h := w.Header()
	if format == filing.FormatPDF {
		h.Set("Content-Type", "application/pdf")
	} else {
		h.Set("Content-Type", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
	}
	h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	h.Set("Cache-Control", "private, no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	_, err := w.Write(buf.Bytes())
	return err
}

// fileSafe is a case number fit for a file name (letters, digits, - and
// _), else the case's id.
func fileSafe(number string, id int64) string {
	out := make([]byte, 0, len(number))
	for _, c := range []byte(number) {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_':
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return itoa(id)
	}
	return string(out)
}
