package linkage

import (
	"encoding/csv"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
)

// This file generates SYNTHETIC person lists for tests and benchmarks: no
// real person is in them. Names are drawn from common Kazakh and Russian
// given names and surnames; each synthetic person is written on one to four
// records, in Cyrillic or in one of several Latin transliterations, in
// varying word order, with or without a patronymic, with typos, and with
// birth dates partial, swapped, mistyped or missing, as lists of victims
// compiled by different hands are.

var synthMale = strings.Fields(`Нурлан Ерлан Серік Асхат Бауыржан Дәурен Жандос Айдос Ермек Қайрат Марат
Руслан Тимур Данияр Ержан Мұхтар Ақжол Бекзат Нұрсұлтан Әлібек Жасұлан Талғат Азамат Қуаныш Ильяс
Дмитрий Сергей Александр Андрей Алексей Владимир Евгений Юрий Игорь Максим Артём Виктор Николай Олег
Арман Ерболат Самат Болат Жомарт Ғалым Мейрам Нұрлыбек Санжар Әділет Бахыт Досжан Еркін Мирас Рахат`)

var synthFemale = strings.Fields(`Айгүл Гүлнар Жанар Әсел Динара Айжан Меруерт Салтанат Ләззат Жұлдыз Гүлмира
Назерке Аида Қарлығаш Ботагөз Елена Ольга Наталья Татьяна Юлия Ирина Светлана Анна Мария Екатерина
Мөлдір Ақмарал Шынар Әйгерім Сәуле Гаухар Раушан Индира Камила Дана`)

var synthSurnames = strings.Fields(`Ахмет Жұмабай Қасым Тоқа Әбіл Омар Сәрсенбай Ермек Исабек Құдайберген
Мұрат Есен Шәріп Байжан Жақсылық Оспан Төлеу Қали Иван Петр Смирн Юсуп Хасан Рахим Ғабдулл Хайрулл
Серікбай Нұрмұхамед Бекмұхамбет Әлімжан Сұлтанбек Тұрсын Қожахмет Жанұзақ Базарбай Сейітқали Дүйсенбай
Ілияс Абдулла Мамыр Жаңабай Бейсен Керімбай Әуезхан Мұхамеджан Тілеуберді Қуандық Орал Сағындық`)

// synthTranslit are Cyrillic-to-Latin tables as different clerks and
// databases apply them: a passport (ICAO-like) style, a BGN/PCGN-like style,
// the 2021 Kazakh Latin alphabet, and an ad hoc "keyboard" style.
var synthTranslit = []map[rune]string{
	{'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ё': "e", 'ж': "zh", 'з': "z", 'и': "i", 'й': "i",
		'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o", 'п': "p", 'р': "r", 'с': "s", 'т': "t", 'у': "u", 'ф': "f",
		'х': "kh", 'ц': "ts", 'ч': "ch", 'ш': "sh", 'щ': "shch", 'ъ': "ie", 'ы': "y", 'ь': "", 'э': "e", 'ю': "iu",
		'я': "ia", 'ә': "a", 'ғ': "g", 'қ': "k", 'ң': "n", 'ө': "o", 'ұ': "u", 'ү': "u", 'һ': "h", 'і': "i"},
	{'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "ye", 'ё': "yo", 'ж': "zh", 'з': "z", 'и': "i", 'й': "y",
		'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o", 'п': "p", 'р': "r", 'с': "s", 'т': "t", 'у': "u", 'ф': "f",
		'х': "kh", 'ц': "ts", 'ч': "ch", 'ш': "sh", 'щ': "shch", 'ъ': "", 'ы': "y", 'ь': "'", 'э': "e", 'ю': "yu",
		'я': "ya", 'ә': "a", 'ғ': "gh", 'қ': "q", 'ң': "ng", 'ө': "o", 'ұ': "u", 'ү': "u", 'һ': "h", 'і': "i"},
	{'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ё': "io", 'ж': "j", 'з': "z", 'и': "i", 'й': "i",
		'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o", 'п': "p", 'р': "r", 'с': "s", 'т': "t", 'у': "u", 'ф': "f",
		'х': "h", 'ц': "ts", 'ч': "ch", 'ш': "ş", 'щ': "şş", 'ъ': "", 'ы': "y", 'ь': "", 'э': "e", 'ю': "iu",
		'я': "ia", 'ә': "ä", 'ғ': "ğ", 'қ': "q", 'ң': "ñ", 'ө': "ö", 'ұ': "ū", 'ү': "ü", 'һ': "h", 'і': "ı"},
	{'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ё': "e", 'ж': "j", 'з': "z", 'и': "i", 'й': "y",
		'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o", 'п': "p", 'р': "r", 'с': "s", 'т': "t", 'у': "u", 'ф': "f",
		'х': "h", 'ц': "c", 'ч': "ch", 'ш': "sh", 'щ': "sch", 'ъ': "", 'ы': "i", 'ь': "", 'э': "e", 'ю': "yu",
		'я': "ya", 'ә': "a", 'ғ': "g", 'қ': "k", 'ң': "n", 'ө': "o", 'ұ': "u", 'ү': "u", 'һ': "h", 'і': "i"},
}

