package site_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/xml"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/report"
	"github.com/qantar-project/qantar/web/htmltest"
)

func marker(t *testing.T) string {
	t.Helper()
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return "mark" + hex.EncodeToString(b)
}

// TestIstanbulChecklistOnActPage: a torture act with three of the ten
// items answered with sources shows ten rows, seven unknown, each answered
// one with its source as a link; the closure of its case shows what the
// record documents against it.
func TestIstanbulChecklistOnActPage(t *testing.T) {
	fx := newFixture(t)
	src := fx.anySource(t)
	answers := []qantar.ChecklistAnswer{
		{Item: "exam_requested", Answer: "yes", SourceID: src},
		{Item: "injuries_photographed", Answer: "yes", SourceID: src},
		{Item: "exam_independent", Answer: "no", SourceID: src},
		{Item: "account_recorded", Answer: "yes"}, // no source: a draft, not counted
	}
	act := fx.create(t, &qantar.Act{VictimID: fx.ids["public"], ActType: "torture", Date: qantar.MustDate("2022-01-07"), Istanbul: answers})
	fx.create(t, &qantar.Case{Number: "SYN-TORTURE-1", Jurisdiction: "kz", OpenedOn: qantar.MustDate("2022-02-01"), ActIDs: []int64{act},
		Steps: []qantar.CaseEvent{{Step: "registered", Date: qantar.MustDate("2022-02-01")},
			{Step: "terminated", Date: qantar.MustDate("2022-08-01"), Ground: "cpc-35-1-1", SourceID: src}}})
	for _, lang := range []string{"en", "ru", "kk"} {
		_, body, _ := fx.get(t, nil, "/acts/"+itoa(act)+"?lang="+lang)
		doc := htmltest.Parse(t, body)
		rows := htmltest.All(t, doc, "#istanbul tr.item")
		if len(rows) != len(report.IstanbulItems) {
			t.Fatalf("%s: %d checklist rows, want %d", lang, len(rows), len(report.IstanbulItems))
		}
		if n := len(htmltest.All(t, doc, "#istanbul tr.state-unknown")); n != 7 {
			t.Errorf("%s: %d items unknown, want 7", lang, n)
		}
		for _, code := range []string{"exam_requested", "injuries_photographed", "exam_independent"} {
			htmltest.One(t, doc, "#istanbul tr[data-item="+code+"] td .sources a[href='/sources/"+itoa(src)+"']")
		}
		htmltest.One(t, doc, "#istanbul tr.state-no[data-item=exam_independent]")
		htmltest.None(t, doc, "#minnesota") // not a killing
		// The raw answers are not shown a second time as a field.
		for _, f := range htmltest.Texts(t, doc, "dl.fields dd") {
			if strings.Contains(f, "exam_requested") {
				t.Errorf("%s: the answers are shown raw: %q", lang, f)
			}
		}
		htmltest.One(t, doc, "#sufficiency .closures a[href^='/cases/']")
		if got := len(htmltest.All(t, doc, "#sufficiency .documented li")); got != 2 {
			t.Errorf("%s: %d items documented against the closure, want 2", lang, got)
		}
		htmltest.One(t, doc, "#sufficiency .not-done li")
		if got := len(htmltest.All(t, doc, "#sufficiency .missing li")); got != 7 {
			t.Errorf("%s: %d items missing, want 7", lang, got)
		}
	}
	// A killing shows the Minnesota checklist in the same rendering.
	_, body, _ := fx.get(t, nil, "/acts/"+itoa(fx.ids["act1"]))
	doc := htmltest.Parse(t, body)
	if n := len(htmltest.All(t, doc, "#minnesota tr.item")); n != len(report.MinnesotaItems) {
		t.Errorf("a killing shows %d Minnesota items, want %d", n, len(report.MinnesotaItems))
	}
	htmltest.None(t, doc, "#istanbul")
}

