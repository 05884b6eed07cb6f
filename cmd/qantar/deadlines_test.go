package main

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/qantar-project/qantar/locale"
)

const remindAsOf = "2026-12-03"

// Reminders by e-mail over a real SMTP server, and the Atom feed, on SQLite.
func TestRemindersSQLite(t *testing.T) {
	testReminders(t, filepath.Join(t.TempDir(), "remind.db"))
}

// The same on PostgreSQL.
func TestRemindersPostgres(t *testing.T) {
	pg := pgTestURL(t)
	t.Setenv("QANTAR_LOG_KEY", filepath.Join(t.TempDir(), "log.key"))
	testReminders(t, pg)
}

func testReminders(t *testing.T, dsn string) {
	w := buildRemindWorld(t, dsn)
	t.Run("mail", func(t *testing.T) { testRemindMail(t, dsn, w) })
	t.Run("smtp down", func(t *testing.T) { testRemindMailDown(t, dsn, w) })
	t.Run("feed", func(t *testing.T) { testRemindFeed(t, dsn, w) })
}

// letter is a received message, decoded.
type letter struct {
	header   mail.Header
	subject  string
	body     string
	raw      string
	encoding string
}

func readLetter(t *testing.T, raw string) letter {
	t.Helper()
	m, err := mail.ReadMessage(strings.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(m.Body)
	l := letter{header: m.Header, raw: raw, encoding: m.Header.Get("Content-Transfer-Encoding")}
	switch l.encoding {
	case "base64":
		b, err = base64.StdEncoding.DecodeString(strings.NewReplacer("\r", "", "\n", "").Replace(string(b)))
	case "quoted-printable":
		b, err = io.ReadAll(quotedprintable.NewReader(bytes.NewReader(b)))
	case "7bit":
	default:
		t.Fatalf("Content-Transfer-Encoding %q", l.encoding)
	}
	if err != nil {
		t.Fatal(err)
	}
	l.body = string(b)
	if l.subject, err = new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject")); err != nil {
		t.Fatal(err)
	}
	if ct := m.Header.Get("Content-Type"); ct != "text/plain; charset=UTF-8" {
		t.Errorf("Content-Type %q", ct)
	}
	return l
}

func writeSubscribers(t *testing.T, w *remindWorld, extra string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "subscribers")
	text := "# address lang role follows (SYNTHETIC)\n" +
		"public@example.org en public case:" + id(w.caseID) + " person:" + id(w.victim) + "\n" +
		"\n" +
		"viewer@example.org ru viewer person:" + id(w.victim) + "\n" +
		"editor@example.org kk editor person:" + id(w.relative) + "\n" +
		"quiet@example.org ru public case:" + id(w.quietCase) + "\n" + extra
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func testRemindMail(t *testing.T, dsn string, w *remindWorld) {
	mb := startMailbox(t)
	subs := writeSubscribers(t, w, "refused@example.org en public case:"+id(w.caseID)+"\n")
	code, out, errs := runCLI(t, "deadlines", "--overdue", "--mail", "--db", dsn, "--subscribers", subs, "--smtp", mb.addr,
		"--from", "reminders@example.org", "--as-of", remindAsOf, "--origin", "https://qantar.example.org")
	if code != 1 {
		t.Fatalf("one refused address: exit %d, want 1\n%s\n%s", code, out, errs)
	}
	for _, want := range []string{"sent to public@example.org: 2 reminders", "sent to viewer@example.org: 2 reminders",
		"sent to editor@example.org: 1 reminder", "nothing due or overdue for quiet@example.org", "not sent to refused@example.org", "550"} {
		if !strings.Contains(out, want) {
			t.Errorf("the report lacks %q:\n%s", want, out)
		}
	}
	if len(mb.messages("quiet@example.org")) != 0 || len(mb.messages("refused@example.org")) != 0 {
		t.Error("a message reached a subscriber with nothing due, or a refused address")
	}
	pub := onlyLetter(t, mb, "public@example.org")
	view := onlyLetter(t, mb, "viewer@example.org")
	edit := onlyLetter(t, mb, "editor@example.org")
	checkItems(t, "public", pub, "en", []int64{w.overdue, w.pending}, w.answered)
	checkItems(t, "viewer", view, "ru", []int64{w.overdue, w.pending}, w.answered)
	checkItems(t, "editor", edit, "kk", []int64{w.overdue}, w.pending)
	// Nothing about the protected persons reaches the public subscriber,
	// in the bytes sent or in the decoded text.
	for _, m := range w.markers {
		if strings.Contains(pub.raw, m) || strings.Contains(pub.body, m) || strings.Contains(pub.subject, m) {
			t.Errorf("the public subscriber was sent %q", m)
		}
	}
	mustContain(t, "public", pub.body, locale.For("en").S("Protected person"), w.lawyerName, "https://qantar.example.org/complaints/"+id(w.overdue)+"?lang=en")
	// The viewer sees the restricted victim, not the confidential relative;
	// the editor sees the relative: the markers are there to be found.
	mustContain(t, "viewer", view.body, w.victimRu)
	if strings.Contains(view.body, w.relativeName) {
		t.Error("the viewer was sent the confidential relative's name")
	}
	mustContain(t, "editor", edit.body, w.relativeName)
	if pub.encoding != "quoted-printable" || view.encoding != "base64" {
		t.Errorf("encodings: en %s, ru %s; want quoted-printable (mostly ASCII) and base64 (Cyrillic)", pub.encoding, view.encoding)
	}
}

