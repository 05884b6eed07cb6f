package site_test

import (
	"context"
	"fmt"
	stdhtml "html"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/law"
	"github.com/qantar-project/qantar/sqlite"
	"github.com/qantar-project/qantar/web"
)

// The editors' forms of cases and complaints: lists (steps, participants,
// responses) are rows of inputs named as the API names the items' fields,
// posted as plain HTML forms. All data here is synthetic.

var (
	reForm     = regexp.MustCompile(`(?s)<form method="post" class="form" action="([^"]*)">(.*?)</form>`)
	reInput    = regexp.MustCompile(`<input([^>]*)>`)
	reSelect   = regexp.MustCompile(`(?s)<select name="([^"]*)">(.*?)</select>`)
	reOption   = regexp.MustCompile(`<option value="([^"]*)"( selected)?>`)
	reTextarea = regexp.MustCompile(`(?s)<textarea name="([^"]*)"[^>]*>(.*?)</textarea>`)
	reAttr     = regexp.MustCompile(`(\w+)="([^"]*)"`)
)

// formOf reads the form posting to action from a page as a browser without
// JavaScript would post it (no submit button pressed): every input, the
// selected option of every select, every textarea.
func formOf(t *testing.T, body, action string) url.Values {
	t.Helper()
	for _, m := range reForm.FindAllStringSubmatch(body, -1) {
		if stdhtml.UnescapeString(m[1]) != action {
			continue
		}
		vals := url.Values{}
		for _, in := range reInput.FindAllStringSubmatch(m[2], -1) {
			attrs := map[string]string{}
			for _, a := range reAttr.FindAllStringSubmatch(in[1], -1) {
				attrs[a[1]] = stdhtml.UnescapeString(a[2])
			}
			if attrs["name"] == "" || (attrs["type"] == "checkbox" && !strings.Contains(in[1], " checked")) {
				continue
			}
			vals.Add(attrs["name"], attrs["value"])
		}
		for _, sel := range reSelect.FindAllStringSubmatch(m[2], -1) {
			opts := reOption.FindAllStringSubmatch(sel[2], -1)
			if len(opts) == 0 {
				continue
			}
			v := opts[0][1]
			for _, o := range opts {
				if o[2] != "" {
					v = o[1]
				}
			}
			vals.Add(stdhtml.UnescapeString(sel[1]), stdhtml.UnescapeString(v))
		}
		for _, ta := range reTextarea.FindAllStringSubmatch(m[2], -1) {
			vals.Add(stdhtml.UnescapeString(ta[1]), stdhtml.UnescapeString(ta[2]))
		}
		return vals
	}
	t.Fatalf("no form posting to %s", action)
	return nil
}

// errorNextTo returns the field error shown in the same cell as the input
// named name ("" if none), and the value the input holds.
func errorNextTo(t *testing.T, body, name string) (msg, value string) {
	t.Helper()
	i := strings.Index(body, `name="`+name+`"`)
	if i < 0 {
		t.Fatalf("no input %s in the page", name)
	}
	cell := body[i:]
	if end := strings.Index(cell, "</div>"); end >= 0 {
		cell = cell[:end]
	}
	if m := regexp.MustCompile(`^name="[^"]*" value="([^"]*)"`).FindStringSubmatch(cell); m != nil {
		value = stdhtml.UnescapeString(m[1])
	} else if m := regexp.MustCompile(`<option value="([^"]*)" selected>`).FindStringSubmatch(cell); m != nil {
		value = stdhtml.UnescapeString(m[1])
	}
	if m := regexp.MustCompile(`<span class="field-error">([^<]*)</span>`).FindStringSubmatch(cell); m != nil {
		msg = stdhtml.UnescapeString(m[1])
	}
	return msg, value
}

// rowsOf counts the rows of a list in a form.
func rowsOf(vals url.Values, list, field string) int {
	n := 0
	for k := range vals {
		if strings.HasPrefix(k, list+"[") && strings.HasSuffix(k, "]."+field) {
			n++
		}
	}
	return n
}

// canonical is a record's content as the log commits to it, without its
// version (compared on its own).
func canonical(t *testing.T, rec qantar.Record) string {
	t.Helper()
	b, err := qantar.Canonical(rec)
	if err != nil {
		t.Fatal(err)
	}
	v := fmt.Sprintf(`"version":%d,`, rec.GetMeta().Version)
	return strings.Replace(string(b), v, "", 1)
}

