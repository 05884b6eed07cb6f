package storetest

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"testing"

	"github.com/qantar-project/qantar"
)

// Filters on a field are read from an index of what each reader class
// sees (record_fields, storekit/fields.go), not from the JSON of every
// record. These tests hold them to what the JSON of the reader's
// projection gives.

// filterIDs lists kind filtered by where as reader sees it: the ids of the
// page and the total.
func filterIDs(t *testing.T, s Store, kind qantar.Kind, reader qantar.Actor, where map[string]string, withDeleted bool) ([]int64, int) {
	t.Helper()
	recs, total, err := s.List(ctx(), kind, qantar.Filter{Where: where, Reader: reader, WithDeleted: withDeleted, Limit: qantar.MaxLimit})
	if err != nil {
		t.Fatalf("%s %v as %q: %v", kind, where, reader.Role, err)
	}
	ids := make([]int64, len(recs))
	for i, r := range recs {
		ids[i] = r.GetMeta().ID
	}
	return ids, total
}

// testFieldFilters: a restricted person's sex, or the role of a post about
// them, is not matched or counted for the anonymous reader, is for a viewer
// and an editor, and follows an update of the person, the reprojection of
// the records about them, and a deletion; an act about them keeps its type
// for every reader (qantar.Project keeps what counts it), so it is counted.
func testFieldFilters(t *testing.T, s Store) {
	open := person("Ашық Әйел")
	open.Sex = "female"
	hidden := person("Жасырын Әйел")
	hidden.Sex, hidden.Protection = "female", qantar.Restricted
	hidden.ExternalKey = "synthetic-list:7"
	mustCreate(t, s, open)
	mustCreate(t, s, hidden)
	unit := &qantar.Unit{Name: qantar.Text{"en": "Synthetic unit"}, UnitKind: "police"}
	mustCreate(t, s, unit)
	mustCreate(t, s, &qantar.Post{PersonID: hidden.ID, UnitID: unit.ID, Role: "commander"})
	mustCreate(t, s, &qantar.Act{VictimID: hidden.ID, ActType: "torture", VictimStatus: "injured"})
	openAct := &qantar.Act{VictimID: open.ID, ActType: "torture"}
	mustCreate(t, s, openAct)
	expect := func(step string, kind qantar.Kind, where map[string]string, anon, view, edit int) {
		t.Helper()
		for _, c := range []struct {
			reader qantar.Actor
			want   int
		}{{qantar.Anonymous, anon}, {viewer, view}, {editor, edit}} {
			ids, total := filterIDs(t, s, kind, c.reader, where, false)
			if total != c.want || len(ids) != c.want {
				t.Errorf("%s: %s %v as %q: %d records, total %d; want %d", step, kind, where, c.reader.Role, len(ids), total, c.want)
			}
		}
	}
	female, commander := map[string]string{"sex": "female"}, map[string]string{"role": "commander"}
	torture := map[string]string{"type": "torture"}
	expect("restricted", qantar.KindPerson, female, 1, 2, 2)
	expect("restricted", qantar.KindPost, commander, 0, 1, 1)
	expect("restricted", qantar.KindPerson, map[string]string{"external_key": hidden.ExternalKey}, 0, 1, 1)
	expect("restricted", qantar.KindAct, torture, 2, 2, 2)
	expect("restricted", qantar.KindAct, map[string]string{"type": "torture", "victim_id": itoa(hidden.ID)}, 1, 1, 1)
	expect("restricted", qantar.KindAct, map[string]string{"type": "torture", "victim_status": "injured"}, 1, 1, 1)
	expect("restricted", qantar.KindPost, map[string]string{"role": "commander", "unit_id": itoa(unit.ID)}, 0, 1, 1)

	hidden.Protection = qantar.Public
	mustUpdate(t, s, hidden)
	expect("published", qantar.KindPerson, female, 2, 2, 2)
	expect("published", qantar.KindPost, commander, 1, 1, 1)
	hidden.Sex = "male"
	mustUpdate(t, s, hidden)
	expect("sex changed", qantar.KindPerson, female, 1, 1, 1)
	expect("sex changed", qantar.KindPerson, map[string]string{"sex": "male"}, 1, 1, 1)
	hidden.Protection = qantar.Confidential
	mustUpdate(t, s, hidden)
	expect("confidential", qantar.KindPerson, map[string]string{"sex": "male"}, 0, 0, 1)
	expect("confidential", qantar.KindPost, commander, 0, 0, 1)

	for _, r := range []qantar.Record{openAct, open} {
		if err := s.Delete(ctx(), editor, r.Kind(), r.GetMeta().ID, r.GetMeta().Version, "synthetic test deletion"); err != nil {
			t.Fatal(err)
		}
	}
	expect("deleted", qantar.KindPerson, female, 0, 0, 0)
	expect("deleted", qantar.KindAct, torture, 1, 1, 1)
	if ids, _ := filterIDs(t, s, qantar.KindPerson, editor, female, true); !slices.Equal(ids, []int64{open.ID}) {
		t.Errorf("deleted: persons %v with deleted ones: %v, want [%d]", female, ids, open.ID)
	}
}

