package linkdb

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
)

// This file writes SYNTHETIC victims' lists for benchmarks and tests: one
// invented population, recorded by three invented organisations, each list
// in its own script, encoding, delimiter and columns, with typos and a
// day's error in some dates, as lists compiled by different hands are. No
// real person is in them; the names are built from common Kazakh name
// parts.

// Name parts, in Kazakh Cyrillic; the Russian and Latin lists write them in
// their own letters.
var (
	synRoots = strings.Fields("Ахмет Байжан Досан Есен Жақып Ысқақ Қали Мұса Оспан Рахым Сейіт Төле Уәли Шәріп Жұмабай " +
		"Қасым Тоқа Әбіл Омар Сәрсенбай Ермек Исабек Серікбай Тұрсын Базарбай Дүйсенбай Мамыр Бейсен Керімбай Асқар " +
		"Даулет Ерғали Жанұзақ Сағын Тілеу Құдайберген Әлімжан Бекмұрат Нұрпейіс Ізбасар")
	synPrefixes = []string{"", "Ақ", "Бай", "Жан", "Нұр", "Сейіт", "Ер", "Кен"}
	synMen      = strings.Fields("Нұрлан Ерлан Серік Асхат Бауыржан Дәурен Жандос Айдос Ермек Қайрат Марат Руслан Тимур Данияр Ержан " +
		"Мұхтар Бекзат Азамат Қуаныш Ілияс Болат Арман Мирас Санжар Талғат Мейрам Бахыт Жомарт Ерболат Ғалым Әділет " +
		"Нұржан Олжас Сұлтан Темірлан Ақылбек Бағдат Дархан Ермұрат Самат")
	synWomen = strings.Fields("Айгүл Гүлнар Жанар Сәуле Әсел Динара Мәдина Ақмарал Гүлмира Жұлдыз Айжан Назым Ләззат " +
		"Раушан Сандуғаш Әйгерім Салтанат Мөлдір Аружан Томирис")
	synPlaces = [][3]string{ // ru, Latin, kk
		{"Алматы", "Almaty", "Алматы"}, {"Талдыкорган", "Taldykorgan", "Талдықорған"},
		{"Тараз", "Taraz", "Тараз"}, {"Шымкент", "Shymkent", "Шымкент"}, {"Актобе", "Aktobe", "Ақтөбе"},
	}
	// kkToRu writes the Kazakh letters as Russian lists do.
	kkToRu = strings.NewReplacer("ә", "а", "ғ", "г", "қ", "к", "ң", "н", "ө", "о", "ұ", "у", "ү", "у", "һ", "х", "і", "и",
		"Ә", "А", "Ғ", "Г", "Қ", "К", "Ң", "Н", "Ө", "О", "Ұ", "У", "Ү", "У", "Һ", "Х", "І", "И")
	synLatinOf = map[rune]string{'а': "a", 'ә': "a", 'б': "b", 'в': "v", 'г': "g", 'ғ': "g", 'д': "d", 'е': "e", 'ж': "zh",
		'з': "z", 'и': "i", 'й': "i", 'к': "k", 'қ': "k", 'л': "l", 'м': "m", 'н': "n", 'ң': "n", 'о': "o", 'ө': "o",
		'п': "p", 'р': "r", 'с': "s", 'т': "t", 'у': "u", 'ұ': "u", 'ү': "u", 'ф': "f", 'х': "kh", 'һ': "h", 'ц': "ts",
		'ч': "ch", 'ш': "sh", 'ы': "y", 'і': "i", 'ь': "", 'э': "e", 'ю': "yu", 'я': "ya"}
)

// synPerson is one invented person of the population.
type synPerson struct {
	surname, given, father string // Kazakh Cyrillic; surname without its ending
	female                 bool
	born                   [3]int // day, month, year
	died                   int    // day of January 2022
	place                  int
}

// syntheticLists is what writeSyntheticLists wrote: three files and, for
// each, the person of the population each row names.
type syntheticLists struct {
	Names      [3]string // the lists' titles
	Paths      [3]string
	Rows       [3][]int // Rows[l][r]: the person on row r+1 of list l
	Population int
	OnAny      int // persons on at least one list
}

// writeSyntheticLists writes three SYNTHETIC lists of n rows each, drawn
// from one population of 8n/5 invented persons into dir: list A in Russian
// Cyrillic (Windows-1251, semicolons, a № column, surname, given name,
// patronymic, sex), list B in Latin letters (UTF-8, commas, No: given name and
// surname), list C in Kazakh Cyrillic (UTF-8, semicolons, Р/с,
// surname, given name and -ұлы/-қызы). One word in ten carries a typo,
// one death date in twenty is a day off, one birth date in twenty-five has
// a mistyped day and one in fifty is missing.
func writeSyntheticLists(tb testing.TB, dir string, n int, seed uint64) *syntheticLists {
	rng := rand.New(rand.NewPCG(seed, 16))
	pop := synPopulation(n*8/5, rng)
	sl := &syntheticLists{Names: [3]string{"Синтетический список А", "Synthetic list B", "Синтетикалық тізім C"}, Population: len(pop)}
	on := make([]bool, len(pop))
	for l := range 3 {
		perm := rng.Perm(len(pop))[:n]
		sl.Rows[l] = perm
		for _, p := range perm {
			on[p] = true
		}
	}
	for _, o := range on {
		if o {
			sl.OnAny++
		}
	}
	writers := [3]func(*strings.Builder, int, synPerson, *rand.Rand){synRowA, synRowB, synRowC}
	headers := [3]string{"№;ФИО;Пол;Дата рождения;Дата гибели;Место гибели\n",
		"No,Name,Date of birth,Date of death,Place of death\n",
		"Р/с;Аты-жөні;Туған күні;Қаза болған күні;Қаза болған жері\n"}
	for l := range 3 {
		var b strings.Builder
		b.WriteString(headers[l])
		for r, p := range sl.Rows[l] {
			writers[l](&b, r+1, pop[p], rng)
		}
		text := b.String()
		if l == 0 {
			var err error
			if text, err = charmap.Windows1251.NewEncoder().String(text); err != nil {
				tb.Fatal(err)
			}
		}
		sl.Paths[l] = filepath.Join(dir, fmt.Sprintf("list_%c.csv", 'a'+l))
		if err := writeFile(sl.Paths[l], text); err != nil {
			tb.Fatal(err)
		}
	}
	return sl
}

