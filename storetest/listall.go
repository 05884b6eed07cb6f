package storetest

import (
	"fmt"
	"testing"

	"github.com/qantar-project/qantar"
)

// testListAll: reading a whole kind after the last id (qantar.ListAll,
// Filter.After) gives what paging by offset gives, filtered, as the reader
// sees it, across more than one page.
func testListAll(t *testing.T, s Store) {
	var recs []qantar.Record
	for i := range qantar.MaxLimit + 230 {
		p := person(fmt.Sprintf("Синтетикалық Тізім Адамы %d", i))
		p.Sex = []string{"male", "female"}[i%2]
		if i%9 == 4 {
			p.Protection = qantar.Confidential
		}
		recs = append(recs, p)
	}
	if _, err := qantar.CreateAll(ctx(), s, editor, recs); err != nil {
		t.Fatal(err)
	}
	for _, f := range []qantar.Filter{
		{Reader: qantar.System},
		{Reader: qantar.Anonymous},
		{Reader: qantar.System, Where: map[string]string{"sex": "female"}},
	} {
		all, err := qantar.ListAll(ctx(), s, qantar.KindPerson, f)
		if err != nil {
			t.Fatal(err)
		}
		var paged []qantar.Record
		for off := 0; ; off += qantar.MaxLimit {
			g := f
			g.Sort, g.Limit, g.Offset = "id", qantar.MaxLimit, off
			page, total, err := s.List(ctx(), qantar.KindPerson, g)
			if err != nil {
				t.Fatal(err)
			}
			paged = append(paged, page...)
			if off+len(page) >= total {
				break
			}
		}
		if len(all) != len(paged) || len(all) < qantar.MaxLimit/2 {
			t.Fatalf("%+v: ListAll %d records, offset paging %d", f.Where, len(all), len(paged))
		}
		for i := range all {
			a, _ := qantar.Canonical(all[i])
			b, _ := qantar.Canonical(paged[i])
			if string(a) != string(b) {
				t.Fatalf("%+v: record %d differs:\n%s\n%s", f.Where, i, a, b)
			}
		}
	}
	if _, total, err := s.List(ctx(), qantar.KindPerson, qantar.Filter{After: 1, Reader: qantar.System}); err != nil || total != -1 {
		t.Fatalf("a list after an id counts %d (want -1, not counted): %v", total, err)
	}
}