func onlyLetter(t *testing.T, mb *mailbox, to string) letter {
	t.Helper()
	got := mb.messages(to)
	if len(got) != 1 {
		t.Fatalf("%s received %d messages, want 1", to, len(got))
	}
	return readLetter(t, got[0])
}

// checkItems holds a message to its language and to naming exactly the
// complaints want (and not other).
func checkItems(t *testing.T, who string, l letter, lang string, want []int64, other int64) {
	t.Helper()
	if got := l.header.Get("Content-Language"); got != lang {
		t.Errorf("%s: Content-Language %q, want %s", who, got, lang)
	}
	p := locale.For(lang)
	mustContain(t, who, l.body, p.S("Overdue"))
	if !strings.HasPrefix(l.header.Get("Message-ID"), "<reminders.20261203.") {
		t.Errorf("%s: Message-ID %q", who, l.header.Get("Message-ID"))
	}
	for _, c := range want {
		if !namesComplaint(l.body, c) {
			t.Errorf("%s: complaint %d is not named:\n%s", who, c, l.body)
		}
	}
	if namesComplaint(l.body, other) {
		t.Errorf("%s: complaint %d is named, but it is not theirs to be reminded of", who, other)
	}
	mustContain(t, who, l.subject, p.S("Qantar, %s: overdue %d, awaiting an answer %d", remindAsOf, 1, len(want)-1))
}

// namesComplaint reports whether text names complaint #c.
func namesComplaint(text string, c int64) bool {
	return regexp.MustCompile(`#` + id(c) + `[^0-9]`).MatchString(text)
}

func mustContain(t *testing.T, who, text string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("%s: %q is missing from:\n%s", who, w, text)
		}
	}
}

// A mail server that is down: each address is reported with the reason,
// and the exit code is 1.
func testRemindMailDown(t *testing.T, dsn string, w *remindWorld) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	subs := writeSubscribers(t, w, "")
	code, out, errs := runCLI(t, "deadlines", "--mail", "--db", dsn, "--subscribers", subs, "--smtp", addr,
		"--from", "reminders@example.org", "--as-of", remindAsOf, "--lang", "ru")
	if code != 1 {
		t.Fatalf("exit %d with the mail server down, want 1\n%s%s", code, out, errs)
	}
	for _, a := range []string{"public@example.org", "viewer@example.org", "editor@example.org"} {
		mustContain(t, "report", out, locale.For("ru").S("not sent to %s: %s", a, locale.For("ru").S("cannot reach the mail server %s: %s", addr, "")))
	}
	mustContain(t, "summary", errs, locale.For("ru").S("%d messages sent, %d failed, %d subscribers with nothing due", 0, 3, 1))
}

// atomFeed is the part of Atom 1.0 (RFC 4287) the test checks, read with
// its own types rather than the writer's.
type atomFeed struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string   `xml:"id"`
	Title   string   `xml:"title"`
	Updated string   `xml:"updated"`
	Author  []struct {
		Name string `xml:"name"`
	} `xml:"author"`
	Entries []struct {
		ID      string `xml:"id"`
		Title   string `xml:"title"`
		Updated string `xml:"updated"`
		Content string `xml:"content"`
		Link    []struct {
			Href string `xml:"href,attr"`
		} `xml:"link"`
	} `xml:"entry"`
}

func readFeed(t *testing.T, path string) (atomFeed, string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var f atomFeed
	if err := xml.Unmarshal(b, &f); err != nil {
		t.Fatalf("the feed does not parse: %v\n%s", err, b)
	}
	if f.ID == "" || f.Title == "" || len(f.Author) == 0 || f.Author[0].Name == "" {
		t.Errorf("the feed lacks id, title or author: %+v", f)
	}
	if _, err := time.Parse(time.RFC3339, f.Updated); err != nil {
		t.Errorf("feed updated %q: %v", f.Updated, err)
	}
	seen := map[string]bool{}
	for _, e := range f.Entries {
		if !strings.HasPrefix(e.ID, "tag:") || e.Title == "" || e.Content == "" || seen[e.ID] {
			t.Errorf("entry without a unique tag: id, a title or content: %+v", e)
		}
		seen[e.ID] = true
		if _, err := time.Parse(time.RFC3339, e.Updated); err != nil {
			t.Errorf("entry updated %q: %v", e.Updated, err)
		}
	}
	return f, string(b)
}