func (fx *fixture) editor(t *testing.T, name string, at time.Time) *http.Client {
	t.Helper()
	secret := fx.account(t, name, qantar.RoleEditor)
	c := client()
	fx.signIn(t, c, name, secret, at)
	return c
}

func (fx *fixture) count(t *testing.T, kind qantar.Kind) int {
	t.Helper()
	recs, _, err := fx.db.List(context.Background(), kind, qantar.Filter{Limit: 10000, Reader: qantar.System})
	if err != nil {
		t.Fatal(err)
	}
	return len(recs)
}

func needsNoScript(t *testing.T, what, body string) {
	t.Helper()
	for _, bad := range []string{"<script", "javascript:", " onclick=", " onchange=", " onsubmit="} {
		if strings.Contains(strings.ToLower(body), bad) {
			t.Errorf("%s needs JavaScript: it holds %q", what, bad)
		}
	}
}

// TestCaseFormCreate: an editor creates a case with two steps and a
// participant through the form, with no JSON; blank rows, even between
// filled ones, are dropped and the order kept.
func TestCaseFormCreate(t *testing.T) {
	fx := newFixture(t)
	ed := fx.editor(t, "synthetic-case-editor", time.Now())
	status, body, _ := fx.get(t, ed, "/edit/cases/new")
	if status != http.StatusOK {
		t.Fatalf("new case form: %d", status)
	}
	needsNoScript(t, "the new case form", body)
	if strings.Contains(body, `name="json"`) {
		t.Errorf("the case form is a JSON textarea")
	}
	form := formOf(t, body, "/edit/cases/new")
	for _, name := range []string{"number", "authority_id", "opened_on", "summary.en", "articles[0]", "act_ids[1]",
		"participants[1].person_id", "steps[0].step", "steps[1].date", "steps[1].ground"} {
		if _, ok := form[name]; !ok {
			t.Errorf("the new case form has no input %s", name)
		}
	}
	src := fx.anySource(t)
	form.Set("number", "SYN-FORM-0001")
	form.Set("authority_id", itoa(fx.ids["unit"]))
	form.Set("opened_on", "2022-01-12")
	form.Set("articles[1]", "146-2") // the first row left blank
	form.Set("act_ids[0]", itoa(fx.ids["act3"]))
	form.Set("participants[1].person_id", itoa(fx.ids["restricted"]))
	form.Set("participants[1].role", "victim")
	form.Set("participants[1].since", "2022-01-12")
	form.Set("steps[0].step", "registered")
	form.Set("steps[0].date", "2022-01-12")
	// steps[1] left blank; steps[2] is the second step.
	form.Set("steps[2].step", "terminated")
	form.Set("steps[2].date", "2023-02-01")
	form.Set("steps[2].ground", "cpc-35-1-2")
	form.Set("steps[2].source_id", itoa(src))
	form.Set("steps[2].note.ru", "Синтетическое примечание")
	form.Set("summary.en", "Synthetic case created through the form")
	before := fx.count(t, qantar.KindCase)
	status, body, resp := fx.post(t, ed, "/edit/cases/new", form)
	if status != http.StatusSeeOther {
		t.Fatalf("create case: status %d\n%s", status, body)
	}
	if fx.count(t, qantar.KindCase) != before+1 {
		t.Fatalf("not exactly one case was created")
	}
	id := idOf(t, resp.Header.Get("Location"), "/cases/")
	got, err := fx.db.Get(context.Background(), qantar.KindCase, id)
	if err != nil {
		t.Fatal(err)
	}
	want := &qantar.Case{Number: "SYN-FORM-0001", AuthorityID: fx.ids["unit"], OpenedOn: qantar.MustDate("2022-01-12"),
		Articles:     []string{"146-2"},
		ActIDs:       []int64{fx.ids["act3"]},
		Participants: []qantar.Participant{{PersonID: fx.ids["restricted"], Role: "victim", Since: qantar.MustDate("2022-01-12")}},
		Steps: []qantar.CaseEvent{{Step: "registered", Date: qantar.MustDate("2022-01-12")},
			{Step: "terminated", Date: qantar.MustDate("2023-02-01"), Ground: "cpc-35-1-2", SourceID: src, Note: qantar.Text{"ru": "Синтетическое примечание"}}},
		Summary: qantar.Text{"en": "Synthetic case created through the form"}}
	want.Meta = *got.GetMeta()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("stored case\n got %s\nwant %s", canonical(t, got), canonical(t, want))
	}
	if got.GetMeta().Version != 1 {
		t.Errorf("a new case at version %d", got.GetMeta().Version)
	}
}

