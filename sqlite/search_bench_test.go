package sqlite_test

import (
	"context"
	"fmt"
	"math/rand"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/names"
	"github.com/qantar-project/qantar/sqlite"
)

// Synthetic name parts for the bulk of the register (never shipped as data).
var (
	synthGiven   = strings.Fields("Айгерім Нұрлан Ерлан Асхат Дәурен Гүлнар Жанар Сәуле Бауыржан Данияр Ержан Қайрат Марат Серік Талғат Әсел Динара Мадина Аружан Ақбота Алексей Сергей Ольга Наталья Дмитрий Андрей Елена Ирина Бекзат Арман")
	synthSurname = strings.Fields("Ахметов Омаров Жұмабаев Нұрпейісов Қасымов Бекенов Смағұлов Төлеуов Әбілов Иванов Петров Смирнова Кузнецов Попова Мұқанов Есенов Оспанов Сәрсенбаев Ким Тен Байжанов Құдайбергенов Рахимов Мусин Жақыпов Ибраев Садықов Абдрахманов Исаев Дүйсенов")
)

// searchTargets are the records each query must find: synthetic persons
// whose surnames are not among the bulk's, and the places of the events.
var searchTargets = []struct {
	kind    qantar.Kind
	name    string
	queries []string // spellings a reader might type, besides generated ones
}{
	{qantar.KindPerson, "Қасым-Жомарт Тоқаев", []string{"Toqaev", "Tokayev", "TOKAEV", "Тоқаев", "токаев", "Qasym-Jomart", "Kassym-Zhomart"}},
	{qantar.KindPlace, "Жаңаөзен", []string{"Jañaözen", "Zhanaozen", "Жанаозен"}},
	{qantar.KindPlace, "Талдықорған", []string{"Talldykorgan", "Taldykorgan", "Талдыкорган"}},
	{qantar.KindPlace, "Алматы", nil}, {qantar.KindPlace, "Тараз", nil}, {qantar.KindPlace, "Шымкент", []string{"Shymkent", "Şymkent"}},
	{qantar.KindPlace, "Ақтөбе", []string{"Aktobe", "Aqtöbe"}}, {qantar.KindPlace, "Қызылорда", []string{"Kyzylorda", "Qyzylorda"}},
	{qantar.KindPlace, "Ақтау", []string{"Aktau"}}, {qantar.KindPlace, "Өскемен", []string{"Oskemen", "Öskemen"}},
	{qantar.KindPlace, "Қонаев", []string{"Konayev", "Qonaev"}}, {qantar.KindPlace, "Маңғыстау", []string{"Mangystau", "Mañğystau"}},
	{qantar.KindPlace, "Жетісу", []string{"Zhetysu", "Jetısu"}}, {qantar.KindPlace, "Жамбыл", []string{"Zhambyl", "Jambyl"}},
	{qantar.KindPerson, "Ерболат Шәкәрімұлы", []string{"Erbolat Shakarimuly", "Ерболат Шакаримович"}},
	{qantar.KindPerson, "Гүлжан Өтегенқызы", []string{"Gulzhan Otegenkyzy"}},
	{qantar.KindPerson, "Бақытжан Сүлейменов", []string{"Bakhytzhan Suleimenov", "Bakytzhan Suleymenov"}},
	{qantar.KindPerson, "Жасұлан Қожахметов", []string{"Zhasulan Kozhakhmetov"}},
	{qantar.KindPerson, "Әлихан Бөкейханов", []string{"Alikhan Bokeikhanov", "Алихан Букейханов"}},
	{qantar.KindPerson, "Мұхтар Жақышев", []string{"Mukhtar Zhakyshev", "Mukhtar Jaqyshev"}},
	{qantar.KindPerson, "Шыңғыс Уәлиханов", []string{"Shyngys Ualikhanov", "Чингиз Валиханов"}},
	{qantar.KindPerson, "Айнұр Сұлтанбекова", []string{"Ainur Sultanbekova"}},
	{qantar.KindPerson, "Ербол Тілеубердиев", []string{"Yerbol Tileuberdiyev", "Erbol Tileuberdiev"}},
	{qantar.KindPerson, "Ғалым Әбдірахманов", []string{"Galym Abdirakhmanov", "Ğalym Äbdırahmanov"}},
	{qantar.KindPerson, "Нұржан Жексенбиев", []string{"Nurzhan Zheksenbiev"}},
	{qantar.KindPerson, "Өмірзақ Тұрсынбаев", []string{"Omirzak Tursynbaev", "Omirzaq Tursynbaev"}},
	{qantar.KindPerson, "Дана Қуанышқызы", []string{"Dana Kuanyshkyzy"}},
	{qantar.KindPerson, "Ілияс Есенберлин", []string{"Ilyas Yesenberlin", "Ilias Esenberlin"}},
	{qantar.KindPerson, "Роза Бағланова", []string{"Roza Baglanova"}},
	{qantar.KindPerson, "Қуандық Шыңғысхан", []string{"Kuandyk Shyngyskhan"}},
	{qantar.KindPerson, "Мағжан Жұмабаев", []string{"Magzhan Zhumabaev"}},
	{qantar.KindPerson, "Сырым Датұлы", []string{"Syrym Datuly", "Сырым Датович"}},
	{qantar.KindPerson, "Тоғжан Ерназарова", []string{"Togzhan Yernazarova"}},
	{qantar.KindPerson, "Жәнібек Кәрменов", []string{"Zhanibek Karmenov"}},
}

