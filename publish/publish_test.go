package publish

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qantar-project/qantar"
	logclient "github.com/qantar-project/qantar/tlog/client"
	"github.com/qantar-project/qantar/web"
	"golang.org/x/net/html"
)

// published is one mirror of the fixture, shared by the tests that only
// read it.
var published struct {
	once sync.Once
	fx   *fixture
	dir  string
	rep  *Report
	err  error
	now  time.Time
}

// sharedDirs are the shared fixture's directories, removed by TestMain.
var sharedDirs []string

func TestMain(m *testing.M) {
	code := m.Run()
	for _, d := range sharedDirs {
		os.RemoveAll(d)
	}
	os.Exit(code)
}

// publishedMirror publishes the fixture once for every test that only
// reads the mirror. Its directories outlive the test that made them and
// are removed when every test has run.
func publishedMirror(t *testing.T) (*fixture, string, *Report) {
	t.Helper()
	published.once.Do(func() {
		tb := &onceTB{T: t}
		published.fx = newFixture(tb, 0)
		dir, err := os.MkdirTemp("", "qantar-publish-test-")
		if err != nil {
			published.err = err
			return
		}
		sharedDirs = append(sharedDirs, dir)
		published.dir = filepath.Join(dir, "mirror")
		published.now = time.Now()
		cfg := published.fx.site()
		cfg.Now = func() time.Time { return published.now }
		published.rep, published.err = Publish(context.Background(), published.dir, Options{Site: cfg})
	})
	if published.err != nil {
		t.Fatal(published.err)
	}
	return published.fx, published.dir, published.rep
}

// onceTB is the first test's T, but whose cleanups (closing the database)
// never run: the shared fixture lives as long as the test binary.
type onceTB struct{ *testing.T }

func (o *onceTB) Cleanup(func()) {}

func (o *onceTB) TempDir() string {
	d, err := os.MkdirTemp("", "qantar-publish-db-")
	if err != nil {
		o.Fatal(err)
	}
	sharedDirs = append(sharedDirs, d)
	return d
}

