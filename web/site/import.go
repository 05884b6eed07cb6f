package site

import (
	"bytes"
	"encoding/base64"
	"io"
	"net/http"
	"path"
	"strings"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/csvio"
	"github.com/qantar-project/qantar/web/httpx"
)

// The whole request, file and form, must fit httpx.MaxImportBody. After the dry
// run, the file goes back to the browser base64-encoded in the confirm form,
// which grows it by a third: only a small file (up to about 750 KiB, kind to
// slow links) is kept that way; a larger one has to be chosen again to
// confirm.
const importKeepMax = (httpx.MaxBody - 64<<10) / 4 * 3

// importView is the import form, and after an upload the dry run's report
// with a button that imports the same file for real.
type importView struct {
	base
	Kinds       []option
	Kind        qantar.Kind
	SkipInvalid bool
	DryRun      bool
	Problem     string
	Report      *csvio.Report
	FileName    string
	// Data is the uploaded file, base64, for the confirm form; empty when
	// the file is too large to send back and must be chosen again.
	Data      string
	Reupload  bool
	LimitKiB  int
	CanImport bool
	// Protection is the level of persons whose row sets none.
	Protection       string
	ProtectionChoice []option
	// A list (Kind "list"): its existing source or a new one's name, and
	// what each of the file's columns means, to choose after a check.
	IsList    bool
	Lists     []option
	ListName  string
	ListKey   string
	Columns   []listColumn
	RoleNames []option
}

// listColumn is a column of a list's file and the meaning chosen for it.
type listColumn struct {
	Index  int
	Header string
	Roles  []option
}

// kindList is the import form's choice of a list of persons.
const kindList = "list"

func (p *Site) newImport(r *http.Request, kind qantar.Kind) importView {
	pg := importView{base: p.newBase(r, ""), Kind: kind, DryRun: true, LimitKiB: httpx.MaxImportBody >> 10}
	pg.Title, pg.NoIndex = pg.T.S("Import a list"), true
	for _, k := range p.kinds {
		pg.Kinds = append(pg.Kinds, option{Value: string(k), Label: pg.T.KindLabel(k), Selected: k == kind})
	}
	pg.ProtectionChoice = protectionOptions(pg.T, "")
	pg.Kinds = append([]option{{Value: kindList, Label: pg.T.S("A list of persons (a victims' list)"), Selected: kind == kindList}}, pg.Kinds...)
	return pg
}

func (p *Site) importForm(w http.ResponseWriter, r *http.Request) error {
	if _, err := httpx.RequireWriter(r); err != nil {
		return err
	}
	pg := p.newImport(r, qantar.KindPerson)
	if err := p.listChoice(r, &pg); err != nil {
		return err
	}
	return p.render(w, r, http.StatusOK, "import", pg)
}

// importPost checks an uploaded file with a dry run and shows every problem;
// with confirm=1 it imports the file for real. Unticking "dry run" imports
// at once when the check finds nothing wrong.
func (p *Site) importPost(w http.ResponseWriter, r *http.Request) error {
	actor, err := httpx.RequireWriter(r)
	if err != nil {
		return err
	}
	pg := p.newImport(r, qantar.KindPerson)
	// Up to httpx.MaxBody in memory; the rest of a larger file in a temporary file.
	if err := r.ParseMultipartForm(httpx.MaxBody); err != nil {
		if qantar.ErrorCode(httpx.BodyError(err)) == qantar.ETOOLARGE {
			pg.Problem = pg.T.S("The upload is larger than %d KiB, the most this server accepts. Split the file and import the parts.", pg.LimitKiB)
			return p.render(w, r, http.StatusRequestEntityTooLarge, "import", pg)
		}
		return qantar.FieldErrorf("file", "the form is not a file upload (multipart/form-data): %v", err)
	}
	kind := qantar.Kind(r.PostFormValue("kind"))
	if kind == kindList {
		return p.importListPost(w, r, actor)
	}
	if !containsKind(p.kinds, kind) {
		return qantar.FieldErrorf("kind", "%q is not a kind of record", kind)
	}
	pg = p.newImport(r, kind)
	pg.SkipInvalid = r.PostFormValue("skip_invalid") == "1"
	pg.DryRun = r.PostFormValue("dry_run") == "1"
	confirm := r.PostFormValue("confirm") == "1"
	pg.Protection = r.PostFormValue("protection")
	if _, ok := qantar.LookupTerm("protection", pg.Protection); pg.Protection != "" && !ok {
		return qantar.FieldErrorf("protection", "%q is not a protection level", pg.Protection)
	}
	pg.ProtectionChoice = protectionOptions(pg.T, pg.Protection)
	data, name, err := uploaded(r)
	if err != nil {
		pg.Problem = pg.T.Err(err)
		return p.render(w, r, http.StatusBadRequest, "import", pg)
	}
	pg.FileName = name
	opts := csvio.Options{Actor: actor, SkipInvalid: pg.SkipInvalid, DryRun: true, Protection: pg.Protection}
	rep, err := csvio.Import(r.Context(), p.store, kind, bytes.NewReader(data), name, opts)
	if err == nil && (confirm || !pg.DryRun) && (rep.OK() || pg.SkipInvalid) {
		opts.DryRun = false
		rep, err = csvio.Import(r.Context(), p.store, kind, bytes.NewReader(data), name, opts)
	}
	if err != nil {
		return err // the store failed; problems with the file are in the report
	}
	return p.render(w, r, pg.show(rep, data), "import", pg)
}

// show puts a check's or an import's report on the page and, when nothing
// was written yet, keeps the file for the confirm form (or asks for it
// again when it is too large to keep); it returns the page's status.
func (pg *importView) show(rep *csvio.Report, data []byte) int {
	pg.Report = rep
	if rep.Written {
		return http.StatusOK
	}
	pg.CanImport = rep.OK() || (pg.SkipInvalid && rep.Created+rep.Updated > 0)
	if len(data) <= importKeepMax {
		pg.Data = base64.StdEncoding.EncodeToString(data)
	} else {
		pg.Reupload = true
	}
	if !rep.OK() {
		return http.StatusUnprocessableEntity
	}
	return http.StatusOK
}

// uploaded returns the file: the upload, or the base64 copy the confirm
// form sent back.
func uploaded(r *http.Request) ([]byte, string, error) {
	name := path.Base(strings.ReplaceAll(r.PostFormValue("filename"), `\`, "/"))
	if f, h, err := r.FormFile("file"); err == nil {
		defer f.Close()
		b, err := io.ReadAll(f)
		if err != nil {
			return nil, "", httpx.BodyError(err)
		}
		name = path.Base(strings.ReplaceAll(h.Filename, `\`, "/"))
		if len(b) == 0 {
			return nil, "", qantar.FieldErrorf("file", "the file %q is empty", name)
		}
		return b, name, nil
	}
	if v := r.PostFormValue("data"); v != "" {
		b, err := base64.StdEncoding.DecodeString(v)
		if err != nil {
			return nil, "", qantar.FieldErrorf("data", "the kept copy of the file is damaged; choose the file again")
		}
		if name == "." || name == "/" {
			name = "upload.csv"
		}
		return b, name, nil
	}
	return nil, "", qantar.FieldErrorf("file", "choose a file to import (CSV, TSV, XLSX or JSON)")
}

func containsKind(ks []qantar.Kind, k qantar.Kind) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}
