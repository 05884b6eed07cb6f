package linkage

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/qantar-project/qantar/names"
)

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"19850105", "05.01.1985", "1985-01", "1985--", "5 января 1985", "~1985", "01.16.1985", "около 1985", "T", "--", "9999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, ok := parseDate(s)
		if !ok && p.known() {
			t.Fatalf("parseDate(%q) = %v but not ok", s, p)
		}
		if p.m < 0 || p.m > 12 || p.d < 0 || p.d > 31 || p.y != 0 && (p.y < 1000 || p.y > 2200) {
			t.Fatalf("parseDate(%q) = %v: out of range", s, p)
		}
		if l := compareDate(p, p); p.full() && l != dateExact {
			t.Fatalf("a full date %v does not agree exactly with itself: %d", p, l)
		}
	})
}

func FuzzNameKey(f *testing.F) {
	for _, s := range []string{"Абдуллаев Нурлан", "Jūmabaeva", "O'Brien", "  ", "ЁЁЁ", "\xff\xfe", "İstanbul", "Иванов А.Б.", "Ж. Жанар Zh.", "A. B."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k := names.Key(s)
		if strings.Contains(k, "  ") || strings.TrimSpace(k) != k {
			t.Fatalf("Key(%q) = %q: stray spaces", s, k)
		}
		if utf8.ValidString(s) && !utf8.ValidString(k) {
			t.Fatalf("Key(%q) = %q: not UTF-8", s, k)
		}
		c := &nameCmp{key: names.Key}
		c.prepare([]string{s, s})
		want := nameExact
		if c.initialed != nil && c.initialed[0] {
			// A name with initials agrees with itself as far as initials
			// can say, and no further; with no full word, hardly at all.
			want = nameInitials
			if countFull(c.parts[0]) == 0 || len(c.parts[0]) > 64 {
				want = nameWeak
			}
		}
		if l := c.compare(0, 1); k != "" && l != want {
			t.Fatalf("%q does not agree with itself at level %d: %d", s, want, l)
		}
	})
}

// FuzzReadCSV: any input is read or refused with an InputError; never a
// panic. What is read links without error.
func FuzzReadCSV(f *testing.F) {
	f.Add("id,name,born\n1,Нурлан,1985\n2,Nurlan,1985-01-05\n")
	f.Add("id,name,born\n1,a\n")
	f.Add("id,name,born\n1,\"a,b\",1\n1,c,2\n")
	f.Add("\ufeffid,name,born\r\n1,x,y\r\n")
	f.Add("")
	f.Fuzz(func(t *testing.T, in string) {
		d, err := NewDataset([]Field{{Name, "name"}, {Date, "born"}})
		if err != nil {
			t.Fatal(err)
		}
		if err := d.ReadCSV("fuzz.csv", strings.NewReader(in), "id"); err != nil {
			if _, ok := err.(*InputError); !ok {
				t.Fatalf("error %v (%T) is not an InputError", err, err)
			}
			return
		}
		if d.Len() > 200 {
			return
		}
		if _, err := Link(context.Background(), d, Options{Workers: 1}); err != nil {
			t.Fatalf("Link: %v", err)
		}
	})
}
