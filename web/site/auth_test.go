package site_test

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/web"
)

const testPassword = "correct horse battery staple"

// account creates a user and returns its TOTP secret.
func (fx *fixture) account(t *testing.T, name, role string) string {
	t.Helper()
	u, _, err := web.NewAccount(context.Background(), fx.db, name, role, testPassword)
	if err != nil {
		t.Fatal(err)
	}
	return u.TOTPSecret
}

// client is a browser-like client with its own cookie jar.
func client() *http.Client {
	jar, _ := cookiejar.New(nil)
	c := noRedirect()
	c.Jar = jar
	return c
}

// post sends a form and returns the status and body.
func (fx *fixture) post(t *testing.T, c *http.Client, path string, form url.Values, header ...string) (int, string, *http.Response) {
	t.Helper()
	req, _ := http.NewRequest("POST", fx.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 32<<10)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return resp.StatusCode, b.String(), resp
}

// signIn signs a client in; at shifts the TOTP clock (a second sign-in in
// the same 30 s must use the next code: a code is good once).
func (fx *fixture) signIn(t *testing.T, c *http.Client, name, secret string, at time.Time) {
	t.Helper()
	code := ""
	if secret != "" {
		code, _ = totp.GenerateCode(secret, at)
	}
	status, body, _ := fx.post(t, c, "/login", url.Values{"name": {name}, "password": {testPassword}, "code": {code}, "next": {"/"}})
	if status != http.StatusSeeOther {
		t.Fatalf("sign-in of %s: status %d\n%s", name, status, body)
	}
}

func TestSignIn(t *testing.T) {
	fx := newFixture(t)
	secret := fx.account(t, "editor1", qantar.RoleEditor)
	fx.account(t, "viewer1", qantar.RoleViewer)
	confidential := "/persons/" + itoa(fx.ids["confidential"])
	restricted := "/persons/" + itoa(fx.ids["restricted"])

	t.Run("EditorWithTOTP", func(t *testing.T) {
		c := client()
		code, _ := totp.GenerateCode(secret, time.Now())
		status, _, resp := fx.post(t, c, "/login", url.Values{"name": {"editor1"}, "password": {testPassword}, "code": {code}})
		if status != http.StatusSeeOther {
			t.Fatalf("status %d", status)
		}
		var sc *http.Cookie
		for _, ck := range resp.Cookies() {
			if ck.Name == "qantar_session" {
				sc = ck
			}
		}
		if sc == nil || !sc.HttpOnly || sc.SameSite != http.SameSiteLaxMode {
			t.Fatalf("session cookie = %+v", sc)
		}
		_, body, h := fx.get(t, c, confidential)
		if !strings.Contains(body, confidentialName) {
			t.Errorf("an editor does not see the confidential person")
		}
		if !strings.Contains(h.Get("Cache-Control"), "no-store") {
			t.Errorf("a signed-in page may be cached: %q", h.Get("Cache-Control"))
		}
		t.Run("ErrReplayedCode", func(t *testing.T) {
			status, _, _ := fx.post(t, client(), "/login", url.Values{"name": {"editor1"}, "password": {testPassword}, "code": {code}})
			if status != http.StatusUnauthorized {
				t.Errorf("a used code signed in again: status %d", status)
			}
		})
		entries, _, err := fx.db.ListAudit(context.Background(), 100, 0)
		if err != nil {
			t.Fatal(err)
		}
		var signIn, view bool
		for _, e := range entries {
			signIn = signIn || e.Action == qantar.AuditSignIn && e.Actor != ""
			view = view || e.Action == qantar.AuditView && e.RecordID == fx.ids["confidential"]
		}
		if !signIn || !view {
			t.Errorf("audit log lacks the sign-in (%v) or the view of the confidential person (%v): %+v", signIn, view, entries)
		}
	})
	t.Run("ErrEditorWithoutCode", func(t *testing.T) {
		status, body, _ := fx.post(t, client(), "/login", url.Values{"name": {"editor1"}, "password": {testPassword}})
		if status != http.StatusUnauthorized || !strings.Contains(body, "Wrong name, password or code") {
			t.Errorf("status %d", status)
		}
	})
	t.Run("ViewerSeesRestrictedOnly", func(t *testing.T) {
		c := client()
		fx.signIn(t, c, "viewer1", "", time.Now())
		if _, body, _ := fx.get(t, c, restricted); !strings.Contains(body, restrictedName) {
			t.Errorf("a viewer does not see the restricted person")
		}
		if _, body, _ := fx.get(t, c, confidential); strings.Contains(body, confidentialName) {
			t.Errorf("a viewer sees the confidential person")
		}
		if status, _, _ := fx.get(t, c, "/edit/persons/new"); status != http.StatusForbidden {
			t.Errorf("a viewer opened the editor: %d", status)
		}
	})
	t.Run("ErrThrottled", func(t *testing.T) {
		fx.account(t, "victim-of-guessing", qantar.RoleViewer)
		for i := 0; i < 5; i++ {
			fx.post(t, client(), "/login", url.Values{"name": {"victim-of-guessing"}, "password": {"wrong password!"}})
		}
		status, body, _ := fx.post(t, client(), "/login", url.Values{"name": {"victim-of-guessing"}, "password": {testPassword}})
		if status != http.StatusTooManyRequests || !strings.Contains(body, "Too many failed sign-ins") {
			t.Errorf("sixth try: status %d", status)
		}
	})
	t.Run("ErrCrossOriginPost", func(t *testing.T) {
		for _, h := range [][]string{{"Sec-Fetch-Site", "cross-site"}, {"Origin", "http://evil.example"}} {
			status, _, _ := fx.post(t, client(), "/login", url.Values{"name": {"viewer1"}, "password": {testPassword}}, h...)
			if status != http.StatusForbidden {
				t.Errorf("cross-origin POST with %s: status %d, want 403", h[0], status)
			}
		}
	})
	t.Run("Logout", func(t *testing.T) {
		c := client()
		fx.signIn(t, c, "viewer1", "", time.Now())
		fx.post(t, c, "/logout", nil)
		if _, body, _ := fx.get(t, c, restricted); strings.Contains(body, restrictedName) {
			t.Errorf("still signed in after signing out")
		}
	})
	t.Run("AnonymousEditorRedirectsToLogin", func(t *testing.T) {
		status, _, h := fx.get(t, nil, "/edit/persons/new")
		if status != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/login?next=") {
			t.Errorf("status %d, Location %q", status, h.Get("Location"))
		}
	})
}

