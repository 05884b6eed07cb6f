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