// TestFilingsProtected: the public feeds of a restricted person and of their
// case hold none of the marker words written into that person's describing
// fields (an editor's do: the test can fail); an anonymous reader gets no
// dossier; a viewer's dossier names the restricted person and not the
// confidential one, an editor's names both.
func TestFilingsProtected(t *testing.T) {
	fx := newFixture(t)
	name, desc, method, subject := marker(t), marker(t), marker(t), marker(t)
	marks := []string{name, desc, method, subject}
	person := fx.create(t, &qantar.Person{Protection: qantar.Restricted, Names: []qantar.Name{{Value: "Synthetic " + name}},
		Description: qantar.Text{"en": desc}})
	act := fx.create(t, &qantar.Act{VictimID: person, ActType: "torture", Method: method, Date: qantar.MustDate("2022-01-07"),
		Description: qantar.Text{"en": desc}})
	cs := fx.create(t, &qantar.Case{Number: "SYN-PROT-1", Jurisdiction: "kz", OpenedOn: qantar.MustDate("2022-02-01"), ActIDs: []int64{act},
		Participants: []qantar.Participant{{PersonID: person, Role: "victim"}},
		Steps:        []qantar.CaseEvent{{Step: "registered", Date: qantar.MustDate("2022-02-01")}}})
	fx.create(t, &qantar.Complaint{ComplaintKind: "cpc-106", Jurisdiction: "kz", FiledOn: qantar.DayOf(time.Now().AddDate(0, 0, -2)),
		FilerID: person, FilerRole: "victim", CaseID: cs, Subject: qantar.Text{"en": subject}})
	ed := fx.signedIn(t, "prot-editor", qantar.RoleEditor)
	viewer := fx.signedIn(t, "prot-viewer", qantar.RoleViewer)

	for _, path := range []string{"/persons/" + itoa(person) + "/feed.atom", "/cases/" + itoa(cs) + "/feed.atom"} {
		status, b, h := fx.download(t, nil, path)
		if status != http.StatusOK || !strings.HasPrefix(h.Get("Content-Type"), "application/atom+xml") {
			t.Fatalf("%s: status %d, %s\n%s", path, status, h.Get("Content-Type"), b)
		}
		var feed struct {
			Entries []struct {
				Title string `xml:"title"`
			} `xml:"entry"`
		}
		if err := xml.Unmarshal(b, &feed); err != nil || len(feed.Entries) == 0 {
			t.Fatalf("%s: not an Atom feed with the complaint due (%v):\n%s", path, err, b)
		}
		for _, m := range marks {
			if strings.Contains(string(b), m) {
				t.Errorf("the public feed %s holds the marker %s", path, m)
			}
		}
		// Fetched again, from the cache: the same bytes.
		if _, again, _ := fx.download(t, nil, path); string(again) != string(b) {
			t.Errorf("%s: a second fetch differs", path)
		}
	}
	_, b, _ := fx.download(t, ed, "/persons/"+itoa(person)+"/feed.atom")
	if !strings.Contains(string(b), subject) {
		t.Errorf("the editor's feed does not hold the complaint's subject: the markers would not show a leak")
	}
	// The editor was shown the restricted person: audited, as their page is.
	entries, _, err := fx.db.ListAudit(context.Background(), 1000, 0)
	if err != nil {
		t.Fatal(err)
	}
	audited := false
	for _, e := range entries {
		audited = audited || (e.Action == qantar.AuditView && e.Kind == qantar.KindPerson && e.RecordID == person && e.Actor != "")
	}
	if !audited {
		t.Errorf("the editor's feed of a restricted person is not audited")
	}
	_, body, _ := fx.get(t, nil, "/persons/"+itoa(person))
	htmltest.None(t, htmltest.Parse(t, body), "#dossier")
	htmltest.One(t, htmltest.Parse(t, body), "head link[type='application/atom+xml'][href^='/persons/"+itoa(person)+"/feed.atom']")
	if status, _, h := fx.download(t, nil, "/persons/"+itoa(person)+"/dossier?lang=ru&format=docx"); status == http.StatusOK || h.Get("Content-Disposition") != "" {
		t.Errorf("an anonymous reader got a dossier: status %d", status)
	}
	_, body, _ = fx.get(t, viewer, "/persons/"+itoa(fx.ids["public"]))
	htmltest.One(t, htmltest.Parse(t, body), "#dossier form[action='/persons/"+itoa(fx.ids["public"])+"/dossier']")
	for _, c := range []struct {
		who                        string
		client                     *http.Client
		restricted, confidentialOK bool
	}{{"viewer", viewer, true, false}, {"editor", ed, true, true}} {
		status, b, _ := fx.download(t, c.client, "/persons/"+itoa(person)+"/dossier?lang=en&format=docx")
		if status != http.StatusOK {
			t.Fatalf("%s: dossier status %d: %s", c.who, status, b)
		}
		if got := strings.Contains(docxWords(t, b), name); got != c.restricted {
			t.Errorf("%s: the dossier names the restricted person: %v, want %v", c.who, got, c.restricted)
		}
		status, b, _ = fx.download(t, c.client, "/persons/"+itoa(fx.ids["confidential"])+"/dossier?lang=en&format=pdf")
		if status != http.StatusOK {
			t.Fatalf("%s: dossier status %d: %s", c.who, status, b)
		}
		if got := strings.Contains(pdfWords(t, b), confidentialName); got != c.confidentialOK {
			t.Errorf("%s: the dossier names the confidential person: %v, want %v", c.who, got, c.confidentialOK)
		}
	}
}

