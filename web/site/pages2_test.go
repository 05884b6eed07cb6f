package site_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	htmlpkg "html"
	"io"
	"math"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/web"
)

func TestStatsPage(t *testing.T) {
	fx := newFixture(t)
	tests := []struct {
		name, path string
		status     int
		want       []string
	}{
		{"Today", "/stats", http.StatusOK, []string{`id="funnel"`, "<svg", `id="estimate"`, "What the estimate assumes", "Minnesota Protocol", "Answered in time"}},
		{"Russian", "/stats?lang=ru", http.StatusOK, []string{"Панель подотчётности", "<svg"}},
		{"PastDay", "/stats?as_of=2022-01-06", http.StatusOK, []string{`value="2022-01-06"`}},
		{"ErrBadAsOf", "/stats?as_of=yesterday", http.StatusBadRequest, []string{"as_of"}},
		{"ErrAsOfMonthOnly", "/stats?as_of=2022-01", http.StatusBadRequest, []string{"as_of"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, body, _ := fx.get(t, nil, tc.path)
			if status != tc.status {
				t.Fatalf("status %d, want %d\n%s", status, tc.status, body)
			}
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Errorf("no %q on the page", w)
				}
			}
			if strings.Contains(body, "<script") {
				t.Errorf("the page has a script")
			}
		})
	}
	// The funnel's numbers are the API's.
	_, api, _ := fx.get(t, nil, "/api/v1/stats?as_of=2030-01-01")
	_, body, _ := fx.get(t, nil, "/stats?as_of=2030-01-01")
	for _, key := range []string{`"deaths":`, `"with_case":`} {
		i := strings.Index(api, key)
		if i < 0 {
			t.Fatalf("no %s in the API", key)
		}
		n := api[i+len(key):]
		n = n[:strings.IndexAny(n, ",}")]
		if !strings.Contains(body, "<td>"+n+"</td>") {
			t.Errorf("funnel %s %s not on the page", key, n)
		}
	}
	// The page names no protected person.
	if strings.Contains(body, confidentialName) || strings.Contains(body, restrictedName) {
		t.Errorf("a protected name on the dashboard")
	}
}

// TestStatsEstimate gives the dashboard two lists that name the dead, so
// that it shows a number, and checks that it is the API's.
func TestStatsEstimate(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	// First without lists: no number, and the reason; the page must not
	// keep showing it once the lists are there.
	if _, body, _ := fx.get(t, nil, "/stats"); !strings.Contains(body, "No estimate is given") || !strings.Contains(body, "at least two lists") {
		t.Fatalf("no reason given for the missing estimate")
	}
	if _, body, _ := fx.get(t, nil, "/stats?lang=kk"); !strings.Contains(body, "кемінде екі тізім") {
		t.Fatalf("the reason for the missing estimate is not in Kazakh")
	}
	for i, victims := range [][]string{{"public", "confidential"}, {"public"}} {
		src := &qantar.Source{SourceKind: "list", Title: qantar.Text{"en": "Synthetic list " + strconv.Itoa(i+1)}}
		if err := fx.db.Create(ctx, qantar.System, src); err != nil {
			t.Fatal(err)
		}
		for _, v := range victims {
			if err := fx.db.Create(ctx, qantar.System, &qantar.Citation{RecordKind: qantar.KindPerson, RecordID: fx.ids[v], SourceID: src.ID}); err != nil {
				t.Fatal(err)
			}
		}
	}
	_, api, _ := fx.get(t, nil, "/api/v1/estimate")
	var ans struct {
		Estimate *float64 `json:"estimate"`
		Method   string   `json:"method"`
	}
	if err := json.Unmarshal([]byte(api), &ans); err != nil || ans.Estimate == nil {
		t.Fatalf("API gives no estimate (%v): %s", err, api)
	}
	// An anonymous reader is answered the figures computed so far while
	// those of the new checkpoint are computed, then those.
	status, body, _ := fx.get(t, nil, "/stats")
	for deadline := time.Now().Add(10 * time.Second); status == http.StatusOK && strings.Contains(body, "No estimate is given") && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
		status, body, _ = fx.get(t, nil, "/stats")
	}
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	method, ok := map[string]string{"lp": "Lincoln–Petersen", "chapman": "Chapman estimator",
		"loglinear": "log-linear models", "lcmcr": "latent class model"}[ans.Method] // said in words, not as its code
	if !ok {
		t.Fatalf("unknown method %q", ans.Method)
	}
	want := []string{"Estimated total from the lists", `<td class="big">` + strconv.Itoa(int(math.Round(*ans.Estimate))) + "</td>",
		"Synthetic list 1", "<td>" + method}
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("no %q on the page", w)
		}
	}
}

