package storetest

import (
	"fmt"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/search"
)

// testSearchFormerNames: a place is found by each of its names over time
// (Names, every language), and a place whose current name is what was
// typed comes before one that was only called so once.
func testSearchFormerNames(t *testing.T, s Store) {
	alm := &qantar.Place{Name: qantar.Text{"kk": "Алматы", "ru": "Алматы", "en": "Almaty"}, PlaceKind: "city",
		Names: []qantar.PlaceName{
			{Name: qantar.Text{"ru": "Верный"}, To: qantar.MustDate("1921-02-04")},
			{Name: qantar.Text{"ru": "Алма-Ата", "kk": "Алматы", "en": "Alma-Ata"}, From: qantar.MustDate("1921-02-05"), To: qantar.MustDate("1993-01-28")},
		}}
	mustCreate(t, s, alm)
	shym := &qantar.Place{Name: qantar.Text{"kk": "Шымкент", "ru": "Шымкент"}, PlaceKind: "city",
		Names: []qantar.PlaceName{{Name: qantar.Text{"ru": "Чимкент"}, To: qantar.MustDate("1993-01-28")}}}
	mustCreate(t, s, shym)
	// A synthetic village whose current name is the city's former name.
	village := &qantar.Place{Name: qantar.Text{"ru": "Чимкент"}, PlaceKind: "site"}
	mustCreate(t, s, village)
	find := func(q string, kinds ...qantar.Kind) []qantar.SearchResult {
		t.Helper()
		res, err := s.Search(ctx(), qantar.SearchQuery{Q: q, Kinds: kinds, Limit: 10})
		if err != nil {
			t.Fatalf("search %q: %v", q, err)
		}
		return res
	}
	for _, tt := range []struct {
		q  string
		id int64
	}{
		{"Алма-Ата", alm.ID}, {"Alma-Ata", alm.ID}, {"Алма Ата", alm.ID}, {"Верный", alm.ID}, {"Vernyi", alm.ID},
		{"Алматы", alm.ID}, {"Шымкент", shym.ID}, {"Shymkent", shym.ID},
	} {
		res := find(tt.q, qantar.KindPlace)
		if len(res) == 0 || res[0].ID != tt.id {
			t.Errorf("search %q: got %+v, want place %d first", tt.q, res, tt.id)
		}
	}
	for _, q := range []string{"Чимкент", "Chimkent"} {
		res := find(q)
		if len(res) != 2 || res[0].ID != village.ID || res[1].ID != shym.ID || res[0].Score <= res[1].Score {
			t.Errorf("search %q: got %+v, want the village (its name now) before Shymkent (its name until 1993)", q, res)
		}
	}
}

// testSearchVocabulary: an act is found by the label of its type in kk, ru
// or en, whoever its victim is, and by nothing else (its description is
// withheld from readers who may not see the victim); a unit by its kind.
func testSearchVocabulary(t *testing.T, s Store) {
	victim := person("Зейнолла Синтетикалық")
	victim.Protection = qantar.Restricted
	mustCreate(t, s, victim)
	torture := &qantar.Act{VictimID: victim.ID, ActType: "torture", Date: qantar.MustDate("2022-01-07"),
		Description: qantar.Text{"ru": "Описание Жасырынбек"}}
	mustCreate(t, s, torture)
	killing := &qantar.Act{VictimID: victim.ID, ActType: "killing_crowd_control"}
	mustCreate(t, s, killing)
	guard := &qantar.Unit{Name: qantar.Text{"ru": "Воинская часть 0000"}, UnitKind: "national_guard"}
	mustCreate(t, s, guard)
	for _, reader := range []qantar.Actor{qantar.Anonymous, editor} {
		for _, q := range []string{"пытки", "Пытка", "азаптау", "torture", "Torture"} {
			res, err := s.Search(ctx(), qantar.SearchQuery{Q: q, Limit: 10, Reader: reader})
			if err != nil {
				t.Fatal(err)
			}
			if len(res) != 1 || res[0].Kind != qantar.KindAct || res[0].ID != torture.ID {
				t.Errorf("%s: search %q: got %+v, want act %d alone", reader.Role, q, res, torture.ID)
			}
		}
		res, err := s.Search(ctx(), qantar.SearchQuery{Q: "Жасырынбек", Limit: 10, Reader: reader})
		if err != nil || len(res) != 0 {
			t.Errorf("%s: an act's description was searched: %+v %v", reader.Role, res, err)
		}
	}
	for _, q := range []string{"Национальная гвардия", "ұлттық ұлан", "National Guard"} {
		res, err := s.Search(ctx(), qantar.SearchQuery{Q: q, Limit: 10})
		if err != nil || len(res) != 1 || res[0].ID != guard.ID || res[0].Kind != qantar.KindUnit {
			t.Errorf("search %q: got %+v %v, want unit %d", q, res, err, guard.ID)
		}
	}
}

// testSearchReindexes: a database whose index was made with other
// documents than this binary's (search_state holds an older
// search.Version) is indexed again when it is opened: the version is raised
// and the records are found as the new documents find them.
func testSearchReindexes(t *testing.T, e Engine) {
	p := e.New(t)
	db, err := e.Open(ctx(), p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	victim := person("Синтетик Тестұлы")
	mustCreate(t, db, victim)
	act := &qantar.Act{VictimID: victim.ID, ActType: "torture"}
	mustCreate(t, db, act)
	db.Close()
	current := fmt.Sprintf("UPDATE search_state SET version = version WHERE version = %d", search.Version)
	if n := e.Exec(t, p, current); n != 1 {
		t.Fatalf("a new database's index is not at version %d", search.Version)
	}
	e.Exec(t, p, "UPDATE search_state SET version = 1")
	db = openEngine(t, e, p, Options{})
	if n := e.Exec(t, p, current); n != 1 {
		t.Errorf("the index of version 1 was not made again at version %d", search.Version)
	}
	for _, q := range []string{"пытки", "Sintetik"} {
		res, err := db.Search(ctx(), qantar.SearchQuery{Q: q, Reader: editor, Limit: 10})
		if err != nil || len(res) != 1 {
			t.Errorf("search %q after reindexing: %+v %v", q, res, err)
		}
	}
}