// englishOfFilings are the English words of the new sections: none may be
// on a kk or ru page.
var englishOfFilings = []string{"Deadlines feed", "Draft a complaint", "Kind of complaint", "Language of the document", "Format",
	"Download the draft", "File it", "Filing it records", "The case does not record", "Dossier for a UN", "Download the dossier",
	"Made from the records", "Istanbul Protocol", "Minnesota Protocol", "Answered with a source", "Item", "Answer and its sources",
	"The evidence and the closures", "terminated on", "Documented with sources", "Not done", "Not answered", "Yes", "No", "Unknown", "Disputed"}

// TestFilingsTranslated: the case, person and act pages' new sections in kk
// and ru hold no English word of theirs (and do in en: the test can fail).
func TestFilingsTranslated(t *testing.T) {
	fx := newFixture(t)
	src := fx.anySource(t)
	act := fx.create(t, &qantar.Act{VictimID: fx.ids["public"], ActType: "torture", Date: qantar.MustDate("2022-01-07"),
		Istanbul: []qantar.ChecklistAnswer{{Item: "exam_requested", Answer: "yes", SourceID: src}, {Item: "exam_performed", Answer: "no", SourceID: src}}})
	fx.create(t, &qantar.Case{Number: "SYN-TR-1", Jurisdiction: "kz", OpenedOn: qantar.MustDate("2022-02-01"), ActIDs: []int64{act},
		Steps: []qantar.CaseEvent{{Step: "terminated", Date: qantar.MustDate("2022-08-01"), Ground: "cpc-35-1-1"}}})
	open := fx.create(t, &qantar.Case{Number: "SYN-TR-2", Jurisdiction: "kz", OpenedOn: qantar.MustDate("2022-02-01"),
		Steps: []qantar.CaseEvent{{Step: "registered", Date: qantar.MustDate("2022-02-01")}}})
	ed := fx.signedIn(t, "tr-editor", qantar.RoleEditor)
	sections := "#draft, #dossier, #istanbul, #minnesota, #sufficiency, .feed"
	for _, lang := range []string{"en", "ru", "kk"} {
		var text []string
		for _, path := range []string{"/cases/" + itoa(open), "/persons/" + itoa(fx.ids["public"]), "/acts/" + itoa(act), "/acts/" + itoa(fx.ids["act1"])} {
			_, body, _ := fx.get(t, ed, path+"?lang="+lang)
			doc := htmltest.Parse(t, body)
			for _, n := range htmltest.All(t, doc, sections) {
				text = append(text, htmltest.Text(n))
			}
			for _, n := range htmltest.All(t, doc, "head link[rel=alternate]") {
				text = append(text, htmltest.Attr(n, "title"))
			}
		}
		all := " " + strings.Join(text, " ") + " "
		if len(text) < 8 {
			t.Fatalf("%s: only %d sections found", lang, len(text))
		}
		for _, en := range englishOfFilings {
			has := strings.Contains(all, " "+en+" ") || strings.Contains(all, " "+en+":") || strings.Contains(all, en+" ")
			if lang == "en" {
				continue
			}
			if has {
				t.Errorf("%s: the page says %q in English", lang, en)
			}
		}
		if lang == "en" && !strings.Contains(all, "Draft a complaint") {
			t.Errorf("en: the sections are not there: %s", all)
		}
	}
}
