// Package storetest is the conformance suite every Qantar store passes: the
// same tests run on SQLite (always) and PostgreSQL (when a server is given),
// so that both stores behave exactly alike.
package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/qantar-project/qantar"
)

// Store is what the suite needs of a store.
type Store interface {
	qantar.Store
	qantar.TokenService
	qantar.Searcher
}

// Opener returns a new, empty store for one test; the store is closed by the caller's cleanup.
type Opener func(t *testing.T) Store

var editor = qantar.Actor{ID: "token:1", Name: "test editor", Role: qantar.RoleEditor}

// Run runs the whole suite.
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(*testing.T, Store)
	}{
		{"CreateGet", testCreateGet},
		{"EveryKind", testEveryKind},
		{"UpdateVersions", testUpdateVersions},
		{"StaleUpdateConflicts", testStaleUpdate},
		{"DeleteKeepsHistory", testDelete},
		{"DeleteReferencedRefused", testDeleteReferenced},
		{"MissingReferenceRefused", testMissingReference},
		{"InvalidChangesNothing", testInvalidChangesNothing},
		{"ForbiddenWithoutRole", testForbidden},
		{"InTxAllOrNothing", testInTx},
		{"ExternalKey", testExternalKey},
		{"RefusedWriteInsideTx", testRefusedWriteInsideTx},
		{"CreateAllAsCreates", testCreateAll},
		{"ExternalKeysAtOnce", testExternalKeys},
		{"ListFilterSortPage", testList},
		{"ProtectedPersonsHidden", testProtection},
		{"Tokens", testTokens},
		{"ConcurrentEditors", testConcurrentEditors},
		{"SearchAcrossScripts", testSearch},
		{"SearchHostileQueries", testSearchHostile},
		{"ProjectedLists", testProjectedLists},
		{"FieldFilters", testFieldFilters},
		{"FieldFiltersAsJSON", testFieldFiltersAsJSON},
		{"ProjectionFollowsPerson", testProjectionFollows},
		{"DefaultRestricted", testDefaultRestricted},
		{"SearchIgnoresHidden", testSearchIgnoresHidden},
		{"SearchFormerNames", testSearchFormerNames},
		{"SearchVocabulary", testSearchVocabulary},
		{"RecordsAt", testRecordsAt},
		{"ListAll", testListAll},
		{"FilesChainOfCustody", testFiles},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.fn(t, open(t))
		})
	}
}

func ctx() context.Context { return context.Background() }

// person is a person whom someone decided to publish (a person with no
// protection set is restricted: see testDefaultRestricted).
func person(name string) *qantar.Person {
	return &qantar.Person{Names: []qantar.Name{{Value: name, Lang: "ru", Script: "Cyrl"}}, Protection: qantar.Public}
}

func mustCreate(t *testing.T, s Store, rec qantar.Record) {
	t.Helper()
	if err := s.Create(ctx(), editor, rec); err != nil {
		t.Fatalf("create %s: %v", rec.Kind(), err)
	}
}

func snapshot(t *testing.T, s Store) string {
	t.Helper()
	counts, err := s.Count(ctx())
	if err != nil {
		t.Fatal(err)
	}
	var all []any
	for _, k := range qantar.Kinds {
		recs, _, err := s.List(ctx(), k, qantar.Filter{Reader: qantar.System, WithDeleted: true})
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, recs)
		for _, r := range recs {
			h, err := s.History(ctx(), k, r.GetMeta().ID)
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, len(h))
		}
	}
	b, _ := json.Marshal([]any{counts, all})
	return string(b)
}

func wantCode(t *testing.T, err error, code, field string) {
	t.Helper()
	if got := qantar.ErrorCode(err); got != code {
		t.Fatalf("error %v: code %q, want %q", err, got, code)
	}
	if field != "" && qantar.ErrorField(err) != field {
		t.Fatalf("error %v: field %q, want %q", err, qantar.ErrorField(err), field)
	}
}

