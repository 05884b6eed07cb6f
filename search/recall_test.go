package search_test

import (
	"context"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/names"
	"github.com/qantar-project/qantar/sqlite"
)

// The recall test's register is synthetic (generated here, no real person).
// A person's neighbours are hard to tell apart from them: the same surname
// under dozens of given names, near-homonyms of both parts (Ерлан, Ербол,
// Ерболат, Ержан; Ахметов, Ахматов, Ахмедов, Ахметжанов), women's forms of
// the same surnames (Иванов, Иванова), namesakes told apart only by their
// fathers' names, and names stored in Kazakh Cyrillic, in the Russian
// spelling of Kazakh names and in Latin letters (passport and 2021
// alphabet), some with a patronymic (Серікұлы, Серикович).
var (
	recallGivenMale = strings.Fields(`Нұрлан Нұрбол Ерлан Ербол Ерболат Ержан Асхат Асқар Асқат Марат Марлен Серік
		Серікбол Дәурен Дәулет Бауыржан Бақытжан Данияр Қайрат Қанат Талғат Тұрсын Әлихан Алмас Арман Бекзат Бекжан
		Алексей Сергей Дмитрий Андрей Игорь Юрий`)
	recallGivenFemale = strings.Fields(`Айгерім Айгүл Гүлнар Гүлжан Жанар Жанат Сәуле Әсел Әлия Динара Мадина Аружан
		Ольга Наталья Елена Ирина`)
	recallSurnames = strings.Fields(`Ахметов Ахматов Ахмедов Ахметжанов Омаров Умаров Оспанов Жұмабаев Жұмабеков
		Қасымов Қасенов Бекенов Бекмұханов Сәрсенбаев Сарсенов Төлеуов Төлеубаев Мұқанов Мұхамедов Есенов Есенбаев
		Байжанов Байжұманов Ибраев Ибрагимов Садықов Исаев Исабеков Дүйсенов Дүйсенбаев Иванов Петров Кузнецов
		Смирнов Попов`)
	recallFathers = strings.Fields("Серік Қайрат Марат Ерлан Бекзат Асқар Нұрлан Талғат")
)

// A recallPerson is one synthetic person: the name as stored and the parts
// the held-out spellings are made from.
type recallPerson struct {
	stored            string // the name as written in the register
	given, surname    string // Kazakh Cyrillic forms
	patronymic        string // "" or the Kazakh form (Серікұлы)
	russianPatronymic string
	id                int64
}

// recallRegister builds the synthetic register: about four in five of all
// given-name × surname pairs, each written in one of the scripts and forms.
func recallRegister(rnd *rand.Rand) []*recallPerson {
	var out []*recallPerson
	add := func(given string, female bool) {
		for _, sur := range recallSurnames {
			if rnd.IntN(5) == 0 {
				continue
			}
			if female && (strings.HasSuffix(sur, "ов") || strings.HasSuffix(sur, "ев")) {
				sur += "а"
			}
			// Namesakes: one pair in four is two or three people, told
			// apart by their fathers' names.
			n := 1
			if rnd.IntN(4) == 0 {
				n = 2 + rnd.IntN(2)
			}
			for _, f := range rnd.Perm(len(recallFathers))[:n] {
				p := &recallPerson{given: given, surname: sur}
				if n > 1 || rnd.IntN(3) == 0 {
					father := recallFathers[f]
					if female {
						p.patronymic, p.russianPatronymic = father+"қызы", names.RussianSpelling(father)+"овна"
					} else {
						p.patronymic, p.russianPatronymic = father+"ұлы", names.RussianSpelling(father)+"ович"
					}
				}
				full := strings.TrimSpace(given + " " + sur + " " + p.patronymic)
				switch r := rnd.IntN(10); {
				case r < 6: // Kazakh Cyrillic, as in Kazakh documents
					p.stored = full
				case r < 8: // the Russian spelling of Kazakh letters
					p.stored = names.RussianSpelling(full)
				case r < 9: // a passport's Latin
					p.stored = names.Translit(full, names.ICAO9303)
				default: // the 2021 Kazakh Latin alphabet
					p.stored = names.Translit(full, names.KazakhLatin2021)
				}
				out = append(out, p)
			}
		}
	}
	for _, g := range recallGivenMale {
		add(g, false)
	}
	for _, g := range recallGivenFemale {
		add(g, true)
	}
	return out
}

