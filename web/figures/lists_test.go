package figures

import (
	"context"
	"encoding/json"
	"sync/atomic"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/internal/testworld"
	"github.com/qantar-project/qantar/lists"
	"github.com/qantar-project/qantar/sqlite"
)

// listCounter counts the list pages read from its store.
type listCounter struct {
	*sqlite.DB
	pages *atomic.Int64
}

func (c listCounter) List(ctx context.Context, k qantar.Kind, f qantar.Filter) ([]qantar.Record, int, error) {
	c.pages.Add(1)
	return c.DB.List(ctx, k, f)
}

// Who is on which list, read a page at a time and kept per log state and
// class of reader, is what every record read whole as that reader sees it
// gives (the path before), for each class, over a SYNTHETIC collection
// with merges across protection levels; it is read once while the log
// does not grow, and a person restricted afterwards is no longer named to
// an anonymous reader.
func TestMembershipAsWhole(t *testing.T) {
	ctx := context.Background()
	db := testworld.SQLite(t, testworld.Options{})
	addFullSynthetic(t, db, 300)
	var pages atomic.Int64
	f := New(listCounter{db, &pages}, nil, nil, nil, nil)
	readers := []qantar.Actor{qantar.Anonymous, {ID: "u:2", Role: qantar.RoleViewer}, {ID: "u:1", Role: qantar.RoleAdmin}}
	for _, reader := range readers {
		sameMembership(t, f, reader)
	}
	read := pages.Load()
	for _, reader := range readers {
		if _, err := f.Membership(ctx, reader); err != nil {
			t.Fatal(err)
		}
	}
	if again := pages.Load() - read; again != 0 {
		t.Errorf("asked again at the same log state, %d list pages were read", again)
	}
	m, err := f.Membership(ctx, qantar.Anonymous)
	if err != nil {
		t.Fatal(err)
	}
	named := namedOn(m)
	if named == nil {
		t.Fatal("no one is named on the lists")
	}
	p, err := db.Get(ctx, qantar.KindPerson, named.PersonID)
	if err != nil {
		t.Fatal(err)
	}
	person := p.(*qantar.Person)
	person.Protection = qantar.Restricted
	if err := db.Update(ctx, qantar.System, person); err != nil {
		t.Fatal(err)
	}
	after, err := f.Membership(ctx, qantar.Anonymous)
	if err != nil {
		t.Fatal(err)
	}
	if e := namedOn(after); e != nil && e.PersonID == named.PersonID {
		t.Fatalf("person %d, restricted, is still named to an anonymous reader", named.PersonID)
	}
	sameMembership(t, f, qantar.Anonymous)
}

// sameMembership fails unless f's membership for reader answers every
// comparison as lists.Load over every record read whole as reader sees it.
func sameMembership(t *testing.T, f *Figures, reader qantar.Actor) {
	t.Helper()
	ctx := context.Background()
	got, err := f.Membership(ctx, reader)
	if err != nil {
		t.Fatal(err)
	}
	want, err := wholeMembership(ctx, f, reader)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Lists) != len(want.Lists) || got.Distinct() != want.Distinct() {
		t.Fatalf("%s: %d lists, %d people; want %d, %d", reader.Role, len(got.Lists), got.Distinct(), len(want.Lists), want.Distinct())
	}
	for _, a := range want.Lists {
		for _, b := range want.Lists {
			g, _ := json.Marshal(got.Compare(a.ID, b.ID))
			w, _ := json.Marshal(want.Compare(a.ID, b.ID))
			if string(g) != string(w) {
				t.Fatalf("%s: lists %d and %d:\n%s\nwant\n%s", reader.Role, a.ID, b.ID, g, w)
			}
		}
	}
}

// wholeMembership is who is on which list from every source, citation,
// person and act read whole as reader sees them: how Membership answered
// every request before it kept its answers.
func wholeMembership(ctx context.Context, f *Figures, reader qantar.Actor) (*lists.Membership, error) {
	return membershipFrom(ctx, func(ctx context.Context, kind qantar.Kind) ([]qantar.Record, error) {
		return f.LoadAll(ctx, kind, reader)
	})
}

// namedOn is the first person named as only on the first list and not on
// the second, nil when none.
func namedOn(m *lists.Membership) *lists.Entry {
	if len(m.Lists) < 2 {
		return nil
	}
	c := m.Compare(m.Lists[0].ID, m.Lists[1].ID)
	if len(c.OnlyA.Named) == 0 {
		return nil
	}
	return &c.OnlyA.Named[0]
}

// BenchmarkMembership compares, over a SYNTHETIC collection, who is on
// which list computed as before (every source, citation, person and act
// read whole as the reader sees them, for each request: "whole"), computed
// a page at a time keeping only what the answer needs ("first": the first
// request at a log state), and asked again at the same state ("kept").
func BenchmarkMembership(b *testing.B) {
	n := testworld.EnvInt(b, "QANTAR_BENCH_ROWS", 20_000, 10)
	ctx := context.Background()
	db := testworld.SQLite(b, testworld.Options{})
	addFullSynthetic(b, db, n)
	b.Run("whole", func(b *testing.B) {
		f := New(db, nil, nil, nil, nil)
		for b.Loop() {
			if m, err := wholeMembership(ctx, f, qantar.Anonymous); err != nil || m.Distinct() == 0 {
				b.Fatal(err)
			}
		}
	})
	b.Run("first", func(b *testing.B) {
		for b.Loop() {
			if m, err := New(db, nil, nil, nil, nil).Membership(ctx, qantar.Anonymous); err != nil || m.Distinct() == 0 {
				b.Fatal(err)
			}
		}
	})
	b.Run("kept", func(b *testing.B) {
		f := New(db, nil, nil, nil, nil)
		if _, err := f.Membership(ctx, qantar.Anonymous); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if m, err := f.Membership(ctx, qantar.Anonymous); err != nil || len(m.Lists) == 0 {
				b.Fatal(err)
			}
		}
	})
}
