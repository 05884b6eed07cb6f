package qantar_test

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
)

func TestProtectionLevelUntilDecided(t *testing.T) {
	for _, tt := range []struct {
		protection, consent, want string
	}{
		{"", "", qantar.Restricted},
		{"", "unknown", qantar.Restricted},
		{"", "refused", qantar.Restricted},
		{"", "withdrawn", qantar.Restricted},
		{"", "given", qantar.Public},
		{"", "public_record", qantar.Public},
		{qantar.Public, "", qantar.Public},
		{qantar.Confidential, "given", qantar.Confidential},
		{qantar.Restricted, "public_record", qantar.Restricted},
	} {
		p := &qantar.Person{Protection: tt.protection, Consent: tt.consent}
		if got := p.ProtectionLevel(); got != tt.want {
			t.Errorf("protection %q consent %q: %s, want %s", tt.protection, tt.consent, got, tt.want)
		}
	}
}

// world is a small set of records about a hidden and a public person, each
// record carrying a secret word, for the projection tests.
type world struct {
	recs map[qantar.Ref]qantar.Record
}

func (w world) resolve(k qantar.Kind, id int64) (qantar.Record, error) {
	if r, ok := w.recs[qantar.Ref{Kind: k, ID: id}]; ok {
		return r, nil
	}
	return nil, qantar.Errorf(qantar.ENOTFOUND, "%s/%d does not exist", k, id)
}

func (w world) add(r qantar.Record) { w.recs[qantar.Ref{Kind: r.Kind(), ID: r.GetMeta().ID}] = r }

const secret = "ТАЙНА"

// randomWorld builds records of every kind that can be about a person, about
// person 1 (hidden at level) or person 2 (public), at random.
func randomWorld(rng *rand.Rand, level string) (world, []qantar.Record) {
	w := world{recs: map[qantar.Ref]qantar.Record{}}
	w.add(&qantar.Person{Meta: qantar.Meta{ID: 1, Version: 1, ExternalKey: "k" + secret}, Names: []qantar.Name{{Value: secret}},
		Protection: level, Sex: "female", BirthDate: qantar.MustDate("1990-01-02")})
	w.add(&qantar.Person{Meta: qantar.Meta{ID: 2, Version: 1}, Names: []qantar.Name{{Value: "Открытый"}}, Protection: qantar.Public})
	who := func() int64 { return int64(1 + rng.IntN(2)) }
	txt := qantar.Text{"ru": "описание " + secret}
	var out []qantar.Record
	for i := int64(1); i <= 40; i++ {
		act := &qantar.Act{Meta: qantar.Meta{ID: i, Version: 1, ExternalKey: "a"}, VictimID: who(), ActType: "torture", Method: "beating",
			Date: qantar.MustDate("2022-01-06"), PlaceID: 3, VictimStatus: "injured", Description: txt,
			Minnesota: []qantar.ChecklistAnswer{{Item: "x", Answer: "yes", Note: secret}}}
		post := &qantar.Post{Meta: qantar.Meta{ID: i, Version: 1}, PersonID: who(), UnitID: 7, Role: "commander", Rank: secret, Title: txt,
			FirstCited: qantar.MustDate("2022-01"), Description: txt, Confidence: "high"}
		inv := &qantar.Involvement{Meta: qantar.Meta{ID: i, Version: 1}, ActID: 1 + rng.Int64N(40), PersonID: who(), UnitID: 7, Degree: "assisted", Notes: txt}
		cmp := &qantar.Complaint{Meta: qantar.Meta{ID: i, Version: 1}, ComplaintKind: "appc-76", FiledOn: qantar.MustDate("2024-01-01"), FilerID: who(),
			CaseID: 4, Subject: txt, Responses: []qantar.Response{{ReceivedOn: qantar.MustDate("2024-02-01"), Outcome: "refused", Note: txt}}}
		cs := &qantar.Case{Meta: qantar.Meta{ID: i, Version: 1}, Number: "N-1",
			Participants: []qantar.Participant{{PersonID: who(), Role: "witness", Since: qantar.MustDate("2022-02-0" + string(rune('1'+rng.IntN(9))))}}}
		for _, r := range []qantar.Record{act, post, inv, cmp, cs} {
			w.add(r)
			out = append(out, r)
		}
	}
	kinds := []qantar.Kind{qantar.KindPerson, qantar.KindAct, qantar.KindPost, qantar.KindInvolvement, qantar.KindComplaint}
	for i := int64(1); i <= 60; i++ {
		c := &qantar.Citation{Meta: qantar.Meta{ID: i, Version: 1}, RecordKind: kinds[rng.IntN(len(kinds))], RecordID: 1 + rng.Int64N(2),
			SourceID: 1, Field: "description", Page: secret, Quote: secret, ArchiveURL: "https://a.example/" + secret, Confidence: "high",
			Note: qantar.Text{"ru": "заметка " + secret}}
		w.add(c)
		out = append(out, c)
	}
	return w, append(out, w.recs[qantar.Ref{Kind: qantar.KindPerson, ID: 1}], w.recs[qantar.Ref{Kind: qantar.KindPerson, ID: 2}])
}