func testRemindFeed(t *testing.T, dsn string, w *remindWorld) {
	dir := t.TempDir()
	feed := func(name string, args ...string) (atomFeed, string) {
		out := filepath.Join(dir, name)
		args = append([]string{"deadlines", "--feed", "--db", dsn, "--as-of", remindAsOf, "--out", out}, args...)
		if code, o, e := runCLI(t, args...); code != 0 {
			t.Fatalf("%v: exit %d\n%s%s", args, code, o, e)
		}
		return readFeed(t, out)
	}
	pub, pubRaw := feed("public.xml", "--case", id(w.caseID), "--origin", "https://qantar.example.org")
	if len(pub.Entries) != 2 {
		t.Fatalf("the public feed of the case has %d entries, want 2 (overdue, pending)", len(pub.Entries))
	}
	for _, m := range w.markers {
		if strings.Contains(pubRaw, m) {
			t.Errorf("the public feed holds %q", m)
		}
	}
	again, _ := feed("again.xml", "--case", id(w.caseID), "--origin", "https://qantar.example.org")
	if again.ID != pub.ID || again.Entries[0].ID != pub.Entries[0].ID || !strings.Contains(pub.Entries[0].ID, "complaints/"+id(w.overdue)+"/answer-due/") {
		t.Errorf("ids are not stable or do not name the complaint: %s %s / %s", pub.Entries[0].ID, again.Entries[0].ID, pub.ID)
	}
	personPub, raw := feed("person.xml", "--person", id(w.victim), "--lang", "ru")
	mustContain(t, "public person feed", personPub.Title, locale.For("ru").S("Protected person"))
	for _, m := range w.markers {
		if strings.Contains(raw, m) {
			t.Errorf("the public feed of the restricted victim holds %q", m)
		}
	}
	for _, who := range []int64{w.lawyer, w.lawyerDup} {
		f, _ := feed("lawyer.xml", "--person", id(who))
		var got []string
		for _, e := range f.Entries {
			got = append(got, e.ID)
		}
		all := strings.Join(got, " ")
		if len(got) != 2 || !strings.Contains(all, "complaints/"+id(w.pending)+"/") || !strings.Contains(all, "complaints/"+id(w.merged)+"/") {
			t.Errorf("the feed of person %d (merged with %d): %v, want complaints %d and %d", who, w.lawyer, got, w.pending, w.merged)
		}
	}
	_, edRaw := feed("editor.xml", "--case", id(w.caseID), "--as", "editor")
	mustContain(t, "editor feed", edRaw, w.relativeName)
	if code, _, errs := runCLI(t, "deadlines", "--feed", "--db", dsn, "--case", "999999", "--out", filepath.Join(dir, "x.xml"), "--lang", "kk"); code != 1 ||
		!strings.Contains(errs, locale.For("kk").S("There is no case %d", 999999)) {
		t.Errorf("an unknown case: exit %d, %q", code, errs)
	}
}

// A bad subscribers file is refused with its line, in the operator's
// language, before any store is opened or anything sent; --dry-run sends
// nothing and says what it would send.
func TestRemindMailBadSubscribersAndDryRun(t *testing.T) {
	dir := t.TempDir()
	subs := filepath.Join(dir, "subscribers")
	os.WriteFile(subs, []byte("# SYNTHETIC\nlawyer@example.org ru editor case:1\nrelative@example.org ru admin case:1\n"), 0o600)
	code, out, errs := runCLI(t, "deadlines", "--mail", "--db", filepath.Join(dir, "none.db"), "--subscribers", subs,
		"--smtp", "127.0.0.1:1", "--from", "reminders@example.org", "--lang", "ru")
	want := locale.For("ru").S("line %d: %s", 3, locale.For("ru").S("%q is not a role of subscribers (public, viewer, editor)", "admin"))
	if code != 1 || !strings.Contains(errs, want) || out != "" {
		t.Errorf("exit %d, %q %q; want 1 and %q", code, out, errs, want)
	}
	if _, err := os.Stat(filepath.Join(dir, "none.db")); err == nil {
		t.Error("a database was made for a refused file")
	}

	db := filepath.Join(dir, "remind.db")
	w := buildRemindWorld(t, db)
	mb := startMailbox(t)
	code, out, errs = runCLI(t, "deadlines", "--mail", "--dry-run", "--db", db, "--subscribers", writeSubscribers(t, w, ""),
		"--smtp", mb.addr, "--from", "reminders@example.org", "--as-of", remindAsOf)
	if code != 0 || !strings.Contains(out, "would send to public@example.org: 2 reminders") || len(mb.messages("public@example.org")) != 0 {
		t.Errorf("dry run: exit %d\n%s%s", code, out, errs)
	}
	// The same reminders are the same messages: their Message-IDs do not
	// change from one run to the next.
	_, again, _ := runCLI(t, "deadlines", "--mail", "--dry-run", "--db", db, "--subscribers", writeSubscribers(t, w, ""),
		"--from", "reminders@example.org", "--as-of", remindAsOf)
	if again != out || !strings.Contains(out, "<reminders.20261203.") {
		t.Errorf("two dry runs differ:\n%s\n%s", out, again)
	}
}