func TestEditPerson(t *testing.T) {
	fx := newFixture(t)
	secret := fx.account(t, "editor2", qantar.RoleEditor)
	a, b := client(), client()
	now := time.Now()
	fx.signIn(t, a, "editor2", secret, now)
	fx.signIn(t, b, "editor2", secret, now.Add(30*time.Second))

	t.Run("ErrNameRequired", func(t *testing.T) {
		status, body, _ := fx.post(t, a, "/edit/persons/new", url.Values{"names[0].value": {""}, "version": {"0"}})
		if status != http.StatusBadRequest || !strings.Contains(body, "at least one name is required") {
			t.Fatalf("status %d", status)
		}
	})
	t.Run("ErrBadLang", func(t *testing.T) {
		status, body, _ := fx.post(t, a, "/edit/persons/new", url.Values{"names[0].value": {"X"}, "names[0].lang": {"1"}})
		if status != http.StatusBadRequest || !strings.Contains(body, `class="field-error"`) {
			t.Fatalf("status %d: the error is not next to the field", status)
		}
	})
	status, _, resp := fx.post(t, a, "/edit/persons/new", url.Values{"names[0].value": {"Synthetic New Person"}, "names[0].lang": {"en"},
		"names[1].value": {"Синтетический Новый"}, "names[1].lang": {"ru"}, "names[1].script": {"Cyrl"}, "sex": {"female"}, "version": {"0"}})
	if status != http.StatusSeeOther {
		t.Fatalf("create: status %d", status)
	}
	where := resp.Header.Get("Location")
	if _, body, _ := fx.get(t, a, where+"?lang=ru"); !strings.Contains(body, "Синтетический Новый") || !strings.Contains(body, "Никто не решал опубликовать") {
		t.Fatalf("created person not shown in Russian, or not said to be undecided, at %s", where)
	}
	// Nobody chose a protection level: the person is restricted until an
	// editor publishes them.
	if _, body, _ := fx.get(t, nil, where+"?lang=ru"); strings.Contains(body, "Синтетический Новый") || strings.Contains(body, "Synthetic New Person") {
		t.Fatalf("a person created through the form without a protection level is shown to everyone at %s", where)
	}
	edit := "/edit" + where
	// Both open the form at version 1; a saves first, b's save is stale.
	// a publishes the person: a decision, taken in the form.
	form := url.Values{"names[0].value": {"Synthetic Edited Person"}, "protection": {"public"}, "version": {"1"}}
	if status, body, _ := fx.post(t, a, edit, form); status != http.StatusSeeOther {
		t.Fatalf("edit: status %d\n%s", status, body)
	}
	form.Set("names[0].value", "Synthetic Stale Person")
	status, body, _ := fx.post(t, b, edit, form)
	if status != http.StatusConflict || !strings.Contains(body, "Someone else saved this record first") || !strings.Contains(body, "version 2") {
		t.Fatalf("stale save: status %d\n%s", status, body)
	}
	if !strings.Contains(body, "Synthetic Stale Person") {
		t.Errorf("the stale form lost what was typed")
	}
	if _, body, _ := fx.get(t, a, where); !strings.Contains(body, "Synthetic Edited Person") || strings.Contains(body, "Stale") {
		t.Errorf("the first save did not win")
	}
	// Anonymous readers see a write within the state key's interval.
	time.Sleep(300 * time.Millisecond)
	if _, body, _ := fx.get(t, nil, where); !strings.Contains(body, "Synthetic Edited Person") || !strings.Contains(body, "decided by an editor on") {
		t.Errorf("an anonymous reader does not see the edit, or who published the person")
	}
	t.Run("JSONFormForOtherKinds", func(t *testing.T) {
		// A unit has fields; its JSON is the "edit as JSON" option.
		status, body, _ := fx.post(t, a, "/edit/units/new", url.Values{"as": {"json"}, "json": {`{"name": {"en": "Synthetic Unit"}, "kind": "nope"}`}})
		if status != http.StatusBadRequest || !strings.Contains(body, "kind") {
			t.Fatalf("status %d", status)
		}
		status, _, resp := fx.post(t, a, "/edit/units/new", url.Values{"as": {"json"}, "json": {`{"name": {"en": "Synthetic Unit"}, "kind": "police"}`}})
		if status != http.StatusSeeOther {
			t.Fatalf("status %d", status)
		}
		unit := resp.Header.Get("Location")
		status, body, _ = fx.post(t, a, "/edit"+unit+"/cite", url.Values{"source_id": {"999999"}, "field": {"name"}})
		if status != http.StatusBadRequest || !strings.Contains(body, "source_id") {
			t.Errorf("citing a missing source: status %d", status)
		}
	})
	t.Run("ActFieldsForm", func(t *testing.T) {
		// Not an id: a name, looked up (refs.go), that names no one.
		status, body, _ := fx.post(t, a, "/edit/acts/new", url.Values{"victim_id": {"x"}, "type": {"torture"}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, `class="field-error">Nothing found by the name “x”`) {
			t.Fatalf("bad victim id: status %d", status)
		}
		status, body, _ = fx.post(t, a, "/edit/acts/new", url.Values{"victim_id": {itoa(fx.ids["public"])}, "type": {"torture"},
			"date": {"2022-31-01"}, "description.ru": {"Синтетическое описание"}})
		if status != http.StatusBadRequest || !strings.Contains(body, "is not a date") {
			t.Fatalf("bad date: status %d", status)
		}
		status, _, resp := fx.post(t, a, "/edit/acts/new", url.Values{"victim_id": {itoa(fx.ids["public"])}, "type": {"torture"},
			"date": {"2022-01-05"}, "description.ru": {"Синтетическое описание"}})
		if status != http.StatusSeeOther {
			t.Fatalf("create act: status %d", status)
		}
		if _, body, _ := fx.get(t, a, resp.Header.Get("Location")+"?lang=ru"); !strings.Contains(body, "Синтетическое описание") {
			t.Errorf("the act's description is not shown")
		}
		if _, body, _ := fx.get(t, a, "/edit"+resp.Header.Get("Location")); !strings.Contains(body, `name="description.ru"`) || !strings.Contains(body, "Синтетическое описание") {
			t.Errorf("the act's form does not hold its description")
		}
	})
	t.Run("Delete", func(t *testing.T) {
		status, _, resp := fx.post(t, a, "/edit/persons/new", url.Values{"names[0].value": {"Synthetic To Delete"}})
		if status != http.StatusSeeOther {
			t.Fatalf("create: %d", status)
		}
		loc := resp.Header.Get("Location")
		if status, body, _ := fx.post(t, a, "/edit"+loc+"/delete", url.Values{"version": {"1"}}); status != http.StatusBadRequest || !strings.Contains(body, "say why") {
			t.Errorf("delete without a reason: %d", status)
		}
		if status, body, _ := fx.post(t, a, "/edit"+loc+"/delete", url.Values{"version": {"7"}, "reason": {"duplicate"}}); status != http.StatusConflict || !strings.Contains(body, "Someone else saved") {
			t.Errorf("stale delete: %d", status)
		}
		if status, _, _ := fx.post(t, a, "/edit"+loc+"/delete", url.Values{"version": {"1"}, "reason": {"duplicate of another record"}}); status != http.StatusSeeOther {
			t.Fatalf("delete: %d", status)
		}
		if status, _, _ := fx.get(t, a, loc); status != http.StatusNotFound {
			t.Errorf("deleted record still shown: %d", status)
		}
		if _, body, _ := fx.get(t, a, loc+"/history"); !strings.Contains(body, "duplicate of another record") {
			t.Errorf("the history does not keep the deletion's reason")
		}
	})
	t.Run("HistoryDiff", func(t *testing.T) {
		_, body, _ := fx.get(t, a, where+"/history?from=1&to=2")
		if !strings.Contains(body, "Synthetic Edited Person") || !strings.Contains(body, "Synthetic New Person") {
			t.Errorf("the diff does not show the change")
		}
	})
}

func TestAdmin(t *testing.T) {
	fx := newFixture(t)
	secret := fx.account(t, "admin1", qantar.RoleAdmin)
	fx.account(t, "viewer2", qantar.RoleViewer)
	c := client()
	fx.signIn(t, c, "admin1", secret, time.Now())
	status, body, _ := fx.post(t, c, "/admin/users", url.Values{"name": {"new-editor"}, "role": {"editor"}, "password": {testPassword}})
	if status != http.StatusOK || !strings.Contains(body, "otpauth://totp/") {
		t.Fatalf("add user: status %d", status)
	}
	status, body, _ = fx.post(t, c, "/admin/users", url.Values{"name": {"short"}, "role": {"viewer"}, "password": {"short"}})
	if status != http.StatusBadRequest || !strings.Contains(body, "at least 12") {
		t.Errorf("short password: status %d", status)
	}
	if status, body, _ := fx.get(t, c, "/admin/audit"); status != 200 || !strings.Contains(body, "signed in") {
		t.Errorf("audit: status %d", status)
	}
	v := client()
	fx.signIn(t, v, "viewer2", "", time.Now())
	if status, _, _ := fx.get(t, v, "/admin/users"); status != http.StatusForbidden {
		t.Errorf("a viewer opened the accounts page: %d", status)
	}
	u, _ := fx.db.UserByName(context.Background(), "viewer2")
	fx.post(t, c, "/admin/users/"+itoa(u.ID), url.Values{"action": {"disable"}})
	if _, body, _ := fx.get(t, v, "/persons/"+itoa(fx.ids["restricted"])); strings.Contains(body, restrictedName) {
		t.Errorf("a disabled account is still signed in")
	}
}

// TestAPIViewsAudited: a protected person shown in full through the JSON
// API (record, list, history) is in the audit log with who saw it, as a
// page view is; an anonymous reader's placeholder is not a view.
func TestAPIViewsAudited(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	_, secret, err := fx.db.CreateToken(ctx, "audited editor", qantar.RoleEditor)
	if err != nil {
		t.Fatal(err)
	}
	id := fx.ids["confidential"]
	views := func() (n int, actors map[string]bool) {
		entries, _, err := fx.db.ListAudit(ctx, 1000, 0)
		if err != nil {
			t.Fatal(err)
		}
		actors = map[string]bool{}
		for _, e := range entries {
			if e.Action == qantar.AuditView && e.RecordID == id && e.Kind == qantar.KindPerson {
				n++
				actors[e.Actor] = true
			}
		}
		return n, actors
	}
	paths := []string{"/api/v1/persons/" + itoa(id), "/api/v1/persons?limit=100", "/api/v1/persons/" + itoa(id) + "/history"}
	for _, path := range paths {
		if status, body, _ := fx.get(t, nil, path); status != http.StatusOK || strings.Contains(body, confidentialName) {
			t.Fatalf("anonymous %s: status %d or the name shown", path, status)
		}
	}
	if n, _ := views(); n != 0 {
		t.Fatalf("anonymous placeholders were audited as %d views", n)
	}
	for i, path := range paths {
		status, body, _ := fx.get(t, nil, path, "Authorization", "Bearer "+secret)
		if status != http.StatusOK || !strings.Contains(body, confidentialName) {
			t.Fatalf("editor %s: status %d, name shown %v", path, status, strings.Contains(body, confidentialName))
		}
		n, actors := views()
		if n != i+1 || len(actors) != 1 || actors[""] {
			t.Fatalf("after the editor's %s: %d views by %v, want %d by the token", path, n, actors, i+1)
		}
	}
}
