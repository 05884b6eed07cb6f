package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/seed"
	"github.com/qantar-project/qantar/web"
)

// Figures published at checkpoint N come back byte for byte from
// `qantar stats --at N`, after records were added and edited, on SQLite.
func TestStatsAtCheckpointSQLite(t *testing.T) {
	testStatsAtCheckpoint(t, filepath.Join(t.TempDir(), "q.db"))
}

// The same on PostgreSQL.
func TestStatsAtCheckpointPostgres(t *testing.T) {
	pg := pgTestURL(t)
	t.Setenv("QANTAR_LOG_KEY", filepath.Join(t.TempDir(), "log.key"))
	testStatsAtCheckpoint(t, pg)
}

func testStatsAtCheckpoint(t *testing.T, dsn string) {
	ctx := context.Background()
	db, err := openAppStore(ctx, storeConfig{DSN: dsn})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	complaint := statsFixture(t, db)
	srv := httptest.NewServer(web.New(web.Config{Store: db, Tokens: db, Log: db, Search: db}).Handler())
	defer srv.Close()

	published := httpGet(t, srv.URL+"/api/v1/stats")
	var pub struct {
		AsOf       string                    `json:"as_of"`
		Checkpoint web.CheckpointRef         `json:"as_of_checkpoint"`
		Funnel     struct{ Deaths int }      `json:"funnel"`
		Unanswered []web.UnansweredComplaint `json:"unanswered_past_deadline"`
		Estimate   struct {
			CodeVersion string `json:"code_version"`
		}
	}
	if err := json.Unmarshal([]byte(published), &pub); err != nil {
		t.Fatal(err)
	}
	n := pub.Checkpoint.Size
	if n == 0 || pub.Checkpoint.Root == "" || pub.Estimate.CodeVersion == "" {
		t.Fatalf("the figures do not name their checkpoint and code: %+v", pub)
	}
	// "Today" is the day of the checkpoint's last leaf, not the clock.
	if day := strings.SplitN(pub.Checkpoint.Time, "T", 2)[0]; pub.AsOf != day {
		t.Errorf("figures as of %s, the checkpoint's last leaf was written on %s", pub.AsOf, day)
	}
	wantDays := daysSince(t, pub.AsOf, pub.Unanswered, complaint.ID)
	page := httpGet(t, fmt.Sprintf("%s/complaints/%d", srv.URL, complaint.ID))
	if !strings.Contains(strings.ReplaceAll(page, ",", ""), "Days without an answer: "+fmt.Sprint(wantDays)) || !strings.Contains(page, fmt.Sprintf("the day of checkpoint %d", n)) {
		t.Errorf("the complaint page does not count %d days without an answer at checkpoint %d:\n%s", wantDays, n, page)
	}

	statsMirror(t, dsn, published, n, complaint.ID)
	statsEdits(t, db, complaint)
	// An anonymous reader is answered the figures computed so far (at n)
	// while those of the new checkpoint are computed, then those.
	now := httpGet(t, srv.URL+"/api/v1/stats")
	for deadline := time.Now().Add(10 * time.Second); now == published && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
		now = httpGet(t, srv.URL+"/api/v1/stats")
	}
	if now == published || strings.Contains(now, fmt.Sprintf(`"id":%d,`, complaint.ID)) {
		t.Fatalf("the edits did not change the live figures:\n%s", now)
	}
	if again := httpGet(t, fmt.Sprintf("%s/api/v1/stats?at=%d", srv.URL, n)); again != published {
		t.Errorf("/api/v1/stats?at=%d differs from what was published:\n%s\nwant\n%s", n, again, published)
	}
	moved := httpGet(t, fmt.Sprintf("%s/stats?from=%d", srv.URL, n))
	if !strings.Contains(moved, `id="moves"`) || !strings.Contains(moved, `<th scope="row">Deaths documented</th><td>0</td><td>1</td><td>&#43;1</td>`) {
		t.Errorf("the stats page does not show how the figures moved since %d:\n%s", n, moved)
	}

	if code, out, errOut := runPublishCmd(t, "stats", "--db", dsn, "--at", fmt.Sprint(n), "--format", "json"); code != exitOK || out != published {
		t.Fatalf("qantar stats --at %d: exit %d, %s\n%s\nwant the published JSON\n%s", n, code, errOut, out, published)
	}
	if code, _, _ := runPublishCmd(t, "stats", "--db", dsn, "--at", "100000000"); code != exitProblem {
		t.Errorf("stats beyond the log: exit %d, want %d", code, exitProblem)
	}
}

