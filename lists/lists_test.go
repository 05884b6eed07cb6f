package lists_test

import (
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/lists"
)

func person(id int64, name, level string, sameAs int64) *qantar.Person {
	p := &qantar.Person{Names: []qantar.Name{{Value: name}}, Protection: level, SameAsID: sameAs}
	p.ID = id
	return p
}

func cite(src int64, kind qantar.Kind, id int64) *qantar.Citation {
	return &qantar.Citation{SourceID: src, RecordKind: kind, RecordID: id}
}

// Two lists: A names 1, 2 (merged into 1's twin 4), 3 (protected) and 5 by
// its death act; B names 4 and 6. After the merge, 2 and 4 are one person.
func records() lists.Records {
	a := &qantar.Source{SourceKind: "list"}
	a.ID = 10
	b := &qantar.Source{SourceKind: "list"}
	b.ID = 11
	news := &qantar.Source{SourceKind: "news"}
	news.ID = 12
	act := &qantar.Act{VictimID: 5, ActType: "killing", Date: qantar.MustDate("2022-01-06")}
	act.ID = 20
	return lists.Records{
		Sources: []*qantar.Source{a, b, news},
		Persons: []*qantar.Person{person(1, "Бекова Айжан", qantar.Public, 0), person(2, "Иванов И.", qantar.Public, 4),
			person(3, "Secret Witness", qantar.Confidential, 0), person(4, "Иванов Иван", qantar.Public, 0),
			person(5, "Серіков Асқар", qantar.Public, 0), person(6, "Ахметов Ерлан", qantar.Public, 0)},
		Acts: []*qantar.Act{act},
		Citations: []*qantar.Citation{cite(10, qantar.KindPerson, 1), cite(10, qantar.KindPerson, 2), cite(10, qantar.KindPerson, 3),
			cite(10, qantar.KindAct, 20), cite(11, qantar.KindPerson, 4), cite(11, qantar.KindPerson, 6), cite(12, qantar.KindPerson, 6)},
	}
}

// as returns the records as reader sees them (persons they may not see
// become placeholders, as the stores' projections make them).
func as(reader qantar.Actor, r lists.Records) lists.Records {
	out := r
	out.Persons = nil
	for _, p := range r.Persons {
		out.Persons = append(out.Persons, qantar.Visible(reader, p).(*qantar.Person))
	}
	return out
}

func TestCompareCountsMergedPeopleOnceAndNamesOnlyWhatTheReaderSees(t *testing.T) {
	admin := qantar.Actor{ID: "u:1", Role: qantar.RoleAdmin}
	m := lists.Load(as(admin, records()))
	if len(m.Lists) != 2 {
		t.Fatalf("lists: %d, want 2 (a news source is no list)", len(m.Lists))
	}
	if got := m.Distinct(); got != 5 {
		t.Fatalf("distinct people on the lists: %d, want 5 (1, 2=4, 3, 5, 6)", got)
	}
	if c := m.Compare(10, 11); c.OnlyA.Protected != 0 || len(c.OnlyA.Named) != 3 {
		t.Fatalf("an admin sees every name: %+v", c.OnlyA)
	}
	c := lists.Load(as(qantar.Anonymous, records())).Compare(10, 11)
	if c.OnA != 4 || c.OnB != 2 || c.Both != 1 {
		t.Fatalf("on A %d, on B %d, on both %d; want 4, 2, 1", c.OnA, c.OnB, c.Both)
	}
	if c.OnlyA.Count != 3 || c.OnlyA.Protected != 1 || len(c.OnlyA.Named) != 2 {
		t.Fatalf("only on A: %+v", c.OnlyA)
	}
	for _, e := range c.OnlyA.Named {
		if e.Name == "Secret Witness" {
			t.Fatal("a confidential person is named to an anonymous reader")
		}
		if e.PersonID == 5 && e.DeathDate != "2022-01-06" {
			t.Fatalf("the death act's date is missing: %+v", e)
		}
	}
	if c.OnlyB.Count != 1 || c.OnlyB.Named[0].Name != "Ахметов Ерлан" {
		t.Fatalf("only on B: %+v", c.OnlyB)
	}
}

// A protected record merged into a public one: the merge is not followed for
// a reader who may not see the protected record, so the public person is
// not shown to be on the list that cites only the protected record.
func TestCompareFollowsNoMergeTheReaderMayNotSee(t *testing.T) {
	r := records()
	r.Persons[2].SameAsID = 6 // 3 (confidential, on A) is 6 (public, on B)
	anon := lists.Load(as(qantar.Anonymous, r)).Compare(10, 11)
	if anon.Both != 1 || anon.OnlyB.Count != 1 || anon.OnlyB.Named[0].Name != "Ахметов Ерлан" {
		t.Fatalf("anonymous: the hidden merge was followed: %+v", anon)
	}
	admin := lists.Load(as(qantar.Actor{Role: qantar.RoleAdmin}, r)).Compare(10, 11)
	if admin.Both != 2 || admin.OnlyB.Count != 0 {
		t.Fatalf("admin: the merge was not followed: %+v", admin)
	}
}