// postFile sends a multipart form with an optional file.
func (fx *fixture) postFile(t *testing.T, c *http.Client, path string, fields map[string]string, fileName string, file []byte) (int, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if fileName != "" {
		fw, _ := mw.CreateFormFile("file", fileName)
		fw.Write(file)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", fx.srv.URL+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// countPersons is how many persons the store holds.
func (fx *fixture) countPersons(t *testing.T) int {
	t.Helper()
	recs, _, err := fx.db.List(context.Background(), qantar.KindPerson, qantar.Filter{Limit: qantar.MaxLimit, Reader: qantar.System})
	if err != nil {
		t.Fatal(err)
	}
	return len(recs)
}

// hiddenValue reads a hidden field of the page.
func hiddenValue(body, name string) string {
	m := regexp.MustCompile(`name="` + name + `" value="([^"]*)"`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return htmlpkg.UnescapeString(m[1])
}

func TestImportPage(t *testing.T) {
	fx := newFixture(t)
	secret := fx.account(t, "importer", qantar.RoleEditor)
	ed := client()
	fx.signIn(t, ed, "importer", secret, time.Now())
	before := fx.countPersons(t)

	t.Run("ErrAnonymous", func(t *testing.T) {
		if status, _, h := fx.get(t, nil, "/import"); status != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/login") {
			t.Fatalf("status %d, want a redirect to sign in", status)
		}
		status, _ := fx.postFile(t, noRedirect(), "/import", map[string]string{"kind": "persons"}, "a.csv", []byte("name\nX\n"))
		if status != http.StatusUnauthorized {
			t.Fatalf("anonymous upload: status %d", status)
		}
	})
	t.Run("ErrViewer", func(t *testing.T) {
		vs := fx.account(t, "viewer-imp", qantar.RoleViewer)
		v := client()
		fx.signIn(t, v, "viewer-imp", vs, time.Now())
		status, _ := fx.postFile(t, v, "/import", map[string]string{"kind": "persons"}, "a.csv", []byte("name\nX\n"))
		if status != http.StatusForbidden {
			t.Fatalf("viewer upload: status %d", status)
		}
	})
	t.Run("ErrCrossOrigin", func(t *testing.T) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		mw.WriteField("kind", "persons")
		mw.Close()
		req, _ := http.NewRequest("POST", fx.srv.URL+"/import", &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		resp, err := ed.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("status %d, want 403", resp.StatusCode)
		}
	})
	t.Run("Form", func(t *testing.T) {
		status, body, _ := fx.get(t, ed, "/import")
		if status != http.StatusOK || !strings.Contains(body, `type="file"`) || !strings.Contains(body, `name="skip_invalid"`) {
			t.Fatalf("status %d\n%s", status, body)
		}
	})
	bad := "external_key,name,birth_date,sex\nsyn-1,Synthetic Import One,1980,male\nsyn-2,Synthetic Import Two,31.02.1990,female\nsyn-3,,1970,female\n"
	status, body := fx.postFile(t, ed, "/import", map[string]string{"kind": "persons", "dry_run": "1"}, "bad.csv", []byte(bad))
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("bad file: status %d\n%s", status, body)
	}
	for _, want := range []string{"<td>3</td><td>birth_date</td>", "is not a date", "<td>4</td><td>name</td>", "at least one name is required", "Nothing was written yet."} {
		if !strings.Contains(body, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if strings.Contains(body, "Import for real") {
		t.Errorf("a file with problems may be imported without skipping them")
	}
	if n := fx.countPersons(t); n != before {
		t.Fatalf("the check wrote: %d persons, was %d", n, before)
	}

	good := "external_key,name,birth_date,sex\nsyn-1,Synthetic Import One,1980,male\nsyn-2,Synthetic Import Two,1990,female\n"
	status, body = fx.postFile(t, ed, "/import", map[string]string{"kind": "persons", "dry_run": "1"}, "good.csv", []byte(good))
	if status != http.StatusOK || !strings.Contains(body, "Import for real") {
		t.Fatalf("good file: status %d\n%s", status, body)
	}
	if n := fx.countPersons(t); n != before {
		t.Fatalf("the check wrote: %d persons, was %d", n, before)
	}
	// Confirming posts the kept copy of the same file.
	data := hiddenValue(body, "data")
	if data == "" {
		t.Fatalf("no kept copy of the file in the confirm form")
	}
	status, body = fx.postFile(t, ed, "/import", map[string]string{"kind": "persons", "confirm": "1", "filename": hiddenValue(body, "filename"), "data": data}, "", nil)
	if status != http.StatusOK || !strings.Contains(body, "The rows were written.") {
		t.Fatalf("confirm: status %d\n%s", status, body)
	}
	if n := fx.countPersons(t); n != before+2 {
		t.Fatalf("%d persons after the import, want %d", n, before+2)
	}
	t.Run("ProtectedUntilDecided", func(t *testing.T) {
		// The two persons just imported set no level: they are protected,
		// the report says so, and nobody anonymous sees them.
		if !strings.Contains(body, "Persons protected until an editor publishes them") {
			t.Errorf("the report does not say that the imported persons are protected")
		}
		if _, page, _ := fx.get(t, nil, "/persons"); strings.Contains(page, "Synthetic Import One") {
			t.Errorf("an imported person with no protection level is public")
		}
		list := "external_key,name\npub-1,Synthetic Chosen Public\n"
		status, page := fx.postFile(t, ed, "/import", map[string]string{"kind": "persons", "protection": "public"}, "pub.csv", []byte(list))
		if status != http.StatusOK || !strings.Contains(page, "The rows were written.") || strings.Contains(page, "Persons protected until") {
			t.Fatalf("import with protection public: status %d", status)
		}
		if _, page, _ := fx.get(t, nil, "/persons?q=Synthetic+Chosen"); !strings.Contains(page, "Synthetic Chosen Public") {
			t.Errorf("a person imported as public is not shown")
		}
		if status, _ := fx.postFile(t, ed, "/import", map[string]string{"kind": "persons", "protection": "secret"}, "x.csv", []byte(list)); status != http.StatusBadRequest {
			t.Errorf("an unknown protection level: status %d", status)
		}
	})
	t.Run("SkipInvalid", func(t *testing.T) {
		bad := strings.ReplaceAll(bad, "syn-", "skip-")
		status, body := fx.postFile(t, ed, "/import", map[string]string{"kind": "persons", "dry_run": "1", "skip_invalid": "1"}, "bad.csv", []byte(bad))
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, "Import the valid rows") {
			t.Fatalf("status %d: no offer to import the valid rows", status)
		}
		n := fx.countPersons(t)
		status, body = fx.postFile(t, ed, "/import", map[string]string{"kind": "persons", "confirm": "1", "skip_invalid": hiddenValue(body, "skip_invalid"), "data": hiddenValue(body, "data")}, "", nil)
		if status != http.StatusOK || !strings.Contains(body, "The rows were written.") {
			t.Fatalf("confirm: status %d", status)
		}
		if got := fx.countPersons(t); got != n+1 {
			t.Fatalf("%d persons, want %d: only the one valid row", got, n+1)
		}
	})
	t.Run("NoDryRun", func(t *testing.T) {
		// Unticked, a file without problems is imported at once.
		n := fx.countPersons(t)
		file := "external_key,name\nnodry-1,Synthetic Direct Import\n"
		status, body := fx.postFile(t, ed, "/import", map[string]string{"kind": "persons"}, "direct.csv", []byte(file))
		if status != http.StatusOK || !strings.Contains(body, "The rows were written.") {
			t.Fatalf("status %d", status)
		}
		if got := fx.countPersons(t); got != n+1 {
			t.Fatalf("%d persons, want %d", got, n+1)
		}
	})
	t.Run("ErrConfirmWithProblems", func(t *testing.T) {
		// Confirming a file with problems, without skipping them, writes nothing.
		n := fx.countPersons(t)
		data := base64.StdEncoding.EncodeToString([]byte(strings.ReplaceAll(bad, "syn-", "conf-")))
		status, body := fx.postFile(t, ed, "/import", map[string]string{"kind": "persons", "confirm": "1", "data": data}, "", nil)
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, "Nothing was written yet.") {
			t.Fatalf("status %d", status)
		}
		if got := fx.countPersons(t); got != n {
			t.Fatalf("%d persons, want %d", got, n)
		}
	})
	t.Run("ErrDamagedCopy", func(t *testing.T) {
		status, body := fx.postFile(t, ed, "/import", map[string]string{"kind": "persons", "confirm": "1", "data": "%%%"}, "", nil)
		if status != http.StatusBadRequest || !strings.Contains(body, "damaged") {
			t.Fatalf("status %d", status)
		}
	})
	t.Run("ErrBadKind", func(t *testing.T) {
		status, _ := fx.postFile(t, ed, "/import", map[string]string{"kind": "nonsense"}, "a.csv", []byte(good))
		if status != http.StatusBadRequest {
			t.Fatalf("status %d", status)
		}
	})
	t.Run("LargerThanAnAPIBody", func(t *testing.T) {
		// A list over the API's 1 MiB limit is still a list the import page
		// takes: 30,000 synthetic rows, about 1.3 MiB.
		var b bytes.Buffer
		b.WriteString("external_key,name_ru\n")
		for i := 0; b.Len() <= web.MaxBody+web.MaxBody/4; i++ {
			fmt.Fprintf(&b, "SYN-BIG-%06d,Синтетический Человек %d\n", i, i)
		}
		status, body := fx.postFile(t, ed, "/import", map[string]string{"kind": "persons", "dry_run": "1"}, "big.csv", b.Bytes())
		if status != http.StatusOK || !strings.Contains(body, "choose it again") {
			t.Fatalf("status %d, body %.300s", status, body)
		}
		if req, _ := http.NewRequest("POST", fx.srv.URL+"/api/v1/persons", bytes.NewReader(b.Bytes())); req != nil {
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusRequestEntityTooLarge && resp.StatusCode != http.StatusUnauthorized {
				t.Fatalf("a 1.3 MiB API body: status %d", resp.StatusCode)
			}
		}
	})
	t.Run("JSON", func(t *testing.T) {
		// The JSON of an export, as `qantar export --format json` writes it.
		file := `[
{"id": 7, "external_key": "SYN-JSON-1", "names": [{"value": "Synthetic Json Person One", "lang": "en"}]},
{"id": 8, "names": [{"value": "Synthetic Json Person Two", "lang": "en"}], "sex": "female"}
]`
		status, body := fx.postFile(t, ed, "/import", map[string]string{"kind": "persons"}, "persons.json", []byte(file))
		if status != http.StatusOK || !strings.Contains(body, "The rows were written.") {
			t.Fatalf("status %d: %.400s", status, body)
		}
		recs, _, err := fx.db.List(context.Background(), qantar.KindPerson, qantar.Filter{Q: "Synthetic Json Person", Reader: qantar.System})
		if err != nil || len(recs) != 2 {
			t.Fatalf("after a JSON import: %d persons named so (%v)", len(recs), err)
		}
		bad := `[{"names": [{"value": "Synthetic Json Bad"}], "sex": "robot"}]`
		status, body = fx.postFile(t, ed, "/import", map[string]string{"kind": "persons"}, "bad.json", []byte(bad))
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, "sex") {
			t.Fatalf("a bad JSON element: status %d: %.400s", status, body)
		}
	})
	t.Run("ErrTooLarge", func(t *testing.T) {
		big := bytes.Repeat([]byte("x"), web.MaxImportBody+10)
		status, body := fx.postFile(t, ed, "/import", map[string]string{"kind": "persons"}, "big.csv", big)
		if status != http.StatusRequestEntityTooLarge || !strings.Contains(body, "Split the file") {
			t.Fatalf("status %d", status)
		}
	})
}

