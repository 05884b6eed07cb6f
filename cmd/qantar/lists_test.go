package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
)

// This test's lists are SYNTHETIC: one invented population of the dead,
// recorded by three invented organisations, each list in its own script,
// encoding and columns, with typos and a day's error in some dates, as
// lists compiled by different hands are. No real person is in them.

var (
	synMale    = strings.Fields("Нурлан Ерлан Серик Асхат Бауыржан Даурен Жандос Айдос Ермек Кайрат Марат Руслан Тимур Данияр Ержан Мухтар Бекзат Азамат Куаныш Ильяс Дмитрий Сергей Андрей Алексей Владимир Евгений Игорь Максим Виктор Олег")
	synSurname = strings.Fields("Ахметов Жумабаев Касымов Токаев Абилов Омаров Сарсенбаев Ермеков Исабеков Мурат Есенов Шарипов Байжанов Оспанов Толеуов Калиев Иванов Смирнов Юсупов Хасанов Рахимов Серикбаев Турсунов Базарбаев Дуйсенбаев Абдуллаев Мамыров Бейсенов Керимбаев Орал")
	synFather  = strings.Fields("Серик Марат Болат Ерлан Нурлан Кайрат Асхат Жомарт Талгат Мейрам Бахыт Сергей Иван Петр Олег")
	synPlace   = []string{"Алматы", "Талдыкорган", "Тараз", "Шымкент"}
	// Kazakh spellings (list C) and Latin ones (list B) of the same places.
	synPlaceKK  = map[string]string{"Алматы": "Алматы", "Талдыкорган": "Талдықорған", "Тараз": "Тараз", "Шымкент": "Шымкент"}
	synPlaceLat = map[string]string{"Алматы": "Almaty", "Талдыкорган": "Taldykorgan", "Тараз": "Taraz", "Шымкент": "Shymkent"}
	synLatin    = map[rune]string{'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ж': "zh", 'з': "z", 'и': "i", 'й': "i",
		'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o", 'п': "p", 'р': "r", 'с': "s", 'т': "t", 'у': "u", 'ф': "f",
		'х': "kh", 'ц': "ts", 'ч': "ch", 'ш': "sh", 'ы': "y", 'ь': "", 'э': "e", 'ю': "yu", 'я': "ya"}
)

type synDead struct {
	surname, given, father string
	born                   [3]int // day, month, year
	died                   int    // day of January 2022
	place                  string
}

func synPopulation(n int, rng *rand.Rand) []synDead {
	seen := map[string]bool{}
	var out []synDead
	for len(out) < n {
		d := synDead{surname: synSurname[rng.IntN(len(synSurname))], given: synMale[rng.IntN(len(synMale))],
			father: synFather[rng.IntN(len(synFather))], born: [3]int{1 + rng.IntN(28), 1 + rng.IntN(12), 1950 + rng.IntN(50)},
			died: 4 + rng.IntN(8), place: synPlace[rng.IntN(len(synPlace))]}
		k := d.surname + d.given + d.father
		if !seen[k] {
			seen[k] = true
			out = append(out, d)
		}
	}
	return out
}

func synLatinOf(s string) string {
	var b strings.Builder
	for i, r := range strings.ToLower(s) {
		t, ok := synLatin[r]
		if !ok {
			t = string(r)
		}
		if i == 0 || b.Len() > 0 && strings.HasSuffix(b.String(), " ") {
			t = strings.ToUpper(t[:min(1, len(t))]) + t[min(1, len(t)):]
		}
		b.WriteString(t)
	}
	return b.String()
}

// typo swaps two letters of a word now and then.
func typo(s string, rng *rand.Rand) string {
	r := []rune(s)
	if len(r) > 4 && rng.IntN(10) == 0 {
		i := 1 + rng.IntN(len(r)-3)
		r[i], r[i+1] = r[i+1], r[i]
	}
	return string(r)
}

