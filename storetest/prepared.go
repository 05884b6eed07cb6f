package storetest

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
)

// Prepared holds a store's GetPrepared (qantar.PreparedReader) to
// json.Marshal of Project over what Get returns, for every record of a
// world about persons of every level, for anonymous readers, viewers and
// editors, before and after a person is protected; and to ENOTFOUND for a
// missing or deleted record.
func Prepared(t *testing.T, s Store) {
	st, ok := s.(preparedStore)
	if !ok {
		t.Fatalf("%T does not answer prepared projections (qantar.PreparedReader)", s)
	}
	all, persons := preparedWorld(t, st)
	checkPreparedAll(t, st, all, "written")
	persons[0].Protection = qantar.Confidential
	if err := st.Update(ctx(), editor, persons[0]); err != nil {
		t.Fatal(err)
	}
	checkPreparedAll(t, st, all, "protected")
	if _, err := st.GetPrepared(ctx(), qantar.KindPerson, 999, qantar.Anonymous); qantar.ErrorCode(err) != qantar.ENOTFOUND {
		t.Fatalf("missing: %v", err)
	}
	if err := st.Delete(ctx(), editor, qantar.KindSource, all[0].GetMeta().ID, 1, "synthetic"); err == nil {
		t.Fatal("a cited source was deleted")
	}
	f := all[len(all)-1]
	if err := st.Delete(ctx(), editor, f.Kind(), f.GetMeta().ID, f.GetMeta().Version, "synthetic"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.GetPrepared(ctx(), f.Kind(), f.GetMeta().ID, editor); qantar.ErrorCode(err) != qantar.ENOTFOUND {
		t.Fatalf("deleted: %v", err)
	}
}

type preparedStore interface {
	Store
	qantar.PreparedReader
}

// preparedWorld writes a source (first) and, for persons of each level
// (public, restricted, confidential, none set), the person, an act against
// them, its citation and a file of that level (the last record a file); it
// returns every record written and the persons.
func preparedWorld(t *testing.T, st Store) ([]qantar.Record, []*qantar.Person) {
	t.Helper()
	var all []qantar.Record
	mk := func(r qantar.Record) {
		t.Helper()
		mustCreate(t, st, r)
		all = append(all, r)
	}
	src := &qantar.Source{SourceKind: "news", Title: qantar.Text{"en": "Synthetic source"}}
	mk(src)
	var persons []*qantar.Person
	for i, level := range []string{qantar.Public, qantar.Restricted, qantar.Confidential, ""} {
		p := &qantar.Person{Names: []qantar.Name{{Value: fmt.Sprintf("Синтетический Человек %d", i), Lang: "ru"}}, Protection: level}
		mk(p)
		persons = append(persons, p)
		act := &qantar.Act{VictimID: p.ID, ActType: "torture", Description: qantar.Text{"ru": "описание"}}
		mk(act)
		mk(&qantar.Citation{RecordKind: qantar.KindAct, RecordID: act.ID, SourceID: src.ID, Quote: "цитата"})
		mk(&qantar.File{SourceID: src.ID, SHA256: strings.Repeat(fmt.Sprintf("%02x", i+10), 32), Size: 3,
			MediaType: "text/plain; charset=utf-8", Name: "f.txt", Protection: level})
	}
	return all, persons
}

// checkPreparedAll compares each record's prepared projection with Project
// over its current version, for each class of reader.
func checkPreparedAll(t *testing.T, st preparedStore, all []qantar.Record, stage string) {
	t.Helper()
	for _, r := range all {
		rec, err := st.Get(ctx(), r.Kind(), r.GetMeta().ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, reader := range []qantar.Actor{qantar.Anonymous, viewer, editor} {
			want, _ := json.Marshal(qantar.Project(reader, rec, qantar.StoreResolver(ctx(), st)))
			got, err := st.GetPrepared(ctx(), r.Kind(), r.GetMeta().ID, reader)
			if err != nil || string(got.Data) != string(want) || got.Version != rec.GetMeta().Version || got.Protection != qantar.Protection(rec) {
				t.Errorf("%s: %s/%d as %s: %s %d %s (%v)\nwant %s", stage, r.Kind(), r.GetMeta().ID, reader.Role, got.Data, got.Version, got.Protection, err, want)
			}
		}
	}
}