// statsMirror publishes a mirror and finds the same figures in it, named by
// their checkpoint, and the complaint's days without an answer.
func statsMirror(t *testing.T, dsn, published string, n, complaint int64) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "mirror")
	if code, stdout, errOut := runPublishCmd(t, "publish", "--db", dsn, "--out", out); code != exitOK {
		t.Fatalf("publish: exit %d\n%s%s", code, stdout, errOut)
	}
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	if got := read("data/stats.json"); got != published {
		t.Errorf("the mirror's data/stats.json is not the published JSON:\n%s", got)
	}
	if page := read("stats.html"); !strings.Contains(page, fmt.Sprintf("Computed at checkpoint %d of the log", n)) {
		t.Errorf("the mirror's stats page does not name checkpoint %d", n)
	}
	if page := read(fmt.Sprintf("complaints/%d.html", complaint)); !strings.Contains(page, "Days without an answer") {
		t.Errorf("the mirror's complaint page does not count the days without an answer")
	}
}

// statsFixture loads the bundled data and a complaint that nobody answered.
func statsFixture(t *testing.T, db appStore) *qantar.Complaint {
	t.Helper()
	ctx := context.Background()
	f, err := seed.Bundled()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := seed.Load(ctx, db, f); err != nil {
		t.Fatal(err)
	}
	filer := &qantar.Person{Protection: qantar.Public, Names: []qantar.Name{{Value: "Synthetic Filer"}}}
	if err := db.Create(ctx, qantar.System, filer); err != nil {
		t.Fatal(err)
	}
	c := &qantar.Complaint{ComplaintKind: "cpc-105", FiledOn: qantar.MustDate("2023-03-15"), FilerID: filer.ID, FilerRole: "relative",
		Subject: qantar.Text{"en": "Synthetic complaint nobody answered"}}
	if err := db.Create(ctx, qantar.System, c); err != nil {
		t.Fatal(err)
	}
	return c
}

// statsEdits adds a death and answers the complaint.
func statsEdits(t *testing.T, db appStore, c *qantar.Complaint) {
	t.Helper()
	ctx := context.Background()
	p := &qantar.Person{Protection: qantar.Public, Names: []qantar.Name{{Value: "Synthetic Later Victim"}}}
	if err := db.Create(ctx, qantar.System, p); err != nil {
		t.Fatal(err)
	}
	act := &qantar.Act{VictimID: p.ID, ActType: "torture", VictimStatus: "dead", Date: qantar.MustDate("2022-01-06")}
	if err := db.Create(ctx, qantar.System, act); err != nil {
		t.Fatal(err)
	}
	c.Responses = []qantar.Response{{ReceivedOn: qantar.MustDate("2023-03-20"), Outcome: "refused"}}
	if err := db.Update(ctx, qantar.System, c); err != nil {
		t.Fatal(err)
	}
}

// daysSince checks that the complaint is listed as unanswered and returns
// its days overdue, counted to the figures' day.
func daysSince(t *testing.T, asOf string, list []web.UnansweredComplaint, id int64) int {
	t.Helper()
	for _, u := range list {
		if u.ID != id {
			continue
		}
		d, err1 := time.Parse(time.DateOnly, u.Deadline)
		a, err2 := time.Parse(time.DateOnly, asOf)
		if err1 != nil || err2 != nil || u.DaysOverdue != int(a.Sub(d).Hours()/24) || u.DaysOverdue <= 0 {
			t.Fatalf("complaint %d: %+v as of %s", id, u, asOf)
		}
		return u.DaysOverdue
	}
	t.Fatalf("complaint %d is not listed as unanswered: %+v", id, list)
	return 0
}

func httpGet(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %v\n%s", url, resp.StatusCode, err, b)
	}
	return string(b)
}