// TestCaseFormEdit: the form of a case holds its steps; adding a step in
// an empty row appends it as a new version; the form posted back unchanged
// keeps the content, a ground of older rules included.
func TestCaseFormEdit(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	ed := fx.editor(t, "synthetic-step-editor", time.Now())
	path := "/edit/cases/" + itoa(fx.ids["case"])
	orig, _ := fx.db.Get(ctx, qantar.KindCase, fx.ids["case"])
	_, body, _ := fx.get(t, ed, path)
	needsNoScript(t, "the case form", body)
	form := formOf(t, body, path)
	for name, want := range map[string]string{"number": "SYN-225500031000017", "steps[0].step": "registered",
		"steps[0].date": "2022-01-10", "steps[1].step": "terminated", "steps[1].date": "2023-03-01",
		"steps[1].ground": "cpc-35-1-1", "participants[0].role": "victim", "participants[1].person_id": itoa(fx.ids["public"]),
		"act_ids[1]": itoa(fx.ids["act2"]), "steps[2].step": "", "steps[3].date": "", "version": "1"} {
		if got := form.Get(name); got != want {
			t.Errorf("input %s holds %q, want %q", name, got, want)
		}
	}
	if _, ok := form["steps[4].step"]; ok {
		t.Errorf("more than two empty step rows")
	}
	form.Set("steps[2].step", "reopened")
	form.Set("steps[2].date", "2023-06-01")
	form.Set("steps[2].note.en", "Synthetic reopening")
	if status, body, _ := fx.post(t, ed, path, form); status != http.StatusSeeOther {
		t.Fatalf("add a step: status %d\n%s", status, body)
	}
	got, _ := fx.db.Get(ctx, qantar.KindCase, fx.ids["case"])
	c := got.(*qantar.Case)
	if c.Version != 2 || len(c.Steps) != 3 {
		t.Fatalf("after adding a step: version %d, %d steps", c.Version, len(c.Steps))
	}
	want := *orig.(*qantar.Case)
	want.Steps = append(append([]qantar.CaseEvent{}, want.Steps...), qantar.CaseEvent{Step: "reopened", Date: qantar.MustDate("2023-06-01"), Note: qantar.Text{"en": "Synthetic reopening"}})
	want.Meta = c.Meta
	if !reflect.DeepEqual(c, &want) {
		t.Errorf("stored case\n got %s\nwant %s", canonical(t, c), canonical(t, &want))
	}

	// A case whose ground the rules no longer list, and a note in a
	// language the interface does not have: the form keeps both.
	old := &qantar.Case{Number: "SYN-OLD-RULES", Jurisdiction: "kz",
		Steps: []qantar.CaseEvent{{Step: "registered", Date: qantar.MustDate("2022-01-10")},
			{Step: "terminated", Date: qantar.MustDate("2022-05-01"), Ground: "cpc-old-9", Note: qantar.Text{"und": "Synthetic note", "kk-Latn": "Sintetikalyq"}}},
		Summary: qantar.Text{"und": "Synthetic summary"}}
	if err := fx.db.Create(ctx, qantar.System, old); err != nil {
		t.Fatal(err)
	}
	oldPath := "/edit/cases/" + itoa(old.ID)
	_, body, _ = fx.get(t, ed, oldPath)
	if status, body, _ := fx.post(t, ed, oldPath, formOf(t, body, oldPath)); status != http.StatusSeeOther {
		t.Fatalf("save unchanged: status %d\n%s", status, body)
	}
	again, _ := fx.db.Get(ctx, qantar.KindCase, old.ID)
	if again.GetMeta().Version != 2 || canonical(t, again) != canonical(t, old) {
		t.Errorf("saving the form unchanged changed the case:\n got %s\nwant %s", canonical(t, again), canonical(t, old))
	}
}

