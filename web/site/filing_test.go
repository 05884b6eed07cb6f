package site_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/law"
	"github.com/qantar-project/qantar/web/htmltest"
)

// The tests of the case page's draft and "File it", the person page's
// dossier, the Atom feeds and the act page's Istanbul Protocol checklist
// (filing.go, feeds.go, istanbul.go). All their data is synthetic.

// download fetches a path and returns the status, the body and the headers.
func (fx *fixture) download(t *testing.T, c *http.Client, path string) (int, []byte, http.Header) {
	t.Helper()
	if c == nil {
		c = noRedirect()
	}
	resp, err := c.Get(fx.srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b, resp.Header
}

// docxWords unzips a DOCX, parses its document.xml and returns its text,
// words separated by single spaces.
func docxWords(t *testing.T, b []byte) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("the DOCX is not a zip archive: %v", err)
	}
	var doc []byte
	for _, f := range zr.File {
		if f.Name == "word/document.xml" {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			doc, _ = io.ReadAll(rc)
			rc.Close()
		}
	}
	if doc == nil {
		t.Fatal("the DOCX has no word/document.xml")
	}
	dec := xml.NewDecoder(bytes.NewReader(doc))
	var words []string
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("word/document.xml is not XML: %v", err)
		}
		if cd, ok := tok.(xml.CharData); ok {
			words = append(words, strings.Fields(string(cd))...)
		}
	}
	return strings.Join(words, " ")
}

// pdfWords checks the PDF header and reads the text back with poppler's
// pdftotext.
func pdfWords(t *testing.T, b []byte) string {
	t.Helper()
	if !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", b[:min(len(b), 16)])
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Fatal("pdftotext (Debian poppler-utils) is needed: .ci/run installs it")
	}
	path := filepath.Join(t.TempDir(), "d.pdf")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v: %s", err, out)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

func (fx *fixture) signedIn(t *testing.T, name, role string) *http.Client {
	t.Helper()
	secret := fx.account(t, name, role)
	c := client()
	fx.signIn(t, c, name, secret, time.Now())
	return c
}

func (fx *fixture) complaintsOf(t *testing.T, caseID int64) []*qantar.Complaint {
	t.Helper()
	recs, _, err := fx.db.List(context.Background(), qantar.KindComplaint, qantar.Filter{Reader: qantar.System, Limit: qantar.MaxLimit,
		Where: map[string]string{"case_id": itoa(caseID)}})
	if err != nil {
		t.Fatal(err)
	}
	out := make([]*qantar.Complaint, len(recs))
	for i, r := range recs {
		out[i] = r.(*qantar.Complaint)
	}
	return out
}

// TestCaseDraftDownload: an editor finds the draft form on a case page and
// downloads the draft as DOCX and PDF, each holding the kind's legal basis
// from the rules; viewers and anonymous readers get neither form nor file.
func TestCaseDraftDownload(t *testing.T) {
	fx := newFixture(t)
	caseID := itoa(fx.ids["case"])
	rules, _ := law.DefaultRegistry().Get("kz")
	kind, _ := rules.Kind("cpc-106")
	basis := strings.Join(strings.Fields(kind.Basis.In("ru")), " ")
	ed := fx.signedIn(t, "draft-editor", qantar.RoleEditor)

	_, body, _ := fx.get(t, ed, "/cases/"+caseID+"?lang=ru")
	doc := htmltest.Parse(t, body)
	form := htmltest.One(t, doc, "#draft form[action='/cases/"+caseID+"/draft']")
	if htmltest.Attr(form, "method") != "get" {
		t.Errorf("the draft form's method is %q, want get", htmltest.Attr(form, "method"))
	}
	kinds := map[string]bool{}
	for _, o := range htmltest.All(t, form, "select[name=kind] option") {
		kinds[htmltest.Attr(o, "value")] = true
	}
	for _, k := range rules.KindCodes() {
		if !kinds[k] {
			t.Errorf("the draft form offers no kind %s", k)
		}
	}
	file := htmltest.One(t, form, "button[formaction='/cases/"+caseID+"/file']")
	if htmltest.Attr(file, "formmethod") != "post" {
		t.Errorf("File it is not a POST")
	}
	htmltest.One(t, doc, "head link[rel=alternate][type='application/atom+xml'][href^='/cases/"+caseID+"/feed.atom']")

	for _, format := range []string{"docx", "pdf"} {
		status, b, h := fx.download(t, ed, "/cases/"+caseID+"/draft?kind=cpc-106&lang=ru&format="+format)
		if status != http.StatusOK {
			t.Fatalf("%s: status %d: %s", format, status, b)
		}
		if cd := h.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, "."+format) {
			t.Errorf("%s: Content-Disposition %q", format, cd)
		}
		if !strings.Contains(h.Get("Cache-Control"), "no-store") {
			t.Errorf("%s: Cache-Control %q, want no-store", format, h.Get("Cache-Control"))
		}
		var text string
		if format == "docx" {
			text = docxWords(t, b)
		} else {
			text = pdfWords(t, b)
		}
		for _, want := range []string{basis, "SYN-225500031000017"} {
			if !strings.Contains(text, want) {
				t.Errorf("%s: the draft does not hold %q:\n%s", format, want, text)
			}
		}
	}
	// Bad input is refused in the reader's language.
	status, b, _ := fx.download(t, ed, "/cases/"+caseID+"/draft?kind=cpc-106&lang=ru&format=odt")
	if status != http.StatusBadRequest || !strings.Contains(string(b), "не docx и не pdf") {
		t.Errorf("format odt: status %d, want 400 said in Russian\n%s", status, b)
	}

	viewer := fx.signedIn(t, "draft-viewer", qantar.RoleViewer)
	for _, c := range []struct {
		name   string
		client *http.Client
		status int
	}{{"viewer", viewer, http.StatusForbidden}, {"anonymous", nil, http.StatusSeeOther}} {
		_, body, _ := fx.get(t, c.client, "/cases/"+caseID)
		htmltest.None(t, htmltest.Parse(t, body), "#draft, form[action$='/draft'], button[formaction$='/file']")
		status, b, h := fx.download(t, c.client, "/cases/"+caseID+"/draft?kind=cpc-106&lang=ru&format=docx")
		if status != c.status || strings.HasPrefix(h.Get("Content-Disposition"), "attachment") {
			t.Errorf("%s: draft status %d (%s), want %d and no file", c.name, status, h.Get("Content-Disposition"), c.status)
		}
		_ = b
	}
}

