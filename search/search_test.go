package search_test

import (
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/search"
)

func TestParse(t *testing.T) {
	for _, tt := range []struct {
		name, q string
		terms   int
		bad     bool
	}{
		{"Latin", "Tokayev", 1, false},
		{"Cyrillic", "Тоқаев Қасым", 2, false},
		{"SyntaxOnly", `"* - NEAR( AND OR )`, 3, false}, // NEAR, AND and OR are plain words here
		{"Empty", "", 0, true},
		{"Spaces", "   ", 0, true},
		{"Punctuation", `"*-()^:`, 0, true},
		{"TooLong", strings.Repeat("я", 300), 0, true},
		{"TooManyWords", strings.Repeat("a1 ", 20), 0, true},
		{"InvalidUTF8", "\xff\xfe", 0, true},
		{"Duplicates", "Tokayev Tokayev", 1, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			terms, err := search.Parse(tt.q)
			if tt.bad {
				if qantar.ErrorCode(err) != qantar.EINVALID || qantar.ErrorField(err) != "q" {
					t.Fatalf("got %v, want an invalid q", err)
				}
				return
			}
			if err != nil || len(terms) != tt.terms {
				t.Fatalf("got %d terms, %v; want %d", len(terms), err, tt.terms)
			}
		})
	}
}

func TestSnippetEscapesAndMarks(t *testing.T) {
	ev := &qantar.Event{Title: qantar.Text{"ru": `<script>alert(1)</script> События в Жаңаөзен`}}
	terms, _ := search.Parse("Zhanaozen")
	got := search.Snippet(ev, terms, "ru")
	if strings.Contains(got, "<script>") || !strings.Contains(got, "<mark>Жаңаөзен</mark>") {
		t.Fatalf("snippet %q", got)
	}
}

func TestScoreNeedsEveryTerm(t *testing.T) {
	p := &qantar.Person{Names: []qantar.Name{{Value: "Қасым-Жомарт Тоқаев"}}}
	all, _ := search.Parse("Kassym-Zhomart Tokayev")
	some, _ := search.Parse("Tokayev Nazarbayev")
	if search.Score(p, all) != 1 || search.Score(p, some) != 0 {
		t.Fatalf("scores %v %v", search.Score(p, all), search.Score(p, some))
	}
}

// TestScoreOrder: for equal words, a record's own key comes before another
// key of the word (names.AltKeys), that before a typo, and a current name
// before a former one; an unrelated near name scores below the true one.
func TestScoreOrder(t *testing.T) {
	person := func(n string) *qantar.Person { return &qantar.Person{Names: []qantar.Name{{Value: n}}} }
	score := func(rec qantar.Record, q string) float64 {
		terms, err := search.Parse(q)
		if err != nil {
			t.Fatal(err)
		}
		return search.Score(rec, terms)
	}
	for _, tt := range []struct {
		q             string
		better, worse qantar.Record
	}{
		{"Юсупов", person("Юсупов"), person("Жүсіпов")},
		{"Жүсіпов", person("Жүсіпов"), person("Юсупов")},
		{"Ахметов", person("Akhmetov"), person("Ахматов")},
		{"Утегенов", person("Утегенов"), person("Өтегенов")},
		{"Өтегенов", person("Өтегенов"), person("Утегенов")},
		{"Ахметов Нурлан", person("Ахметов Нұрлан"), person("Ахматов Нұрлан")},
		{"Ахметов Н", person("Ахметов Нұрлан"), person("Ахматов Нұрлан")},
		{"Чимкент", &qantar.Place{Name: qantar.Text{"ru": "Чимкент"}},
			&qantar.Place{Name: qantar.Text{"kk": "Шымкент"}, Names: []qantar.PlaceName{{Name: qantar.Text{"ru": "Чимкент"}}}}},
	} {
		b, w := score(tt.better, tt.q), score(tt.worse, tt.q)
		if w == 0 || b <= w {
			t.Errorf("%q: %s scores %v, %s %v; want both found, the first higher", tt.q, search.Title(tt.better, "ru"), b,
				search.Title(tt.worse, "ru"), w)
		}
	}
	if s := score(person("Ахметов Серік"), "Ахметов Н"); s != 0 {
		t.Errorf("an initial matched a word it does not begin: %v", s)
	}
}

// TestInitials: one letter, or a Latin digraph of one Cyrillic letter, is
// an initial; a short name is not.
func TestInitials(t *testing.T) {
	for q, want := range map[string]bool{"Н.": true, "Zh.": true, "Sh": true, "A": true, "Ли": false, "Ким": false, "Ахметов": false, "5": false} {
		terms, err := search.Parse(q)
		if err != nil || len(terms) != 1 || terms[0].Initial != want {
			t.Errorf("%q: %+v %v, want Initial %v", q, terms, err, want)
		}
	}
}

// TestActTitleAndWords: an act's title is its type and date in the
// reader's language, and its only words are the labels of its type and the
// victim's status: its description is never indexed.
func TestActTitleAndWords(t *testing.T) {
	a := &qantar.Act{VictimID: 1, ActType: "torture", VictimStatus: "injured", Date: qantar.MustDate("2022-01-07"),
		Description: qantar.Text{"ru": "Жасырынбек"}, Method: "secretmethod"}
	if got := search.Title(a, "ru"); got != "Пытки, 2022-01-07" {
		t.Errorf("title %q", got)
	}
	d := search.DocOf(a)
	all := strings.Join(append(d.Keys, d.Stems...), " ")
	for _, w := range []string{"torture", "азаптау", "injured", "пытк"} {
		if !strings.Contains(all, w) {
			t.Errorf("the act's document lacks %q: %s", w, all)
		}
	}
	if strings.Contains(all, "jasirinbek") || strings.Contains(all, "secret") {
		t.Errorf("the act's description or method was indexed: %s", all)
	}
}

// A snippet marks the words the search found the record by, a stem's
// prefix included, so that a Kazakh reader who typed a town's name sees
// the Kazakh title (Талдықорғандағы …) rather than the English one.
func TestSnippetInReadersLanguageByPrefix(t *testing.T) {
	ev := &qantar.Event{Title: qantar.Text{"en": "Government buildings attacked in Taldykorgan",
		"kk": "Талдықорғандағы мемлекеттік ғимараттарға шабуылдар"}}
	terms, _ := search.Parse("Талдықорған")
	if search.Score(ev, terms) == 0 {
		t.Fatal("the event is not found by the town's name")
	}
	if got := search.Snippet(ev, terms, "kk"); !strings.Contains(got, "<mark>Талдықорғандағы</mark>") {
		t.Errorf("kk snippet %q: want the Kazakh title with its word marked", got)
	}
}