// withSearch serves the fixture's store with its search, as `qantar serve`
// does (the shared fixture has none).
func (fx *fixture) withSearch(t *testing.T) {
	fx.site = web.New(web.Config{Store: fx.db, Tokens: fx.db, Log: fx.db, Search: fx.db})
	fx.srv.Close()
	fx.srv = httptest.NewServer(fx.site.Handler())
	t.Cleanup(fx.srv.Close)
}

func TestDuplicateWarning(t *testing.T) {
	fx := newFixture(t)
	fx.withSearch(t)
	ctx := context.Background()
	place := &qantar.Place{Name: qantar.Text{"en": "Synthetic Town"}}
	if err := fx.db.Create(ctx, qantar.System, place); err != nil {
		t.Fatal(err)
	}
	known := &qantar.Person{Names: []qantar.Name{{Value: "Serik Synthetov", Lang: "en"}}, BirthDate: qantar.MustDate("1984-03-02"), BirthPlace: place.ID}
	if err := fx.db.Create(ctx, qantar.System, known); err != nil {
		t.Fatal(err)
	}
	secret := fx.account(t, "dup-editor", qantar.RoleEditor)
	ed := client()
	fx.signIn(t, ed, "dup-editor", secret, time.Now())
	form := func(name string) url.Values {
		return url.Values{"names[0].value": {name}, "names[0].lang": {"en"}, "version": {"0"}}
	}
	tests := []struct {
		name, typed string
		warn        bool
	}{
		{"SameName", "Serik Synthetov", true},
		{"OtherOrderAndCase", "synthetov serik", true},
		{"Typo", "Serik Syntetov", true},
		{"Cyrillic", "Серик Синтетов", true},
		{"OtherName", "Aigerim Unrelatedova", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := fx.countPersons(t)
			status, body, _ := fx.post(t, ed, "/edit/persons/new", form(tc.typed))
			warned := status == http.StatusOK && strings.Contains(body, `id="duplicates"`)
			if warned != tc.warn {
				t.Fatalf("status %d, warned %v, want %v", status, warned, tc.warn)
			}
			if !tc.warn {
				if status != http.StatusSeeOther {
					t.Fatalf("status %d: not saved", status)
				}
				return
			}
			for _, want := range []string{recordHrefOf(qantar.KindPerson, known.ID), "Serik Synthetov", "<td>1984</td>", "Synthetic Town",
				`name="confirm_duplicate" value="1"`, `value="` + tc.typed + `"`} {
				if !strings.Contains(body, want) {
					t.Errorf("warning lacks %q", want)
				}
			}
			if n := fx.countPersons(t); n != before {
				t.Fatalf("saved before confirming: %d persons, was %d", n, before)
			}
		})
	}
	t.Run("SaveAnyway", func(t *testing.T) {
		before := fx.countPersons(t)
		f := form("Serik Synthetov")
		f.Set("confirm_duplicate", "1")
		if status, body, _ := fx.post(t, ed, "/edit/persons/new", f); status != http.StatusSeeOther {
			t.Fatalf("status %d\n%s", status, body)
		}
		if n := fx.countPersons(t); n != before+1 {
			t.Fatalf("%d persons, want %d", n, before+1)
		}
	})
	t.Run("ConfidentialShownToEditor", func(t *testing.T) {
		// Editors may see confidential persons (qantar.Actor.CanSee), and a
		// duplicate of one is the costliest: it must be found.
		_, body, _ := fx.post(t, ed, "/edit/persons/new", form(confidentialName))
		if !strings.Contains(body, recordHrefOf(qantar.KindPerson, fx.ids["confidential"])+`"`) {
			t.Fatalf("the warning does not show the confidential person to an editor")
		}
	})
}

