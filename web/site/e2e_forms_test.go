package site_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"
	"github.com/qantar-project/qantar"
)

// TestBrowserCaseForm: in Chromium with JavaScript disabled, an editor
// creates a case through its form: asks for more rows, gets a bad date
// refused next to its input with what was typed kept, corrects it and
// saves. All data is synthetic.
func TestBrowserCaseForm(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are not short")
	}
	ctx := browser(t)
	fx := newFixture(t)
	base := fx.srv.URL
	secret := fx.account(t, "browser-case-editor", qantar.RoleEditor)
	code, _ := totp.GenerateCode(secret, time.Now())
	page(t, ctx, base+"/login")
	mustContain(t, "after sign-in", submit(t, ctx, [][2]string{{`input[name="name"]`, "browser-case-editor"},
		{`input[name="password"]`, testPassword}, {`input[name="code"]`, code}}, `form.form button[type="submit"]`), "Sign out")

	cases := fx.count(t, qantar.KindCase)
	html := page(t, ctx, base+"/edit/cases/new")
	mustContain(t, "new case form", html, `name="steps[0].date"`, `name="participants[0].person_id"`, "More rows")
	if strings.Contains(html, `name="json"`) {
		t.Errorf("the case form is a JSON textarea")
	}
	// Selects are chosen from the keyboard, as a person without a mouse
	// would: typing an option's first letters.
	html = submit(t, ctx, [][2]string{
		{`input[name="number"]`, "SYN-BROWSER-1"},
		{`input[name="opened_on"]`, "2022-01-11"},
		{`input[name="participants[0].person_id"]`, itoa(fx.ids["public"])},
		{`select[name="participants[0].role"]`, "Victim"},
		{`select[name="steps[0].step"]`, "Registered"},
		{`input[name="steps[0].date"]`, "2022-01-11"},
		{`select[name="steps[1].step"]`, "Under"},
		{`input[name="steps[1].date"]`, "2022-01-20"},
	}, `button[name="more"]`)
	mustContain(t, "form with more rows", html, `name="steps[4].date"`, `value="SYN-BROWSER-1"`, `value="2022-01-20"`,
		`<option value="investigating" selected="">`)
	if fx.count(t, qantar.KindCase) != cases {
		t.Errorf("More rows created a case")
	}
	html = submit(t, ctx, [][2]string{
		{`select[name="steps[2].step"]`, "Sent"},
		{`input[name="steps[2].date"]`, "2022-02-30"},
	}, `form.form button[type="submit"]`)
	mustContain(t, "refused form", html, "February has no day 30", `value="2022-02-30"`, `value="SYN-BROWSER-1"`)
	if !strings.Contains(html[strings.Index(html, `name="steps[2].date"`):], `field-error`) {
		t.Errorf("no error after steps[2].date")
	}
	if fx.count(t, qantar.KindCase) != cases {
		t.Errorf("a refused form created a case")
	}
	html = submit(t, ctx, [][2]string{{`input[name="steps[2].date"]`, "2022-03-02"}}, `form.form button[type="submit"]`)
	mustContain(t, "created case", html, "SYN-BROWSER-1", "Procedural timeline", "version 1")
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	got, err := fx.db.Get(context.Background(), qantar.KindCase, idOf(t, strings.TrimPrefix(loc, base), "/cases/"))
	if err != nil {
		t.Fatal(err)
	}
	c := got.(*qantar.Case)
	want := []qantar.CaseEvent{{Step: "registered", Date: qantar.MustDate("2022-01-11")},
		{Step: "investigating", Date: qantar.MustDate("2022-01-20")}, {Step: "sent_to_court", Date: qantar.MustDate("2022-03-02")}}
	if len(c.Steps) != len(want) || len(c.Participants) != 1 || c.Participants[0].Role != "victim" {
		t.Fatalf("stored: steps %v, participants %v", c.Steps, c.Participants)
	}
	for i := range want {
		if c.Steps[i].Step != want[i].Step || c.Steps[i].Date != want[i].Date {
			t.Errorf("step %d: %v, want %v", i, c.Steps[i], want[i])
		}
	}
	screenshot(t, ctx, strings.Replace(loc, base, base+"/edit", 1), "case-form.png")
}