// TestCaseFormBadStep: a step date that is no date, or before the previous
// step, is refused: the message next to steps[1].date, what was typed kept,
// the store unchanged.
func TestCaseFormBadStep(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	ed := fx.editor(t, "synthetic-bad-date", time.Now())
	path := "/edit/cases/" + itoa(fx.ids["case"])
	before, _ := fx.db.Get(ctx, qantar.KindCase, fx.ids["case"])
	_, body, _ := fx.get(t, ed, path)
	form := formOf(t, body, path)
	for _, tc := range []struct{ date, msg string }{
		{"2022-02-30", "is not a date"},
		{"2021-12-01", "is before the previous step's date"},
	} {
		t.Run(tc.date, func(t *testing.T) {
			f := url.Values{}
			for k, v := range form {
				f[k] = v
			}
			f.Set("steps[1].date", tc.date)
			f.Set("steps[1].sentence", "Synthetic sentence typed")
			status, body, _ := fx.post(t, ed, path, f)
			if status != http.StatusBadRequest && status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d", status)
			}
			msg, value := errorNextTo(t, body, "steps[1].date")
			if !strings.Contains(msg, tc.msg) {
				t.Errorf("the message next to steps[1].date is %q, want %q", msg, tc.msg)
			}
			if value != tc.date {
				t.Errorf("steps[1].date holds %q after the error, want what was typed, %q", value, tc.date)
			}
			if _, v := errorNextTo(t, body, "steps[1].sentence"); v != "Synthetic sentence typed" {
				t.Errorf("the other inputs lost what was typed: %q", v)
			}
			if m, _ := errorNextTo(t, body, "steps[0].date"); m != "" {
				t.Errorf("an error next to steps[0].date: %q", m)
			}
			needsNoScript(t, "the form with an error", body)
			after, _ := fx.db.Get(ctx, qantar.KindCase, fx.ids["case"])
			if after.GetMeta().Version != before.GetMeta().Version || canonical(t, after) != canonical(t, before) {
				t.Errorf("the store changed on a refused save")
			}
		})
	}
	// A blank row before the bad one: the error names the record's
	// steps[2] and lands on the row the form shows as steps[2].
	t.Run("AfterBlankRow", func(t *testing.T) {
		f := url.Values{"version": {"1"}, "number": {"SYN-225500031000017"},
			"steps[0].step": {"registered"}, "steps[0].date": {"2022-01-10"},
			"steps[1].step": {""}, "steps[1].date": {" "},
			"steps[2].step": {"terminated"}, "steps[2].date": {"2023-03-01"}, "steps[2].ground": {"cpc-35-1-1"},
			"steps[3].step": {"reopened"}, "steps[3].date": {"2023-13-01"}}
		status, body, _ := fx.post(t, ed, path, f)
		if status != http.StatusBadRequest {
			t.Fatalf("status %d", status)
		}
		msg, value := errorNextTo(t, body, "steps[2].date")
		if !strings.Contains(msg, "is not a date") || value != "2023-13-01" {
			t.Errorf("steps[2].date: message %q, value %q", msg, value)
		}
		if _, v := errorNextTo(t, body, "steps[1].date"); v != "2023-03-01" {
			t.Errorf("the rows were not renumbered without the blank one: steps[1].date holds %q", v)
		}
		after, _ := fx.db.Get(ctx, qantar.KindCase, fx.ids["case"])
		if canonical(t, after) != canonical(t, before) {
			t.Errorf("the store changed on a refused save")
		}
	})
	t.Run("BadID", func(t *testing.T) {
		// A name is looked up (refs.go); one that names no one is said
		// so next to the input, which keeps it.
		f := url.Values{"version": {"1"}, "number": {"SYN-1"}, "participants[0].person_id": {"Qzxqzx Vwvwq"}, "participants[0].role": {"victim"}}
		status, body, _ := fx.post(t, ed, path, f)
		msg, value := errorNextTo(t, body, "participants[0].person_id")
		if status != http.StatusUnprocessableEntity || !strings.Contains(msg, "Nothing found") || value != "Qzxqzx Vwvwq" {
			t.Errorf("status %d, message %q, value %q", status, msg, value)
		}
	})
}