func recordHrefOf(k qantar.Kind, id int64) string {
	return "/" + string(k) + "/" + strconv.FormatInt(id, 10)
}

func TestLinkagePage(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	mk := func(rec qantar.Record) int64 {
		t.Helper()
		if err := fx.db.Create(ctx, qantar.System, rec); err != nil {
			t.Fatal(err)
		}
		return rec.GetMeta().ID
	}
	la := mk(&qantar.Source{SourceKind: "list", Title: qantar.Text{"en": "Synthetic list A"}})
	lb := mk(&qantar.Source{SourceKind: "list", Title: qantar.Text{"en": "Synthetic list B"}})
	given := []string{"Ерлан", "Айгерім", "Нұрлан", "Дәурен", "Гүлнар", "Бауыржан", "Данияр", "Қайрат", "Марат", "Серік", "Талғат", "Динара"}
	surn := []string{"Ахметов", "Омарова", "Жұмабаев", "Қасымов", "Бекенова", "Смағұлов", "Төлеуов", "Әбілов", "Мұқанов", "Есенов", "Оспанов", "Садықова"}
	var pairs [][2]int64
	for i := range given {
		name := given[i] + " " + surn[i]
		bd := qantar.MustDate("19" + strconv.Itoa(60+i) + "-0" + strconv.Itoa(1+i%9) + "-1" + strconv.Itoa(i%10))
		pa := mk(&qantar.Person{Names: []qantar.Name{{Value: name, Lang: "kk"}}, BirthDate: bd})
		mk(&qantar.Citation{RecordKind: qantar.KindPerson, RecordID: pa, SourceID: la})
		if i%3 != 2 {
			pb := mk(&qantar.Person{Names: []qantar.Name{{Value: name, Lang: "kk"}}, BirthDate: bd})
			mk(&qantar.Citation{RecordKind: qantar.KindPerson, RecordID: pb, SourceID: lb})
			pairs = append(pairs, [2]int64{pa, pb})
		}
	}
	secret := fx.account(t, "linker", qantar.RoleEditor)
	ed := client()
	fx.signIn(t, ed, "linker", secret, time.Now())

	t.Run("ErrAnonymous", func(t *testing.T) {
		if status, _, _ := fx.get(t, nil, "/linkage"); status != http.StatusSeeOther {
			t.Fatalf("status %d, want a redirect to sign in", status)
		}
		if status, _, _ := fx.post(t, noRedirect(), "/linkage/merge", url.Values{"id": {"1"}, "into": {"2"}, "version": {"1"}}); status != http.StatusUnauthorized {
			t.Fatalf("anonymous merge: status %d", status)
		}
	})
	status, body, _ := fx.get(t, ed, "/linkage")
	if status != http.StatusOK {
		t.Fatalf("status %d\n%s", status, body)
	}
	if n := strings.Count(body, ">Same person</button>"); n < len(pairs) {
		t.Fatalf("%d merge buttons, want at least %d", n, len(pairs))
	}
	for _, w := range []string{"Synthetic list A", "Synthetic list B", given[0] + " " + surn[0]} {
		if !strings.Contains(body, w) {
			t.Errorf("page lacks %q", w)
		}
	}
	a, b := pairs[0][0], pairs[0][1]
	form := url.Values{"id": {itoa(b)}, "into": {itoa(a)}, "version": {"1"}}
	if status, body, _ := fx.post(t, ed, "/linkage/merge", form); status != http.StatusSeeOther {
		t.Fatalf("merge: status %d\n%s", status, body)
	}
	rec, _ := fx.db.Get(ctx, qantar.KindPerson, b)
	if got := rec.(*qantar.Person).SameAsID; got != a {
		t.Fatalf("same_as_id %d, want %d", got, a)
	}
	if rec.GetMeta().Version != 2 {
		t.Fatalf("version %d: the merge is not an ordinary update", rec.GetMeta().Version)
	}
	t.Run("ErrStale", func(t *testing.T) {
		status, body, _ := fx.post(t, ed, "/linkage/merge", form)
		if status != http.StatusConflict || !strings.Contains(body, `id="conflict"`) || !strings.Contains(body, "version 2") {
			t.Fatalf("status %d", status)
		}
	})
	t.Run("ErrIntoItself", func(t *testing.T) {
		status, body, _ := fx.post(t, ed, "/linkage/merge", url.Values{"id": {itoa(a)}, "into": {itoa(a)}, "version": {"1"}})
		if status != http.StatusBadRequest || !strings.Contains(body, "same_as_id") {
			t.Fatalf("status %d", status)
		}
	})
	t.Run("ErrBadVersion", func(t *testing.T) {
		if status, _, _ := fx.post(t, ed, "/linkage/merge", url.Values{"id": {itoa(b)}, "into": {itoa(a)}, "version": {"x"}}); status != http.StatusBadRequest {
			t.Fatalf("status %d", status)
		}
	})
	_, body, _ = fx.get(t, ed, "/linkage")
	if !strings.Contains(body, "Undo the merge") {
		t.Fatalf("the merged pair is not shown as merged")
	}
	// Saving the person's form keeps the merge: the form has no such field.
	edit := url.Values{"names[0].value": {given[0] + " " + surn[0]}, "names[0].lang": {"kk"}, "birth_date": {rec.(*qantar.Person).BirthDate.String()}, "version": {"2"}}
	if status, body, _ := fx.post(t, ed, "/edit/persons/"+itoa(b), edit); status != http.StatusSeeOther {
		t.Fatalf("edit: status %d\n%s", status, body)
	}
	rec, _ = fx.db.Get(ctx, qantar.KindPerson, b)
	if rec.(*qantar.Person).SameAsID != a || rec.GetMeta().Version != 3 {
		t.Fatalf("after editing the form: same_as_id %d version %d, want %d, 3", rec.(*qantar.Person).SameAsID, rec.GetMeta().Version, a)
	}
	undo := url.Values{"id": {itoa(b)}, "into": {itoa(a)}, "version": {"3"}, "undo": {"1"}}
	if status, _, _ := fx.post(t, ed, "/linkage/merge", undo); status != http.StatusSeeOther {
		t.Fatalf("undo: status %d", status)
	}
	rec, _ = fx.db.Get(ctx, qantar.KindPerson, b)
	if rec.(*qantar.Person).SameAsID != 0 || rec.GetMeta().Version != 4 {
		t.Fatalf("undo: same_as_id %d version %d", rec.(*qantar.Person).SameAsID, rec.GetMeta().Version)
	}
}

