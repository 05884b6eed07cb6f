package site

import (
	"net/http"

	"github.com/qantar-project/qantar"
)

// Routes registers every page of the site on mux.
func (p *Site) Routes(mux *http.ServeMux) {
	mux.Handle("GET /{$}", p.page(p.index))
	mux.Handle("GET /static/{sum}/{name}", p.page(p.static))
	mux.Handle("POST /lang", p.page(p.setLang))
	mux.Handle("GET /search", p.page(p.search))
	mux.Handle("GET /victims", p.page(p.victims))
	mux.Handle("GET /stats", p.page(p.stats))
	mux.Handle("GET /command", p.page(p.commandPage))
	mux.Handle("GET /map", p.page(p.mapPage))
	// Every kind has a list (with ?format=csv|json downloads), a page per
	// record, and that record's history (?from=&to= compares two versions).
	for _, k := range p.kinds {
		mux.Handle("GET /"+string(k), p.page(p.list(k)))
		if k == qantar.KindFile { // /files/{sha256} is the file itself (files.go)
			mux.Handle("GET /files/{id}", p.page(p.fileOrRecord))
			mux.Handle("GET /captures/{sha}/", p.page(p.captureReplay))
			mux.Handle("POST /sources/{id}/files", p.page(p.addFile))
		} else {
			mux.Handle("GET /"+string(k)+"/{id}", p.page(p.record(k)))
		}
		mux.Handle("GET /"+string(k)+"/{id}/history", p.page(p.history(k)))
	}
	// Filings (docs/FILINGS.md): a case's draft complaint and filing it, a
	// person's dossier, and the Atom feeds of what is due.
	mux.Handle("GET /cases/{id}/draft", p.page(p.caseDraft))
	mux.Handle("POST /cases/{id}/file", p.page(p.caseFile))
	mux.Handle("GET /persons/{id}/dossier", p.page(p.personDossier))
	mux.Handle("GET /cases/{id}/feed.atom", p.page(p.feed(qantar.KindCase)))
	mux.Handle("GET /persons/{id}/feed.atom", p.page(p.feed(qantar.KindPerson)))
	mux.Handle("GET /login", p.page(p.loginForm))
	mux.Handle("POST /login", p.page(p.login))
	mux.Handle("POST /logout", p.page(p.logout))
	// The editors' workspace: a form per kind (a person has real fields,
	// the others their JSON), and citing a source for a record or a field.
	mux.Handle("GET /edit", p.page(p.workspace))
	mux.Handle("GET /edit/death", p.page(p.deathForm))
	mux.Handle("POST /edit/death", p.page(p.deathSave))
	mux.Handle("GET /import", p.page(p.importForm))
	mux.Handle("POST /import", p.page(p.importPost))
	mux.Handle("GET /linkage", p.page(p.linkageReview))
	mux.Handle("GET /lists/compare", p.page(p.listsCompare))
	mux.Handle("POST /linkage/merge", p.page(p.linkageMerge))
	for _, k := range p.kinds {
		newForm, newSave := p.page(p.editNew(k)), p.page(p.editSave(k))
		if k == qantar.KindFile { // a file comes with its bytes, from its source's page (files.go)
			newForm, newSave = p.page(p.noNewFile), p.page(p.noNewFile)
		}
		mux.Handle("GET /edit/"+string(k)+"/new", newForm)
		mux.Handle("POST /edit/"+string(k)+"/new", newSave)
		mux.Handle("GET /edit/"+string(k)+"/{id}", p.page(p.editForm(k)))
		mux.Handle("POST /edit/"+string(k)+"/{id}", p.page(p.editSave(k)))
		mux.Handle("POST /edit/"+string(k)+"/{id}/cite", p.page(p.cite(k)))
		mux.Handle("POST /edit/"+string(k)+"/{id}/delete", p.page(p.deleteRecord(k)))
	}
	// Accounts and the audit log, for admins.
	mux.Handle("GET /admin/users", p.page(p.adminUsers))
	mux.Handle("POST /admin/users", p.page(p.adminAddUser))
	mux.Handle("POST /admin/users/{id}", p.page(p.adminUpdateUser))
	mux.Handle("GET /admin/audit", p.page(p.adminAudit))
}