// synthPrefixes make compound Kazakh surname stems (Бай+мұрат, Нұр+лан),
// so that a million synthetic records do not all share a few hundred
// surnames.
var synthPrefixes = strings.Fields(`Бай Нұр Жан Сейіт Қожа Ер Әбді Құл Тұр Сұлтан Мұхамед Ақ Қара Ораз Ұлы Есім`)

var synthPlaces = strings.Fields(`Алматы Талдықорған Шымкент Тараз Жаңаөзен Ақтөбе Қызылорда Атырау Орал Қостанай
Петропавл Павлодар Семей Өскемен Түркістан Қаскелең Есік Талғар Қапшағай Жетісай`)

type synthPerson struct {
	male               bool
	first, sur, father string
	y, m, d            int
	place              int
}

// SyntheticHeader is the header of WriteSynthetic's CSV. "person" is the
// ground truth: records with the same person are the same synthetic person.
var SyntheticHeader = []string{"id", "full_name", "birth_date", "sex", "place", "person"}

// WriteSynthetic writes about n SYNTHETIC person records as CSV (see
// SyntheticHeader), deterministically from seed.
func WriteSynthetic(w io.Writer, n int, seed uint64) error {
	cw := csv.NewWriter(w)
	cw.Write(SyntheticHeader)
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	rec, person := 0, 0
	for rec < n {
		p := newSynthPerson(rng)
		copies := 1
		switch r := rng.Float64(); {
		case r < 0.25:
			copies = 2
		case r < 0.35:
			copies = 3
		case r < 0.40:
			copies = 4
		}
		for c := 0; c < copies && rec < n; c++ {
			row := p.record(rng)
			cw.Write(append([]string{strconv.Itoa(rec + 1)}, append(row, strconv.Itoa(person+1))...))
			rec++
		}
		person++
	}
	cw.Flush()
	return cw.Error()
}

func newSynthPerson(rng *rand.Rand) synthPerson {
	p := synthPerson{male: rng.IntN(2) == 0}
	// Given names are drawn with a skew, as in life: a few are very common.
	if p.male {
		p.first = synthMale[skewed(rng, len(synthMale))]
	} else {
		p.first = synthFemale[skewed(rng, len(synthFemale))]
	}
	// Many Kazakh surnames are a father's or grandfather's name with -ов/-ев.
	stem := synthSurnames[rng.IntN(len(synthSurnames))]
	if rng.IntN(2) == 0 {
		stem = synthMale[rng.IntN(len(synthMale))]
	}
	if rng.IntN(2) == 0 {
		stem = synthPrefixes[rng.IntN(len(synthPrefixes))] + strings.ToLower(stem)
	}
	p.sur = surnameOf(stem, p.male)
	p.father = synthMale[rng.IntN(len(synthMale))]
	p.y, p.m, p.d = 1940+rng.IntN(66), 1+rng.IntN(12), 1+rng.IntN(28)
	p.place = rng.IntN(len(synthPlaces))
	return p
}

// skewed draws an index in [0, n) with the first ones likelier.
func skewed(rng *rand.Rand, n int) int {
	f := rng.Float64()
	return int(f * f * float64(n))
}

