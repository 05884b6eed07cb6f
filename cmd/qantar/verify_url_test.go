package main

import (
	"context"
	"database/sql"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/sqlite"
	"github.com/qantar-project/qantar/web"
)

// TestVerifyURLRecords: `qantar verify --url` checks every public record
// against the log, on the live site and on a static mirror (qantar publish,
// which has open data instead of an API). A citation and an act about a
// protected person, which the site shows without their details, are
// counted as withheld, not reported as tampered with; a record changed in
// the database behind the log's back is.
func TestVerifyURLRecords(t *testing.T) {
	path, key := publishDB(t, 0)
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path, sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	hidden, _, err := db.List(ctx, qantar.KindPerson, qantar.Filter{Q: "Synthetic Hidden Witness", Reader: qantar.System})
	if err != nil || len(hidden) != 1 {
		t.Fatalf("the fixture's protected person: %v %v", hidden, err)
	}
	src := &qantar.Source{SourceKind: "news", Title: qantar.Text{"en": "Synthetic source"}}
	must(t, db.Create(ctx, qantar.System, src))
	events, _, _ := db.List(ctx, qantar.KindEvent, qantar.Filter{Limit: 1, Reader: qantar.System})
	act := &qantar.Act{VictimID: hidden[0].GetMeta().ID, EventID: events[0].GetMeta().ID, ActType: "torture",
		Date: qantar.MustDate("2022-01-07"), Description: qantar.Text{"en": "Synthetic detail that names the witness"}}
	must(t, db.Create(ctx, qantar.System, act))
	must(t, db.Create(ctx, qantar.System, &qantar.Citation{RecordKind: qantar.KindPerson, RecordID: hidden[0].GetMeta().ID, SourceID: src.ID, Quote: "Synthetic quote about the witness"}))
	must(t, db.Create(ctx, qantar.System, &qantar.Citation{RecordKind: qantar.KindAct, RecordID: act.ID, SourceID: src.ID, Page: "p. 3"}))

	live := httptest.NewServer(web.New(web.Config{Store: db, Tokens: db, Log: db, Search: db}).Handler())
	defer live.Close()
	code, out, errOut := runPublishCmd(t, "verify", "--url", live.URL, "--key", key)
	if code != exitOK || !strings.Contains(out, "result:     OK") || !strings.Contains(out, "(3 shown without details about a protected person") {
		t.Fatalf("verify --url of the live site: exit %d\n%s%s", code, out, errOut)
	}

	mirror := filepath.Join(t.TempDir(), "mirror")
	if code, out, errOut := runPublishCmd(t, "publish", "--db", path, "--out", mirror); code != exitOK {
		t.Fatalf("publish: exit %d\n%s%s", code, out, errOut)
	}
	static := httptest.NewServer(http.FileServer(http.Dir(mirror)))
	defer static.Close()
	code, out, errOut = runPublishCmd(t, "verify", "--url", static.URL, "--key", key)
	if code != exitOK || !strings.Contains(out, "result:     OK") || strings.Contains(out, "records:    0 ") {
		t.Fatalf("verify --url of a static mirror, records included: exit %d\n%s%s", code, out, errOut)
	}

	// A public person's name changed in the database, not through Qantar:
	// the site now serves content the log never committed to.
	raw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`UPDATE records SET data = replace(data, 'Synthetic Published Victim', 'Synthetic Altered Victim') WHERE kind = 'persons'`); err != nil {
		t.Fatal(err)
	}
	code, out, _ = runPublishCmd(t, "verify", "--url", live.URL, "--key", key)
	if code != exitProblem || !strings.Contains(out, "does not match the commitment") {
		t.Fatalf("verify --url after tampering: exit %d\n%s", code, out)
	}
}
