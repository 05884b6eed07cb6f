package site_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/web/htmltest"
)

// TestLinkageHandEntered: /linkage compares the victims an editor entered
// by hand (a person and an act, on no list) with the persons of the lists,
// across scripts, and says which record was entered by hand.
func TestLinkageHandEntered(t *testing.T) {
	fx := newFixture(t)
	mk := func(rec qantar.Record) int64 { return fx.create(t, rec) }
	list := mk(&qantar.Source{SourceKind: "list", Title: qantar.Text{"en": "Synthetic press list"}})
	given := []string{"Erlan", "Aigerim", "Nurlan", "Dauren", "Gulnar", "Bauyrzhan", "Daniyar", "Kairat"}
	givenKk := []string{"Ерлан", "Айгерім", "Нұрлан", "Дәурен", "Гүлнар", "Бауыржан", "Данияр", "Қайрат"}
	surn := []string{"Akhmetov", "Omarova", "Zhumabaev", "Kasymov", "Bekenova", "Smagulov", "Toleuov", "Abilov"}
	surnKk := []string{"Ахметов", "Омарова", "Жұмабаев", "Қасымов", "Бекенова", "Смағұлов", "Төлеуов", "Әбілов"}
	var hand []int64
	for i := range given {
		bd := qantar.MustDate("19" + itoa(int64(60+i)) + "-0" + itoa(int64(1+i)) + "-1" + itoa(int64(i)))
		pl := mk(&qantar.Person{Names: []qantar.Name{{Value: given[i] + " " + surn[i], Lang: "en"}}, BirthDate: bd})
		mk(&qantar.Citation{RecordKind: qantar.KindPerson, RecordID: pl, SourceID: list})
		if i%2 == 0 {
			ph := mk(&qantar.Person{Names: []qantar.Name{{Value: surnKk[i] + " " + givenKk[i], Lang: "kk"}}, BirthDate: bd})
			mk(&qantar.Act{VictimID: ph, ActType: "killing_crowd_control", Date: qantar.MustDate("2022-01-05")})
			hand = append(hand, ph)
		}
	}
	secret := fx.account(t, "linker", qantar.RoleEditor)
	ed := client()
	fx.signIn(t, ed, "linker", secret, time.Now())
	status, body, _ := fx.get(t, ed, "/linkage")
	if status != http.StatusOK {
		t.Fatalf("status %d\n%s", status, body)
	}
	doc := htmltest.Parse(t, body)
	// Those entered here and the fixture's three victims (act1..act3).
	if got, want := htmltest.Text(htmltest.One(t, doc, "p#hand-entered")), "Victims entered by hand, compared with the lists: "+itoa(int64(len(hand)+3)); got != want {
		t.Errorf("the page says %q, want %q", got, want)
	}
	proposed := map[string]bool{}
	for _, in := range htmltest.All(t, doc, `form input[type=hidden][name=id]`) {
		proposed[htmltest.Attr(in, "value")] = true
	}
	for _, id := range hand {
		if !proposed[itoa(id)] {
			t.Errorf("no merge proposed for persons/%d, entered by hand", id)
		}
	}
}