func surnameOf(stem string, male bool) string {
	r := []rune(stem)
	last := r[len(r)-1]
	suffix := "ов"
	switch {
	case strings.ContainsRune("аеиоуыэюяәөұүі", last):
		suffix = "ев"
		if last == 'а' || last == 'я' {
			r, suffix = r[:len(r)-1], "ин"
		}
	case strings.ContainsRune("йжшщчц", last):
		suffix = "ев"
	}
	s := string(r) + suffix
	if !male {
		s += "а"
	}
	return s
}

// patronymic follows Kazakh usage (-ұлы, -қызы) for a Kazakh father's name
// and Russian usage (-ович, -овна) otherwise.
func patronymic(father string, male bool) string {
	kazakh := strings.ContainsAny(father, "әғқңөұүһі")
	switch {
	case kazakh && male:
		return father + "ұлы"
	case kazakh:
		return father + "қызы"
	case male:
		return father + "ович"
	}
	return father + "овна"
}

// record writes one list's version of the person: full_name, birth_date,
// sex, place.
func (p synthPerson) record(rng *rand.Rand) []string {
	first, sur := p.first, p.sur
	var parts []string
	switch r := rng.Float64(); {
	case r < 0.35:
		parts = []string{sur, first, patronymic(p.father, p.male)}
	case r < 0.65:
		parts = []string{sur, first}
	case r < 0.9:
		parts = []string{first, sur}
	default:
		parts = []string{sur, string([]rune(first)[:1]) + "."}
	}
	name := strings.Join(parts, " ")
	if r := rng.Float64(); r < 0.5 {
		name = synthLatin(name, synthTranslit[rng.IntN(len(synthTranslit))])
		if rng.IntN(3) == 0 {
			name = strings.ToUpper(name)
		}
	}
	if rng.Float64() < 0.15 {
		name = typo(rng, name)
	}
	y, m, d := p.y, p.m, p.d
	date := ""
	switch r := rng.Float64(); {
	case r < 0.05: // missing
	case r < 0.15:
		date = strconv.Itoa(y)
	case r < 0.20:
		date = fmt.Sprintf("%02d.%02d.%04d", m, d, y) // day and month swapped
	case r < 0.25:
		d = 1 + (d+rng.IntN(27))%28 // mistyped day
		date = fmt.Sprintf("%04d-%02d-%02d", y, m, d)
	case r < 0.60:
		date = fmt.Sprintf("%02d.%02d.%04d", d, m, y)
	default:
		date = fmt.Sprintf("%04d-%02d-%02d", y, m, d)
	}
	sex := ""
	if rng.Float64() < 0.8 {
		sex = map[bool]string{true: "M", false: "F"}[p.male]
		if rng.IntN(2) == 0 {
			sex = map[bool]string{true: "М", false: "F"}[p.male]
		}
	}
	place := ""
	if rng.Float64() < 0.7 {
		place = synthPlaces[p.place]
		if rng.IntN(2) == 0 {
			place = synthLatin(place, synthTranslit[rng.IntN(len(synthTranslit))])
		}
	}
	return []string{name, date, sex, place}
}

func synthLatin(s string, table map[rune]string) string {
	var b strings.Builder
	for _, r := range s {
		lower := []rune(strings.ToLower(string(r)))[0]
		t, ok := table[lower]
		if !ok {
			b.WriteRune(r)
			continue
		}
		if lower != r && t != "" {
			tr := []rune(t)
			t = strings.ToUpper(string(tr[:1])) + string(tr[1:])
		}
		b.WriteString(t)
	}
	return b.String()
}

// typo deletes, doubles, replaces or swaps one letter.
func typo(rng *rand.Rand, s string) string {
	r := []rune(s)
	if len(r) < 4 {
		return s
	}
	i := 1 + rng.IntN(len(r)-2)
	switch rng.IntN(4) {
	case 0:
		return string(append(r[:i:i], r[i+1:]...))
	case 1:
		return string(append(r[:i+1:i+1], r[i:]...))
	case 2:
		r[i] = []rune("аеиоуaeiou")[rng.IntN(10)]
	default:
		r[i], r[i+1] = r[i+1], r[i]
	}
	return string(r)
}