// aboutHidden reports whether rec is, directly or through what it cites, about person 1.
func aboutHidden(w world, rec qantar.Record) bool {
	switch r := rec.(type) {
	case *qantar.Person:
		return r.ID == 1
	case *qantar.Act:
		return r.VictimID == 1
	case *qantar.Post:
		return r.PersonID == 1
	case *qantar.Involvement:
		a, _ := w.resolve(qantar.KindAct, r.ActID)
		return r.PersonID == 1 || aboutHidden(w, a)
	case *qantar.Complaint:
		return r.FilerID == 1
	case *qantar.Case:
		return false // only the hidden participant's date goes
	case *qantar.Citation:
		cited, err := w.resolve(r.RecordKind, r.RecordID)
		return err != nil || aboutHidden(w, cited)
	}
	return false
}

// TestProjectHidesAndKeeps: for readers who may not see person 1, no
// projection of anything about them holds the secret; projections of the
// rest are the records themselves; editors see everything; and every field
// that KeptByProjection names has the same value in every projection.
func TestProjectHidesAndKeeps(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for round := 0; round < 20; round++ {
		level := []string{qantar.Restricted, qantar.Confidential}[round%2]
		w, recs := randomWorld(rng, level)
		for _, rec := range recs {
			for _, reader := range []qantar.Actor{qantar.PublicReader, qantar.ViewerReader, {Role: qantar.RoleEditor}} {
				got := qantar.Project(reader, rec, w.resolve)
				b, _ := json.Marshal(got)
				hidden := !reader.CanSee(level) && aboutHidden(w, rec)
				if hidden && strings.Contains(string(b), secret) {
					t.Fatalf("%s as %q: projection shows the secret: %s", rec.Kind(), reader.Role, b)
				}
				if !hidden && got != rec && !isCaseDateOnly(rec, got) {
					t.Fatalf("%s as %q: a record about nobody hidden was changed: %s", rec.Kind(), reader.Role, b)
				}
				checkKept(t, rec, got)
			}
		}
	}
}

func isCaseDateOnly(rec, got qantar.Record) bool {
	_, ok := rec.(*qantar.Case)
	return ok
}

// checkKept holds Project to KeptByProjection.
func checkKept(t *testing.T, rec, got qantar.Record) {
	t.Helper()
	var a, b map[string]any
	ja, _ := json.Marshal(rec)
	jb, _ := json.Marshal(got)
	_ = json.Unmarshal(ja, &a)
	_ = json.Unmarshal(jb, &b)
	for _, f := range qantar.FilterFields[rec.Kind()] {
		if !qantar.KeptByProjection(rec.Kind(), f) || f == "protection" {
			continue
		}
		if ja, jb := jsonOf(a[f]), jsonOf(b[f]); ja != jb {
			t.Fatalf("%s field %s: %s in the record, %s in its projection, but KeptByProjection says kept", rec.Kind(), f, ja, jb)
		}
	}
	if qantar.KeptByProjection(rec.Kind(), "protection") && qantar.Protection(rec) != qantar.Protection(got) {
		t.Fatalf("%s: protection changed by projection", rec.Kind())
	}
}

func jsonOf(v any) string { b, _ := json.Marshal(v); return string(b) }

// TestProjectionsStoredForm: Projections gives nil for what is the record
// itself, and the placeholder for a hidden person.
func TestProjectionsStoredForm(t *testing.T) {
	w, _ := randomWorld(rand.New(rand.NewPCG(3, 4)), qantar.Confidential)
	pub, _ := w.resolve(qantar.KindPerson, 2)
	data, _ := json.Marshal(pub)
	if p, v, err := qantar.Projections(pub, data, w.resolve); p != nil || v != nil || err != nil {
		t.Fatalf("public person: %s %s %v", p, v, err)
	}
	hid, _ := w.resolve(qantar.KindPerson, 1)
	data, _ = json.Marshal(hid)
	p, v, err := qantar.Projections(hid, data, w.resolve)
	if err != nil || p == nil || v == nil || strings.Contains(string(p)+string(v), secret) {
		t.Fatalf("confidential person: %s %s %v", p, v, err)
	}
}
