package tlog_test

import (
	"strings"
	"testing"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/tlog"
)

func TestCheckVersionAndCurrent(t *testing.T) {
	at := time.Date(2024, 2, 1, 10, 0, 0, 123000, time.UTC)
	data := []byte(`{"id":3,"version":2,"names":[{"value":"x"}]}`)
	l := tlog.Leaf{Index: 7, Time: at, Actor: "token:1", Kind: qantar.KindPerson, ID: 3, Version: 2, Op: qantar.OpUpdate,
		Commitment: tlog.Commit(data, nil)}
	good := tlog.StoredVersion{Kind: qantar.KindPerson, ID: 3, Version: 2, Op: qantar.OpUpdate, Actor: "token:1", At: at, Data: data}
	if p := tlog.CheckVersion(l, &good); p != "" {
		t.Fatalf("a matching version: %s", p)
	}
	for name, mutate := range map[string]func(v *tlog.StoredVersion){
		"content": func(v *tlog.StoredVersion) { v.Data = []byte(`{"id":3,"version":2,"names":[{"value":"y"}]}`) },
		"actor":   func(v *tlog.StoredVersion) { v.Actor = "system" },
		"time":    func(v *tlog.StoredVersion) { v.At = at.Add(time.Second) },
		"id":      func(v *tlog.StoredVersion) { v.ID = 4 },
	} {
		v := good
		mutate(&v)
		if p := tlog.CheckVersion(l, &v); !strings.Contains(p, "persons/3") {
			t.Errorf("%s changed: %q", name, p)
		}
	}
	if p := tlog.CheckVersion(l, nil); !strings.Contains(p, "missing") {
		t.Errorf("missing version: %q", p)
	}
	cur := tlog.CurrentRecord{Kind: qantar.KindPerson, ID: 3, Version: 2, Data: data, Logged: data, LoggedOp: qantar.OpUpdate, MaxVersion: 2,
		Protection: qantar.Protection(&qantar.Person{})}
	if ps := tlog.CheckCurrent(cur); len(ps) != 0 {
		t.Fatalf("a matching record: %v", ps)
	}
	cur.Deleted, cur.MaxVersion = true, 3
	if ps := tlog.CheckCurrent(cur); len(ps) != 2 {
		t.Fatalf("deleted and behind: %v", ps)
	}
}

// A v2 leaf commits to a deletion's reason and a salt: changing either in
// the store is named; and a protection column that disagrees with the
// content is named.
func TestCheckVersionV2ReasonAndProtection(t *testing.T) {
	at := time.Date(2024, 2, 1, 10, 0, 0, 0, time.UTC)
	data := []byte(`{"id":3,"version":3,"names":[{"value":"x"}],"protection":"confidential"}`)
	salt := tlog.NewSalt()
	l := tlog.Leaf{Format: tlog.LeafV2, Index: 9, Time: at, Actor: "user:1", Kind: qantar.KindPerson, ID: 3, Version: 3, Op: qantar.OpDelete,
		Salted: true, Commitment: tlog.CommitV2(data, "entered twice", salt)}
	good := tlog.StoredVersion{Kind: qantar.KindPerson, ID: 3, Version: 3, Op: qantar.OpDelete, Actor: "user:1", At: at, Data: data,
		Reason: "entered twice", Salt: salt}
	if p := tlog.CheckVersion(l, &good); p != "" {
		t.Fatalf("a matching version: %s", p)
	}
	for name, mutate := range map[string]func(v *tlog.StoredVersion){
		"reason":    func(v *tlog.StoredVersion) { v.Reason = "asked by the family" },
		"no reason": func(v *tlog.StoredVersion) { v.Reason = "" },
		"salt":      func(v *tlog.StoredVersion) { v.Salt = tlog.NewSalt() },
		"no salt":   func(v *tlog.StoredVersion) { v.Salt = nil },
		"content":   func(v *tlog.StoredVersion) { v.Data = []byte(`{"id":3,"version":3,"names":[{"value":"x"}]}`) },
	} {
		v := good
		mutate(&v)
		if p := tlog.CheckVersion(l, &v); !strings.Contains(p, "persons/3 version 3") {
			t.Errorf("%s changed: %q", name, p)
		}
	}
	cur := tlog.CurrentRecord{Kind: qantar.KindPerson, ID: 3, Version: 3, Deleted: true, Data: data, Logged: data,
		LoggedOp: qantar.OpDelete, MaxVersion: 3, Protection: qantar.Confidential}
	if ps := tlog.CheckCurrent(cur); len(ps) != 0 {
		t.Fatalf("a matching record: %v", ps)
	}
	cur.Protection = qantar.Public
	if ps := tlog.CheckCurrent(cur); len(ps) != 1 || !strings.Contains(ps[0].Error(), "protection") {
		t.Fatalf("protection column changed: %v", ps)
	}
}

// A v3 leaf shows the writer's class and commits to the actor id: a
// stored actor changed to another account (same class) or to the system
// (another class) is named, and so are the reason, salt and content.
func TestCheckVersionV3Actor(t *testing.T) {
	at := time.Date(2024, 2, 1, 10, 0, 0, 0, time.UTC)
	data := []byte(`{"id":3,"version":3,"names":[{"value":"x"}]}`)
	salt := tlog.NewSalt()
	l := tlog.Leaf{Format: tlog.LeafV3, Index: 9, Time: at, Actor: tlog.ClassEditor, Kind: qantar.KindPerson, ID: 3, Version: 3, Op: qantar.OpDelete,
		Salted: true, Commitment: tlog.CommitV3(data, "entered twice", "user:1", salt)}
	good := tlog.StoredVersion{Kind: qantar.KindPerson, ID: 3, Version: 3, Op: qantar.OpDelete, Actor: "user:1", At: at, Data: data,
		Reason: "entered twice", Salt: salt}
	if p := tlog.CheckVersion(l, &good); p != "" {
		t.Fatalf("a matching version: %s", p)
	}
	for name, c := range map[string]struct {
		mutate func(v *tlog.StoredVersion)
		want   string
	}{
		"other account": {func(v *tlog.StoredVersion) { v.Actor = "user:2" }, "content, deletion reason or actor does not match"},
		"token":         {func(v *tlog.StoredVersion) { v.Actor = "token:1" }, "content, deletion reason or actor does not match"},
		"system":        {func(v *tlog.StoredVersion) { v.Actor = "system" }, "operation or actor was changed"},
		"reason":        {func(v *tlog.StoredVersion) { v.Reason = "asked by the family" }, "deletion reason"},
		"salt":          {func(v *tlog.StoredVersion) { v.Salt = tlog.NewSalt() }, "does not match"},
		"content":       {func(v *tlog.StoredVersion) { v.Data = []byte(`{"id":3,"version":3}`) }, "does not match"},
	} {
		v := good
		c.mutate(&v)
		if p := tlog.CheckVersion(l, &v); !strings.Contains(p, "persons/3 version 3") || !strings.Contains(p, c.want) {
			t.Errorf("%s changed: %q", name, p)
		}
	}
}