// TestStatsGrounds: case outcomes show the ground's label from the rules,
// and mark a ground whose source is not verified.
func TestStatsGrounds(t *testing.T) {
	fx := newFixture(t)
	c := &qantar.Case{Number: "SYN-2", OpenedOn: qantar.MustDate("2022-02-01"), ActIDs: []int64{fx.ids["act1"]},
		Steps: []qantar.CaseEvent{{Step: "registered", Date: qantar.MustDate("2022-02-01")},
			{Step: "terminated", Date: qantar.MustDate("2023-01-01"), Ground: "cpc-35-1-11"}}}
	if err := fx.db.Create(context.Background(), qantar.System, c); err != nil {
		t.Fatal(err)
	}
	_, body, _ := fx.get(t, nil, "/stats")
	row := regexp.MustCompile(`<tr><td>[^<]*</td><td>([^<]*)<span class="muted">\(CPC art\. 35 p\.1 item (\d+)\)</span>( <strong class="unverified">unverified</strong>)?</td><td>1</td></tr>`)
	got := map[string]string{}
	for _, m := range row.FindAllStringSubmatch(body, -1) {
		got[m[2]] = strings.TrimSpace(m[1]) + "|" + m[3]
	}
	want := map[string]string{
		"1":  "No criminal offence took place|",
		"11": `Death of the person| <strong class="unverified">unverified</strong>`,
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("item %s: got %q, want %q", k, got[k], w)
		}
	}
}
