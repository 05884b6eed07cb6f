package linkage

import (
	"math"
	"strings"
	"testing"

	"github.com/qantar-project/qantar/names"
)

func TestTextSim(t *testing.T) {
	for _, tc := range []struct {
		name, a, b string
		min, want  float64
	}{
		{"OneEdit", "tullaroop street", "tulaaroop street", 0, 1 - 1.0/16},
		{"Kitten", "kitten", "sitting", 0, 1 - 3.0/7},
		{"UnderMinIsZero", "kitten", "sitting", 0.8, 0},
		{"Runes", "алматы", "алмата", 0, 1 - 1.0/6},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := textSim(tc.a, tc.b, tc.min); math.Abs(got-tc.want) > 1e-9 {
				t.Errorf("textSim(%q, %q, %g) = %.4f, want %.4f", tc.a, tc.b, tc.min, got, tc.want)
			}
		})
	}
}

// TestNameKeySpellings: spellings of one name, in either script and any
// common transliteration, share the key linkage uses by default.
func TestNameKeySpellings(t *testing.T) {
	for _, tc := range []struct {
		name      string
		spellings []string
	}{
		{"Abdullaev", []string{"Абдуллаев", "Abdullayev", "ABDULLAEV", "Abdulaev", "Abdullaiev"}},
		{"Zhanar", []string{"Жанар", "Zhanar", "Janar"}},
		{"Kazakh2021", []string{"Жұмабаева", "Jūmabaeva", "Zhumabayeva", "Zhumabaieva"}},
		{"Yerlan", []string{"Ерлан", "Yerlan", "Erlan", "Ierlan"}},
		{"Khasanov", []string{"Хасанов", "Khasanov", "Hasanov"}},
		{"Aigul", []string{"Айгүл", "Aigül", "Aygul", "Aigul"}},
		{"Qairat", []string{"Қайрат", "Qairat", "Kairat", "Kayrat"}},
		{"Punctuation", []string{"Ким-Ли", "Kim Li", "kim, li"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := names.Key(tc.spellings[0])
			for _, s := range tc.spellings[1:] {
				if got := names.Key(s); got != want {
					t.Errorf("Key(%q) = %q, want %q (as for %q)", s, got, want, tc.spellings[0])
				}
			}
		})
	}
}

func TestNameKeyDistinguishes(t *testing.T) {
	for _, p := range [][2]string{{"Нурлан", "Ерлан"}, {"Иванов", "Иванова"}, {"Kim", "Kima"}, {"Серик", "Сарсен"}} {
		if names.Key(p[0]) == names.Key(p[1]) {
			t.Errorf("Key(%q) = names.Key(%q) = %q", p[0], p[1], names.Key(p[0]))
		}
	}
}

func compareNames(a, b string) int {
	c := &nameCmp{key: names.Key}
	c.prepare([]string{a, b})
	return c.compare(0, 1)
}

func TestNameLevels(t *testing.T) {
	for _, tc := range []struct {
		name, a, b string
		want       int
	}{
		{"ExactAcrossScripts", "Абдуллаев Нурлан", "Nurlan Abdullayev", nameExact},
		{"WordOrder", "Kim Olga", "Olga Kim", nameExact},
		{"PatronymicMissing", "Петров Сергей Иванович", "Sergei Petrov", nameVeryClose},
		{"Typo", "Абдуллаев Нурлан", "Abdulayev Nurlna", nameVeryClose},
		{"Initial", "Абдуллаев Н.", "Nurlan Abdullaev", nameInitials},
		{"InitialsBothScripts", "Иванов А.Б.", "Ivanov A.B.", nameInitials},
		{"InitialsWrittenBefore", "А.Б. Иванов", "Иванов Алексей Борисович", nameInitials},
		{"InitialAndFullName", "Ivanov A.", "Иванов Алексей Борисович", nameInitials},
		{"InitialKazakhZh", "Жұмабаев Ж.", "Zhumabayev Zhanat", nameInitials},
		{"InitialKazakhJ", "Jumabaev J.", "Жұмабаев Жанат Серікұлы", nameInitials},
		{"InitialY", "Sadykov Y.", "Садыков Ерлан", nameInitials},
		{"InitialSurnameTypo", "Абдулаев Н.", "Nurlan Abdullaev", nameInitials},
		{"GivenFullPatronymicInitial", "Иванов Иван П.", "Иванов Иван Петрович", nameInitials},
		{"InitialDisagrees", "Иванов Б.", "Иванов Алексей", nameDisagree},
		{"PatronymicInitialDisagrees", "Иванов А.Б.", "Иванов Алексей Петрович", nameWeak},
		{"PatronymicForGiven", "Иванов П.", "Иванов Алексей Петрович", nameWeak},
		{"PatronymicInitialDisagreesFull", "Иванов Иван И.", "Иванов Иван Петрович", nameWeak},
		{"InitialsInOtherOrder", "Иванов А.Б.", "Ivanov B.A.", nameWeak},
		{"InitialOtherSurname", "Петров А.", "Иванов Алексей", nameWeak},
		{"SurnameOnly", "Иванов А.", "Иванов", nameWeak},
		{"OnlyFirstNameShared", "Нурлан Абдуллаев", "Нурлан", nameWeak},
		{"JoinedWords", "Abdul Aziz", "Abdulaziz", nameVeryClose},
		{"Different", "Нурлан Абдуллаев", "Ольга Ким", nameDisagree},
		{"Missing", "", "Ольга Ким", -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := compareNames(tc.a, tc.b); got != tc.want {
				t.Errorf("compare(%q, %q) = %d (%s), want %d", tc.a, tc.b, got, levelName(nameLevelNames, got), tc.want)
			}
		})
	}
}