// TestCaseFormMoreRows: "More rows" shows the form again with what was
// typed and more empty rows, and saves nothing.
func TestCaseFormMoreRows(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	ed := fx.editor(t, "synthetic-more-rows", time.Now())
	path := "/edit/cases/" + itoa(fx.ids["case"])
	before, _ := fx.db.Get(ctx, qantar.KindCase, fx.ids["case"])
	_, body, _ := fx.get(t, ed, path)
	form := formOf(t, body, path)
	rows := rowsOf(form, "steps", "step")
	if rows != 4 {
		t.Fatalf("the case form shows %d step rows, want its 2 and 2 empty", rows)
	}
	if !strings.Contains(body, `name="more"`) {
		t.Fatalf("no More rows button")
	}
	form.Set("steps[2].step", "reopened")
	form.Set("steps[2].date", "2023-02-30") // not checked: nothing is saved
	form.Set("number", "SYN-TYPED-NOT-SAVED")
	form.Set("more", "1")
	status, body, _ := fx.post(t, ed, path, form)
	if status != http.StatusOK {
		t.Fatalf("More rows: status %d", status)
	}
	needsNoScript(t, "the form with more rows", body)
	if strings.Contains(body, `class="field-error"`) {
		t.Errorf("More rows validated the form")
	}
	again := formOf(t, body, path)
	if n := rowsOf(again, "steps", "step"); n != 3+1+moreRowsAdded {
		t.Errorf("after More rows: %d step rows, want 3 filled and %d empty", n, 1+moreRowsAdded)
	}
	for name, want := range map[string]string{"steps[2].step": "reopened", "steps[2].date": "2023-02-30",
		"number": "SYN-TYPED-NOT-SAVED", "steps[1].ground": "cpc-35-1-1", "version": "1", "steps[5].date": ""} {
		if got := again.Get(name); got != want {
			t.Errorf("after More rows %s holds %q, want %q", name, got, want)
		}
	}
	after, _ := fx.db.Get(ctx, qantar.KindCase, fx.ids["case"])
	if after.GetMeta().Version != before.GetMeta().Version || canonical(t, after) != canonical(t, before) {
		t.Errorf("More rows saved the case")
	}
	// On a new case, nothing is created.
	n := fx.count(t, qantar.KindCase)
	status, body, _ = fx.post(t, ed, "/edit/cases/new", url.Values{"number": {"SYN-NEW-MORE"}, "steps[0].step": {"registered"},
		"steps[0].date": {"2022-01-10"}, "steps[1].step": {""}, "more": {"1"}})
	if status != http.StatusOK || fx.count(t, qantar.KindCase) != n {
		t.Errorf("More rows on a new case: status %d, cases %d → %d", status, n, fx.count(t, qantar.KindCase))
	}
	if f := formOf(t, body, "/edit/cases/new"); f.Get("number") != "SYN-NEW-MORE" || f.Get("steps[0].step") != "registered" || rowsOf(f, "steps", "step") != 1+1+moreRowsAdded {
		t.Errorf("More rows on a new case lost the input or added no rows: %v", f)
	}
}

// TestCaseFormMoreRowsBounded: a post of many empty rows does not make a
// page of as many rows.
func TestCaseFormMoreRowsBounded(t *testing.T) {
	fx := newFixture(t)
	ed := fx.editor(t, "synthetic-many-rows", time.Now())
	form := url.Values{"number": {"SYN-MANY"}, "more": {"1"}}
	for i := range 5000 {
		form.Set(fmt.Sprintf("steps[%d].step", i), "")
	}
	status, body, _ := fx.post(t, ed, "/edit/cases/new", form)
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	if n := rowsOf(formOf(t, body, "/edit/cases/new"), "steps", "step"); n < moreRowsAdded || n > 100 {
		t.Errorf("%d step rows after More rows on 5000 empty ones", n)
	}
}

// moreRowsAdded is how many empty rows one press of "More rows" adds.
const moreRowsAdded = 3

// TestCaseFormConflict: a stale save of the fields form is a 409 with the
// conflict message, and what was typed is kept.
func TestCaseFormConflict(t *testing.T) {
	fx := newFixture(t)
	now := time.Now()
	secret := fx.account(t, "synthetic-conflict", qantar.RoleEditor)
	a, b := client(), client()
	fx.signIn(t, a, "synthetic-conflict", secret, now)
	fx.signIn(t, b, "synthetic-conflict", secret, now.Add(30*time.Second))
	path := "/edit/cases/" + itoa(fx.ids["case"])
	_, bodyA, _ := fx.get(t, a, path)
	_, bodyB, _ := fx.get(t, b, path)
	fa, fb := formOf(t, bodyA, path), formOf(t, bodyB, path)
	fa.Set("steps[2].step", "reopened")
	fa.Set("steps[2].date", "2023-06-01")
	if status, body, _ := fx.post(t, a, path, fa); status != http.StatusSeeOther {
		t.Fatalf("first save: %d\n%s", status, body)
	}
	fb.Set("steps[2].step", "reopened")
	fb.Set("steps[2].date", "2023-07-07")
	status, body, _ := fx.post(t, b, path, fb)
	if status != http.StatusConflict || !strings.Contains(body, "Someone else saved this record first") || !strings.Contains(body, "version 2") {
		t.Fatalf("stale save: status %d", status)
	}
	if _, v := errorNextTo(t, body, "steps[2].date"); v != "2023-07-07" {
		t.Errorf("the stale form lost what was typed: steps[2].date holds %q", v)
	}
	got, _ := fx.db.Get(context.Background(), qantar.KindCase, fx.ids["case"])
	if c := got.(*qantar.Case); c.Version != 2 || c.Steps[2].Date != qantar.MustDate("2023-06-01") {
		t.Errorf("the first save did not win: version %d, %v", c.Version, c.Steps)
	}
}

