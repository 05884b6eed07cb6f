package site_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
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

// chromiumPath returns the browser to drive: QANTAR_TEST_CHROMIUM (CI sets
// it), else a chromium on the PATH; "" when there is none.
func chromiumPath() string {
	if p := os.Getenv("QANTAR_TEST_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// browser starts a headless Chromium with JavaScript disabled, as a reader
// with Tor Browser's safest setting would have it.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := chromiumPath()
	if path == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("no chromium under CI: the browser tests would not run")
		}
		t.Skip("no chromium: set QANTAR_TEST_CHROMIUM or install Debian's chromium")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("blink-settings", "scriptEnabled=false"),
		chromedp.UserDataDir(t.TempDir()),
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	ctx, cancel3 := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(cancel3)
	if err := chromedp.Do(ctx, noScript()); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// noScript disables JavaScript in the tab, on top of the launch flag.
func noScript() chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	})
}

// session opens a second, separate browser session (its own cookies).
func session(t *testing.T, parent context.Context) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(parent, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx, noScript()); err != nil {
		t.Fatal(err)
	}
	return ctx
}

// page navigates and returns the page's HTML.
func page(t *testing.T, ctx context.Context, url string) string {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("%s: %v", url, err)
	}
	return html(t, ctx)
}

// html returns the current page's HTML.
func html(t *testing.T, ctx context.Context) string {
	t.Helper()
	h, err := chromedp.Run(ctx, chromedp.OuterHTML(chromedp.CSS("html")))
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// submit fills a form's fields (selector → text) and clicks its button.
func submit(t *testing.T, ctx context.Context, fields [][2]string, button string) string {
	t.Helper()
	var steps []chromedp.Action[chromedp.Void]
	for _, f := range fields {
		// Typed as a person would, without JavaScript: go to the end,
		// erase what is there, type.
		steps = append(steps, chromedp.SendKeys(chromedp.CSS(f[0]), kb.End+strings.Repeat(kb.Backspace, 100)+f[1]))
	}
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("fill form: %v", err)
	}
	// A plain form post: the browser navigates to the answer.
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(button))); err != nil {
		t.Fatalf("submit %s: %v", button, err)
	}
	return html(t, ctx)
}

func mustContain(t *testing.T, what, html string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(html, w) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
	if strings.Contains(html, "<script") {
		t.Errorf("%s carries a script", what)
	}
}

func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are not short")
	}
	ctx := browser(t)
	fx := newFixture(t)
	base := fx.srv.URL

	t.Run("PublicPages", func(t *testing.T) {
		mustContain(t, "home", page(t, ctx, base+"/"), "238", "deaths documented in Qantar", "<svg")
		mustContain(t, "person", page(t, ctx, base+"/persons/"+itoa(fx.ids["public"])), publicName, "Killing in crowd control")
		mustContain(t, "case", page(t, ctx, base+"/cases/"+itoa(fx.ids["case"])), "SYN-225500031000017", "Procedural timeline", "2023-03-01")
		mustContain(t, "complaint", page(t, ctx, base+"/complaints/"+itoa(fx.ids["complaint"])), "Deadline and status")
		screenshot(t, ctx, base+"/", "home.png")
		screenshot(t, ctx, base+"/cases/"+itoa(fx.ids["case"]), "case.png")
		screenshot(t, ctx, base+"/persons/"+itoa(fx.ids["public"])+"?lang=kk", "person-kk.png")
		if html := page(t, ctx, base+"/persons/"+itoa(fx.ids["confidential"])); strings.Contains(html, confidentialName) || !strings.Contains(html, "Protected person") {
			t.Errorf("the confidential person is not protected in the browser")
		}
	})

	t.Run("LanguageSwitch", func(t *testing.T) {
		page(t, ctx, base+"/events")
		html := submit(t, ctx, nil, `form.langs button[value="kk"]`)
		mustContain(t, "Kazakh events", html, "Оқиғалар", `lang="kk"`)
		// Remembered on the next page.
		mustContain(t, "Kazakh home", page(t, ctx, base+"/"), "Соңғы өзгерістер")
		submit(t, ctx, nil, `form.langs button[value="en"]`)
	})

	secret := fx.account(t, "browser-editor", qantar.RoleEditor)
	signIn := func(ctx context.Context, at time.Time) {
		t.Helper()
		code, _ := totp.GenerateCode(secret, at)
		page(t, ctx, base+"/login")
		html := submit(t, ctx, [][2]string{{`input[name="name"]`, "browser-editor"}, {`input[name="password"]`, testPassword},
			{`input[name="code"]`, code}}, `form.form button[type="submit"]`)
		mustContain(t, "after sign-in", html, "Sign out", "browser-editor")
	}
	a := session(t, ctx)
	b := session(t, ctx)
	now := time.Now()
	signIn(a, now)
	signIn(b, now.Add(30*time.Second))

	var personURL string
	t.Run("CreatePerson", func(t *testing.T) {
		page(t, a, base+"/edit/persons/new")
		html := submit(t, a, [][2]string{{`input[name="names[0].value"]`, "Synthetic Browser Person"}, {`input[name="names[0].lang"]`, "en"}},
			`form.form button[type="submit"]`)
		mustContain(t, "created person", html, "Synthetic Browser Person", "version 1")
		var err error
		if personURL, err = chromedp.Run(a, chromedp.Location()); err != nil {
			t.Fatal(err)
		}
	})
	if personURL == "" {
		t.Fatal("no person created")
	}
	editURL := strings.Replace(personURL, base, base+"/edit", 1)

	t.Run("EditAndStaleSave", func(t *testing.T) {
		// Both sessions open the form at version 1.
		page(t, a, editURL)
		page(t, b, editURL)
		html := submit(t, a, [][2]string{{`input[name="names[0].value"]`, "Synthetic Browser Person Edited"}}, `form.form button[type="submit"]`)
		mustContain(t, "edited person", html, "Synthetic Browser Person Edited", "version 2")
		html = submit(t, b, [][2]string{{`input[name="names[0].value"]`, "Synthetic Browser Person Stale"}}, `form.form button[type="submit"]`)
		mustContain(t, "stale save", html, "Someone else saved this record first", "version 2", "See the current version")
		mustContain(t, "person after the stale save", page(t, a, personURL), "Synthetic Browser Person Edited")
	})
}

// screenshot saves a page as PNG in QANTAR_TEST_SCREENSHOTS, when set, for a
// person to look at.
func screenshot(t *testing.T, ctx context.Context, url, name string) {
	dir := os.Getenv("QANTAR_TEST_SCREENSHOTS")
	if dir == "" {
		return
	}
	page(t, ctx, url)
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		t.Fatal(err)
	}
}
