package filing

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/internal/testworld"
	"github.com/qantar-project/qantar/law"
)

// The records of these tests are synthetic, and named so: no fact here is
// about a real person, case or document.

var editor = qantar.Actor{ID: "test:editor", Name: "editor", Role: qantar.RoleEditor}

// stores are a real store of each kind the tests can reach: SQLite always,
// PostgreSQL when QANTAR_TEST_POSTGRES names a server (CI sets it), each
// checking records against the bundled rules.
func stores(t *testing.T) []testworld.Named[qantar.Store] {
	t.Helper()
	return testworld.Stores[qantar.Store](t, testworld.Options{Checker: law.Checker{Rules: law.DefaultRegistry()}})
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