// TestCaseFileIt: "File it" records one complaint and goes to its page; the
// second POST of a double click, and two at once, record nothing more;
// viewers and anonymous readers are refused and nothing is written.
func TestCaseFileIt(t *testing.T) {
	fx := newFixture(t)
	caseID := fx.ids["case"]
	path := "/cases/" + itoa(caseID) + "/file"
	form := url.Values{"kind": {"cpc-106"}, "lang": {"ru"}, "format": {"docx"}}
	before := len(fx.complaintsOf(t, caseID))

	viewer := fx.signedIn(t, "file-viewer", qantar.RoleViewer)
	for _, c := range []struct {
		name   string
		client *http.Client
		status int
	}{{"viewer", viewer, http.StatusForbidden}, {"anonymous", noRedirect(), http.StatusUnauthorized}} {
		if status, _, _ := fx.post(t, c.client, path, form); status != c.status {
			t.Errorf("%s: status %d, want %d", c.name, status, c.status)
		}
	}
	if n := len(fx.complaintsOf(t, caseID)); n != before {
		t.Fatalf("refused filings wrote %d complaints", n-before)
	}

	ed := fx.signedIn(t, "file-editor", qantar.RoleEditor)
	status, _, resp := fx.post(t, ed, path, form)
	if status != http.StatusSeeOther {
		t.Fatalf("File it: status %d, want 303", status)
	}
	loc := resp.Header.Get("Location")
	after := fx.complaintsOf(t, caseID)
	if len(after) != before+1 {
		t.Fatalf("File it wrote %d complaints, want 1", len(after)-before)
	}
	var filed *qantar.Complaint
	for _, c := range after {
		if c.ComplaintKind == "cpc-106" && c.FiledOn == qantar.DayOf(time.Now()) {
			filed = c
		}
	}
	if filed == nil || loc != "/complaints/"+itoa(filed.ID) {
		t.Fatalf("File it went to %q; the complaint filed is %+v", loc, filed)
	}
	// The double click: again, and twice at once.
	var wg sync.WaitGroup
	locs := make([]string, 3)
	for i := range locs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, resp := fx.post(t, ed, path, form)
			locs[i] = resp.Header.Get("Location")
		}()
		if i == 0 {
			wg.Wait()
		}
	}
	wg.Wait()
	if n := len(fx.complaintsOf(t, caseID)); n != before+1 {
		t.Errorf("a double click wrote %d complaints, want 1", n-before)
	}
	for _, l := range locs {
		if l != loc {
			t.Errorf("a second filing went to %q, want the complaint filed, %q", l, loc)
		}
	}
	_, body, _ := fx.get(t, ed, loc)
	if got := htmltest.Text(htmltest.One(t, htmltest.Parse(t, body), "h1")); got == "" {
		t.Errorf("the complaint's page has no title")
	}
}

// TestCaseDraftMissing: a case that records no termination says, on its
// page, that the kinds complaining of one lack it.
func TestCaseDraftMissing(t *testing.T) {
	fx := newFixture(t)
	id := fx.create(t, &qantar.Case{Number: "SYN-OPEN-1", Jurisdiction: "kz", OpenedOn: qantar.MustDate("2022-02-01"),
		Steps: []qantar.CaseEvent{{Step: "registered", Date: qantar.MustDate("2022-02-01")}}})
	ed := fx.signedIn(t, "missing-editor", qantar.RoleEditor)
	_, body, _ := fx.get(t, ed, "/cases/"+itoa(id)+"?lang=ru")
	items := htmltest.Texts(t, htmltest.Parse(t, body), "#draft .missing li")
	found := false
	for _, it := range items {
		found = found || strings.Contains(it, "(cpc-106)")
	}
	if !found {
		t.Errorf("the page does not say that cpc-106 lacks the termination: %q", items)
	}
	// A closed case lacks nothing for cpc-106.
	_, body, _ = fx.get(t, ed, "/cases/"+itoa(fx.ids["case"])+"?lang=ru")
	for _, it := range htmltest.Texts(t, htmltest.Parse(t, body), "#draft .missing li") {
		if strings.Contains(it, "(cpc-106)") {
			t.Errorf("a terminated case is said to lack what cpc-106 complains of: %q", it)
		}
	}
}
