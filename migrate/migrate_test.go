package migrate

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
)

type fakeTarget struct {
	applied map[int]bool
	ran     []string
	fail    string
}

func (f *fakeTarget) Applied(context.Context) (map[int]bool, error) { return f.applied, nil }

func (f *fakeTarget) Apply(_ context.Context, m Migration) error {
	if m.Name == f.fail {
		return errors.New("boom")
	}
	f.ran = append(f.ran, m.Name)
	f.applied[m.Version] = true
	return nil
}

func TestRunAppliesWhatIsMissingInOrder(t *testing.T) {
	fsys := fstest.MapFS{
		"m/010_ten.sql": {Data: []byte("ten")},
		"m/002_two.sql": {Data: []byte("two")},
		"m/001_one.sql": {Data: []byte("one")},
		"m/notes.txt":   {Data: []byte("not a migration")},
	}
	ms, err := Load(fsys, "m")
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 3 || ms[0].Version != 1 || ms[2].Version != 10 || ms[1].SQL != "two" {
		t.Fatalf("loaded %+v", ms)
	}
	tg := &fakeTarget{applied: map[int]bool{2: true}}
	if got := Missing(ms, tg.applied); !reflect.DeepEqual(got, []string{"1", "10"}) {
		t.Fatalf("missing = %v", got)
	}
	if err := Run(context.Background(), ms, tg); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(tg.ran, []string{"001_one.sql", "010_ten.sql"}) {
		t.Fatalf("ran %v", tg.ran)
	}
	if got := Missing(ms, tg.applied); got != nil {
		t.Fatalf("missing after run = %v", got)
	}
	tg = &fakeTarget{applied: map[int]bool{}, fail: "002_two.sql"}
	if err := Run(context.Background(), ms, tg); err == nil || !strings.Contains(err.Error(), "migration 002_two.sql") {
		t.Fatalf("err = %v", err)
	}
	if !reflect.DeepEqual(tg.ran, []string{"001_one.sql"}) {
		t.Fatalf("ran past a failure: %v", tg.ran)
	}
}

func TestLoadRefusesUnnumbered(t *testing.T) {
	if _, err := Load(fstest.MapFS{"m/init.sql": {}}, "m"); err == nil {
		t.Fatal("a migration without a number was loaded")
	}
}
