package linkage

import (
	"context"
	"fmt"
	"testing"
)

// people builds a dataset of one or more sources from rows of
// name, birth date.
func people(t *testing.T, sources ...[][2]string) *Dataset {
	t.Helper()
	d, err := NewDataset([]Field{{Name, "name"}, {Date, "born"}})
	if err != nil {
		t.Fatal(err)
	}
	for s, rows := range sources {
		src := d.AddSource(fmt.Sprintf("list%d.csv", s+1))
		for i, r := range rows {
			if err := d.Add(src, fmt.Sprint(i+1), []string{r[0], r[1]}); err != nil {
				t.Fatal(err)
			}
		}
	}
	return d
}

// background gives EM a population to learn from: 300 distinct synthetic
// people with distinct names and dates.
func background(n int) [][2]string {
	first := []string{"Нурлан", "Ерлан", "Айгүл", "Ольга", "Серік", "Дана", "Тимур", "Жанар", "Марат", "Ирина"}
	sur := []string{"Ахметов", "Жұмабаев", "Қасымов", "Омаров", "Тоқаев", "Оспанов", "Исабеков", "Мұратов",
		"Есенов", "Байжанов", "Қалиев", "Юсупов", "Хасанов", "Рахимов", "Ким", "Пак", "Цой", "Ли", "Иванов", "Петров",
		"Смирнов", "Шевченко", "Ковальчук", "Сейітов", "Әбілов", "Тұрсынов", "Орынбаев", "Сұлтанов", "Ғабдуллин", "Нұрланов"}
	var rows [][2]string
	for i := 0; i < n; i++ {
		rows = append(rows, [2]string{first[i%len(first)] + " " + sur[(i/len(first))%len(sur)],
			fmt.Sprintf("%04d-%02d-%02d", 1940+i%60, 1+i%12, 1+i%28)})
	}
	return rows
}

func clusterOf(res *Result, d *Dataset, src int, id string) int32 {
	i, ok := d.Lookup(src, id)
	if !ok {
		panic("no record " + id)
	}
	return res.Cluster[i]
}

func TestLinkFindsTheSamePerson(t *testing.T) {
	rows := background(300)
	// Records 301-303 (ids) are one person spelled three ways.
	rows = append(rows, [2]string{"Абдуллаев Нурлан Серікұлы", "1985-01-05"},
		[2]string{"Nurlan Abdullayev", "05.01.1985"}, [2]string{"ABDULAEV NURLAN", "1985"})
	for i := 0; i < 40; i++ { // and the background repeated with typos, so EM sees matches
		r := rows[i]
		rows = append(rows, [2]string{r[0] + "а", r[1]})
	}
	d := people(t, rows)
	res, err := Link(context.Background(), d, Options{})
	if err != nil {
		t.Fatal(err)
	}
	a, b, c := clusterOf(res, d, 0, "301"), clusterOf(res, d, 0, "302"), clusterOf(res, d, 0, "303")
	if a != b || b != c {
		t.Errorf("the three spellings are in clusters %d, %d, %d", a, b, c)
	}
	if clusterOf(res, d, 0, "1") == clusterOf(res, d, 0, "2") {
		t.Errorf("two different background people are linked")
	}
	if clusterOf(res, d, 0, "1") != clusterOf(res, d, 0, "304") {
		t.Errorf("a record and its typo are not linked")
	}
}