// typo drops one letter from the middle of the longest word.
func typo(s string) string {
	words := strings.Fields(s)
	longest := 0
	for i, w := range words {
		if len([]rune(w)) > len([]rune(words[longest])) {
			longest = i
		}
	}
	r := []rune(words[longest])
	if len(r) < 7 {
		return ""
	}
	words[longest] = string(r[:len(r)/2]) + string(r[len(r)/2+1:])
	return strings.Join(words, " ")
}

// BenchmarkSearch fills a register with 100,000 synthetic persons and
// 100,000 synthetic sources plus the targets, then searches every spelling of
// every target: it reports recall@10 and the p50 and p99 latency of a query.
// Run: go test ./sqlite -run XXX -bench Search -benchtime 1x -timeout 30m
func BenchmarkSearch(b *testing.B) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "search.db"), sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	rnd := rand.New(rand.NewSource(1))
	const bulk = 100000
	for start := 0; start < bulk; start += 5000 {
		err := db.InTx(ctx, func(w qantar.Writer) error {
			for i := start; i < start+5000; i++ {
				given, sur := synthGiven[rnd.Intn(len(synthGiven))], synthSurname[rnd.Intn(len(synthSurname))]
				p := &qantar.Person{Names: []qantar.Name{{Value: given + " " + sur, Lang: "kk", Script: "Cyrl"}}}
				if err := w.Create(ctx, editor, p); err != nil {
					return err
				}
				s := &qantar.Source{SourceKind: "news", Title: qantar.Text{"ru": fmt.Sprintf("Синтетическое сообщение %d о задержании %s %s", i, given, sur)}}
				if err := w.Create(ctx, editor, s); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	type query struct {
		q    string
		kind qantar.Kind
		id   int64
	}
	var queries []query
	for _, tg := range searchTargets {
		var rec qantar.Record
		if tg.kind == qantar.KindPerson {
			rec = &qantar.Person{Names: []qantar.Name{{Value: tg.name, Lang: "kk", Script: "Cyrl"}}}
		} else {
			rec = &qantar.Place{Name: qantar.Text{"kk": tg.name}, PlaceKind: "city"}
		}
		if err := db.Create(ctx, editor, rec); err != nil {
			b.Fatal(err)
		}
		qs := append([]string{tg.name, strings.ToLower(tg.name), names.RussianSpelling(tg.name),
			names.Translit(tg.name, names.KazakhLatin2021), names.Translit(tg.name, names.ICAO9303), typo(tg.name)}, tg.queries...)
		seen := map[string]bool{}
		for _, q := range qs {
			if q != "" && !seen[q] {
				seen[q] = true
				queries = append(queries, query{q, tg.kind, rec.GetMeta().ID})
			}
		}
	}
	b.ResetTimer()
	var lat []time.Duration
	var misses []string
	found := 0
	for n := 0; n < b.N; n++ {
		lat, misses, found = lat[:0], misses[:0], 0
		for _, q := range queries {
			t0 := time.Now()
			res, err := db.Search(ctx, qantar.SearchQuery{Q: q.q, Limit: 10, Reader: editor})
			lat = append(lat, time.Since(t0))
			if err != nil {
				b.Fatalf("%q: %v", q.q, err)
			}
			hit := false
			for _, r := range res {
				if r.Kind == q.kind && r.ID == q.id {
					hit = true
				}
			}
			if hit {
				found++
			} else {
				misses = append(misses, q.q)
			}
		}
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(found)/float64(len(queries)), "recall@10")
	b.ReportMetric(float64(len(queries)), "queries")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	if len(misses) > 0 {
		b.Logf("missed: %q", misses)
	}
}