// TestComplaintForm: a complaint with a response through the form; its page
// still computes the deadline and status.
func TestComplaintForm(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	ed := fx.editor(t, "synthetic-complaint-editor", time.Now())
	_, body, _ := fx.get(t, ed, "/edit/complaints/new")
	needsNoScript(t, "the new complaint form", body)
	form := formOf(t, body, "/edit/complaints/new")
	if !strings.Contains(body, `<option value="cpc-105">`) {
		t.Errorf("the kind of complaint is not a choice from the rules")
	}
	src := fx.anySource(t)
	form.Set("kind", "cpc-105")
	form.Set("filed_on", "2023-04-03")
	form.Set("filer_id", itoa(fx.ids["public"]))
	form.Set("filer_role", "lawyer")
	form.Set("addressee_id", itoa(fx.ids["unit"]))
	form.Set("case_id", itoa(fx.ids["case"]))
	form.Set("escalates_id", itoa(fx.ids["complaint"]))
	form.Set("subject.ru", "Синтетическая жалоба")
	form.Set("responses[0].received_on", "2023-04-20")
	form.Set("responses[0].outcome", "refused")
	form.Set("responses[0].source_id", itoa(src))
	form.Set("responses[0].note.en", "Synthetic refusal")
	status, body, resp := fx.post(t, ed, "/edit/complaints/new", form)
	if status != http.StatusSeeOther {
		t.Fatalf("create complaint: status %d\n%s", status, body)
	}
	where := resp.Header.Get("Location")
	id := idOf(t, where, "/complaints/")
	got, err := fx.db.Get(ctx, qantar.KindComplaint, id)
	if err != nil {
		t.Fatal(err)
	}
	want := &qantar.Complaint{ComplaintKind: "cpc-105", FiledOn: qantar.MustDate("2023-04-03"), FilerID: fx.ids["public"],
		FilerRole: "lawyer", AddresseeID: fx.ids["unit"], CaseID: fx.ids["case"], EscalatesID: fx.ids["complaint"],
		Subject:   qantar.Text{"ru": "Синтетическая жалоба"},
		Responses: []qantar.Response{{ReceivedOn: qantar.MustDate("2023-04-20"), Outcome: "refused", SourceID: src, Note: qantar.Text{"en": "Synthetic refusal"}}}}
	want.Meta = *got.GetMeta()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("stored complaint\n got %s\nwant %s", canonical(t, got), canonical(t, want))
	}
	status, body, _ = fx.get(t, ed, where)
	if status != http.StatusOK || !strings.Contains(body, "Deadline and status") || !strings.Contains(body, "answered") {
		t.Errorf("the complaint's page: status %d, no deadline and status", status)
	}
	if _, body, _ := fx.get(t, ed, where+"?lang=kk"); !strings.Contains(body, "Мерзім және мәртебе") {
		t.Errorf("the complaint's page in Kazakh has no deadline")
	}

	// Its form holds it; a response before the filing is refused next to
	// its date, and nothing changes.
	path := "/edit" + where
	_, body, _ = fx.get(t, ed, path+"?lang=ru")
	f := formOf(t, body, path)
	if f.Get("kind") != "cpc-105" || f.Get("responses[0].outcome") != "refused" || f.Get("responses[0].note.en") != "Synthetic refusal" || f.Get("responses[1].received_on") != "" {
		t.Errorf("the complaint's form does not hold it: %v", f)
	}
	if !strings.Contains(body, "Ещё строки") {
		t.Errorf("the Russian form has no Russian More rows button")
	}
	f.Set("responses[1].received_on", "2023-03-01")
	f.Set("responses[1].outcome", "no_response")
	status, body, _ = fx.post(t, ed, path, f)
	msg, value := errorNextTo(t, body, "responses[1].received_on")
	if status != http.StatusBadRequest || !strings.Contains(msg, "before the complaint was filed") || value != "2023-03-01" {
		t.Errorf("a response before the filing: status %d, message %q, value %q", status, msg, value)
	}
	after, _ := fx.db.Get(ctx, qantar.KindComplaint, id)
	if canonical(t, after) != canonical(t, got) || after.GetMeta().Version != 1 {
		t.Errorf("the store changed on a refused save")
	}
	// The fixture's complaint, saved through its form unchanged, keeps its
	// content and its page its status.
	fixPath := "/edit/complaints/" + itoa(fx.ids["complaint"])
	orig, _ := fx.db.Get(ctx, qantar.KindComplaint, fx.ids["complaint"])
	_, body, _ = fx.get(t, ed, fixPath)
	if status, body, _ := fx.post(t, ed, fixPath, formOf(t, body, fixPath)); status != http.StatusSeeOther {
		t.Fatalf("save the fixture's complaint: %d\n%s", status, body)
	}
	now, _ := fx.db.Get(ctx, qantar.KindComplaint, fx.ids["complaint"])
	if canonical(t, now) != canonical(t, orig) {
		t.Errorf("the complaint changed:\n got %s\nwant %s", canonical(t, now), canonical(t, orig))
	}
	if _, body, _ := fx.get(t, ed, "/complaints/"+itoa(fx.ids["complaint"])); !strings.Contains(body, "answered") {
		t.Errorf("the complaint's status is gone after saving its form")
	}
}

