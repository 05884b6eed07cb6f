package site_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/pquerna/otp/totp"
	"github.com/qantar-project/qantar"
)

// TestBrowserRecordKilling is issue 15's "done when": in Chromium with
// JavaScript disabled, an editor reading Russian records a killing through
// the forms: a new source, a new victim named by typing, a place typed by
// name, the act, a unit by name (one post of /edit/death), then a case with
// three steps and a complaint, in no more than five form posts counting the
// sign-in; then finds each on the others' pages by following links. All
// data is synthetic.
func TestBrowserRecordKilling(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are not short")
	}
	ctx := browser(t)
	if err := chromedp.Do(ctx, acceptLanguage("ru-RU,ru")); err != nil {
		t.Fatal(err)
	}
	fx := newFixture(t)
	base := fx.srv.URL
	b := &poster{t: t, ctx: ctx, base: base}
	defer func() {
		if b.posts > 5 {
			t.Errorf("%d form posts, want at most 5", b.posts)
		}
		t.Logf("%d form posts, sign-in included", b.posts)
	}()

	secret := fx.account(t, "browser-death-editor", qantar.RoleEditor)
	code, _ := totp.GenerateCode(secret, time.Now())
	page(t, ctx, base+"/login")
	mustContain(t, "after sign-in", b.post([][2]string{{`input[name="name"]`, "browser-death-editor"},
		{`input[name="password"]`, testPassword}, {`input[name="code"]`, code}}, nil, `form.form button[type="submit"]`), "Выйти")

	// The workspace leads to the form.
	page(t, ctx, base+"/edit")
	html := b.follow("/edit/death")
	mustContain(t, "the death form in Russian", html, "Записать гибель", `name="victim"`, `name="place_id"`, `name="unit_id"`)
	html = b.post([][2]string{
		{`input[name="victim"]`, "Синтетов Ержан Болатович"},
		{`input[name="date"]`, "2022-01-06"},
		{`textarea[name="description"]`, "Синтетические обстоятельства гибели"},
		{`input[name="place_id"]`, "Алматы"},
		{`input[name="source_title"]`, "Синтетический репортаж о гибели"},
		{`input[name="source_url"]`, "https://example.org/synthetic-report"},
		{`input[name="page"]`, "с. 2"},
		{`textarea[name="quote"]`, "Синтетов погиб 6 января в Алматы"},
		{`input[name="unit_id"]`, "Синтетический ДП"},
	}, []string{`input[name="victim_new"]`}, `form.form button[type="submit"]`)
	actID := idOf(t, b.path(), "/acts/")
	mustContain(t, "the act", html, "Убийство", "Синтетические обстоятельства гибели")
	act := fx.getRecord(t, qantar.KindAct, actID).(*qantar.Act)

	// The case, with three steps, the act and the victim by name.
	page(t, ctx, base+"/edit/cases/new")
	html = b.post([][2]string{
		{`input[name="number"]`, "SYN-E2E-KILLING-1"},
		{`input[name="authority_id"]`, "Синтетический ДП"},
		{`input[name="opened_on"]`, "2022-01-10"},
		{`input[name="act_ids[0]"]`, itoa(actID)},
		{`input[name="participants[0].person_id"]`, "Синтетов Ержан"},
		{`select[name="participants[0].role"]`, "Потерп"},
		{`select[name="steps[0].step"]`, "Зарег"},
		{`input[name="steps[0].date"]`, "2022-01-10"},
		{`select[name="steps[1].step"]`, "Рассл"},
		{`input[name="steps[1].date"]`, "2022-01-20"},
		{`select[name="steps[2].step"]`, "Напр"},
		{`input[name="steps[2].date"]`, "2022-06-01"},
	}, nil, `form.form button[type="submit"]`)
	caseID := idOf(t, b.path(), "/cases/")
	if c := fx.getRecord(t, qantar.KindCase, caseID).(*qantar.Case); len(c.Steps) != 3 || len(c.ActIDs) != 1 ||
		len(c.Participants) != 1 || c.Participants[0].PersonID != act.VictimID || c.AuthorityID != fx.ids["unit"] {
		t.Fatalf("the case: %+v", c)
	}
	mustContain(t, "the case", html, "SYN-E2E-KILLING-1")

	// The complaint, its case typed by number.
	page(t, ctx, base+"/edit/complaints/new")
	b.post([][2]string{
		{`select[name="kind"]`, "Жалоба прокурору или"},
		{`input[name="filed_on"]`, "2022-07-01"},
		{`input[name="filer_id"]`, "Синтетов Ержан"},
		{`select[name="filer_role"]`, "Родств"},
		{`input[name="addressee_id"]`, "Синтетический ДП"},
		{`input[name="case_id"]`, "SYN-E2E-KILLING-1"},
		{`textarea[name="subject.ru"]`, "Синтетическая жалоба на бездействие"},
	}, nil, `form.form button[type="submit"]`)
	complaintID := idOf(t, b.path(), "/complaints/")
	if c := fx.getRecord(t, qantar.KindComplaint, complaintID).(*qantar.Complaint); c.CaseID != caseID {
		t.Fatalf("the complaint's case is #%d, want #%d", c.CaseID, caseID)
	}

	// Each on the others' pages, by following links: the victim's page →
	// the act → the case → the complaint; the act → the source; the act →
	// the unit.
	cites := fx.citationsOf(t, qantar.KindAct, actID)
	if len(cites) != 1 {
		t.Fatalf("the act's citations: %v", cites)
	}
	actPath, victimPath := "/acts/"+itoa(actID), "/persons/"+itoa(act.VictimID)
	page(t, ctx, base+actPath)
	mustContain(t, "the victim's page", b.follow(victimPath), "Синтетов Ержан Болатович")
	b.follow(actPath)
	mustContain(t, "the case's page", b.follow("/cases/"+itoa(caseID)), "SYN-E2E-KILLING-1")
	mustContain(t, "the complaint's page", b.follow("/complaints/"+itoa(complaintID)), "Синтетическая жалоба на бездействие")
	page(t, ctx, base+actPath)
	mustContain(t, "the source's page", b.follow("/sources/"+itoa(cites[0].SourceID)), "Синтетический репортаж о гибели",
		"https://example.org/synthetic-report")
	page(t, ctx, base+actPath)
	mustContain(t, "the unit's page", b.follow("/units/"+itoa(fx.ids["unit"])), "Синтетический ДП")

	// The forms on a 390 px phone: no wider than the screen.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile)); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/edit/death", "/edit/units/new", "/edit/places/new"} {
		page(t, ctx, base+path)
		if o := overflow(t, ctx); o > 0 {
			t.Errorf("%s is %.0f px wider than a 390 px screen", path, o)
		}
	}
	screenshot(t, ctx, base+"/edit/death", "death-form-ru-390.png")
}