func mustUpdate(t *testing.T, s Store, rec qantar.Record) {
	t.Helper()
	if err := s.Update(ctx(), editor, rec); err != nil {
		t.Fatalf("update %s: %v", rec.Kind(), err)
	}
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

// testFieldFiltersAsJSON: for every kind, every filter field and every
// value a record holds (and values typed otherwise: numbers, booleans, a
// value nobody has), each reader gets from the index exactly what the
// JSON of their projection gives (a list with deleted records, of which
// there are none here, matches the JSON), page and total; and paged by
// two, the same records in the same order.
func testFieldFiltersAsJSON(t *testing.T, s Store) {
	buildHidden(t, s, qantar.Restricted)
	src := &qantar.Source{SourceKind: "official_statement", Title: qantar.Text{"en": "Synthetic count"}, Language: "ru"}
	mustCreate(t, s, src)
	for i, official := range []bool{true, false} {
		mustCreate(t, s, &qantar.Figure{Measure: "deaths", Value: int64(10 + i), Official: official,
			ClaimedBy: qantar.Text{"en": "Synthetic claimant"}, AsOf: qantar.MustDate("2022-03"), SourceID: src.ID})
	}
	checked := 0
	for _, kind := range qantar.Kinds {
		for _, field := range qantar.FilterFields[kind] {
			for _, value := range filterValues(t, s, kind, field) {
				for _, reader := range []qantar.Actor{qantar.Anonymous, viewer, editor} {
					where := map[string]string{field: value}
					got, gotTotal := filterIDs(t, s, kind, reader, where, false)
					want, wantTotal := filterIDs(t, s, kind, reader, where, true)
					if !slices.Equal(got, want) || gotTotal != wantTotal {
						t.Errorf("%s %s=%q as %q: %v (total %d), the JSON gives %v (total %d)", kind, field, value, reader.Role, got, gotTotal, want, wantTotal)
					}
					checked += len(want)
					checkPaged(t, s, kind, reader, where, want)
				}
			}
		}
	}
	if checked < 50 {
		t.Fatalf("only %d matches checked: the world is too small to hold the filters to anything", checked)
	}
	if pairs := checkFieldPairs(t, s); pairs < 50 {
		t.Fatalf("only %d matches of two filters checked", pairs)
	}
}

// checkFieldPairs holds filters on two fields at once to the JSON, for
// every two filter fields of every kind, with the values of each of its
// first records as an editor sees them; it returns the matches checked.
func checkFieldPairs(t *testing.T, s Store) int {
	t.Helper()
	checked := 0
	for _, kind := range qantar.Kinds {
		recs, _, err := s.List(ctx(), kind, qantar.Filter{Reader: editor, Limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		fields := qantar.FilterFields[kind]
		for _, r := range recs {
			var m map[string]any
			b, _ := json.Marshal(r)
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatal(err)
			}
			for i, f1 := range fields {
				for _, f2 := range fields[i+1:] {
					v1, ok1 := filterString(m[f1])
					v2, ok2 := filterString(m[f2])
					if !ok1 || !ok2 {
						continue
					}
					for _, reader := range []qantar.Actor{qantar.Anonymous, viewer, editor} {
						where := map[string]string{f1: v1, f2: v2}
						got, gotTotal := filterIDs(t, s, kind, reader, where, false)
						want, wantTotal := filterIDs(t, s, kind, reader, where, true)
						if !slices.Equal(got, want) || gotTotal != wantTotal {
							t.Errorf("%s %v as %q: %v (total %d), the JSON gives %v (total %d)", kind, where, reader.Role, got, gotTotal, want, wantTotal)
						}
						checked += len(want)
					}
				}
			}
		}
	}
	return checked
}

// filterString is a JSON value as a filter names it.
func filterString(v any) (string, bool) {
	switch v := v.(type) {
	case string, bool, float64:
		return fmt.Sprint(v), true
	}
	return "", false
}

// filterValues are the values of field in kind's records, as an editor
// sees them, and values typed otherwise.
func filterValues(t *testing.T, s Store, kind qantar.Kind, field string) []string {
	t.Helper()
	recs, _, err := s.List(ctx(), kind, qantar.Filter{Reader: editor, Limit: qantar.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	values := []string{"1", "0", "true", "false", "", "no-such-value"}
	for _, r := range recs {
		var m map[string]any
		b, _ := json.Marshal(r)
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		switch v := m[field].(type) {
		case string, bool, float64:
			values = append(values, fmt.Sprint(v))
		}
	}
	slices.Sort(values)
	return slices.Compact(values)
}

// checkPaged pages through kind filtered by where two records at a time,
// by id up and down, and wants the records of want, in order, with its
// total on every page; and a total counted up to one (CountLimit) to be
// at most two, "more than one".
func checkPaged(t *testing.T, s Store, kind qantar.Kind, reader qantar.Actor, where map[string]string, want []int64) {
	t.Helper()
	if _, total, err := s.List(ctx(), kind, qantar.Filter{Where: where, Reader: reader, Limit: 1, CountLimit: 1}); err != nil || total != min(len(want), 2) {
		t.Errorf("%s %v as %q counted up to 1: %d, %v; want %d", kind, where, reader.Role, total, err, min(len(want), 2))
	}
	for _, sort := range []string{"id", "-id"} {
		var got []int64
		for off := 0; off <= len(want); off += 2 {
			recs, total, err := s.List(ctx(), kind, qantar.Filter{Where: where, Reader: reader, Limit: 2, Offset: off, Sort: sort})
			if err != nil {
				t.Fatal(err)
			}
			if total != len(want) {
				t.Errorf("%s %v as %q by %s, offset %d: total %d, want %d", kind, where, reader.Role, sort, off, total, len(want))
				return
			}
			for _, r := range recs {
				got = append(got, r.GetMeta().ID)
			}
		}
		if sort == "-id" {
			slices.Reverse(got)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s %v as %q paged by two by %s: %v, want %v", kind, where, reader.Role, sort, got, want)
		}
	}
}
