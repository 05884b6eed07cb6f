package storetest

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/names"
	"github.com/qantar-project/qantar/search"
)

// The readers who may not see everything, and one who may.
var (
	viewer  = qantar.Actor{ID: "user:9", Role: qantar.RoleViewer}
	blinded = []qantar.Actor{qantar.Anonymous, viewer}
)

// hiddenWorld is a confidential person and a record of every kind that can be
// about them, each carrying a secret (a text nobody but an editor may see),
// beside a public person with the same kinds of records.
type hiddenWorld struct {
	secrets map[qantar.Kind]string // kind -> a substring of its hidden text
	unit    *qantar.Unit
	hidden  *qantar.Person
}

func buildHidden(t *testing.T, s Store, level string) hiddenWorld {
	t.Helper()
	w := hiddenWorld{secrets: map[qantar.Kind]string{}}
	src := &qantar.Source{SourceKind: "news", Title: qantar.Text{"en": "Synthetic source"}}
	mustCreate(t, s, src)
	w.unit = &qantar.Unit{Name: qantar.Text{"en": "Synthetic unit"}, UnitKind: "police"}
	mustCreate(t, s, w.unit)
	open := person("Открытый Потерпевший")
	mustCreate(t, s, open)
	w.hidden = person("Скрытый Свидетель")
	w.hidden.Protection = level
	mustCreate(t, s, w.hidden)
	act := &qantar.Act{VictimID: w.hidden.ID, ActType: "killing_crowd_control", VictimStatus: "dead",
		Description: qantar.Text{"ru": "задержан на улице Тайнопольской"}}
	mustCreate(t, s, act)
	w.secrets[qantar.KindAct] = "тайнопольской"
	openAct := &qantar.Act{VictimID: open.ID, ActType: "killing_crowd_control", Description: qantar.Text{"ru": "открытое описание"}}
	mustCreate(t, s, openAct)
	post := &qantar.Post{PersonID: w.hidden.ID, UnitID: w.unit.ID, Role: "commander", Rank: "полковник-тайна"}
	mustCreate(t, s, post)
	w.secrets[qantar.KindPost] = "полковник-тайна"
	inv := &qantar.Involvement{ActID: openAct.ID, PersonID: w.hidden.ID, Degree: "assisted", Notes: qantar.Text{"ru": "видел-всё-тайно"}}
	mustCreate(t, s, inv)
	w.secrets[qantar.KindInvolvement] = "видел-всё-тайно"
	cmp := &qantar.Complaint{ComplaintKind: "appc-76", FiledOn: qantar.MustDate("2024-02-01"), FilerID: w.hidden.ID,
		Subject: qantar.Text{"ru": "жалоба-секрет"}}
	mustCreate(t, s, cmp)
	w.secrets[qantar.KindComplaint] = "жалоба-секрет"
	for i, cited := range []qantar.Record{w.hidden, act, post, inv, cmp} {
		c := &qantar.Citation{RecordKind: cited.Kind(), RecordID: cited.GetMeta().ID, SourceID: src.ID,
			Quote: fmt.Sprintf("цитата-секрет-%d", i), Page: "стр-секрет"}
		mustCreate(t, s, c)
	}
	w.secrets[qantar.KindCitation] = "цитата-секрет"
	file := &qantar.File{SourceID: src.ID, SHA256: strings.Repeat("ab", 32), Size: 10, MediaType: "image/jpeg",
		Name: "файл-секрет.jpg", Protection: level, Metadata: map[string]string{"width": "640"}}
	mustCreate(t, s, file)
	w.secrets[qantar.KindFile] = "файл-секрет"
	w.secrets[qantar.KindPerson] = "скрытый"
	return w
}

// testProjectedLists: for readers who may not see a person, no hidden text
// of anything about them is matched by ?q=, no hidden field by a filter or a
// sort, in any kind; an editor finds each (so the test can fail).
func testProjectedLists(t *testing.T, s Store) {
	w := buildHidden(t, s, qantar.Confidential)
	for kind, secret := range w.secrets {
		for _, r := range blinded {
			_, total, err := s.List(ctx(), kind, qantar.Filter{Q: secret, Reader: r})
			if err != nil || total != 0 {
				t.Errorf("%s ?q=%s as %q: total %d (%v), want 0", kind, secret, r.Role, total, err)
			}
			assertNoSecret(t, s, kind, r, secret)
		}
		if _, total, _ := s.List(ctx(), kind, qantar.Filter{Q: secret, Reader: editor}); total == 0 {
			t.Errorf("%s ?q=%s as editor: found nothing", kind, secret)
		}
	}
	unit := strconv.FormatInt(w.unit.ID, 10)
	for _, where := range []map[string]string{{"unit_id": unit}, {"role": "commander"}} {
		_, anon, _ := s.List(ctx(), qantar.KindPost, qantar.Filter{Where: where})
		_, all, _ := s.List(ctx(), qantar.KindPost, qantar.Filter{Where: where, Reader: editor})
		if anon != 0 || all != 1 {
			t.Errorf("posts %v: anonymous total %d, editor %d; want 0 and 1", where, anon, all)
		}
	}
	// A plain list still counts every record, as placeholders or redacted.
	for _, kind := range []qantar.Kind{qantar.KindPerson, qantar.KindAct, qantar.KindPost, qantar.KindCitation} {
		_, anon, _ := s.List(ctx(), kind, qantar.Filter{})
		_, all, _ := s.List(ctx(), kind, qantar.Filter{Reader: editor})
		if anon != all {
			t.Errorf("%s: anonymous total %d, editor total %d: counts must stay honest", kind, anon, all)
		}
	}
}