// synLists writes the three lists and returns their paths and how many of
// the population are on at least one.
func synLists(t *testing.T, dir string, pop []synDead, rng *rand.Rand) ([]string, int) {
	var a, b, c strings.Builder
	a.WriteString("№;ФИО;Дата рождения;Дата гибели;Место гибели\n")
	b.WriteString("Name,Date of birth,Date of death,Place of death\n")
	c.WriteString("Р/с;Аты-жөні;Туған күні;Қаза болған күні;Қаза болған жері\n")
	onAny := 0
	na, nc := 0, 0
	for _, d := range pop {
		in := [3]bool{rng.Float64() < 0.7, rng.Float64() < 0.6, rng.Float64() < 0.5}
		if in[0] || in[1] || in[2] {
			onAny++
		}
		died := d.died
		if rng.IntN(20) == 0 {
			died++ // a day's error
		}
		if in[0] {
			na++
			fmt.Fprintf(&a, "%d;%s %s %sович;%02d.%02d.%d;%02d.01.2022;%s\n", na, typo(d.surname, rng), d.given, d.father, d.born[0], d.born[1], d.born[2], died, d.place)
		}
		if in[1] {
			fmt.Fprintf(&b, "%s %s,%d-%02d-%02d,2022-01-%02d,%s\n", synLatinOf(d.given), typo(synLatinOf(d.surname), rng), d.born[2], d.born[1], d.born[0], d.died, synPlaceLat[d.place])
		}
		if in[2] {
			nc++
			fmt.Fprintf(&c, "%d;%s %s;%02d.%02d.%d;%02d.01.2022;%s\n", nc, d.surname, typo(d.given, rng), d.born[0], d.born[1], d.born[2], d.died, synPlaceKK[d.place])
		}
	}
	cp, err := charmap.Windows1251.NewEncoder().String(a.String())
	if err != nil {
		t.Fatal(err)
	}
	paths := []string{filepath.Join(dir, "a.csv"), filepath.Join(dir, "b.csv"), filepath.Join(dir, "c.csv")}
	for i, s := range []string{cp, b.String(), c.String()} {
		if err := os.WriteFile(paths[i], []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return paths, onAny
}

// Three lists of one synthetic population, imported with --list, linked
// with --apply and estimated from the database: the distinct count is within
// 3% of the truth, the estimate's interval holds the population.
func TestListsImportLinkEstimate(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "lists.db")
	rng := rand.New(rand.NewPCG(7, 11))
	pop := synPopulation(400, rng)
	paths, onAny := synLists(t, dir, pop, rng)
	for i, name := range []string{"Синтетический список А", "Synthetic list B", "Синтетикалық тізім C"} {
		if code, out, errOut := run("import", "--db", db, "--list", name, paths[i]); code != 0 {
			t.Fatalf("import %s: %d\n%s\n%s", name, code, out, errOut)
		}
	}
	// Importing a list again changes nothing.
	code, out, errOut := run("import", "--db", db, "--list", "Synthetic list B", paths[1])
	if code != 0 || strings.Contains(out, " 1 created") || !strings.Contains(out, "0 created, 0 updated") {
		t.Fatalf("import again: %d\n%s\n%s", code, out, errOut)
	}
	if code, out, errOut := run("link", "--db", db, "--apply", "--min-probability", "0.9"); code != 0 {
		t.Fatalf("link: %d\n%s\n%s", code, out, errOut)
	}
	code, out, errOut = run("estimate", "--db", db, "--method", "loglinear")
	if code != 0 {
		t.Fatalf("estimate: %d\n%s\n%s", code, out, errOut)
	}
	var est struct {
		Lists                  []string
		Observed               int64
		Estimate, Lower, Upper *float64
	}
	if err := json.Unmarshal([]byte(out), &est); err != nil || est.Estimate == nil {
		t.Fatalf("estimate: %v\n%s", err, out)
	}
	if len(est.Lists) != 3 {
		t.Fatalf("lists: %v", est.Lists)
	}
	if diff := float64(est.Observed-int64(onAny)) / float64(onAny); diff < -0.03 || diff > 0.03 {
		t.Fatalf("distinct people on the lists: %d, truth %d (%.1f%%)", est.Observed, onAny, 100*diff)
	}
	if n := float64(len(pop)); *est.Lower > n || *est.Upper < n {
		t.Fatalf("estimate %.0f [%.0f, %.0f] does not hold the population %d", *est.Estimate, *est.Lower, *est.Upper, len(pop))
	}
	t.Logf("population %d, on a list %d, observed after linkage %d, estimate %.0f [%.0f, %.0f]", len(pop), onAny, est.Observed, *est.Estimate, *est.Lower, *est.Upper)
}
