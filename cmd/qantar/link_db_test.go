package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/names"
	"golang.org/x/text/encoding/charmap"
)

// linkVictim is one invented victim as a list or an editor wrote them.
type linkVictim struct {
	truth       int    // who they really are
	name        string // as written
	born, died  string
	list        string // "" for a victim entered by hand
	lang, scrpt string
}

// linkScenario is an invented population written on two lists and by hand:
// an official list with surnames and initials only (Russian Cyrillic), a
// press list in Latin letters, and victims an editor entered in Kazakh
// Cyrillic with their death acts. The first people are the hard cases;
// the rest are the bulk a real list has, so that EM has something to learn
// from: half of them on both lists.
func linkScenario() []linkVictim {
	v := []linkVictim{
		{1, "Иванов А.Б.", "", "2022-01-05", "official", "ru", "Cyrl"},
		{1, "Aleksei Borisovich Ivanov", "1985-01-05", "2022-01-05", "press", "en", "Latn"},
		{2, "Жумабаев Ж.С.", "", "2022-01-06", "official", "ru", "Cyrl"},
		{2, "Zhanat Zhumabayev", "1990-03-12", "2022-01-06", "press", "en", "Latn"},
		{2, "Жұмабаев Жанат Серікұлы", "1990-03-12", "2022-01-06", "", "kk", "Cyrl"},
		{3, "Токаев Е.", "", "2022-01-05", "official", "ru", "Cyrl"},
		{3, "Yerlan Tokayev", "1971-07-07", "2022-01-05", "press", "en", "Latn"},
		{4, "Olga Kim", "1962-11-30", "2022-01-07", "press", "en", "Latn"},
		{4, "Ким Ольга", "1962-11-30", "2022-01-07", "", "kk", "Cyrl"},
		{5, "Сарсенбаев К.", "", "2022-01-06", "official", "ru", "Cyrl"},
		{5, "Сәрсенбаев Қайрат", "1995-02-02", "2022-01-06", "", "kk", "Cyrl"},
		{6, "Иванов Б.П.", "", "2022-01-05", "official", "ru", "Cyrl"}, // not person 1: another initial
		{7, "Daniyar Omarov", "2001-02-02", "2022-01-05", "press", "en", "Latn"},
	}
	roots := strings.Fields("ахметов байжанов досанов есенов жакупов искаков калиев мусин нуриев оспанов рахимов сейтов тулеев уалиев шарипов юсупов")
	var surnames []string
	for _, r := range roots {
		for _, pre := range []string{"Бай", "Нур", "Жан", "Сейт", "Ер", "Ак"} {
			surnames = append(surnames, pre+r)
		}
	}
	given := strings.Fields("Нурлан Марат Бахыт Дамир Азамат Руслан Тимур Самат Болат Арман Мирас Санжар")
	latin := map[rune]string{'А': "A", 'Б': "B", 'Д': "D", 'Е': "Ye", 'Ж': "Zh", 'И': "I", 'К': "K", 'М': "M", 'Н': "N", 'О': "O", 'Р': "R", 'С': "S", 'Т': "T", 'У': "U", 'Ш': "Sh", 'Ю': "Yu",
		'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ж': "zh", 'з': "z", 'и': "i", 'й': "y", 'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o", 'п': "p", 'р': "r", 'с': "s", 'т': "t", 'у': "u", 'ф': "f", 'х': "kh", 'ш': "sh", 'ы': "y"}
	toLatin := func(s string) string {
		var b strings.Builder
		for _, r := range s {
			if l, ok := latin[r]; ok {
				b.WriteString(l)
			} else {
				b.WriteRune(r)
			}
		}
		return b.String()
	}
	rng := rand.New(rand.NewPCG(7, 7))
	truth := 100
	for _, sur := range surnames { // 96 people
		g := given[rng.IntN(len(given))]
		truth++
		born := fmt.Sprintf("%d-%02d-%02d", 1950+rng.IntN(50), 1+rng.IntN(12), 1+rng.IntN(28))
		died := fmt.Sprintf("2022-01-%02d", 5+rng.IntN(3))
		initials := sur + " " + string([]rune(g)[:1]) + "."
		switch truth % 3 {
		case 0:
			v = append(v, linkVictim{truth, initials, "", died, "official", "ru", "Cyrl"},
				linkVictim{truth, toLatin(g + " " + sur), born, died, "press", "en", "Latn"})
		case 1:
			v = append(v, linkVictim{truth, initials, "", died, "official", "ru", "Cyrl"})
		default:
			v = append(v, linkVictim{truth, toLatin(g + " " + sur), born, died, "press", "en", "Latn"})
		}
	}
	return v
}

// buildLinkDB writes the scenario into the database dsn and returns each
// victim's person id, in the scenario's order, and the list sources' ids.
func buildLinkDB(t *testing.T, dsn string, vs []linkVictim) ([]int64, map[string]int64) {
	t.Helper()
	ctx := context.Background()
	m := &Main{Getenv: func(string) string { return "" }}
	s, closeStore, err := openStore(ctx, m, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer closeStore()
	ed := qantar.Actor{ID: "token:1", Role: qantar.RoleEditor}
	lists := map[string]int64{}
	ids := make([]int64, len(vs))
	err = s.InTx(ctx, func(w qantar.Writer) error {
		for _, l := range []string{"official", "press"} {
			src := &qantar.Source{SourceKind: "list", Title: qantar.Text{"en": "The " + l + " list"}}
			if err := w.Create(ctx, ed, src); err != nil {
				return err
			}
			lists[l] = src.ID
		}
		for i, v := range vs {
			p := &qantar.Person{Names: []qantar.Name{{Value: v.name, Lang: v.lang, Script: v.scrpt, Kind: "primary"}}}
			if v.born != "" {
				p.BirthDate = qantar.MustDate(v.born)
			}
			if err := w.Create(ctx, ed, p); err != nil {
				return err
			}
			ids[i] = p.ID
			a := &qantar.Act{VictimID: p.ID, ActType: "killing_crowd_control", Date: qantar.MustDate(v.died)}
			if err := w.Create(ctx, ed, a); err != nil {
				return err
			}
			if v.list != "" {
				c := &qantar.Citation{RecordKind: qantar.KindPerson, RecordID: p.ID, SourceID: lists[v.list], Page: fmt.Sprint(i + 1)}
				if err := w.Create(ctx, ed, c); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids, lists
}

// linkPersons reads every person of the database.
func linkPersons(t *testing.T, dsn string) map[int64]*qantar.Person {
	t.Helper()
	ctx := context.Background()
	s, closeStore, err := openStore(ctx, &Main{}, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer closeStore()
	out := map[int64]*qantar.Person{}
	for off := 0; ; off += qantar.MaxLimit {
		page, _, err := s.List(ctx, qantar.KindPerson, qantar.Filter{Limit: qantar.MaxLimit, Offset: off, Reader: qantar.System})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range page {
			out[r.GetMeta().ID] = r.(*qantar.Person)
		}
		if len(page) < qantar.MaxLimit {
			return out
		}
	}
}

// TestLinkDBApply: link --db --apply merges the records of one person
// across scripts and lists (initials on the official list, Latin on the
// press list, Kazakh Cyrillic entered by hand), never two people, and each
// merge is a logged version that clearing undoes and a second run does not
// redo.
func TestLinkDBApply(t *testing.T) {
	for _, store := range []string{"sqlite", "postgres"} {
		t.Run(store, func(t *testing.T) {
			dsn := filepath.Join(t.TempDir(), "q.db")
			if store == "postgres" {
				dsn = pgTestURL(t)
				t.Setenv("QANTAR_LOG_KEY", filepath.Join(t.TempDir(), "log.key"))
			}
			testLinkDBApply(t, dsn)
		})
	}
}

func testLinkDBApply(t *testing.T, dsn string) {
	vs := linkScenario()
	ids, _ := buildLinkDB(t, dsn, vs)
	code, out, stderr := runLinkCmd(t, "--db", dsn, "--apply", "--min-probability", "0.9", "--quiet")
	if code != 0 {
		t.Fatalf("link --db --apply: exit %d: %s", code, stderr)
	}
	t.Logf("%s", firstLines(out, 3))
	persons := linkPersons(t, dsn)
	var all []*qantar.Person
	for _, p := range persons {
		all = append(all, p)
	}
	resolved := qantar.ResolveSameAs(all)
	reviewed := reviewedPairs(out)
	wrong, missed, unseen := 0, 0, 0
	for i := range vs {
		for j := i + 1; j < len(vs); j++ {
			same := resolved[ids[i]] == resolved[ids[j]]
			switch {
			case same && vs[i].truth != vs[j].truth:
				wrong++
				t.Errorf("merged %q and %q, who are different people", vs[i].name, vs[j].name)
			case !same && vs[i].truth == vs[j].truth:
				// A name with initials and a date of death but no place
				// (this official list gives none) is not surely enough
				// one person to merge at 0.9 on a list this short
				// (linkdb's TestInitialsMergedOrReviewed shows when it
				// is): it is left to an editor, in the review.
				if !names.HasInitials(vs[i].name) && !names.HasInitials(vs[j].name) {
					missed++
					t.Errorf("did not merge %q and %q", vs[i].name, vs[j].name)
				} else if !reviewed[[2]int64{min(ids[i], ids[j]), max(ids[i], ids[j])}] {
					unseen++
					t.Errorf("%q and %q are neither merged nor in the review", vs[i].name, vs[j].name)
				}
			}
		}
	}
	t.Logf("%d wrong merges, %d pairs of one person with full names not merged, %d with initials neither merged nor reviewed (%d pairs to review)", wrong, missed, unseen, len(reviewed))
	checkMergeLogged(t, dsn, ids[4], ids[3])
}

// reviewedPairs reads the pairs link --db prints for review ("review
// (p=…): persons/A …" and "    and persons/B …").
func reviewedPairs(out string) map[[2]int64]bool {
	pairs := map[[2]int64]bool{}
	lines := strings.Split(out, "\n")
	for i := 0; i+1 < len(lines); i++ {
		var p float64
		var a, b int64
		if n, _ := fmt.Sscanf(lines[i], "review (p=%f): persons/%d", &p, &a); n != 2 {
			continue
		}
		if n, _ := fmt.Sscanf(strings.TrimSpace(lines[i+1]), "and persons/%d", &b); n == 1 {
			pairs[[2]int64{min(a, b), max(a, b)}] = true
		}
	}
	return pairs
}

// checkMergeLogged checks that person id was merged by a logged version,
// undoes it as an editor would, and checks that a second run leaves it
// undone.
func checkMergeLogged(t *testing.T, dsn string, a, b int64) {
	t.Helper()
	ctx := context.Background()
	s, closeStore, err := openStore(ctx, &Main{}, dsn)
	if err != nil {
		t.Fatal(err)
	}
	later, earlier := max(a, b), min(a, b)
	rec, err := s.Get(ctx, qantar.KindPerson, later)
	if err != nil {
		t.Fatal(err)
	}
	p := rec.(*qantar.Person)
	if p.SameAsID != earlier {
		t.Fatalf("persons/%d same_as_id %d, want %d", later, p.SameAsID, earlier)
	}
	hist, err := s.History(ctx, qantar.KindPerson, later)
	if err != nil {
		t.Fatal(err)
	}
	last := hist[len(hist)-1]
	if len(hist) != 2 || last.Op != qantar.OpUpdate || !strings.HasPrefix(last.Actor, "cli:") || last.LeafIndex == nil {
		t.Fatalf("history of the merged person: %+v", hist)
	}
	p.SameAsID = 0
	if err := s.Update(ctx, qantar.Actor{ID: "token:1", Role: qantar.RoleEditor}, p); err != nil {
		t.Fatalf("undo: %v", err)
	}
	closeStore()
	code, out, stderr := runLinkCmd(t, "--db", dsn, "--apply", "--min-probability", "0.9", "--quiet")
	if code != 0 {
		t.Fatalf("second run: exit %d: %s", code, stderr)
	}
	if !strings.Contains(out, "an editor undid this merge before") {
		t.Errorf("second run does not say it left the undone merge: %s", out)
	}
	if got := linkPersons(t, dsn)[later]; got.SameAsID != 0 || got.Version != 3 {
		t.Errorf("after the second run persons/%d is at version %d, same_as_id %d; want 3 and 0", later, got.Version, got.SameAsID)
	}
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	return strings.Join(lines[:min(n, len(lines))], "\n")
}

// TestLinkDBBadInput: an unknown list, a source that is not a list, a
// probability out of range: a clear error, and nothing written.
func TestLinkDBBadInput(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "q.db")
	vs := linkScenario()[:9]
	_, lists := buildLinkDB(t, dsn, vs)
	before := linkLogSize(t, dsn)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--list", "999999", "--apply", "--min-probability", "0.5"}, 1, "there is no source 999999"},
		{[]string{"--list", "abc"}, 2, `--list "abc"`},
		{[]string{"--apply", "--min-probability", "1.5"}, 2, "--min-probability 1.5"},
		{[]string{"--apply", "--min-probability", "-0.1"}, 2, "--min-probability"},
		{[]string{"--apply"}, 2, "--apply needs --min-probability"},
		{[]string{"--min-probability", "0.5"}, 2, "--min-probability is for --apply"},
		{[]string{"--field", "name:name"}, 2, "--field"},
		{[]string{"list.csv"}, 2, "not both"},
	} {
		args := append([]string{"--db", dsn, "--quiet"}, tc.args...)
		code, _, stderr := runLinkCmd(t, args...)
		if code != tc.code || !strings.Contains(stderr, tc.want) {
			t.Errorf("link %s: exit %d, stderr %q; want %d saying %q", strings.Join(tc.args, " "), code, stderr, tc.code, tc.want)
		}
	}
	// A source that is not a list.
	ctx := context.Background()
	s, closeStore, err := openStore(ctx, &Main{}, dsn)
	if err != nil {
		t.Fatal(err)
	}
	news := &qantar.Source{SourceKind: "news", Title: qantar.Text{"en": "An article"}}
	if err := s.Create(ctx, qantar.Actor{ID: "token:1", Role: qantar.RoleEditor}, news); err != nil {
		t.Fatal(err)
	}
	closeStore()
	before++
	code, _, stderr := runLinkCmd(t, "--db", dsn, "--quiet", "--list", fmt.Sprint(lists["press"]), "--list", fmt.Sprint(news.ID), "--apply", "--min-probability", "0.5")
	if code != 1 || !strings.Contains(stderr, "not a list") {
		t.Errorf("a news source as a list: exit %d, stderr %q", code, stderr)
	}
	if after := linkLogSize(t, dsn); after != before {
		t.Errorf("the log grew from %d to %d leaves after refused runs", before, after)
	}
	for id, p := range linkPersons(t, dsn) {
		if p.SameAsID != 0 {
			t.Errorf("persons/%d merged by a refused run", id)
		}
	}
}

// linkLogSize is the number of versions in the database, counted through
// every person's history and the counts of the others: what a refused run
// must not change.
func linkLogSize(t *testing.T, dsn string) int {
	t.Helper()
	ctx := context.Background()
	s, closeStore, err := openStore(ctx, &Main{}, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer closeStore()
	n := 0
	for id := range linkPersons(t, dsn) {
		h, err := s.History(ctx, qantar.KindPerson, id)
		if err != nil {
			t.Fatal(err)
		}
		n += len(h)
	}
	counts, err := s.Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(counts)
	t.Logf("counts %s", b)
	for k, c := range counts {
		if k != qantar.KindPerson {
			n += c
		}
	}
	return n
}

// TestLinkWindows1251Semicolons: link reads what import reads, a list
// saved by Excel on Russian Windows (Windows-1251, semicolons).
func TestLinkWindows1251Semicolons(t *testing.T) {
	dir := t.TempDir()
	ru := strings.NewReplacer(",", ";", "Серікұлы", "Серикович", "Жұмабаева Айгүл", "Жумабаева Айгуль", "Тоқаев", "Токаев").Replace(linkListA)
	body, err := charmap.Windows1251.NewEncoder().String(ru)
	if err != nil {
		t.Fatal(err)
	}
	a := writeLinkFile(t, dir, "a.csv", body)
	b := writeLinkFile(t, dir, "b.csv", linkListB)
	out := filepath.Join(dir, "clusters.csv")
	code, _, stderr := runLinkCmd(t, a, b, "--id", "id", "--field", "name:name", "--field", "date:born", "--out", out, "--quiet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	cl := readClusters(t, out)
	if cl["a.csv:a1"] != cl["b.csv:b1"] || cl["a.csv:a4"] != cl["b.csv:b5"] || cl["a.csv:a1"] == cl["a.csv:a4"] {
		t.Errorf("clusters %v: want a1 with b1 and a4 with b5", cl)
	}
}