// heldOut returns spellings of p a reader might type, none of them the one
// stored: other scripts and transliterations, the Russian form, the surname
// first, the patronymic in the other language, and typos (two letters of the
// surname swapped; a letter dropped from each long word).
func heldOut(p *recallPerson) []string {
	base := p.given + " " + p.surname
	qs := []string{
		names.Translit(base, names.KazakhLatin2021),
		names.Translit(base, names.ICAO9303),
		names.Translit(base, names.Informal),
		names.RussianSpelling(base),
		p.surname + " " + p.given,
		names.Translit(p.surname+" "+p.given, names.ICAO9303),
		swapTypo(p.given + " " + names.Translit(p.surname, names.ICAO9303)),
		dropTypo(names.Translit(p.given, names.ICAO9303)) + " " + dropTypo(names.Translit(p.surname, names.ICAO9303)),
	}
	if p.patronymic != "" {
		qs = append(qs, names.RussianSpelling(p.surname+" "+p.given)+" "+p.russianPatronymic,
			names.Translit(p.given+" "+p.patronymic+" "+p.surname, names.ICAO9303))
	}
	var out []string
	for _, q := range qs {
		if q != "" && q != p.stored && !slices.Contains(out, q) {
			out = append(out, q)
		}
	}
	return out
}

// dropTypo drops the letter after the middle of a word of six letters or
// more, and keeps a shorter word as it is.
func dropTypo(w string) string {
	r := []rune(w)
	if len(r) < 6 {
		return w
	}
	return string(r[:len(r)/2]) + string(r[len(r)/2+1:])
}

// swapTypo swaps the two middle letters of the last word when it has at
// least six.
func swapTypo(s string) string {
	words := strings.Fields(s)
	r := []rune(words[len(words)-1])
	if len(r) < 6 {
		return ""
	}
	m := len(r) / 2
	r[m-1], r[m] = r[m], r[m-1]
	words[len(words)-1] = string(r)
	return strings.Join(words, " ")
}

// recallFloor is just under the recall@10 measured when the test was
// written (0.9837: 968 of 984; BENCHMARKS.md): a change to keys, the index
// or the ranking that loses four more spellings fails here. (The same
// queries find their person first 75% of the time, in the first three 97.8%:
// namesakes and near-homonyms compete for the top ten.)
const recallFloor = 0.98

// TestSearchRecall fills a SQLite store with the synthetic register and
// searches for a sample of its persons by held-out spellings: recall@10 is
// the share of queries whose person is among the first ten results.
func TestSearchRecall(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "recall.db"), sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	editor := qantar.Actor{ID: "token:1", Role: qantar.RoleEditor}
	rnd := rand.New(rand.NewPCG(2022, 1))
	people := recallRegister(rnd)
	recs := make([]qantar.Record, len(people))
	for i, p := range people {
		script := "Cyrl"
		if p.stored[0] < 0x80 {
			script = "Latn"
		}
		recs[i] = &qantar.Person{Names: []qantar.Name{{Value: p.stored, Script: script}}}
	}
	if err := db.InTx(ctx, func(w qantar.Writer) error {
		_, err := qantar.CreateAll(ctx, w, editor, recs)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	for i, p := range people {
		p.id = recs[i].GetMeta().ID
	}
	// One person in sixteen is sought, every spelling of them.
	found, queries := 0, 0
	var misses []string
	for i := 0; i < len(people); i += 16 {
		p := people[i]
		for _, q := range heldOut(p) {
			res, err := db.Search(ctx, qantar.SearchQuery{Q: q, Kinds: []qantar.Kind{qantar.KindPerson}, Limit: 10, Reader: editor})
			if err != nil {
				t.Fatalf("%q: %v", q, err)
			}
			queries++
			if slices.ContainsFunc(res, func(r qantar.SearchResult) bool { return r.ID == p.id }) {
				found++
			} else {
				misses = append(misses, q+" → "+p.stored)
			}
		}
	}
	recall := float64(found) / float64(queries)
	t.Logf("register of %d synthetic persons; %d held-out spellings of %d persons; recall@10 %.4f (%d missed)",
		len(people), queries, (len(people)+15)/16, recall, len(misses))
	for _, m := range misses {
		t.Logf("  missed %s", m)
	}
	if recall < recallFloor {
		t.Errorf("recall@10 = %.4f, below the floor %.4f", recall, recallFloor)
	}
}