func writeFile(path, text string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	w.WriteString(text)
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// synPopulation invents n persons, no two alike in name, patronymic and
// birth date.
func synPopulation(n int, rng *rand.Rand) []synPerson {
	seen := map[synPerson]bool{}
	out := make([]synPerson, 0, n)
	for len(out) < n {
		p := synPerson{surname: synPrefixes[rng.IntN(len(synPrefixes))] + strings.ToLower(synRoots[rng.IntN(len(synRoots))]),
			father: synMen[rng.IntN(len(synMen))], female: rng.IntN(4) == 0,
			born: [3]int{1 + rng.IntN(28), 1 + rng.IntN(12), 1945 + rng.IntN(60)},
			died: 4 + rng.IntN(8), place: rng.IntN(len(synPlaces))}
		p.surname = strings.ToUpper(string([]rune(p.surname)[:1])) + string([]rune(p.surname)[1:])
		if p.female {
			p.given = synWomen[rng.IntN(len(synWomen))]
		} else {
			p.given = synMen[rng.IntN(len(synMen))]
		}
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

// synSurname is the surname with its ending.
func (p synPerson) synSurname() string {
	if p.female {
		return p.surname + "ова"
	}
	return p.surname + "ов"
}

// synTypo swaps two letters of a word, one time in ten.
func synTypo(s string, rng *rand.Rand) string {
	r := []rune(s)
	if len(r) > 4 && rng.IntN(10) == 0 {
		i := 1 + rng.IntN(len(r)-3)
		r[i], r[i+1] = r[i+1], r[i]
	}
	return string(r)
}

// synBorn is the birth date as day, month and year, a day mistyped one
// time in twenty-five and missing one time in fifty.
func synBorn(p synPerson, rng *rand.Rand) (d, m, y int, ok bool) {
	d, m, y = p.born[0], p.born[1], p.born[2]
	switch rng.IntN(50) {
	case 0:
		return 0, 0, 0, false
	case 1, 2:
		d = d%28 + 1
	}
	return d, m, y, true
}

// synDied is the day of death, a day late one time in twenty.
func synDied(p synPerson, rng *rand.Rand) int {
	if rng.IntN(20) == 0 {
		return p.died + 1
	}
	return p.died
}

func synRowA(b *strings.Builder, row int, p synPerson, rng *rand.Rand) {
	sex, patr := "М", "ович"
	if p.female {
		sex, patr = "Ж", "овна"
	}
	born := ""
	if d, m, y, ok := synBorn(p, rng); ok {
		born = fmt.Sprintf("%02d.%02d.%d", d, m, y)
	}
	fmt.Fprintf(b, "%d;%s %s %s;%s;%s;%02d.01.2022;%s\n", row, synTypo(kkToRu.Replace(p.synSurname()), rng),
		kkToRu.Replace(p.given), kkToRu.Replace(p.father)+patr, sex, born, synDied(p, rng), synPlaces[p.place][0])
}

func synRowB(b *strings.Builder, row int, p synPerson, rng *rand.Rand) {
	born := ""
	if d, m, y, ok := synBorn(p, rng); ok {
		born = fmt.Sprintf("%d-%02d-%02d", y, m, d)
	}
	fmt.Fprintf(b, "%d,%s %s,%s,2022-01-%02d,%s\n", row, synLatin(p.given), synTypo(synLatin(p.synSurname()), rng), born,
		synDied(p, rng), synPlaces[p.place][1])
}

func synRowC(b *strings.Builder, row int, p synPerson, rng *rand.Rand) {
	patr := "ұлы"
	if p.female {
		patr = "қызы"
	}
	born := ""
	if d, m, y, ok := synBorn(p, rng); ok {
		born = fmt.Sprintf("%02d.%02d.%d", d, m, y)
	}
	fmt.Fprintf(b, "%d;%s %s %s%s;%s;%02d.01.2022;%s\n", row, p.synSurname(), synTypo(p.given, rng), p.father, patr,
		born, synDied(p, rng), synPlaces[p.place][2])
}

// synLatin writes Kazakh Cyrillic in Latin letters, each word capitalised.
func synLatin(s string) string {
	var b strings.Builder
	start := true
	for _, r := range strings.ToLower(s) {
		t, ok := synLatinOf[r]
		if !ok {
			t = string(r)
		}
		if start && t != "" {
			t = strings.ToUpper(t[:1]) + t[1:]
		}
		start = r == ' '
		b.WriteString(t)
	}
	return b.String()
}