// walkFiles calls fn with every regular file of dir, by its slash path.
func walkFiles(t *testing.T, dir string, fn func(rel string, data []byte)) {
	t.Helper()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		fn(filepath.ToSlash(rel), b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// (a) Every internal link of every page of the mirror is a file of the
// mirror, and no page keeps a form, a query string or a path from the
// site's root (which would not work from a sub-path or file://).
func TestPublishLinksResolve(t *testing.T) {
	_, dir, rep := publishedMirror(t)
	pages, links := 0, 0
	targets := map[string]bool{}
	walkFiles(t, dir, func(rel string, data []byte) {
		if !strings.HasSuffix(rel, ".html") {
			return
		}
		pages++
		z := html.NewTokenizer(bytes.NewReader(data))
		for {
			tt := z.Next()
			if tt == html.ErrorToken {
				break
			}
			if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
				continue
			}
			tok := z.Token()
			if tok.Data == "form" || tok.Data == "input" || tok.Data == "button" {
				t.Errorf("%s: a <%s> is left in a read-only mirror", rel, tok.Data)
			}
			for _, a := range tok.Attr {
				if a.Key != "href" && a.Key != "src" && a.Key != "action" {
					continue
				}
				u, err := url.Parse(a.Val)
				if err != nil {
					t.Errorf("%s: bad URL %q", rel, a.Val)
					continue
				}
				if u.Scheme != "" || u.Host != "" || (u.Path == "" && u.RawQuery == "") {
					continue // another site, or a fragment
				}
				links++
				if u.RawQuery != "" || strings.HasPrefix(u.Path, "/") {
					t.Errorf("%s: link %q: a static mirror has no query strings and must not depend on its root", rel, a.Val)
					continue
				}
				target := path.Join(path.Dir(rel), u.Path)
				if strings.HasPrefix(target, "../") {
					t.Errorf("%s: link %q leaves the mirror", rel, a.Val)
					continue
				}
				fi, err := os.Stat(filepath.Join(dir, filepath.FromSlash(target)))
				if err != nil || !fi.Mode().IsRegular() {
					t.Errorf("%s: link %q: no file %s in the mirror", rel, a.Val, target)
					continue
				}
				targets[target] = true
			}
		}
	})
	if pages != rep.Pages*3+3 { // every page in three languages, and the mirror's page in each
		t.Errorf("%d HTML files, want %d pages × 3 languages + 3", pages, rep.Pages)
	}
	// The links reach what a reader needs: each language's home, the open
	// data, the log, the guide; the pages of all the victims of an event.
	for _, want := range []string{"index.html", "kk/index.html", "ru/index.html", "data/persons.csv", "data/acts.json",
		"log/checkpoint", "VERIFY.txt", "SHA256SUMS", "mirror.html", "kk/mirror.html", "victims.html", "victims/offset=50.html"} {
		if !targets[want] {
			t.Errorf("no page links to %s", want)
		}
	}
	eventAll := false
	for tg := range targets {
		if regexp.MustCompile(`^victims/event_id=\d+,offset=200\.html$`).MatchString(tg) {
			eventAll = true
		}
	}
	if !eventAll {
		t.Errorf("the list of all the victims of an event is not in the mirror with its pages")
	}
	t.Logf("%d pages, %d internal links, %d distinct targets", pages, links, len(targets))
}

// (b) No protected person's name, nor anything else that identifies them,
// appears in any file of the mirror: pages, open data, log, guide.
func TestPublishNoProtectedData(t *testing.T) {
	fx, dir, _ := publishedMirror(t)
	// The secrets are in the database (else this test could not fail)…
	ctx := context.Background()
	var all bytes.Buffer
	for _, k := range []qantar.Kind{qantar.KindPerson, qantar.KindAct, qantar.KindCitation} {
		recs, _, err := fx.db.List(ctx, k, qantar.Filter{Limit: qantar.MaxLimit, Reader: qantar.System})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(recs)
		all.Write(b)
	}
	hist, err := fx.db.History(ctx, qantar.KindPerson, fx.ids["secret"])
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range hist {
		all.Write(v.Data)
	}
	for _, s := range secrets {
		if !strings.Contains(all.String(), s) {
			t.Fatalf("the fixture does not hold %q", s)
		}
	}
	// … but nowhere in the mirror.
	files := 0
	walkFiles(t, dir, func(rel string, data []byte) {
		files++
		for _, s := range secrets {
			if bytes.Contains(data, []byte(s)) || bytes.Contains(bytes.ToLower(data), []byte(strings.ToLower(s))) {
				t.Errorf("%s holds %q, which identifies a protected person", rel, s)
			}
		}
	})
	// The protected persons are there as placeholders, and the public ones
	// by name.
	for _, f := range []struct{ file, want string }{
		{"persons/" + itoa(fx.ids["secret"]) + ".html", "Protected person"},
		{"ru/persons/" + itoa(fx.ids["secret"]) + ".html", "Защищённое лицо"},
		{"persons/" + itoa(fx.ids["restricted"]) + ".html", "Protected person"},
		{"persons/" + itoa(fx.ids["public"]) + ".html", publicName},
		{"data/persons.csv", publicName},
		{"data/persons.json", "Protected person"},
	} {
		b, err := os.ReadFile(filepath.Join(dir, f.file))
		if err != nil || !strings.Contains(string(b), f.want) {
			t.Errorf("%s does not show %q (%v)", f.file, f.want, err)
		}
	}
	t.Logf("%d files checked", files)
}

// (c) The mirror, served by a plain static file server (here at a
// sub-path), passes client.Verify (tlog/client) with its open data checked against
// the log, and Check, from the URL and offline from the directory; a
// tampered tile, record or page is caught.
func TestPublishVerifies(t *testing.T) {
	fx, dir, rep := publishedMirror(t)
	ctx := context.Background()
	key := fx.db.LogKey()
	serve := func(t *testing.T, dir string) string {
		srv := httptest.NewServer(http.StripPrefix("/some/path", http.FileServer(http.Dir(dir))))
		t.Cleanup(srv.Close)
		return srv.URL + "/some/path"
	}
	base := serve(t, dir)
	lrep, err := logclient.Verify(ctx, nil, base, logclient.Options{VerifierKey: key})
	if err != nil {
		t.Fatalf("client.Verify: %v", err)
	}
	cp, _ := fx.db.Checkpoint(ctx)
	if !bytes.Equal(lrep.Checkpoint, cp) || lrep.Size != rep.Size || lrep.Leaves != rep.Size {
		t.Errorf("client.Verify saw size %d (%d leaves), the database is at %d", lrep.Size, lrep.Leaves, rep.Size)
	}
	for _, src := range []string{base, dir} {
		crep, err := Check(ctx, src, CheckOptions{VerifierKey: key})
		if err != nil {
			var b strings.Builder
			crep.WriteText(&b)
			t.Fatalf("Check %s: %v\n%s", src, err, b.String())
		}
		if crep.Records == 0 || crep.Redacted < 3 || crep.Files != rep.Files-1 || crep.Log.KeyFromServer {
			t.Errorf("Check %s: %d records, %d redacted, %d files (want %d)", src, crep.Records, crep.Redacted, crep.Files, rep.Files-1)
		}
	}
	// A key other than the log's is refused.
	other := "qantar.local/log+00000000+AfVBwuIsQ8c8uisF48W/cZ1v0f78jA8wt1Y+4U2TOY25"
	if _, err := Check(ctx, dir, CheckOptions{VerifierKey: other}); err == nil {
		t.Error("Check passed with another key")
	}

	tamper := []struct {
		name, file string
		edit       func([]byte) []byte
		want       string
	}{
		{"tile", "log/tile/0/000", flipLast, "hash"},
		{"bundle", "log/tile/entries/000", flipLast, ""},
		{"record", "data/persons.json", func(b []byte) []byte {
			return bytes.Replace(b, []byte(publicName), []byte("Synthetic Other Name"), 1)
		}, "does not match the commitment"},
		{"earlier version", VersionsFile, func(b []byte) []byte {
			return bytes.Replace(b, []byte(`"sex":"male"`), []byte(`"sex":"female"`), 1)
		}, "does not match the commitment"},
		{"page", "persons/" + itoa(fx.ids["public"]) + ".html", func(b []byte) []byte {
			return bytes.Replace(b, []byte(publicName), []byte("Synthetic Other Name"), 1)
		}, "does not match its SHA-256"},
		{"extra file", "persons/999999.html", func([]byte) []byte { return []byte("<p>planted</p>") }, "not in SHA256SUMS"},
	}
	for _, tc := range tamper {
		t.Run(tc.name, func(t *testing.T) {
			cp := filepath.Join(t.TempDir(), "mirror")
			if err := os.CopyFS(cp, os.DirFS(dir)); err != nil {
				t.Fatal(err)
			}
			f := filepath.Join(cp, filepath.FromSlash(tc.file))
			b, _ := os.ReadFile(f)
			if err := os.WriteFile(f, tc.edit(b), 0o644); err != nil {
				t.Fatal(err)
			}
			crep, err := Check(ctx, cp, CheckOptions{VerifierKey: key})
			var ce *CheckError
			if !errors.As(err, &ce) {
				t.Fatalf("Check of a mirror with a tampered %s: %v, want a CheckError", tc.file, err)
			}
			var text strings.Builder
			crep.WriteText(&text)
			if !strings.Contains(text.String(), tc.want) || !strings.Contains(text.String(), "problem") {
				t.Errorf("report does not say %q:\n%s", tc.want, text.String())
			}
			if strings.HasPrefix(tc.file, "log/") {
				_, err := logclient.Verify(ctx, nil, serve(t, cp), logclient.Options{VerifierKey: key})
				var ve *logclient.VerificationError
				if !errors.As(err, &ve) {
					t.Errorf("client.Verify of a tampered %s: %v, want a VerificationError", tc.file, err)
				}
			}
		})
	}
}

func flipLast(b []byte) []byte {
	b = append([]byte(nil), b...)
	b[len(b)-1] ^= 1
	return b
}

// (d) Each record's page in the mirror is the page the live site serves an
// anonymous reader, in each language: the same text, the same links in
// the same order, each pointing at the mirror's file of what the site's
// link points at.
func TestPublishMatchesSite(t *testing.T) {
	fx, dir, rep := publishedMirror(t)
	cfg := fx.site()
	cfg.Now = func() time.Time { return published.now }
	h := web.New(cfg).Handler()
	checked := 0
	for _, lang := range rep.Langs {
		prefix := lang + "/"
		if lang == rep.Langs[0] {
			prefix = ""
		}
		for _, k := range qantar.Kinds {
			err := eachID(context.Background(), fx.db, k, func(id int64) {
				for _, suffix := range []string{"", "/history"} {
					site := "/" + string(k) + "/" + itoa(id) + suffix
					file := prefix + string(k) + "/" + itoa(id) + strings.ReplaceAll(suffix, "/", "-") + ".html"
					rec := httptest.NewRecorder()
					h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, site+"?lang="+lang, nil))
					mirrored, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(file)))
					if err != nil {
						t.Errorf("%s (%s): %v", site, lang, err)
						return
					}
					if rec.Code != http.StatusOK {
						t.Errorf("%s (%s): the site says %d", site, lang, rec.Code)
						return
					}
					compareMain(t, file, site, prefix, rec.Body.Bytes(), mirrored)
					checked++
				}
			})
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	if checked == 0 {
		t.Fatal("no record page compared")
	}
	t.Logf("%d record pages compared", checked)
}

