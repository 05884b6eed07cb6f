package names

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSplitInitials(t *testing.T) {
	for _, tc := range []struct {
		in       string
		surname  string
		initials []string
		ok       bool
	}{
		{"Иванов А.Б.", "ivanov", []string{"a", "b"}, true},
		{"Иванов А. Б.", "ivanov", []string{"a", "b"}, true},
		{"А.Б. Иванов", "ivanov", []string{"a", "b"}, true},
		{"А.Б.Иванов", "ivanov", []string{"a", "b"}, true},
		{"Ivanov A.", "ivanov", []string{"a"}, true},
		{"IVANOV A B", "ivanov", []string{"a", "b"}, true},
		{"Иванов А.", "ivanov", []string{"a"}, true},
		{"Жумабаев Ж.Қ.", "jumabaev", []string{"j", "k"}, true},
		{"Zhumabaev Zh.K.", "jumabaev", []string{"j", "k"}, true},
		{"Jumabaev J. Q.", "jumabaev", []string{"j", "k"}, true},
		{"Шаяхметов Ш.", "xaahmetov", nil, false}, // checked below by key, not spelled here
		{"Иванов Иван", "", nil, false},
		{"Иванов Иван И.", "", nil, false},
		{"А.Б.", "", nil, false},
		{"Li Zh", "", nil, false}, // Zh without a dot is a word, not an initial
		{"", "", nil, false},
	} {
		got, ok := SplitInitials(tc.in)
		if tc.surname == "xaahmetov" {
			if !ok || got.Surname != Key("Шаяхметов") || !slices.Equal(got.Initials, []string{"x"}) {
				t.Errorf("SplitInitials(%q) = %+v, %v", tc.in, got, ok)
			}
			continue
		}
		if ok != tc.ok || got.Surname != tc.surname || !slices.Equal(got.Initials, tc.initials) {
			t.Errorf("SplitInitials(%q) = %+v, %v; want %q %q, %v", tc.in, got, ok, tc.surname, tc.initials, tc.ok)
		}
	}
}

func TestParseParts(t *testing.T) {
	parts := Parse("Тоқаев Қасым-Жомарт Кемел ұлы")
	var keys []string
	for _, p := range parts {
		if p.Initial {
			t.Errorf("Parse: %+v taken for an initial", p)
		}
		keys = append(keys, p.Key)
	}
	if want := WordKeys("Тоқаев Қасым-Жомарт Кемел ұлы"); !slices.Equal(keys, want) {
		t.Errorf("Parse keys = %q, WordKeys = %q", keys, want)
	}
	parts = Parse("Иванов Иван И.")
	if len(parts) != 3 || parts[0].Initial || parts[1].Initial || !parts[2].Initial {
		t.Errorf("Parse(Иванов Иван И.) = %+v", parts)
	}
}

// TestInitialAgrees: an initial agrees with the words it can stand for, in
// both scripts, and with nothing else.
func TestInitialAgrees(t *testing.T) {
	one := func(s string) Part {
		p := Parse(s)
		if len(p) != 1 {
			t.Fatalf("Parse(%q) = %+v, want one part", s, p)
		}
		return p[0]
	}
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"А.", "Aigul", true},
		{"A.", "Айгүл", true},
		{"Ж.", "Zhanar", true},
		{"Ж.", "Janar", true},
		{"Zh.", "Жанар", true},
		{"J.", "Жанар", true},
		{"J.", "Zh.", true},
		{"Ж.", "J.", true},
		{"Ш.", "Sh.", true},
		{"Ş.", "Шынар", true},
		{"Ч.", "Ch.", true},
		{"Х.", "Kh.", true},
		{"Х.", "Hasan", true},
		{"Ц.", "Ts.", true},
		{"Қ.", "Qairat", true},
		{"Қ.", "K.", true},
		{"Y.", "Ерлан", true},
		{"Y.", "Yerlan", true},
		{"Е.", "Yerlan", true},
		{"Y.", "Е.", true},
		{"Ю.", "Yu.", true},
		{"Y.", "Юлия", true},
		{"Я.", "Ya.", true},
		{"А.", "Борис", false},
		{"Ж.", "Sh.", false},
		{"И.", "Е.", false},
		{"Y.", "Айгүл", false},
		{"Ivan", "Иван", false}, // two full words: keys decide, not initials
	} {
		if got := InitialAgrees(one(tc.a), one(tc.b)); got != tc.want {
			t.Errorf("InitialAgrees(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
		if got := InitialAgrees(one(tc.b), one(tc.a)); got != tc.want {
			t.Errorf("InitialAgrees(%q, %q) = %v, want %v", tc.b, tc.a, got, tc.want)
		}
	}
}

// FuzzParse: no panic; every key non-empty, valid and without spaces; the
// keys of the full words are among WordKeys; an initial's key is short;
// SplitInitials agrees with Parse.
func FuzzParse(f *testing.F) {
	for _, s := range append(fuzzSeeds, "Иванов А.Б.", "Ivanov A.", "А.Б.Иванов", "Zhumabaev Zh.", "Y. Ерлан", "Кемел ұлы Ж.", "..", "A.A.A.A.") {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		parts := Parse(s)
		words := WordKeys(s)
		initials, full := 0, 0
		for _, p := range parts {
			if p.Key == "" || !utf8.ValidString(p.Key) || strings.Contains(p.Key, " ") {
				t.Fatalf("Parse(%q): bad key in %+v", s, p)
			}
			if p.Initial {
				initials++
				if len(p.Key) > 4 {
					t.Fatalf("Parse(%q): initial with a long key %+v", s, p)
				}
				if !InitialAgrees(p, p) {
					t.Fatalf("Parse(%q): initial %+v does not agree with itself", s, p)
				}
			} else {
				full++
			}
		}
		if len(parts) > len(words)+1 {
			t.Fatalf("Parse(%q) = %d parts, WordKeys %d", s, len(parts), len(words))
		}
		in, ok := SplitInitials(s)
		if ok != (full == 1 && initials > 0) || ok && len(in.Initials) != initials {
			t.Fatalf("SplitInitials(%q) = %+v, %v; Parse %+v", s, in, ok, parts)
		}
		if HasInitials(s) != (initials > 0) {
			t.Fatalf("HasInitials(%q) disagrees with Parse %+v", s, parts)
		}
	})
}