// poster posts forms in a browser tab and counts the posts.
type poster struct {
	t     *testing.T
	ctx   context.Context
	base  string
	posts int
}

// post types into inputs (selector → text), ticks checkboxes, and clicks
// the button: one form post.
func (b *poster) post(fields [][2]string, ticks []string, button string) string {
	b.t.Helper()
	var steps []chromedp.Action[chromedp.Void]
	for _, f := range fields {
		steps = append(steps, chromedp.SendKeys(chromedp.CSS(f[0]), kb.End+strings.Repeat(kb.Backspace, 100)+f[1]))
	}
	for _, sel := range ticks {
		steps = append(steps, chromedp.Click(chromedp.CSS(sel)))
	}
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.t.Fatalf("fill form: %v", err)
	}
	b.posts++
	if _, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS(button))); err != nil {
		b.t.Fatalf("submit %s: %v", button, err)
	}
	return html(b.t, b.ctx)
}

// follow clicks the current page's first link to href (a path), failing
// when the page has none.
func (b *poster) follow(href string) string {
	b.t.Helper()
	from := b.path()
	if !strings.Contains(html(b.t, b.ctx), `href="`+href+`"`) {
		b.t.Fatalf("%s has no link to %s", from, href)
	}
	if _, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS(`a[href="`+href+`"]`))); err != nil {
		b.t.Fatalf("follow %s from %s: %v", href, from, err)
	}
	if got := b.path(); got != href {
		b.t.Fatalf("following %s from %s led to %s", href, from, got)
	}
	return html(b.t, b.ctx)
}

// path is the current page's path.
func (b *poster) path() string {
	b.t.Helper()
	loc, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		b.t.Fatal(err)
	}
	return strings.TrimPrefix(loc, b.base)
}

// acceptLanguage has the tab ask for pages in a language, as a browser set
// to it does.
func acceptLanguage(lang string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{
			UserAgent: "Mozilla/5.0 (X11; Linux x86_64) Chromium (Qantar test)", AcceptLanguage: lang})
		return err
	})
}

func (fx *fixture) getRecord(t *testing.T, kind qantar.Kind, id int64) qantar.Record {
	t.Helper()
	rec, err := fx.db.Get(context.Background(), kind, id)
	if err != nil {
		t.Fatalf("%s #%d: %v", kind, id, err)
	}
	return rec
}