// assertNoSecret checks that no page of kind shows the secret to reader,
// whatever the sort.
func assertNoSecret(t *testing.T, s Store, kind qantar.Kind, r qantar.Actor, secret string) {
	t.Helper()
	for _, sort := range append([]string{"id"}, qantar.FilterFields[kind]...) {
		recs, _, err := s.List(ctx(), kind, qantar.Filter{Sort: sort, Reader: r})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(recs)
		if strings.Contains(strings.ToLower(string(b)), secret) {
			t.Errorf("%s sorted by %s as %q shows %q", kind, sort, r.Role, secret)
		}
	}
}

// testProjectionFollows: when a person becomes hidden, what is said of them
// in other records stops matching at once; when published, it matches again.
func testProjectionFollows(t *testing.T, s Store) {
	w := buildHidden(t, s, qantar.Public)
	count := func(kind qantar.Kind) int {
		_, n, err := s.List(ctx(), kind, qantar.Filter{Q: w.secrets[kind]})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	kinds := []qantar.Kind{qantar.KindAct, qantar.KindPost, qantar.KindInvolvement, qantar.KindComplaint, qantar.KindCitation}
	for _, k := range kinds {
		if count(k) == 0 {
			t.Fatalf("%s of a public person: ?q= finds nothing", k)
		}
	}
	p, _ := s.Get(ctx(), qantar.KindPerson, w.hidden.ID)
	p.(*qantar.Person).Protection = qantar.Confidential
	if err := s.Update(ctx(), editor, p); err != nil {
		t.Fatal(err)
	}
	for _, k := range kinds {
		if n := count(k); n != 0 {
			t.Errorf("%s of a person made confidential: ?q= still finds %d", k, n)
		}
	}
	p.(*qantar.Person).Protection = qantar.Public
	if err := s.Update(ctx(), editor, p); err != nil {
		t.Fatal(err)
	}
	for _, k := range kinds {
		if count(k) == 0 {
			t.Errorf("%s of a person published again: ?q= finds nothing", k)
		}
	}
}

// testDefaultRestricted: a person whose protection nobody decided is
// restricted, unless their consent to publication is recorded.
func testDefaultRestricted(t *testing.T, s Store) {
	undecided := &qantar.Person{Names: []qantar.Name{{Value: "Нерешённый Человек"}}, BirthDate: qantar.MustDate("1990-05-05")}
	mustCreate(t, s, undecided)
	consented := &qantar.Person{Names: []qantar.Name{{Value: "Согласный Человек"}}, Consent: "given"}
	mustCreate(t, s, consented)
	recs, total, err := s.List(ctx(), qantar.KindPerson, qantar.Filter{})
	if err != nil || total != 2 {
		t.Fatalf("list: %d %v", total, err)
	}
	if !qantar.IsPlaceholder(recs[0]) || qantar.IsPlaceholder(recs[1]) {
		t.Fatalf("anonymous list: %+v, %+v", recs[0], recs[1])
	}
	if _, n, _ := s.List(ctx(), qantar.KindPerson, qantar.Filter{Where: map[string]string{"protection": qantar.Restricted}, Reader: editor}); n != 1 {
		t.Errorf("protection=restricted finds %d, want the undecided person", n)
	}
	if _, n, _ := s.List(ctx(), qantar.KindPerson, qantar.Filter{Q: "1990-05-05"}); n != 0 {
		t.Errorf("anonymous ?q= on an undecided person's birth date finds %d", n)
	}
}

// testSearchIgnoresHidden: hidden names change nothing an anonymous search
// answers: many confidential names within a typo of the query do not crowd
// out a public one two typos away.
func testSearchIgnoresHidden(t *testing.T, s Store) {
	const base = "Мухаметжанов"
	far := person("Мухаметжинав")
	mustCreate(t, s, far)
	q := qantar.SearchQuery{Q: base, Kinds: []qantar.Kind{qantar.KindPerson}, Limit: 50}
	before, err := s.Search(ctx(), q)
	if err != nil || len(before) != 1 {
		t.Fatalf("search before: %v %v", before, err)
	}
	for _, n := range nearNames(base, 25) {
		p := person(n)
		p.Protection = qantar.Confidential
		mustCreate(t, s, p)
	}
	after, err := s.Search(ctx(), q)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(before, after) {
		t.Errorf("anonymous search changed with hidden names:\nbefore %+v\n after %+v", before, after)
	}
	q.Reader = editor
	if all, _ := s.Search(ctx(), q); len(all) < 20 {
		t.Errorf("editor search finds %d, want the hidden names too", len(all))
	}
}

// nearNames returns n synthetic names whose keys are one typo from base's.
func nearNames(base string, n int) []string {
	key := names.Key(base)
	seen := map[string]bool{key: true}
	var out []string
	r := []rune(base)
	for _, l := range "абвгдезиклмнопрстуфхыэюя" {
		for _, cand := range []string{base + string(l), string(r[:len(r)-1]) + string(l)} {
			k := names.Key(cand)
			if !seen[k] && search.Distance(key, k) == 1 {
				seen[k] = true
				out = append(out, cand)
			}
		}
		if len(out) == n {
			break
		}
	}
	return out
}