// TestFormsAsJSON: the JSON textarea is still there for whoever asks for
// it, and reads the record as the API does.
func TestFormsAsJSON(t *testing.T) {
	fx := newFixture(t)
	ed := fx.editor(t, "synthetic-json-editor", time.Now())
	path := "/edit/cases/" + itoa(fx.ids["case"])
	_, body, _ := fx.get(t, ed, path)
	if !strings.Contains(body, `href="?as=json"`) {
		t.Errorf("no link to edit the case as JSON")
	}
	_, body, _ = fx.get(t, ed, path+"?as=json")
	f := formOf(t, body, path)
	if f.Get("as") != "json" || !strings.Contains(f.Get("json"), `"steps"`) || f.Get("steps[0].step") != "" {
		t.Fatalf("the JSON form: %v", f)
	}
	bad := strings.Replace(f.Get("json"), `"2023-03-01"`, `"2023-02-30"`, 1)
	f.Set("json", bad)
	status, body, _ := fx.post(t, ed, path, f)
	if status != http.StatusBadRequest || !strings.Contains(body, "steps[1].date") || !strings.Contains(body, "2023-02-30") || !strings.Contains(body, `name="as" value="json"`) {
		t.Errorf("a bad date in the JSON: status %d", status)
	}
	f.Set("json", strings.Replace(bad, `"2023-02-30"`, `"2023-03-02"`, 1))
	if status, body, _ := fx.post(t, ed, path, f); status != http.StatusSeeOther {
		t.Fatalf("save as JSON: %d\n%s", status, body)
	}
	got, _ := fx.db.Get(context.Background(), qantar.KindCase, fx.ids["case"])
	if c := got.(*qantar.Case); c.Steps[1].Date != qantar.MustDate("2023-03-02") || c.Version != 2 {
		t.Errorf("the JSON save: version %d, steps %v", c.Version, c.Steps)
	}
}

// TestCaseFormOddNames: input names the form never makes (a huge index,
// leading zeros, a sign) neither crash the server nor sneak in a value.
func TestCaseFormOddNames(t *testing.T) {
	fx := newFixture(t)
	ed := fx.editor(t, "synthetic-odd", time.Now())
	form := url.Values{"number": {"SYN-ODD"}, "steps[999999].step": {"registered"}, "steps[999999].date": {"2022-01-10"},
		"steps[01].step": {"verdict"}, "steps[-1].step": {"appeal"}, "steps[+2].step": {"appeal"}, "steps[9999999].step": {"appeal"},
		"steps[3]x": {"appeal"}, "steps[].step": {"appeal"}, "articles[0].x": {"1"}}
	status, body, resp := fx.post(t, ed, "/edit/cases/new", form)
	if status != http.StatusSeeOther {
		t.Fatalf("status %d\n%s", status, body)
	}
	got, _ := fx.db.Get(context.Background(), qantar.KindCase, idOf(t, resp.Header.Get("Location"), "/cases/"))
	c := got.(*qantar.Case)
	if len(c.Steps) != 1 || c.Steps[0].Step != "registered" || len(c.Articles) != 0 {
		t.Errorf("odd names: steps %v, articles %v", c.Steps, c.Articles)
	}
}

