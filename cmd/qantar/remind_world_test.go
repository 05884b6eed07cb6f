package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/qantar-project/qantar"
)

// remindWorld is a SYNTHETIC database for reminders: a public case about a
// restricted victim's torture, three complaints in it (one overdue, filed by
// a confidential relative; one awaiting an answer, filed by a public
// lawyer; one answered), and a second case with nothing awaiting an answer.
// Every field that describes the restricted victim or the confidential
// relative holds a random marker, which no public reader may be sent.
type remindWorld struct {
	caseID, quietCase          int64
	victim, relative, lawyer   int64
	overdue, pending, answered int64
	merged, lawyerDup          int64    // a complaint filed by the lawyer's second record, merged into the first
	markers                    []string // the protected persons' markers
	victimName, relativeName   string
	victimRu                   string // the victim's name in Russian
	lawyerName                 string
}

func marker(tag string) string {
	b := make([]byte, 6)
	rand.Read(b)
	return "SYN" + tag + hex.EncodeToString(b)
}

func buildRemindWorld(t *testing.T, dsn string) *remindWorld {
	t.Helper()
	ctx := context.Background()
	db, err := openAppStore(ctx, storeConfig{DSN: dsn})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ed := qantar.Actor{ID: "test", Role: qantar.RoleEditor}
	create := func(r qantar.Record) int64 {
		t.Helper()
		if err := db.Create(ctx, ed, r); err != nil {
			t.Fatalf("%s: %v", r.Kind(), err)
		}
		return r.GetMeta().ID
	}
	w := &remindWorld{}
	mk := func(tag string) string { m := marker(tag); w.markers = append(w.markers, m); return m }
	w.victimName, w.relativeName, w.victimRu = mk("victim"), mk("relative"), mk("ru")
	w.lawyerName = "Synthetic Lawyer Әлия " + marker("lawyer")
	src := create(&qantar.Source{SourceKind: "testimony", Title: qantar.Text{"en": "Synthetic testimony"}})
	unit := create(&qantar.Unit{Name: qantar.Text{"en": "Synthetic Prosecutor's Office", "ru": "Синтетическая прокуратура", "kk": "Синтетикалық прокуратура"}})
	w.victim = create(&qantar.Person{Names: []qantar.Name{{Value: w.victimName}, {Value: mk("alias"), Kind: "alias"}, {Value: w.victimRu, Lang: "ru"}, {Value: mk("kk"), Lang: "kk"}},
		Description: qantar.Text{"en": mk("desc")}, Protection: qantar.Restricted})
	w.relative = create(&qantar.Person{Names: []qantar.Name{{Value: w.relativeName}, {Value: mk("relru"), Lang: "ru"}},
		Description: qantar.Text{"ru": mk("reldesc")}, Protection: qantar.Confidential})
	w.lawyer = create(&qantar.Person{Names: []qantar.Name{{Value: w.lawyerName}}, Protection: qantar.Public})
	act := create(&qantar.Act{VictimID: w.victim, ActType: "torture", Date: qantar.MustDate("2026-01-06"), Method: mk("method"),
		Description: qantar.Text{"en": mk("actdesc"), "ru": mk("actdescru")},
		Istanbul:    []qantar.ChecklistAnswer{{Item: "exam_requested", Answer: "yes", SourceID: src, Note: mk("istanbul")}}})
	create(&qantar.Involvement{ActID: act, UnitID: unit, Degree: "carried_out", Notes: qantar.Text{"en": mk("invnotes")}})
	create(&qantar.Post{PersonID: w.relative, UnitID: unit, Role: "member", Title: qantar.Text{"en": mk("posttitle")}, Rank: mk("rank"), Description: qantar.Text{"en": mk("postdesc")}})
	create(&qantar.Citation{RecordKind: qantar.KindPerson, RecordID: w.victim, SourceID: src, Quote: mk("quote"), Note: qantar.Text{"en": mk("citnote")}, Page: mk("page")})
	w.caseID = create(&qantar.Case{Number: "SYN-REM-1", AuthorityID: unit, ActIDs: []int64{act},
		Participants: []qantar.Participant{{PersonID: w.victim, Role: "victim", Since: qantar.MustDate("2026-02-01")}},
		Steps:        []qantar.CaseEvent{{Step: "registered", Date: qantar.MustDate("2026-01-20")}}})
	w.quietCase = create(&qantar.Case{Number: "SYN-REM-2", Steps: []qantar.CaseEvent{{Step: "registered", Date: qantar.MustDate("2026-03-01")}}})
	w.overdue = create(&qantar.Complaint{ComplaintKind: "appc-76", FiledOn: qantar.MustDate("2026-10-01"), FilerID: w.relative, FilerRole: "relative",
		AddresseeID: unit, CaseID: w.caseID, Subject: qantar.Text{"en": mk("subject"), "ru": mk("subjectru")},
		Responses: []qantar.Response{{ReceivedOn: qantar.MustDate("2026-10-05"), Outcome: "no_response", Note: qantar.Text{"en": mk("respnote")}}}})
	w.pending = create(&qantar.Complaint{ComplaintKind: "cpc-105", FiledOn: qantar.MustDate("2026-12-01"), FilerID: w.lawyer, FilerRole: "lawyer",
		AddresseeID: unit, CaseID: w.caseID, Subject: qantar.Text{"en": "Synthetic complaint about the investigation's delay"}})
	w.answered = create(&qantar.Complaint{ComplaintKind: "info-401", FiledOn: qantar.MustDate("2026-11-01"), FilerID: w.lawyer, CaseID: w.caseID,
		Responses: []qantar.Response{{ReceivedOn: qantar.MustDate("2026-11-05"), Outcome: "satisfied", SourceID: src}}})
	// The lawyer recorded twice and merged: the second record's complaint is
	// the lawyer's.
	dup := create(&qantar.Person{Names: []qantar.Name{{Value: "Synthetic Lawyer, second record"}}, Protection: qantar.Public, SameAsID: w.lawyer})
	w.merged = create(&qantar.Complaint{ComplaintKind: "info-401", FiledOn: qantar.MustDate("2026-11-25"), FilerID: dup, FilerRole: "lawyer"})
	w.lawyerDup = dup
	create(&qantar.Complaint{ComplaintKind: "info-401", FiledOn: qantar.MustDate("2026-11-01"), CaseID: w.quietCase,
		Responses: []qantar.Response{{ReceivedOn: qantar.MustDate("2026-11-03"), Outcome: "satisfied", SourceID: src}}})
	return w
}