// compareMain compares the <main> of a live page and of its mirror: text
// and links.
func compareMain(t *testing.T, file, site, prefix string, live, mirrored []byte) {
	t.Helper()
	lt, ll := mainOf(live)
	mt, ml := mainOf(mirrored)
	if lt != mt {
		t.Errorf("%s: the text of <main> differs from %s's:\nsite:   %.300q\nmirror: %.300q", file, site, lt, mt)
		return
	}
	if len(ll) != len(ml) {
		t.Errorf("%s: %d links, the site's page has %d", file, len(ml), len(ll))
		return
	}
	for i := range ll {
		want := expectedFile(ll[i], prefix)
		got := path.Join(path.Dir(file), strings.SplitN(ml[i], "#", 2)[0])
		if want != "" && got != want {
			t.Errorf("%s: link %d is %q (→ %s); the site's %q should go to %s", file, i, ml[i], got, ll[i], want)
		}
	}
}

// expectedFile is where a site link must go in the mirror, for the links
// a record page has to records and their history; "" for others (their
// file is checked to exist by TestPublishLinksResolve).
func expectedFile(href, prefix string) string {
	u, err := url.Parse(href)
	if err != nil || u.Host != "" || u.RawQuery != "" {
		return ""
	}
	seg := strings.Split(strings.TrimPrefix(u.Path, "/"), "/")
	switch {
	case len(seg) == 2 && isKind(seg[0]):
		return prefix + seg[0] + "/" + seg[1] + ".html"
	case len(seg) == 3 && isKind(seg[0]) && seg[2] == "history":
		return prefix + seg[0] + "/" + seg[1] + "-history.html"
	}
	return ""
}

// mainOf returns the text of a page's <main>, spaces collapsed, and the
// href of each of its links in order.
func mainOf(page []byte) (string, []string) {
	z := html.NewTokenizer(bytes.NewReader(page))
	in := false
	var text strings.Builder
	var links []string
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		tok := z.Token()
		switch {
		case tt == html.StartTagToken && tok.Data == "main":
			in = true
		case tt == html.EndTagToken && tok.Data == "main":
			in = false
		case in && tt == html.TextToken:
			text.WriteString(tok.Data)
			text.WriteByte(' ')
		case in && tt == html.StartTagToken && tok.Data == "a":
			links = append(links, attrOf(tok, "href"))
		}
	}
	return strings.Join(strings.Fields(text.String()), " "), links
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