func levelName(names []string, l int) string {
	if l < 0 {
		return "missing"
	}
	return names[l]
}

func TestParseDate(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want pdate
		ok   bool
	}{
		{"19850105", pdate{1985, 1, 5}, true},
		{"1985-01-05", pdate{1985, 1, 5}, true},
		{"05.01.1985", pdate{1985, 1, 5}, true},
		{"05/01/1985", pdate{1985, 1, 5}, true},
		{"01.16.1985", pdate{1985, 1, 16}, true}, // month first: the only reading
		{"1985-01", pdate{1985, 1, 0}, true},
		{"01.1985", pdate{1985, 1, 0}, true},
		{"1985", pdate{1985, 0, 0}, true},
		{"~1985", pdate{1985, 0, 0}, true},
		{"1985--", pdate{1985, 0, 0}, true},
		{"1985-7-", pdate{1985, 7, 0}, true},
		{"5 января 1985", pdate{1985, 1, 5}, true},
		{"5 Jan 1985", pdate{1985, 1, 5}, true},
		{"около 1985 г.", pdate{1985, 0, 0}, true},
		{"2022-01-05T14:30", pdate{2022, 1, 5}, true},
		{"", pdate{}, true},
		{"unknown", pdate{}, false},
		{"1985-13-40", pdate{}, false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, ok := parseDate(tc.in)
			if got != tc.want || ok != tc.ok {
				t.Errorf("parseDate(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestDateLevels(t *testing.T) {
	for _, tc := range []struct {
		name, a, b string
		want       int
	}{
		{"Exact", "1985-01-05", "05.01.1985", dateExact},
		{"DayMonthSwap", "1985-01-05", "1985-05-01", dateNear},
		{"MonthKnownDayMissing", "1985-01-05", "1985-01", dateNear},
		{"DayTypo", "1985-01-05", "1985-01-08", dateOneOff},
		{"YearTypo", "1985-01-05", "1958-01-05", dateOneOff},
		{"YearOnly", "1985-01-05", "1985", dateSameYear},
		{"BothYearOnly", "1985", "1985", dateSameYear},
		{"OtherYear", "1985-01-05", "1986", dateDisagree},
		{"Different", "1985-01-05", "1990-06-20", dateDisagree},
		{"OnlyYearAgrees", "1985-01-05", "1985-06-20", dateDisagree},
		{"MonthDiffersDayMissing", "1985-01-05", "1985-06", dateSameYear},
		{"Missing", "1985-01-05", "", -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, _ := parseDate(tc.a)
			b, _ := parseDate(tc.b)
			if got := compareDate(a, b); got != tc.want {
				t.Errorf("compareDate(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
			}
		})
	}
}

func TestOtherLevels(t *testing.T) {
	for _, tc := range []struct {
		name string
		typ  FieldType
		a, b string
		want int
	}{
		{"TextExactAcrossScripts", Text, "Атырау", "ATYRAU", 3},
		{"TextClose", Text, "giblin street", "gibilin street", 2},
		{"TextDoubledLetters", Text, "tullaroop street", "tulaaroop street", 3},
		{"TextReordered", Text, "street tullaroop", "tullaroop street", 2},
		{"TextFar", Text, "giblin street", "maltby circuit", 0},
		{"ExactCode", Exact, "М", "m", 1},
		{"ExactDiffers", Exact, "M", "F", 0},
		{"NumberEqual", Number, "42", "42.0", 2},
		{"NumberClose", Number, "42", "43", 1},
		{"NumberFar", Number, "42", "60", 0},
		{"NumberUnreadable", Number, "forty", "42", -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newComparator(tc.typ, names.Key)
			c.prepare([]string{tc.a, tc.b})
			if got := c.compare(0, 1); got != tc.want {
				t.Errorf("compare(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
			}
		})
	}
}

func TestEvaluate(t *testing.T) {
	// Truth: {0,1,2} {3}; predicted: {0,1} {2,3}.
	s := Evaluate([]int32{0, 0, 1, 1}, []string{"x", "x", "x", "y"})
	if s.TruePairs != 3 || s.PredictedPairs != 2 || s.Correct != 1 {
		t.Fatalf("got %+v", s)
	}
	if math.Abs(s.Precision-0.5) > 1e-9 || math.Abs(s.Recall-1.0/3) > 1e-9 || math.Abs(s.F1-0.4) > 1e-9 {
		t.Errorf("P=%g R=%g F1=%g, want 0.5, 0.333, 0.4", s.Precision, s.Recall, s.F1)
	}
}

func TestWordPairKeys(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []string
	}{
		{"ThreeWords", "Абдуллаев Нурлан Серікұлы", []string{"abdu nurl", "abdu seri", "nurl seri"}},
		{"InitialSkipped", "Абдуллаев Н.", nil},
		{"OneWord", "Нурлан", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &nameCmp{key: names.Key}
			c.prepare([]string{tc.in})
			got := c.wordPairKeys(nil, 0)
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("wordPairKeys(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}