// mailbox is an SMTP server (emersion/go-smtp) on 127.0.0.1 that keeps
// what it receives, by recipient, and refuses recipients whose address
// begins with "refused".
type mailbox struct {
	mu   sync.Mutex
	got  map[string][]string
	addr string
}

func startMailbox(t *testing.T) *mailbox {
	t.Helper()
	mb := &mailbox{got: map[string][]string{}}
	s := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &mailSession{mb: mb}, nil }))
	s.Domain = "localhost"
	s.ReadTimeout, s.WriteTimeout = 10*time.Second, 10*time.Second
	s.ErrorLog = discardLog{}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	mb.addr = ln.Addr().String()
	go s.Serve(ln)
	t.Cleanup(func() { s.Close() })
	return mb
}

func (mb *mailbox) messages(to string) []string {
	mb.mu.Lock()
	defer mb.mu.Unlock()
	return append([]string(nil), mb.got[to]...)
}

type discardLog struct{}

func (discardLog) Printf(string, ...any) {}
func (discardLog) Println(...any)        {}

type mailSession struct {
	mb *mailbox
	to []string
}

func (s *mailSession) Reset()                               { s.to = nil }
func (s *mailSession) Logout() error                        { return nil }
func (s *mailSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if strings.HasPrefix(to, "refused") {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "synthetic: no such mailbox"}
	}
	s.to = append(s.to, to)
	return nil
}

func (s *mailSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.mb.mu.Lock()
	defer s.mb.mu.Unlock()
	for _, to := range s.to {
		s.mb.got[to] = append(s.mb.got[to], string(b))
	}
	return nil
}
