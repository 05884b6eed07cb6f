package qantar_test

import (
	"testing"

	"github.com/qantar-project/qantar"
)

func TestGlobalKey(t *testing.T) {
	k := qantar.GlobalKey("qantar.example.org/log", qantar.KindPerson, 17)
	if k != "qantar.example.org/log/persons/17" {
		t.Fatalf("key %q", k)
	}
	origin, kind, id, ok := qantar.ParseGlobalKey(k)
	if !ok || origin != "qantar.example.org/log" || kind != qantar.KindPerson || id != 17 {
		t.Fatalf("parsed %q %q %d %v", origin, kind, id, ok)
	}
	for _, not := range []string{"list:azattyq#5", "persons/17", "x/persons/0", "x/victims/3", "x/persons/-1", "x/persons/1a", "/persons/3"} {
		if _, _, _, ok := qantar.ParseGlobalKey(not); ok {
			t.Errorf("%q taken for a global identity", not)
		}
	}
	if o := qantar.OriginOf([]byte("qantar.example.org/log\n17\nabc=\n")); o != "qantar.example.org/log" {
		t.Fatalf("origin %q", o)
	}
}
