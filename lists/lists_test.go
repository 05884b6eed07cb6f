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

func TestCompareCountsMergedPeopleOnceAndNamesOnlyWhatTheReaderSees(t *testing.T) {
	m := lists.Load(records())
	if len(m.Lists) != 2 {
		t.Fatalf("lists: %d, want 2 (a news source is no list)", len(m.Lists))
	}
	if got := m.Distinct(); got != 5 {
		t.Fatalf("distinct people on the lists: %d, want 5 (1, 2=4, 3, 5, 6)", got)
	}
	c := m.Compare(qantar.Anonymous, 10, 11)
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
	admin := qantar.Actor{ID: "u:1", Role: qantar.RoleAdmin}
	if c := m.Compare(admin, 10, 11); c.OnlyA.Protected != 0 || len(c.OnlyA.Named) != 3 {
		t.Fatalf("an admin sees every name: %+v", c.OnlyA)
	}
}