func testCreateGet(t *testing.T, s Store) {
	p := person("Тоқаев")
	p.BirthDate = qantar.MustDate("1990-05")
	mustCreate(t, s, p)
	if p.ID != 1 || p.Version != 1 || p.CreatedAt.IsZero() || !p.CreatedAt.Equal(p.UpdatedAt) {
		t.Fatalf("meta after create: %+v", p.Meta)
	}
	got, err := s.Get(ctx(), qantar.KindPerson, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(p)
	b, _ := json.Marshal(got)
	if string(a) != string(b) {
		t.Fatalf("get returned\n%s\nwant\n%s", b, a)
	}
	if _, err := s.Get(ctx(), qantar.KindPerson, 99); qantar.ErrorCode(err) != qantar.ENOTFOUND {
		t.Fatalf("missing record: %v", err)
	}
}

// sample returns one valid record of every kind, in dependency order, with
// references to the records before it.
func sample(t *testing.T, s Store) []qantar.Record {
	t.Helper()
	src := &qantar.Source{SourceKind: "news", Title: qantar.Text{"en": "Synthetic source"}, URL: "https://example.org/a"}
	mustCreate(t, s, src)
	place := &qantar.Place{Name: qantar.Text{"en": "Synthetic city", "ru": "Синтетический город"}, PlaceKind: "city"}
	mustCreate(t, s, place)
	ev := &qantar.Event{Title: qantar.Text{"en": "Synthetic event"}, Start: qantar.MustDate("2022-01-05"), PlaceID: place.ID}
	mustCreate(t, s, ev)
	victim := person("Синтетический Потерпевший")
	mustCreate(t, s, victim)
	officer := person("Synthetic Officer")
	mustCreate(t, s, officer)
	unit := &qantar.Unit{Name: qantar.Text{"en": "Synthetic unit"}, UnitKind: "police"}
	mustCreate(t, s, unit)
	post := &qantar.Post{PersonID: officer.ID, UnitID: unit.ID, Role: "commander", FirstCited: qantar.MustDate("2022-01")}
	mustCreate(t, s, post)
	act := &qantar.Act{VictimID: victim.ID, EventID: ev.ID, ActType: "killing_crowd_control", VictimStatus: "dead", Date: qantar.MustDate("2022-01-05")}
	mustCreate(t, s, act)
	inv := &qantar.Involvement{ActID: act.ID, UnitID: unit.ID, Degree: "carried_out"}
	mustCreate(t, s, inv)
	cs := &qantar.Case{Number: "SYN-1", ActIDs: []int64{act.ID}, OpenedOn: qantar.MustDate("2022-01-10"),
		Participants: []qantar.Participant{{PersonID: victim.ID, Role: "victim"}},
		Steps:        []qantar.CaseEvent{{Step: "registered", Date: qantar.MustDate("2022-01-10"), SourceID: src.ID}}}
	mustCreate(t, s, cs)
	cmp := &qantar.Complaint{ComplaintKind: "appc-76", FiledOn: qantar.MustDate("2024-02-01"), CaseID: cs.ID, AddresseeID: unit.ID,
		Responses: []qantar.Response{{ReceivedOn: qantar.MustDate("2024-02-20"), Outcome: "refused"}}}
	mustCreate(t, s, cmp)
	fig := &qantar.Figure{Measure: "deaths", Value: 10, ClaimedBy: qantar.Text{"en": "Synthetic claimant"}, AsOf: qantar.MustDate("2022-03"), SourceID: src.ID}
	mustCreate(t, s, fig)
	cit := &qantar.Citation{RecordKind: qantar.KindAct, RecordID: act.ID, SourceID: src.ID, Confidence: "high"}
	mustCreate(t, s, cit)
	file := &qantar.File{SourceID: src.ID, SHA256: strings.Repeat("0f", 32), Size: 3, MediaType: "text/plain; charset=utf-8", Name: "a.txt"}
	mustCreate(t, s, file)
	return []qantar.Record{src, place, ev, victim, officer, unit, post, act, inv, cs, cmp, fig, cit, file}
}

func testEveryKind(t *testing.T, s Store) {
	recs := sample(t, s)
	seen := map[qantar.Kind]bool{}
	for _, r := range recs {
		seen[r.Kind()] = true
		got, err := s.Get(ctx(), r.Kind(), r.GetMeta().ID)
		if err != nil {
			t.Fatalf("get %s: %v", r.Kind(), err)
		}
		a, _ := json.Marshal(r)
		b, _ := json.Marshal(got)
		if string(a) != string(b) {
			t.Errorf("%s round trip:\n got %s\nwant %s", r.Kind(), b, a)
		}
	}
	for _, k := range qantar.Kinds {
		if !seen[k] {
			t.Errorf("sample misses kind %s", k)
		}
	}
}

func testUpdateVersions(t *testing.T, s Store) {
	p := person("Первое")
	mustCreate(t, s, p)
	created := p.CreatedAt
	p.Names = append(p.Names, qantar.Name{Value: "Second", Lang: "en"})
	if err := s.Update(ctx(), editor, p); err != nil {
		t.Fatal(err)
	}
	if p.Version != 2 || !p.CreatedAt.Equal(created) {
		t.Fatalf("after update: %+v", p.Meta)
	}
	h, err := s.History(ctx(), qantar.KindPerson, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(h) != 2 || h[0].Op != qantar.OpCreate || h[1].Op != qantar.OpUpdate || h[1].Actor != editor.ID {
		t.Fatalf("history: %+v", h)
	}
	var v1 qantar.Person
	if err := json.Unmarshal(h[0].Data, &v1); err != nil || len(v1.Names) != 1 {
		t.Fatalf("version 1 data %s: %v", h[0].Data, err)
	}
}

func testStaleUpdate(t *testing.T, s Store) {
	p := person("Один")
	mustCreate(t, s, p)
	a, b := *p, *p
	a.Names = []qantar.Name{{Value: "A"}}
	b.Names = []qantar.Name{{Value: "B"}}
	if err := s.Update(ctx(), editor, &a); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, s)
	err := s.Update(ctx(), editor, &b)
	wantCode(t, err, qantar.ECONFLICT, "version")
	if snapshot(t, s) != before {
		t.Fatal("stale update changed the store")
	}
	got, _ := s.Get(ctx(), qantar.KindPerson, p.ID)
	if got.(*qantar.Person).Names[0].Value != "A" {
		t.Fatal("stale update overwrote the first editor")
	}
	c := a
	c.Version = 0
	wantCode(t, s.Update(ctx(), editor, &c), qantar.EINVALID, "version")
}

func testDelete(t *testing.T, s Store) {
	p := person("Удаляемый")
	mustCreate(t, s, p)
	wantCode(t, s.Delete(ctx(), editor, qantar.KindPerson, p.ID, 1, ""), qantar.EINVALID, "reason")
	wantCode(t, s.Delete(ctx(), editor, qantar.KindPerson, p.ID, 5, "duplicate"), qantar.ECONFLICT, "version")
	if err := s.Delete(ctx(), editor, qantar.KindPerson, p.ID, 1, "duplicate of another record"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx(), qantar.KindPerson, p.ID); qantar.ErrorCode(err) != qantar.ENOTFOUND {
		t.Fatalf("deleted record still served: %v", err)
	}
	h, err := s.History(ctx(), qantar.KindPerson, p.ID)
	if err != nil || len(h) != 2 || h[1].Op != qantar.OpDelete || h[1].Reason != "duplicate of another record" {
		t.Fatalf("history after delete: %+v %v", h, err)
	}
	// A new record never reuses a deleted record's id.
	q := person("Новый")
	mustCreate(t, s, q)
	if q.ID == p.ID {
		t.Fatal("id reused after delete")
	}
}

func testDeleteReferenced(t *testing.T, s Store) {
	recs := sample(t, s)
	victim := recs[3]
	err := s.Delete(ctx(), editor, qantar.KindPerson, victim.GetMeta().ID, victim.GetMeta().Version, "test")
	wantCode(t, err, qantar.ECONFLICT, "")
}

func testMissingReference(t *testing.T, s Store) {
	before := snapshot(t, s)
	err := s.Create(ctx(), editor, &qantar.Act{VictimID: 42, ActType: "torture"})
	wantCode(t, err, qantar.EINVALID, "victim_id")
	if snapshot(t, s) != before {
		t.Fatal("store changed")
	}
}

func testInvalidChangesNothing(t *testing.T, s Store) {
	sample(t, s)
	before := snapshot(t, s)
	bad := []struct {
		rec   qantar.Record
		field string
	}{
		{&qantar.Person{}, "names"},
		{&qantar.Person{Names: []qantar.Name{{Value: " "}}}, "names[0].value"},
		{&qantar.Person{Names: []qantar.Name{{Value: "x"}}, Protection: "secret"}, "protection"},
		{&qantar.Act{VictimID: 1, ActType: "genocide"}, "type"},
		{&qantar.Complaint{ComplaintKind: "appc-76"}, "filed_on"},
		{&qantar.Complaint{ComplaintKind: "appc-76", FiledOn: qantar.MustDate("2024-02-01"),
			Responses: []qantar.Response{{ReceivedOn: qantar.MustDate("2024-01-01"), Outcome: "refused"}}}, "responses[0].received_on"},
		{&qantar.Figure{Measure: "deaths", Value: -1}, "value"},
		{&qantar.Citation{RecordKind: "people", RecordID: 1, SourceID: 1}, "record_kind"},
	}
	for _, b := range bad {
		err := s.Create(ctx(), editor, b.rec)
		wantCode(t, err, qantar.EINVALID, b.field)
	}
	if snapshot(t, s) != before {
		t.Fatal("invalid creates changed the store")
	}
}

func testForbidden(t *testing.T, s Store) {
	err := s.Create(ctx(), qantar.Actor{ID: "token:9", Role: qantar.RoleViewer}, person("x"))
	wantCode(t, err, qantar.EFORBIDDEN, "")
	err = s.Create(ctx(), qantar.Anonymous, person("x"))
	wantCode(t, err, qantar.EFORBIDDEN, "")
}

func testInTx(t *testing.T, s Store) {
	before := snapshot(t, s)
	boom := errors.New("boom")
	err := s.InTx(ctx(), func(w qantar.Writer) error {
		for i := 0; i < 5; i++ {
			if err := w.Create(ctx(), editor, person(fmt.Sprintf("P%d", i))); err != nil {
				return err
			}
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("InTx returned %v", err)
	}
	if snapshot(t, s) != before {
		t.Fatal("a failed transaction left writes behind")
	}
	err = s.InTx(ctx(), func(w qantar.Writer) error {
		p := person("Inside")
		if err := w.Create(ctx(), editor, p); err != nil {
			return err
		}
		got, err := w.Get(ctx(), qantar.KindPerson, p.ID)
		if err != nil {
			return err
		}
		return w.Create(ctx(), editor, &qantar.Act{VictimID: got.GetMeta().ID, ActType: "torture"})
	})
	if err != nil {
		t.Fatal(err)
	}
	n, _ := s.Count(ctx())
	if n[qantar.KindPerson] != 1 || n[qantar.KindAct] != 1 {
		t.Fatalf("counts %v", n)
	}
}

func testExternalKey(t *testing.T, s Store) {
	p := person("Ключ")
	p.ExternalKey = "list-A:17"
	mustCreate(t, s, p)
	got, err := s.GetByExternalKey(ctx(), qantar.KindPerson, "list-A:17")
	if err != nil || got.GetMeta().ID != p.ID {
		t.Fatalf("by key: %v %v", got, err)
	}
	q := person("Другой")
	q.ExternalKey = "list-A:17"
	wantCode(t, s.Create(ctx(), editor, q), qantar.ECONFLICT, "external_key")
}

func testList(t *testing.T, s Store) {
	var ids []int64
	for i := 0; i < 25; i++ {
		p := person(fmt.Sprintf("Человек %02d", i))
		if i%2 == 0 {
			p.Sex = "female"
		}
		mustCreate(t, s, p)
		ids = append(ids, p.ID)
	}
	recs, total, err := s.List(ctx(), qantar.KindPerson, qantar.Filter{Where: map[string]string{"sex": "female"}, Limit: 5, Offset: 5})
	if err != nil {
		t.Fatal(err)
	}
	if total != 13 || len(recs) != 5 || recs[0].GetMeta().ID != ids[10] {
		t.Fatalf("filter page: total %d, %d records, first %d", total, len(recs), recs[0].GetMeta().ID)
	}
	recs, _, err = s.List(ctx(), qantar.KindPerson, qantar.Filter{Sort: "-id", Limit: 1})
	if err != nil || recs[0].GetMeta().ID != ids[24] {
		t.Fatalf("sort: %v", err)
	}
	recs, total, err = s.List(ctx(), qantar.KindPerson, qantar.Filter{Q: "человек 07"})
	if err != nil || total != 1 || recs[0].GetMeta().ID != ids[7] {
		t.Fatalf("q (Unicode case-insensitive): total %d err %v", total, err)
	}
	_, _, err = s.List(ctx(), qantar.KindPerson, qantar.Filter{Where: map[string]string{"names": "x"}})
	wantCode(t, err, qantar.EINVALID, "names")
	_, _, err = s.List(ctx(), qantar.KindPerson, qantar.Filter{Sort: "data; DROP TABLE records"})
	wantCode(t, err, qantar.EINVALID, "sort")
}

func testProtection(t *testing.T, s Store) {
	pub := person("Открытый Человек")
	mustCreate(t, s, pub)
	conf := person("Тайный Свидетель")
	conf.Protection = qantar.Confidential
	conf.Sex = "female"
	mustCreate(t, s, conf)
	restr := person("Ограниченный Родственник")
	restr.Protection = qantar.Restricted
	mustCreate(t, s, restr)

	check := func(reader qantar.Actor, f qantar.Filter, wantVisible map[int64]bool) {
		t.Helper()
		f.Reader = reader
		recs, _, err := s.List(ctx(), qantar.KindPerson, f)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(recs)
		for _, p := range []*qantar.Person{conf, restr} {
			if wantVisible[p.ID] != strings.Contains(string(b), p.Names[0].Value) {
				t.Errorf("reader %q filter %+v: visibility of %q wrong in %s", reader.Role, f.Where, p.Names[0].Value, b)
			}
		}
	}
	check(qantar.Anonymous, qantar.Filter{}, nil)
	check(qantar.Anonymous, qantar.Filter{Where: map[string]string{"sex": "female"}}, nil)
	check(qantar.Actor{Role: qantar.RoleViewer}, qantar.Filter{}, map[int64]bool{restr.ID: true})
	check(editor, qantar.Filter{}, map[int64]bool{restr.ID: true, conf.ID: true})

	// An anonymous filter on a hidden field must not single the person out,
	// not even as a placeholder.
	recs, total, _ := s.List(ctx(), qantar.KindPerson, qantar.Filter{Where: map[string]string{"sex": "female"}})
	if total != 0 || len(recs) != 0 {
		t.Fatalf("anonymous filter on sex found %d protected persons", total)
	}
	// A plain list keeps them as placeholders, so counts stay honest.
	recs, total, _ = s.List(ctx(), qantar.KindPerson, qantar.Filter{})
	if total != 3 || !qantar.IsPlaceholder(recs[1]) {
		t.Fatalf("plain anonymous list: total %d, second %+v", total, recs[1])
	}
}

func testTokens(t *testing.T, s Store) {
	tok, secret, err := s.CreateToken(ctx(), "ci", qantar.RoleEditor)
	if err != nil {
		t.Fatal(err)
	}
	a, err := s.Authenticate(ctx(), secret)
	if err != nil || a.Role != qantar.RoleEditor || a.ID != fmt.Sprintf("token:%d", tok.ID) {
		t.Fatalf("authenticate: %+v %v", a, err)
	}
	if _, err := s.Authenticate(ctx(), secret+"x"); qantar.ErrorCode(err) != qantar.EUNAUTHORIZED {
		t.Fatalf("wrong secret: %v", err)
	}
	if err := s.RevokeToken(ctx(), tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx(), secret); qantar.ErrorCode(err) != qantar.EUNAUTHORIZED {
		t.Fatalf("revoked token: %v", err)
	}
	_, _, err = s.CreateToken(ctx(), "x", "root")
	wantCode(t, err, qantar.EINVALID, "role")
}

// testConcurrentEditors: many editors update one record at once; exactly one
// update per version wins, the others get ECONFLICT, and no acknowledged
// update is lost.
func testConcurrentEditors(t *testing.T, s Store) {
	p := person("Общий")
	mustCreate(t, s, p)
	const editors = 8
	const rounds = 10
	var mu sync.Mutex
	acked := 0
	var wg sync.WaitGroup
	for e := 0; e < editors; e++ {
		wg.Add(1)
		go func(e int) {
			defer wg.Done()
			for r := 0; r < rounds; r++ {
				cur, err := s.Get(ctx(), qantar.KindPerson, p.ID)
				if err != nil {
					t.Error(err)
					return
				}
				c := cur.(*qantar.Person)
				c.Names = append(c.Names, qantar.Name{Value: fmt.Sprintf("e%d-r%d", e, r)})
				err = s.Update(ctx(), editor, c)
				switch qantar.ErrorCode(err) {
				case "":
					mu.Lock()
					acked++
					mu.Unlock()
				case qantar.ECONFLICT:
				default:
					t.Error(err)
				}
			}
		}(e)
	}
	wg.Wait()
	got, _ := s.Get(ctx(), qantar.KindPerson, p.ID)
	gp := got.(*qantar.Person)
	if gp.Version != acked+1 || len(gp.Names) != acked+1 {
		t.Fatalf("%d updates acknowledged, record at version %d with %d names", acked, gp.Version, len(gp.Names))
	}
	h, _ := s.History(ctx(), qantar.KindPerson, p.ID)
	if len(h) != acked+1 {
		t.Fatalf("history has %d versions, want %d", len(h), acked+1)
	}
}

// testSearch: a query in any script or scheme finds the record written in
// another; protected persons are found only by readers allowed to see them.
func testSearch(t *testing.T, s Store) {
	tokayev := &qantar.Person{Names: []qantar.Name{{Value: "Қасым-Жомарт Тоқаев", Lang: "kk", Script: "Cyrl"}}, Protection: qantar.Public}
	mustCreate(t, s, tokayev)
	other := person("Нұрсұлтан Назарбаев")
	mustCreate(t, s, other)
	hidden := person("Ерназар Синтетический")
	hidden.Protection = qantar.Confidential
	mustCreate(t, s, hidden)
	zh := &qantar.Place{Name: qantar.Text{"kk": "Жаңаөзен"}, PlaceKind: "city"}
	mustCreate(t, s, zh)
	tk := &qantar.Place{Name: qantar.Text{"ru": "Талдыкорган"}, PlaceKind: "city"}
	mustCreate(t, s, tk)
	ev := &qantar.Event{Title: qantar.Text{"ru": "Январские события в Алматы"}}
	mustCreate(t, s, ev)

	find := func(q string, reader qantar.Actor) []qantar.SearchResult {
		t.Helper()
		res, err := s.Search(ctx(), qantar.SearchQuery{Q: q, Reader: reader, Limit: 10})
		if err != nil {
			t.Fatalf("search %q: %v", q, err)
		}
		return res
	}
	for _, tt := range []struct {
		q    string
		kind qantar.Kind
		id   int64
	}{
		{"Toqaev", qantar.KindPerson, tokayev.ID}, {"Tokayev", qantar.KindPerson, tokayev.ID}, {"TOKAEV", qantar.KindPerson, tokayev.ID},
		{"Тоқаев", qantar.KindPerson, tokayev.ID}, {"токаев", qantar.KindPerson, tokayev.ID}, {"Qasym-Jomart", qantar.KindPerson, tokayev.ID},
		{"Kassym-Zhomart Tokayev", qantar.KindPerson, tokayev.ID}, {"Jañaözen", qantar.KindPlace, zh.ID}, {"Zhanaozen", qantar.KindPlace, zh.ID},
		{"Жанаозен", qantar.KindPlace, zh.ID}, {"Talldykorgan", qantar.KindPlace, tk.ID}, {"Taldykorgn", qantar.KindPlace, tk.ID},
		{"январских событиях", qantar.KindEvent, ev.ID},
	} {
		res := find(tt.q, qantar.Anonymous)
		if len(res) == 0 || res[0].Kind != tt.kind || res[0].ID != tt.id {
			t.Errorf("search %q: got %+v, want %s/%d first", tt.q, res, tt.kind, tt.id)
		}
		if len(res) > 0 && !strings.Contains(res[0].Snippet, "<mark>") {
			t.Errorf("search %q: snippet %q highlights nothing", tt.q, res[0].Snippet)
		}
	}
	if res := find("Ernazar", qantar.Anonymous); len(res) != 0 {
		t.Errorf("anonymous search found a confidential person: %+v", res)
	}
	if res := find("Ernazar", editor); len(res) != 1 || res[0].ID != hidden.ID {
		t.Errorf("editor search: %+v", res)
	}
}

// testSearchHostile: any query is answered with results or a clear
// EINVALID, never another error.
func testSearchHostile(t *testing.T, s Store) {
	mustCreate(t, s, person("Тест Тестов"))
	for _, q := range []string{`"`, `*`, `-`, `NEAR(`, `AND`, `OR`, `a OR b`, `"unterminated`, `keys:x`, `^`, `(`, `)`,
		strings.Repeat("я", 10000), "\xff\xfe", "\x00\x01", "", "   ", "тест*", `te"st`} {
		_, err := s.Search(ctx(), qantar.SearchQuery{Q: q})
		if err != nil && qantar.ErrorCode(err) != qantar.EINVALID {
			t.Errorf("query %.20q: %v", q, err)
		}
	}
}

// testRefusedWriteInsideTx: a transaction that goes on after one of its
// writes was refused commits the others whole, and the refused one not at
// all (an import with --skip-invalid does this).
func testRefusedWriteInsideTx(t *testing.T, s Store) {
	a := person("Первый")
	a.ExternalKey = "k1"
	mustCreate(t, s, a)
	err := s.InTx(ctx(), func(w qantar.Writer) error {
		b := person("Второй")
		if err := w.Create(ctx(), editor, b); err != nil {
			return err
		}
		dup := person("Дубликат")
		dup.ExternalKey = "k1"
		if err := w.Create(ctx(), editor, dup); qantar.ErrorCode(err) != qantar.ECONFLICT {
			return fmt.Errorf("duplicate key: %v", err)
		}
		return w.Create(ctx(), editor, person("Третий"))
	})
	if err != nil {
		t.Fatal(err)
	}
	recs, total, _ := s.List(ctx(), qantar.KindPerson, qantar.Filter{Reader: editor})
	if total != 3 {
		t.Fatalf("%d persons, want 3: %v", total, recs)
	}
	if v, ok := s.(interface {
		Verify(context.Context) (*qantar.VerifyReport, error)
	}); ok {
		rep, err := v.Verify(ctx())
		if err != nil || !rep.OK() || rep.Leaves != 3 {
			t.Fatalf("verify after a refused write: %+v %v", rep, err)
		}
	}
}

// testCreateAll: a bulk create (qantar.CreateAll, the store's own fast path
// where it has one) is exactly a Create of each record in order that stops
// at the first refused: same ids without gaps, same stored JSON, versions,
// log leaves and search entries, and nothing of the refused record or of
// those after it.
func testCreateAll(t *testing.T, s Store) {
	place := &qantar.Place{Name: qantar.Text{"en": "Synthetic town"}, PlaceKind: "city"}
	mustCreate(t, s, place)
	taken := person("Занятый Ключ")
	taken.ExternalKey = "taken"
	mustCreate(t, s, taken)
	first := bulkRecords(150, "A", place.ID)  // more than one chunk, with a tail
	second := bulkRecords(100, "B", place.ID) // refused at a taken key
	second[70].GetMeta().ExternalKey = "taken"
	third := bulkRecords(30, "C", place.ID) // refused by validation
	third[10].(*qantar.Person).Names = nil
	missing := bulkRecords(5, "D", place.ID) // refused: a reference to nothing
	missing[2].(*qantar.Person).BirthPlace = 999
	if err := s.InTx(ctx(), func(w qantar.Writer) error { return createBatches(w, first, second, third, missing) }); err != nil {
		t.Fatal(err)
	}
	var written []qantar.Record
	written = append(written, first...)
	written = append(written, second[:70]...)
	written = append(written, third[:10]...)
	written = append(written, missing[:2]...)
	for _, rec := range append(append(second[70:], third[10:]...), missing[2:]...) {
		if rec.GetMeta().ID != 0 {
			t.Fatalf("a record not written has id %d", rec.GetMeta().ID)
		}
	}
	checkCreatedInOrder(t, s, written)
	if v, ok := s.(interface {
		Verify(context.Context) (*qantar.VerifyReport, error)
	}); ok {
		rep, err := v.Verify(ctx())
		if err != nil || !rep.OK() || rep.Leaves != uint64(len(written)+2) {
			t.Fatalf("verify after bulk creates: %+v %v", rep, err)
		}
	}
	checkBulkSearch(t, s, first)
}

// bulkRecords are n synthetic persons born in place (every seventh
// confidential), with an event now and then, keyed by prefix.
func bulkRecords(n int, prefix string, place int64) []qantar.Record {
	var out []qantar.Record
	for i := range n {
		p := person(fmt.Sprintf("%s Синтетикалық Адам%d", prefix, i))
		p.ExternalKey = fmt.Sprintf("%s-%d", prefix, i)
		p.BirthPlace = place
		if i%7 == 3 {
			p.Protection = qantar.Confidential
		}
		out = append(out, p)
		if i%50 == 10 {
			out = append(out, &qantar.Event{Title: qantar.Text{"en": fmt.Sprintf("Synthetic event %s %d", prefix, i)},
				Start: qantar.MustDate("2022-01-05"), PlaceID: place})
		}
	}
	return out
}

// createBatches creates the four batches of testCreateAll, each stopping
// where it must.
func createBatches(w qantar.Writer, first, second, third, missing []qantar.Record) error {
	if n, err := qantar.CreateAll(ctx(), w, editor, first); n != len(first) || err != nil {
		return fmt.Errorf("first batch: %d of %d, %v", n, len(first), err)
	}
	n, err := qantar.CreateAll(ctx(), w, editor, second)
	if n != 70 || qantar.ErrorCode(err) != qantar.ECONFLICT || qantar.ErrorField(err) != "external_key" {
		return fmt.Errorf("taken key: %d created, %v", n, err)
	}
	n, err = qantar.CreateAll(ctx(), w, editor, third)
	if n != 10 || qantar.ErrorCode(err) != qantar.EINVALID {
		return fmt.Errorf("invalid record: %d created, %v", n, err)
	}
	n, err = qantar.CreateAll(ctx(), w, editor, missing)
	if n != 2 || qantar.ErrorField(err) != "birth_place_id" {
		return fmt.Errorf("missing reference: %d created, %v", n, err)
	}
	return nil
}

// checkCreatedInOrder: the records written have ids without gaps, their
// stored JSON, one version each with its own leaf, and the counts.
func checkCreatedInOrder(t *testing.T, s Store, written []qantar.Record) {
	t.Helper()
	next := map[qantar.Kind]int64{qantar.KindPerson: 1, qantar.KindEvent: 0}
	leaves := map[int64]bool{}
	for _, rec := range written {
		m := rec.GetMeta()
		if next[rec.Kind()]++; m.ID != next[rec.Kind()] || m.Version != 1 || m.CreatedAt.IsZero() {
			t.Fatalf("%s meta %+v, want id %d version 1", rec.Kind(), *m, next[rec.Kind()])
		}
		got, err := s.Get(ctx(), rec.Kind(), m.ID)
		if err != nil {
			t.Fatal(err)
		}
		a, _ := json.Marshal(rec)
		b, _ := json.Marshal(got)
		if string(a) != string(b) {
			t.Fatalf("stored\n%s\nwant\n%s", b, a)
		}
		h, err := s.History(ctx(), rec.Kind(), m.ID)
		if err != nil || len(h) != 1 || h[0].Op != qantar.OpCreate || h[0].LeafIndex == nil || h[0].Actor != editor.ID {
			t.Fatalf("history of %s/%d: %+v %v", rec.Kind(), m.ID, h, err)
		}
		canonical, _ := qantar.Canonical(rec)
		if string(h[0].Data) != string(canonical) {
			t.Fatalf("version data\n%s\nwant\n%s", h[0].Data, canonical)
		}
		if leaves[*h[0].LeafIndex] {
			t.Fatalf("leaf %d used twice", *h[0].LeafIndex)
		}
		leaves[*h[0].LeafIndex] = true
	}
	counts, _ := s.Count(ctx())
	if counts[qantar.KindPerson] != int(next[qantar.KindPerson]) || counts[qantar.KindEvent] != int(next[qantar.KindEvent]) {
		t.Fatalf("counts %v, want %v", counts, next)
	}
}

// checkBulkSearch: the records of a bulk create are searchable, a
// confidential one only by those who may see it.
func checkBulkSearch(t *testing.T, s Store, first []qantar.Record) {
	t.Helper()
	res, err := s.Search(ctx(), qantar.SearchQuery{Q: "Адам149", Reader: editor})
	if err != nil || len(res) == 0 || res[0].ID != first[len(first)-1].GetMeta().ID {
		t.Fatalf("search for the last of a bulk create: %+v %v", res, err)
	}
	hidden := first[3].GetMeta().ID // confidential
	found := func(reader qantar.Actor) bool {
		res, err := s.Search(ctx(), qantar.SearchQuery{Q: "A Адам3", Reader: reader})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range res {
			if r.Kind == qantar.KindPerson && r.ID == hidden {
				return true
			}
		}
		return false
	}
	if found(qantar.Anonymous) || !found(editor) {
		t.Fatalf("a confidential person of a bulk create: found by an anonymous reader %v, by an editor %v", found(qantar.Anonymous), found(editor))
	}
}

// testExternalKeys: the batch lookup of external keys (the store's own, or
// the fallback) finds exactly the live records with those keys.
func testExternalKeys(t *testing.T, s Store) {
	var recs []*qantar.Person
	for i := range 3 {
		p := person(fmt.Sprintf("Ключевой %d", i))
		p.ExternalKey = fmt.Sprintf("k%d", i)
		mustCreate(t, s, p)
		recs = append(recs, p)
	}
	if err := s.Delete(ctx(), editor, qantar.KindPerson, recs[1].ID, 1, "synthetic: entered twice"); err != nil {
		t.Fatal(err)
	}
	err := s.InTx(ctx(), func(w qantar.Writer) error {
		keys := []string{"k0", "k1", "k2", "nope", "k0", "'; DROP TABLE records; --"}
		got, err := qantar.GetByExternalKeys(ctx(), w, qantar.KindPerson, keys)
		if err != nil {
			return err
		}
		if len(got) != 2 || got["k0"] == nil || got["k2"] == nil {
			return fmt.Errorf("found %v, want k0 and k2", got)
		}
		for _, i := range []int{0, 2} {
			a, _ := json.Marshal(recs[i])
			b, _ := json.Marshal(got[recs[i].ExternalKey])
			if string(a) != string(b) {
				return fmt.Errorf("found\n%s\nwant\n%s", b, a)
			}
		}
		if none, err := qantar.GetByExternalKeys(ctx(), w, qantar.KindEvent, keys); err != nil || len(none) != 0 {
			return fmt.Errorf("events by the persons' keys: %v %v", none, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
