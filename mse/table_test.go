package mse

import (
	"strings"
	"testing"
)

func TestReadCSV(t *testing.T) {
	for _, c := range []struct {
		name, in string
		strata   []string
		want     []string // each stratum's key, then its table as String()
	}{
		{"OverlapTable", "A,B,count\n1,1,5\n1,0,7\n0,1,3\n", nil,
			[]string{"", "A,B,count\n1,1,5\n1,0,7\n0,1,3\n"}},
		{"CountColumnFirstAndRepeats", "count,A,B\n2,1,1\n3,1,1\n4,0,1\n", nil,
			[]string{"", "A,B,count\n1,1,5\n0,1,4\n"}},
		{"LinkedRecords", "A,B\n1,0\n1,1\n1,0\n0,1\n", nil,
			[]string{"", "A,B,count\n1,1,1\n1,0,2\n0,1,1\n"}},
		{"Strata", "city,A,B\nAlmaty,1,0\nTaraz,1,1\nAlmaty,1,1\nAlmaty,0,1\n", []string{"city"},
			[]string{"Almaty", "A,B,count\n1,1,1\n1,0,1\n0,1,1\n", "Taraz", "A,B,count\n1,1,1\n"}},
		{"BOMAndSpaces", "\ufeffA, B ,count\n 1 ,0, 4\n0,1,2\n1,1,1\n", nil,
			[]string{"", "A,B,count\n1,1,1\n1,0,4\n0,1,2\n"}},
		{"ZeroRowKept", "A,B,count\n1,1,0\n1,0,3\n0,1,2\n0,0,0\n", nil,
			[]string{"", "A,B,count\n1,0,3\n0,1,2\n"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			strata, err := ReadCSV(strings.NewReader(c.in), c.strata)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, s := range strata {
				got = append(got, s.Key, s.Table.String())
			}
			if strings.Join(got, "|") != strings.Join(c.want, "|") {
				t.Errorf("got %q\nwant %q", got, c.want)
			}
		})
	}
}

func TestReadCSVErrors(t *testing.T) {
	for _, c := range []struct {
		name, in string
		strata   []string
		want     string // in the message
	}{
		{"Empty", "", nil, "empty file"},
		{"NoRows", "A,B,count\n", nil, "no data rows"},
		{"NotBinary", "A,B,count\n1,2,3\n", nil, `line 2, column "B": "2" is not 0 or 1`},
		{"NegativeCount", "A,B,count\n1,0,-3\n", nil, `line 2, column "count": "-3" is not a whole number`},
		{"FractionalCount", "A,B,count\n1,0,2.5\n", nil, `"2.5" is not a whole number`},
		{"OnNoList", "A,B,count\n0,0,4\n", nil, "line 2: a record on none of the lists"},
		{"UnknownStratum", "A,B\n1,0\n", []string{"city"}, `strata column "city" is not in the header`},
		{"DuplicateColumn", "A,A,count\n1,0,1\n", nil, `column name "A" is used by columns 1 and 2`},
		{"WrongColumnCount", "A,B,count\n1,0\n", nil, "line 2: wrong number of columns"},
		{"TextColumnHint", "city,A\nAlmaty,1\n", nil, "name it with --strata"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := ReadCSV(strings.NewReader(c.in), c.strata)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an error containing %q", err, c.want)
			}
			if _, ok := Message(err); !ok {
				t.Errorf("error %v is not an *Error", err)
			}
		})
	}
}

func FuzzReadCSV(f *testing.F) {
	f.Add("A,B,count\n1,1,5\n1,0,7\n0,1,3\n", "")
	f.Add("city,A,B\nAlmaty,1,0\nTaraz,1,1\n", "city")
	f.Add("A,B\n1,0\n0,0\n", "")
	f.Add("\ufeffA,count\n1,99999999999999999999\n", "")
	f.Fuzz(func(t *testing.T, in, stratum string) {
		var strata []string
		if stratum != "" {
			strata = []string{stratum}
		}
		out, err := ReadCSV(strings.NewReader(in), strata)
		if err != nil {
			if _, ok := Message(err); !ok {
				t.Fatalf("error %v is not an invalid-input error", err)
			}
			return
		}
		for _, s := range out {
			for _, c := range s.Table.Cells() {
				if c.Count < 0 || c.Pattern == 0 {
					t.Fatalf("bad cell %+v", c)
				}
			}
			// A table read back from its own CSV is the same table.
			again, err := ReadCSV(strings.NewReader(s.Table.String()), nil)
			if err == nil && again[0].Table.String() != s.Table.String() {
				t.Fatalf("round trip changed the table:\n%s\n%s", s.Table, again[0].Table)
			}
		}
	})
}

