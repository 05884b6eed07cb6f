package filing

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/law"
	"github.com/qantar-project/qantar/postgres"
	"github.com/qantar-project/qantar/sqlite"
)

// The records of these tests are synthetic, and named so: no fact here is
// about a real person, case or document.

var editor = qantar.Actor{ID: "test:editor", Name: "editor", Role: qantar.RoleEditor}

// store is a real store of each kind the tests can reach: SQLite always,
// PostgreSQL when QANTAR_TEST_POSTGRES names a server (CI sets it).
type namedStore struct {
	name string
	st   qantar.Store
}

func stores(t *testing.T) []namedStore {
	t.Helper()
	ctx := context.Background()
	checker := law.Checker{Rules: law.DefaultRegistry()}
	lite, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "filing.db"), sqlite.Options{Synchronous: "NORMAL", Checker: checker})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lite.Close() })
	out := []namedStore{{"sqlite", lite}}
	base := os.Getenv("QANTAR_TEST_POSTGRES")
	if base == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("QANTAR_TEST_POSTGRES is not set under CI: the PostgreSQL half of this test would not run")
		}
		t.Log("QANTAR_TEST_POSTGRES is not set: SQLite only")
		return out
	}
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("connect to QANTAR_TEST_POSTGRES: %v", err)
	}
	defer conn.Close(ctx)
	b := make([]byte, 6)
	rand.Read(b)
	schema := "qt_filing_" + hex.EncodeToString(b)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if c, err := pgx.Connect(ctx, base); err == nil {
			c.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE")
			c.Close(ctx)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	pg, err := postgres.Open(ctx, u.String(), postgres.Options{LogKeyPath: filepath.Join(t.TempDir(), "log.key"), Checker: checker, MaxConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pg.Close() })
	return append(out, namedStore{"postgres", pg})
}

// world is the synthetic data: a public victim of torture with a case
// terminated "for absence of corpus delicti", a complaint refused, three
// of ten Istanbul items answered; a restricted victim; and a case that
// records only its registration.
type world struct {
	victim, hidden             *qantar.Person
	act, hiddenAct             *qantar.Act
	fullCase, bareCase         *qantar.Case
	complaint                  *qantar.Complaint
	order, certificate, letter *qantar.Source
}

func sha(s string) string { h := sha256.Sum256([]byte(s)); return hex.EncodeToString(h[:]) }

func build(t *testing.T, st qantar.Store) *world {
	t.Helper()
	ctx := context.Background()
	create := func(rec qantar.Record) {
		t.Helper()
		if err := st.Create(ctx, editor, rec); err != nil {
			t.Fatalf("create %s: %v", rec.Kind(), err)
		}
	}
	w := &world{}
	w.order = &qantar.Source{SourceKind: "court_document", Title: qantar.Text{"en": "Synthetic termination order", "ru": "Синтетическое постановление о прекращении"},
		Date: qantar.MustDate("2022-06-15"), SHA256: sha("synthetic order")}
	w.certificate = &qantar.Source{SourceKind: "testimony", Title: qantar.Text{"en": "Synthetic medical certificate"}, SHA256: sha("synthetic certificate")}
	w.letter = &qantar.Source{SourceKind: "official_statement", Title: qantar.Text{"en": "Synthetic refusal letter"}, URL: "https://example.org/synthetic-letter"}
	create(w.order)
	create(w.certificate)
	create(w.letter)
	unit := &qantar.Unit{Name: qantar.Text{"en": "Synthetic investigating department", "ru": "Синтетический следственный отдел"}, UnitKind: "investigative_body"}
	create(unit)
	w.victim = &qantar.Person{Names: []qantar.Name{{Value: "Синтетикалық Әлібекұлы Ғалым", Kind: "primary"}}, Protection: qantar.Public}
	w.hidden = &qantar.Person{Names: []qantar.Name{{Value: "Synthetic Hidden Person", Kind: "primary"}}, Protection: qantar.Restricted}
	create(w.victim)
	create(w.hidden)
	w.act = &qantar.Act{VictimID: w.victim.ID, ActType: "torture", Date: qantar.MustDate("2022-01-06"),
		Description: qantar.Text{"en": "Synthetic description of ill-treatment in custody"},
		Istanbul: []qantar.ChecklistAnswer{
			{Item: "exam_requested", Answer: "yes", SourceID: w.certificate.ID},
			{Item: "injuries_photographed", Answer: "yes", SourceID: w.certificate.ID},
			{Item: "exam_independent", Answer: "no", SourceID: w.letter.ID},
			{Item: "account_recorded", Answer: "yes"}, // no source: a draft answer, not counted
		}}
	create(w.act)
	w.hiddenAct = &qantar.Act{VictimID: w.hidden.ID, ActType: "torture", Date: qantar.MustDate("2022-01-07"),
		Description: qantar.Text{"en": "Synthetic secret description"}}
	create(w.hiddenAct)
	w.fullCase = &qantar.Case{Number: "SYN-146-1", AuthorityID: unit.ID, Articles: []string{"146-2"}, ActIDs: []int64{w.act.ID},
		Participants: []qantar.Participant{{PersonID: w.victim.ID, Role: "victim"}},
		Steps: []qantar.CaseEvent{
			{Step: "registered", Date: qantar.MustDate("2022-01-20"), SourceID: w.letter.ID},
			{Step: "investigating", Date: qantar.MustDate("2022-02-03")},
			{Step: "terminated", Date: qantar.MustDate("2022-06-15"), Ground: "cpc-35-1-2", SourceID: w.order.ID},
		}}
	create(w.fullCase)
	w.bareCase = &qantar.Case{Number: "SYN-146-2", ActIDs: []int64{w.hiddenAct.ID},
		Steps: []qantar.CaseEvent{{Step: "registered", Date: qantar.MustDate("2022-02-11")}}}
	create(w.bareCase)
	w.complaint = &qantar.Complaint{ComplaintKind: "cpc-105", FiledOn: qantar.MustDate("2022-06-20"), FilerID: w.victim.ID, FilerRole: "victim",
		CaseID: w.fullCase.ID, Responses: []qantar.Response{{ReceivedOn: qantar.MustDate("2022-07-04"), Outcome: "refused", SourceID: w.letter.ID}}}
	create(w.complaint)
	return w
}
