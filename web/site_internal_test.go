package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/sqlite"
)

// TestTemplatesUsed checks that every page template is rendered somewhere in
// the handlers, and every rendered name has a template.
func TestTemplatesUsed(t *testing.T) {
	render := regexp.MustCompile(`p\.render\([^"]*"([a-z]+)"`)
	files, _ := filepath.Glob("*.go")
	used := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, _ := os.ReadFile(f)
		for _, m := range render.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = true
		}
	}
	var got []string
	for n := range used {
		got = append(got, n)
	}
	sort.Strings(got)
	want := append([]string{}, pageNames...)
	sort.Strings(want)
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("rendered %v, templates %v", got, want)
	}
	p := &site{}
	var err error
	if p.assets, err = loadAssets(siteFS); err != nil {
		t.Fatal(err)
	}
	tm, err := parseTemplates(siteFS, p.funcs())
	if err != nil {
		t.Fatal(err)
	}
	if len(tm) != len(pageNames) {
		t.Errorf("parsed %d templates, want %d", len(tm), len(pageNames))
	}
}

func TestPasswordHash(t *testing.T) {
	h, err := HashPassword("a long enough password")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %q is not an argon2id PHC string", h)
	}
	tests := []struct {
		name, hash, password string
		want                 bool
	}{
		{"Right", h, "a long enough password", true},
		{"ErrWrong", h, "a long enough passworD", false},
		{"ErrTruncated", h[:len(h)-4], "a long enough password", false},
		{"ErrNotArgon", "$2a$10$abcdefghijklmnopqrstuv", "a long enough password", false},
		{"ErrHugeMemory", "$argon2id$v=19$m=99999999,t=2,p=1$c2FsdA$aGFzaA", "x", false},
		{"ErrEmpty", "", "", false},
	}
	for _, tc := range tests {
		if got := CheckPassword(tc.hash, tc.password); got != tc.want {
			t.Errorf("%s: CheckPassword = %v", tc.name, got)
		}
	}
	if _, err := HashPassword("short"); err == nil {
		t.Errorf("a short password was accepted")
	}
}

// TestAPISession checks the hook that lets the JSON API accept a signed-in
// session: the session's actor for a same-origin request, a refusal for a
// cross-origin write, nothing without a cookie.
func TestAPISession(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "s.db"), sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s := New(Config{Store: db, Tokens: db, Log: db})
	u, _, err := NewAccount(ctx, db, "api-editor", qantar.RoleEditor, "a long enough password")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if err := db.CreateSession(ctx, qantar.Session{Hash: hashSecret("secret-cookie"), UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, method, cookie, site string
		ok                         bool
		code                       string
	}{
		{"SameOriginWrite", "POST", "secret-cookie", "same-origin", true, ""},
		{"Read", "GET", "secret-cookie", "cross-site", true, ""},
		{"ErrCrossOriginWrite", "POST", "secret-cookie", "cross-site", false, qantar.EFORBIDDEN},
		{"NoCookie", "POST", "", "same-origin", false, ""},
		{"UnknownCookie", "GET", "nope", "same-origin", false, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(tc.method, "/api/v1/persons", nil)
			if tc.cookie != "" {
				r.AddCookie(&http.Cookie{Name: sessionCookie, Value: tc.cookie})
			}
			r.Header.Set("Sec-Fetch-Site", tc.site)
			a, ok, err := s.apiSession(r)
			if ok != tc.ok || qantar.ErrorCode(err) != tc.code {
				t.Fatalf("ok %v err %v, want %v %q", ok, err, tc.ok, tc.code)
			}
			if ok && a.ID != u.Actor().ID {
				t.Errorf("actor %+v", a)
			}
		})
	}
}

func TestSafeSnippet(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"Marked", "… the <mark>Almaty</mark> square …", "… the <mark>Almaty</mark> square …"},
		{"Escaped", "a &lt;b&gt; <mark>c</mark>", "a &lt;b&gt; <mark>c</mark>"},
		{"ErrScript", "<script>alert(1)</script>", ""},
		{"ErrOtherTag", "<mark>x</mark><img src=x>", ""},
		{"ErrBrokenMark", "<mark x>y</mark>", ""},
	}
	for _, tc := range tests {
		if got := string(safeSnippet(tc.in)); got != tc.want {
			t.Errorf("%s: safeSnippet(%q) = %q, want %q", tc.name, tc.in, got, tc.want)
		}
	}
}

// TestPlaceNamesShown: a place's names over time read as names with their
// periods in the reader's language; a person's names are not taken for them.
func TestPlaceNamesShown(t *testing.T) {
	trs := newTranslators(newCatalog())
	raw := []byte(`[{"name": {"en": "Kapshagay", "ru": "Капчагай"}, "to": "2022-05-03"}, {"name": {"en": "Konayev", "ru": "Конаев"}, "from": "2022-05-04"}]`)
	for lang, want := range map[string][]string{"en": {"Kapshagay (…–", "Konayev ("}, "ru": {"Капчагай (…–", "Конаев ("}} {
		got, _ := trs[lang].rawValue("names", raw)
		for _, w := range want {
			if !strings.Contains(got, w) || !strings.Contains(got, "2022") {
				t.Errorf("%s: %q does not show %q with its period", lang, got, w)
			}
		}
	}
	if got, _ := trs["en"].rawValue("names", []byte(`[{"value": "Тоқаев", "lang": "kk"}]`)); got != "Тоқаев (kk)" {
		t.Errorf("a person's names read %q", got)
	}
}