func TestNewTableErrors(t *testing.T) {
	for _, c := range []struct {
		name  string
		lists []string
	}{{"DuplicateName", []string{"A", "A"}}, {"EmptyName", []string{"A", " "}}} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := NewTable(c.lists); err == nil {
				t.Error("no error")
			}
		})
	}
	tab, _ := NewTable([]string{"A", "B"})
	if err := tab.Add(1, -1); err == nil {
		t.Error("negative count accepted")
	}
	if err := tab.Add(4, 1); err == nil {
		t.Error("pattern beyond the lists accepted")
	}
	if err := tab.Add(0, 1); err == nil {
		t.Error("a person on no list accepted")
	}
}

func TestParseModel(t *testing.T) {
	lists := []string{"EXH", "ABA", "OSCE", "HRW"}
	for _, c := range []struct{ name, in, want string }{
		{"Numbers", "1:2,2:3", "EXH:ABA,ABA:OSCE"},
		{"Names", "EXH:ABA, OSCE:HRW", "EXH:ABA,OSCE:HRW"},
		{"Mixed", "EXH:2", "EXH:ABA"},
		{"Main", "main", "main effects"},
		{"Empty", "", "main effects"},
		{"MainEffectsIgnored", "1,2:3", "ABA:OSCE"},
		{"Brackets", "[1:2,1:3]", "EXH:ABA,EXH:OSCE"},
		{"Hierarchy", "1:2:3,1:2", "EXH:ABA:OSCE"},
	} {
		t.Run(c.name, func(t *testing.T) {
			m, err := ParseModel(c.in, lists)
			if err != nil {
				t.Fatal(err)
			}
			if got := m.Name(lists); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
			back, err := ParseModel(m.Numbers(), lists)
			if err != nil || back.Name(lists) != m.Name(lists) {
				t.Errorf("Numbers %q does not parse back: %v", m.Numbers(), err)
			}
		})
	}
	for _, c := range []struct{ name, in, want string }{
		{"UnknownName", "EXH:UN", `no list is named "UN"`},
		{"NoSuchNumber", "1:5", "there is no list 5; the table has 4 lists"},
		{"Zero", "0:1", "there is no list 0"},
		{"Twice", "1:1", "names list EXH twice"},
		{"AllLists", "1:2:3:4", "cannot be estimated"},
		{"EmptyTerm", "1:2,,2:3", "empty term"},
	} {
		t.Run("Err"+c.name, func(t *testing.T) {
			_, err := ParseModel(c.in, lists)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %v, want an error containing %q", err, c.want)
			}
		})
	}
}

func FuzzParseModel(f *testing.F) {
	for _, s := range []string{"1:2,2:3", "EXH:ABA", "main", "[1:2]", "1:2:3", ",", "9:1"} {
		f.Add(s)
	}
	lists := []string{"EXH", "ABA", "OSCE", "HRW"}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseModel(s, lists)
		if err != nil {
			return
		}
		if m.Order() >= len(lists) {
			t.Fatalf("%q: accepted a model of order %d", s, m.Order())
		}
		back, err := ParseModel(m.Numbers(), lists)
		if err != nil || back.Numbers() != m.Numbers() {
			t.Fatalf("%q: %q does not parse back (%v)", s, m.Numbers(), err)
		}
	})
}

func TestTwoList(t *testing.T) {
	tab := tableOf(t, "A,B", "11 20", "10 80", "01 60")
	lp, err := LincolnPetersen(tab, 0)
	if err != nil {
		t.Fatal(err)
	}
	if lp.Estimate != 400 {
		t.Errorf("Lincoln–Petersen %v, want 100·80/20 = 400", lp.Estimate)
	}
	ch, err := Chapman(tab, 0)
	if err != nil {
		t.Fatal(err)
	}
	if want := 101.0*81/21 - 1; !near(ch.Estimate, want, 1e-12) {
		t.Errorf("Chapman %v, want %v", ch.Estimate, want)
	}
	for _, e := range []*Estimate{lp, ch} {
		if !(float64(tab.Observed()) <= e.Lower && e.Lower < e.Estimate && e.Estimate < e.Upper) {
			t.Errorf("%s interval [%v, %v] around %v", e.Method, e.Lower, e.Upper, e.Estimate)
		}
	}
	wider, _ := Chapman(tab, 0.99)
	if !(wider.Lower < ch.Lower && wider.Upper > ch.Upper) {
		t.Errorf("99%% interval [%v, %v] not wider than 95%% [%v, %v]", wider.Lower, wider.Upper, ch.Lower, ch.Upper)
	}
	for _, c := range []struct {
		name string
		tab  *Table
		want string
	}{
		{"ThreeLists", tableOf(t, "A,B,C", "110 1", "100 2", "010 3", "001 4"), "exactly two lists"},
		{"NoOverlap", tableOf(t, "A,B", "10 5", "01 7"), "never overlap"},
		{"AllInOneList", tableOf(t, "A,B", "10 5"), "list B records nobody"},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, f := range []func(*Table, float64) (*Estimate, error){LincolnPetersen, Chapman} {
				_, err := f(c.tab, 0)
				if err == nil || !strings.Contains(err.Error(), c.want) {
					t.Errorf("got %v, want %q", err, c.want)
				}
			}
		})
	}
}