// TestLinkOnlyKeepsOneRecordPerList: in link-only mode two records of one
// list are never compared, nor joined through a third.
func TestLinkOnlyKeepsOneRecordPerList(t *testing.T) {
	a := append(background(200), [2]string{"Ким Ольга", "1962-11-30"}, [2]string{"Ким Ольга", "1962-11-30"})
	b := append(background(200), [2]string{"Olga Kim", "1962-11-30"})
	d := people(t, a, b)
	res, err := Link(context.Background(), d, Options{LinkOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	x, y := clusterOf(res, d, 0, "201"), clusterOf(res, d, 0, "202")
	if x == y {
		t.Errorf("two records of one list share a cluster in link-only mode")
	}
	if z := clusterOf(res, d, 1, "201"); z != x && z != y {
		t.Errorf("Olga Kim of list 2 is linked to neither record of list 1")
	}
	refused := false
	for _, p := range res.Review {
		if p.Refused == RefusedSource {
			refused = true
		}
	}
	if !refused {
		t.Errorf("the refused link is not in the review")
	}
	// Without link-only, the three are one person.
	res, err = Link(context.Background(), d, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if clusterOf(res, d, 0, "201") != clusterOf(res, d, 0, "202") {
		t.Errorf("deduplication did not join the two identical records")
	}
}

// TestMaxClusterStopsGrowth: a person may hold at most MaxCluster records.
func TestMaxClusterStopsGrowth(t *testing.T) {
	rows := background(200)
	for i := 0; i < 6; i++ {
		rows = append(rows, [2]string{"Сейітқали Бауыржан", "1977-07-07"})
	}
	d := people(t, rows)
	res, err := Link(context.Background(), d, Options{MaxCluster: 4})
	if err != nil {
		t.Fatal(err)
	}
	size := map[int32]int{}
	for _, c := range res.Cluster {
		size[c]++
	}
	for c, n := range size {
		if n > 4 {
			t.Errorf("cluster %d holds %d records, over the limit of 4", c, n)
		}
	}
	if n := size[clusterOf(res, d, 0, "201")]; n != 4 {
		t.Errorf("the six identical records made a cluster of %d, want 4", n)
	}
}

// TestChainGuard: A~B and B~C, but A and C are clearly two people (same
// name, different full birth dates); B says only the name and year.
func TestChainGuard(t *testing.T) {
	rows := background(300)
	rows = append(rows, [2]string{"Жандосов Бахыт", "1980-03-03"}, [2]string{"Жандосов Бахыт", "1980"},
		[2]string{"Жандосов Бахыт", "1980-11-25"})
	for i := 0; i < 40; i++ {
		rows = append(rows, [2]string{rows[i][0] + "а", rows[i][1]})
	}
	d := people(t, rows)
	for _, tc := range []struct {
		name     string
		chainMin float64
		joined   bool
	}{
		{"GuardOn", DefaultChainMin, false},
		{"GuardOff", -1, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Link(context.Background(), d, Options{ChainMin: tc.chainMin, Threshold: 0.01})
			if err != nil {
				t.Fatal(err)
			}
			a, c := clusterOf(res, d, 0, "301"), clusterOf(res, d, 0, "303")
			if (a == c) != tc.joined {
				t.Errorf("A and C joined = %v, want %v", a == c, tc.joined)
			}
		})
	}
}

// TestLabelsRefine: labels that call a pattern a non-match lower the
// probability of pairs with that pattern.
func TestLabelsRefine(t *testing.T) {
	rows := background(300)
	for i := 0; i < 60; i++ {
		rows = append(rows, [2]string{rows[i][0], fmt.Sprint(1940 + i%60)}) // same name, year only
	}
	d := people(t, rows)
	base, err := Link(context.Background(), d, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var labels []LabeledPair
	for i := 0; i < 60; i++ {
		labels = append(labels, LabeledPair{A: i, B: 300 + i, Match: false})
	}
	refined, err := Link(context.Background(), d, Options{Labels: labels, LabelStrength: 10})
	if err != nil {
		t.Fatal(err)
	}
	mb := base.Model.Fields[1].U[dateSameYear]
	mr := refined.Model.Fields[1].U[dateSameYear]
	if !(mr > mb) {
		t.Errorf("u of 'same year' is %.4f after labels, %.4f before; want higher", mr, mb)
	}
	if _, err := Link(context.Background(), d, Options{Labels: []LabeledPair{{A: 0, B: 0}}}); err == nil {
		t.Errorf("a record labelled with itself is accepted")
	}
}

func TestOptionsRejected(t *testing.T) {
	d := people(t, background(10))
	for _, tc := range []struct {
		name string
		o    Options
	}{
		{"ThresholdOne", Options{Threshold: 1}},
		{"BandInverted", Options{ReviewLow: 0.9, ReviewHigh: 0.1}},
		{"RuleWithoutField", Options{Rules: []Rule{{}}}},
		{"RuleBadField", Options{Rules: []Rule{{Fields: []int{7}}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Link(context.Background(), d, tc.o); err == nil {
				t.Errorf("accepted")
			}
		})
	}
}

func TestDatasetRejects(t *testing.T) {
	if _, err := NewDataset(nil); err == nil {
		t.Error("no fields accepted")
	}
	if _, err := NewDataset([]Field{{"fuzzy", "x"}}); err == nil {
		t.Error("unknown field type accepted")
	}
	d := people(t, [][2]string{{"a", "1985"}})
	if err := d.Add(0, "1", []string{"b", "1986"}); err == nil {
		t.Error("duplicate id accepted")
	}
	if err := d.Add(0, "2", []string{"b"}); err == nil {
		t.Error("short record accepted")
	}
}

func TestRuleOnYear(t *testing.T) {
	d := people(t, [][2]string{{"Нурлан Ахметов", "1985-01-05"}, {"Ольга Ким", "1985"}, {"Серік Омаров", "1990"}})
	res, err := Link(context.Background(), d, Options{Rules: []Rule{{Fields: []int{1}, Year: true}}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Candidates != 1 || res.Rules[0].Rule != "born(year)" || res.Rules[0].Pairs != 1 {
		t.Errorf("got %d candidates, rules %+v; want 1 pair from born(year)", res.Candidates, res.Rules)
	}
}

// A rule on a name's words and initials, limited to records lacking a
// year of birth or full names, pairs "Иванов А.Б." with the full names
// that share the surname and an initial, and nothing else: two records
// with full names and years are left to tighter rules.
func TestRuleOnInitialsLacking(t *testing.T) {
	d := people(t, [][2]string{
		{"Иванов А.Б.", ""},                        // initials, no year: keys "ivanov a", "ivanov b"
		{"Ivanov Askhat Bolatovich", "1985-01-05"}, // "ivanov a", "ivanov b", "ashat i", ...: pairs with the first
		{"Иванов Асхат", "1985-01-05"},             // "ivanov a", "ashat i": pairs with the first, not the second (both full, dated)
		{"Петров Асхат", ""},                       // no year, but "petrov a" and "ashat p" are nobody else's keys
		{"Ivanov Serik", "1990"},                   // "ivanov s", "serik i": no initial of the first's
	})
	count := func(r Rule) int {
		res, err := Link(context.Background(), d, Options{Rules: []Rule{r}})
		if err != nil {
			t.Fatal(err)
		}
		return res.Candidates
	}
	if n := count(Rule{Fields: []int{0}, Initials: true, Lacking: true}); n != 2 {
		t.Errorf("%d candidate pairs, want 2: the initials with each full Ivanov A.", n)
	}
	if n := count(Rule{Fields: []int{0}, Initials: true}); n != 3 {
		t.Errorf("without Lacking: %d candidate pairs, want 3 (the two full Ivanov A. too)", n)
	}
	r := Rule{Fields: []int{0}, Initials: true, Lacking: true}
	if want := "name(word and initials), pairs with a record lacking a year or a full name"; r.describe(d) != want {
		t.Errorf("rule %q, want %q", r.describe(d), want)
	}
}

// When every rule blocks on the name and the birth date, no EM session can
// see them, and on a short list every candidate pair may be one person: an
// EM with u free then cannot tell matches from non-matches and linked
// nothing. With u fixed at its random-pair estimate it links them all.
func TestFieldsEveryRuleBlocksOn(t *testing.T) {
	given := []string{"Ерлан", "Айгерім", "Нұрлан", "Дәурен", "Гүлнар", "Бауыржан", "Данияр", "Қайрат", "Марат", "Серік", "Талғат", "Динара"}
	surn := []string{"Ахметов", "Омарова", "Жұмабаев", "Қасымов", "Бекенова", "Смағұлов", "Төлеуов", "Әбілов", "Мұқанов", "Есенов", "Оспанов", "Садықова"}
	var a, b [][2]string
	for i := range given {
		born := fmt.Sprintf("19%02d-%02d-%02d", 60+i, 1+i%12, 1+i)
		a = append(a, [2]string{given[i] + " " + surn[i], born})
		if i%3 != 2 {
			b = append(b, [2]string{surn[i] + " " + given[i], born})
		}
	}
	d := people(t, a, b)
	rules := []Rule{{Fields: []int{0, 1}, WordPairs: true, Year: true}, {Fields: []int{0, 1}}}
	res, err := Link(context.Background(), d, Options{Rules: rules})
	if err != nil {
		t.Fatal(err)
	}
	if res.Candidates != len(b) || res.Clusters != len(a) {
		t.Errorf("%d candidates, %d persons; want %d and %d", res.Candidates, res.Clusters, len(b), len(a))
	}
}
