package main

import (
	"context"
	"database/sql"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/sqlite"
	"github.com/qantar-project/qantar/web"
)

// verify --url and publish --check recompute every public version, earlier
// ones included, from the content and salt the site shows: an earlier
// version altered in the database is named. A person who was public and is
// then protected has all their versions withheld (no salt served): the
// checks pass and count them, and a mirror published after that carries
// none of their salts.
func TestVerifyURLSaltedVersions(t *testing.T) {
	path, key := publishDB(t, 0)
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path, sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// A person published deliberately, edited once (two public versions),
	// then protected; and another public person edited once.
	was := &qantar.Person{Protection: qantar.Public, Names: []qantar.Name{{Value: "Synthetic Formerly Public Witness"}}}
	must(t, db.Create(ctx, qantar.System, was))
	was.Sex = "female"
	must(t, db.Update(ctx, qantar.System, was))
	pub := &qantar.Person{Protection: qantar.Public, Names: []qantar.Name{{Value: "Synthetic Twice Edited Victim"}}}
	must(t, db.Create(ctx, qantar.System, pub))
	pub.Sex = "male"
	must(t, db.Update(ctx, qantar.System, pub))

	live := httptest.NewServer(web.New(web.Config{Store: db, Tokens: db, Log: db, Search: db}).Handler())
	defer live.Close()
	code, out, errOut := runPublishCmd(t, "verify", "--url", live.URL, "--key", key)
	if code != exitOK || !strings.Contains(out, "result:     OK") {
		t.Fatalf("verify --url: exit %d\n%s%s", code, out, errOut)
	}
	before := checkedVersions(t, out)

	was.Protection = qantar.Confidential
	must(t, db.Update(ctx, qantar.System, was))
	code, out, errOut = runPublishCmd(t, "verify", "--url", live.URL, "--key", key)
	if code != exitOK || !strings.Contains(out, "result:     OK") {
		t.Fatalf("verify --url with a newly protected person: exit %d\n%s%s", code, out, errOut)
	}
	// Their two versions are no longer checked against their leaves.
	if after := checkedVersions(t, out); after != before-2 {
		t.Errorf("%d versions checked before the person was protected, %d after; want 2 fewer", before, after)
	}
	h, _ := db.History(ctx, qantar.KindPerson, was.ID)

	mirror := filepath.Join(t.TempDir(), "mirror")
	if code, out, errOut := runPublishCmd(t, "publish", "--db", path, "--out", mirror); code != exitOK {
		t.Fatalf("publish: exit %d\n%s%s", code, out, errOut)
	}
	for _, v := range h {
		if f := grepTree(t, mirror, v.Salt); f != "" {
			t.Errorf("%s holds the salt of the protected person's version %d", f, v.Version)
		}
	}
	if code, out, errOut := runPublishCmd(t, "publish", "--check", mirror, "--key", key); code != exitOK {
		t.Fatalf("publish --check: exit %d\n%s%s", code, out, errOut)
	}
	static := httptest.NewServer(http.FileServer(http.Dir(mirror)))
	defer static.Close()
	code, out, errOut = runPublishCmd(t, "verify", "--url", static.URL, "--key", key)
	if code != exitOK || checkedVersions(t, out) < 2 {
		t.Fatalf("verify --url of the mirror: exit %d\n%s%s", code, out, errOut)
	}

	// The public person's first version altered in the database: its
	// history shows content the log never committed to.
	raw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	res, err := raw.Exec(`UPDATE version_rows SET data = replace(data, 'Synthetic Twice Edited Victim', 'Synthetic Altered Victim') WHERE kind = 'persons' AND id = ? AND version = 1`, pub.ID)
	if n, _ := res.RowsAffected(); err != nil || n != 1 {
		t.Fatalf("tampering: %v", err)
	}
	code, out, _ = runPublishCmd(t, "verify", "--url", live.URL, "--key", key)
	if code != exitProblem || !strings.Contains(out, "persons "+strconv.FormatInt(pub.ID, 10)+" version 1 as shown does not match the commitment") {
		t.Fatalf("verify --url after an earlier version was altered: exit %d\n%s", code, out)
	}
	mirror2 := filepath.Join(t.TempDir(), "mirror")
	if code, out, errOut := runPublishCmd(t, "publish", "--db", path, "--out", mirror2); code == exitOK || !strings.Contains(out+errOut, "does not match the commitment") {
		t.Fatalf("publish of a database with an altered version: exit %d\n%s%s", code, out, errOut)
	}
}

// checkedVersions reads "records: N public versions checked (W shown …)"
// of a verify report: the versions recomputed from content and salt.
func checkedVersions(t *testing.T, out string) int {
	t.Helper()
	m := regexp.MustCompile(`records:\s+(\d+) public versions checked(?: \((\d+) shown)?`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no records line in\n%s", out)
	}
	n, _ := strconv.Atoi(m[1])
	w, _ := strconv.Atoi(m[2])
	return n - w
}

// grepTree returns a file under dir that contains s, or "".
func grepTree(t *testing.T, dir, s string) string {
	t.Helper()
	found := ""
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || found != "" {
			return err
		}
		if b, err := os.ReadFile(p); err != nil {
			return err
		} else if strings.Contains(string(b), s) {
			found = p
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}