func idOf(t *testing.T, loc, prefix string) int64 {
	t.Helper()
	s, ok := strings.CutPrefix(loc, prefix)
	if !ok {
		t.Fatalf("redirected to %q, not %s…", loc, prefix)
	}
	var id int64
	for _, c := range s {
		if c < '0' || c > '9' {
			t.Fatalf("redirected to %q", loc)
		}
		id = id*10 + int64(c-'0')
	}
	return id
}

func (fx *fixture) anySource(t *testing.T) int64 {
	t.Helper()
	srcs, _, err := fx.db.List(context.Background(), qantar.KindSource, qantar.Filter{Limit: 1, Reader: qantar.System})
	if err != nil || len(srcs) == 0 {
		t.Fatalf("no source: %v", err)
	}
	return srcs[0].GetMeta().ID
}

// TestActFormKeepsInputOnDecodeError: a value the decoder refuses (a date
// that is no date) shows the other kinds' field forms again with what was
// typed, as the lists' forms do.
func TestActFormKeepsInputOnDecodeError(t *testing.T) {
	fx := newFixture(t)
	ed := fx.editor(t, "synthetic-act-editor", time.Now())
	n := fx.count(t, qantar.KindAct)
	status, body, _ := fx.post(t, ed, "/edit/acts/new", url.Values{"victim_id": {itoa(fx.ids["public"])}, "type": {"torture"},
		"date": {"2022-31-01"}, "description.ru": {"Синтетическое описание"}})
	if status != http.StatusBadRequest {
		t.Fatalf("status %d", status)
	}
	f := formOf(t, body, "/edit/acts/new")
	if f.Get("date") != "2022-31-01" || f.Get("type") != "torture" || f.Get("description.ru") != "Синтетическое описание" || f.Get("victim_id") != itoa(fx.ids["public"]) {
		t.Errorf("the act form lost what was typed: %v", f)
	}
	if msg, _ := errorNextTo(t, body, "date"); !strings.Contains(msg, "is not a date") {
		t.Errorf("the message next to date is %q", msg)
	}
	if fx.count(t, qantar.KindAct) != n {
		t.Errorf("an act was created")
	}
}

// TestCaseFormRulesErrors: on a server whose store checks the
// jurisdiction's rules, as `qantar serve` does, a step that needs a ground
// and has none is refused next to that step's ground, with the input kept.
func TestCaseFormRulesErrors(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "rules.db"), sqlite.Options{Synchronous: "NORMAL", Checker: law.Checker{}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	fx := &fixture{db: db, ids: map[string]int64{}, now: time.Now()}
	fx.site = web.New(web.Config{Store: db, Tokens: db, Log: db, Logger: slog.New(slog.NewTextHandler(testLog{t}, nil))})
	fx.srv = httptest.NewServer(fx.site.Handler())
	t.Cleanup(fx.srv.Close)
	ed := fx.editor(t, "synthetic-rules-editor", time.Now())
	form := url.Values{"number": {"SYN-RULES-1"}, "steps[0].step": {"registered"}, "steps[0].date": {"2022-01-10"},
		"steps[1].step": {"terminated"}, "steps[1].date": {"2022-06-01"}, "steps[1].sentence": {"Synthetic typed"}}
	status, body, _ := fx.post(t, ed, "/edit/cases/new", form)
	msg, _ := errorNextTo(t, body, "steps[1].ground")
	if status != http.StatusBadRequest || !strings.Contains(msg, "needs a ground") {
		t.Fatalf("a termination without a ground: status %d, message %q", status, msg)
	}
	if _, v := errorNextTo(t, body, "steps[1].sentence"); v != "Synthetic typed" {
		t.Errorf("the input was lost: %q", v)
	}
	if fx.count(t, qantar.KindCase) != 0 {
		t.Errorf("a refused case was stored")
	}
	form.Set("steps[1].ground", "cpc-35-1-2")
	if status, body, _ := fx.post(t, ed, "/edit/cases/new", form); status != http.StatusSeeOther {
		t.Fatalf("with a ground: status %d\n%s", status, body)
	}
}
