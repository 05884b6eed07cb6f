package names

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Scheme is a way of writing Cyrillic (Kazakh or Russian) in Latin letters.
type Scheme int

// The schemes. Sources are in shared/domain/kazakhstan.md §5; each table
// below says where a letter's form is practice rather than the standard.
const (
	// KazakhLatin2021 is the Kazakh Latin alphabet presented on 28 Jan 2021
	// (31 letters: ä ö ü ū ğ ş ñ ı İ …), table from kazakh_latin_2021.tsv.
	KazakhLatin2021 Scheme = iota + 1
	// KazakhLatin2018 is the 2018 alphabet with acute accents (á ǵ ń ó ú ý ı, sh ch).
	KazakhLatin2018
	// KazakhLatin2017 is the 2017 alphabet with apostrophes (a' g' n' o' u' y' i' s' c').
	KazakhLatin2017
	// ICAO9303 is ICAO Doc 9303 (machine-readable travel documents), as in passports.
	ICAO9303
	// BGNPCGNRussian is the BGN/PCGN 1947 system for Russian.
	BGNPCGNRussian
	// BGNPCGNKazakh is the BGN/PCGN 1979 system for Kazakh.
	BGNPCGNKazakh
	// GOST779A is GOST 7.79-2000 system A (= ISO 9:1995), one letter with diacritics per letter.
	GOST779A
	// GOST779B is GOST 7.79-2000 system B, ASCII with digraphs and backticks.
	GOST779B
	// Informal is the simplified BGN/PCGN spelling of English-language news and
	// Wikipedia: no diacritics or primes, -ий/-ый written -y.
	Informal
)

var schemeNames = map[Scheme]string{
	KazakhLatin2021: "kk-latn-2021", KazakhLatin2018: "kk-latn-2018", KazakhLatin2017: "kk-latn-2017",
	ICAO9303: "icao-9303", BGNPCGNRussian: "bgn-pcgn-ru", BGNPCGNKazakh: "bgn-pcgn-kk",
	GOST779A: "gost-7.79-a", GOST779B: "gost-7.79-b", Informal: "informal",
}

// Schemes lists every scheme, in the order of the constants.
func Schemes() []Scheme {
	return []Scheme{KazakhLatin2021, KazakhLatin2018, KazakhLatin2017, ICAO9303,
		BGNPCGNRussian, BGNPCGNKazakh, GOST779A, GOST779B, Informal}
}

func (s Scheme) String() string {
	if n, ok := schemeNames[s]; ok {
		return n
	}
	return fmt.Sprintf("Scheme(%d)", int(s))
}

// ParseScheme returns the scheme with the name String gives it.
func ParseScheme(name string) (Scheme, error) {
	for s, n := range schemeNames {
		if strings.EqualFold(n, name) {
			return s, nil
		}
	}
	names := make([]string, 0, len(schemeNames))
	for _, s := range Schemes() {
		names = append(names, s.String())
	}
	return 0, fmt.Errorf("unknown transliteration scheme %q (want one of %s)", name, strings.Join(names, ", "))
}

// Translit writes the Cyrillic letters of s in Latin by scheme; everything
// else (Latin letters, digits, punctuation) is copied. Case follows the
// source: Щ is "Shch" before a lower-case letter and "SHCH" in a capitalised
// word. An unknown scheme returns s unchanged.
func Translit(s string, scheme Scheme) string {
	t, ok := tables[scheme]
	if !ok {
		return s
	}
	s = clean(s)
	rs := []rune(s)
	var b strings.Builder
	b.Grow(len(s) + len(s)/4)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		lr := unicode.ToLower(r)
		if !isCyrillic(r) {
			b.WriteRune(r)
			continue
		}
		var prev, next, next2 rune
		if i > 0 {
			prev = unicode.ToLower(rs[i-1])
		}
		if i+1 < len(rs) {
			next = unicode.ToLower(rs[i+1])
		}
		if i+2 < len(rs) {
			next2 = unicode.ToLower(rs[i+2])
		}
		out, skip, ok := t.letter(lr, prev, next, next2)
		if !ok {
			out = t.fallback(lr)
		}
		i += skip
		if r != lr { // upper case in the source
			out = t.upperCase(out, allCaps(rs, i-skip, skip))
		}
		b.WriteString(out)
	}
	return b.String()
}

// fallback writes a Cyrillic letter the table does not have: a Kazakh letter
// as the Russian letter the Kazakh→Russian name instruction puts for it,
// anything else unchanged.
func (t *table) fallback(r rune) string {
	if f, ok := kazakhToRussian[r]; ok {
		if s, ok := t.letters[f]; ok {
			return s
		}
	}
	return string(r)
}

// allCaps reports whether the word around position i (a letter spanning
// skip+1 runes) is written in capitals: a neighbouring letter is upper case.
func allCaps(rs []rune, i, skip int) bool {
	if j := i + skip + 1; j < len(rs) && unicode.IsLetter(rs[j]) {
		return unicode.IsUpper(rs[j])
	}
	if i > 0 && unicode.IsLetter(rs[i-1]) {
		return unicode.IsUpper(rs[i-1])
	}
	return false
}

// table is one scheme: letters for lower-case Cyrillic, and rules that look
// at the neighbours.
type table struct {
	scheme  Scheme
	letters map[rune]string
	dotI    bool // upper-case i is İ (Kazakh Latin 2021)
}

func (t *table) upperCase(s string, all bool) string {
	if s == "" {
		return s
	}
	up := func(r rune) rune {
		if r == 'i' && t.dotI {
			return 'İ'
		}
		return unicode.ToUpper(r)
	}
	if all {
		return strings.Map(up, s)
	}
	r, n := utf8.DecodeRuneInString(s)
	return string(up(r)) + s[n:]
}

// iotates reports a word start, a vowel or a sign: where BGN/PCGN writes е
// as ye.
func iotates(r rune) bool {
	return r == 0 || !isCyrillic(r) && !unicode.IsLetter(r) || strings.ContainsRune("аәеёиіоөуұүыэюяйъь", r)
}

// letter returns the Latin for r, how many following runes it consumed, and
// whether the scheme has a form for r.
func (t *table) letter(r, prev, next, next2 rune) (string, int, bool) {
	switch t.scheme {
	case BGNPCGNRussian:
		if r == 'е' && iotates(prev) {
			return "ye", 0, true
		}
		if r == 'ё' && iotates(prev) {
			return "yë", 0, true
		}
	case Informal:
		switch {
		case r == 'е' && iotates(prev) && prev != 'ы': // ые is ye: Naberezhnye
			return "ye", 0, true
		case (r == 'ь' || r == 'ъ') && (next == 'и' || next == 'о'):
			return "y", 0, true
		case (r == 'и' || r == 'ы') && next == 'й' && !unicode.IsLetter(next2):
			return "y", 1, true // Krasny, Veliky
		}
	case GOST779B:
		if r == 'ц' {
			if n := t.letters[next]; n != "" && strings.ContainsRune("eijy", rune(n[0])) {
				return "c", 0, true
			}
		}
	}
	out, ok := t.letters[r]
	return out, 0, ok
}

// kazakhToRussian writes the Kazakh letters as Russian spelling of Kazakh
// names does (kazakhstan.md §5, "Kazakh→Russian name instruction" [P]).
var kazakhToRussian = map[rune]rune{
	'ә': 'а', 'ө': 'о', 'ұ': 'у', 'ү': 'у', 'қ': 'к', 'ң': 'н', 'ғ': 'г', 'һ': 'х', 'і': 'и',
}

// russianWith is the Russian alphabet, shared by the Russian schemes and
// overridden letter by letter.
func russianWith(over map[rune]string) map[rune]string {
	m := map[rune]string{
		'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ё': "e", 'ж': "zh",
		'з': "z", 'и': "i", 'й': "i", 'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o",
		'п': "p", 'р': "r", 'с': "s", 'т': "t", 'у': "u", 'ф': "f", 'х': "kh", 'ц': "ts",
		'ч': "ch", 'ш': "sh", 'щ': "shch", 'ъ': "", 'ы': "y", 'ь': "", 'э': "e", 'ю': "yu",
		'я': "ya",
	}
	for k, v := range over {
		m[k] = v
	}
	return m
}

var tables = map[Scheme]*table{
	// Kazakh 2021: kazakh_latin_2021.tsv (wagner-austin/turkic_transliteration
	// kk_lat.rules), lower case. The letters it has no form for (ё ц ч щ ъ ь
	// э ю я) are written as seen in practice (§5): io ts ch şç, signs
	// dropped, e iu ia.
	KazakhLatin2021: {scheme: KazakhLatin2021, dotI: true, letters: map[rune]string{
		'а': "a", 'ә': "ä", 'б': "b", 'в': "v", 'г': "g", 'ғ': "ğ", 'д': "d", 'е': "e",
		'ж': "j", 'з': "z", 'и': "i", 'й': "i", 'к': "k", 'қ': "q", 'л': "l", 'м': "m",
		'н': "n", 'ң': "ñ", 'о': "o", 'ө': "ö", 'п': "p", 'р': "r", 'с': "s", 'т': "t",
		'у': "u", 'ұ': "ū", 'ү': "ü", 'ф': "f", 'х': "h", 'һ': "h", 'ш': "ş", 'ы': "y",
		'і': "ı",
		'ё': "io", 'ц': "ts", 'ч': "ch", 'щ': "şç", 'ъ': "", 'ь': "", 'э': "e", 'ю': "iu", 'я': "ia",
	}},
	// Kazakh 2018 (§5: á ǵ ń ó ú(ү) ý(у) ı(и/й) sh ch). ц ts, щ shch, ю ıý, я ıa,
	// ё ıo and the dropped signs are practice, not the decree.
	KazakhLatin2018: {scheme: KazakhLatin2018, letters: map[rune]string{
		'а': "a", 'ә': "á", 'б': "b", 'в': "v", 'г': "g", 'ғ': "ǵ", 'д': "d", 'е': "e",
		'ж': "j", 'з': "z", 'и': "ı", 'й': "ı", 'к': "k", 'қ': "q", 'л': "l", 'м': "m",
		'н': "n", 'ң': "ń", 'о': "o", 'ө': "ó", 'п': "p", 'р': "r", 'с': "s", 'т': "t",
		'у': "ý", 'ұ': "u", 'ү': "ú", 'ф': "f", 'х': "h", 'һ': "h", 'ш': "sh", 'ч': "ch",
		'ы': "y", 'і': "i",
		'ё': "ıo", 'ц': "ts", 'щ': "shch", 'ъ': "", 'ь': "", 'э': "e", 'ю': "ıý", 'я': "ıa",
	}},
	// Kazakh 2017 (§5: a' g' n' o' u'(ү) y'(у) i'(и/й) s'(ш) c'(ч)). The letters
	// outside the alphabet are practice: ts, s'c', i'o, i'y', i'a.
	KazakhLatin2017: {scheme: KazakhLatin2017, letters: map[rune]string{
		'а': "a", 'ә': "a'", 'б': "b", 'в': "v", 'г': "g", 'ғ': "g'", 'д': "d", 'е': "e",
		'ж': "j", 'з': "z", 'и': "i'", 'й': "i'", 'к': "k", 'қ': "q", 'л': "l", 'м': "m",
		'н': "n", 'ң': "n'", 'о': "o", 'ө': "o'", 'п': "p", 'р': "r", 'с': "s", 'т': "t",
		'у': "y'", 'ұ': "u", 'ү': "u'", 'ф': "f", 'х': "h", 'һ': "h", 'ш': "s'", 'ч': "c'",
		'ы': "y", 'і': "i",
		'ё': "i'o", 'ц': "ts", 'щ': "s'c'", 'ъ': "", 'ь': "", 'э': "e", 'ю': "i'y'", 'я': "i'a",
	}},
	// ICAO Doc 9303 Part 3 for Russian (ъ IE, ю IU, я IA, х KH); Kazakh
	// letters by an airline table [P]: ә a, қ k, ң n, ө o, ұ/ү u, plus ғ g,
	// һ h, і i.
	ICAO9303: {scheme: ICAO9303, letters: russianWith(map[rune]string{
		'ъ': "ie", 'ю': "iu", 'я': "ia",
		'ә': "a", 'ғ': "g", 'қ': "k", 'ң': "n", 'ө': "o", 'ұ': "u", 'ү': "u", 'һ': "h", 'і': "i",
	})},
	// BGN/PCGN 1947 Russian: е ye and ё yë at the start and after vowels and
	// signs (see letter), й y, ё ë, ъ ʺ, ь ʹ. Kazakh letters fall back to the
	// Kazakh→Russian instruction.
	BGNPCGNRussian: {scheme: BGNPCGNRussian, letters: russianWith(map[rune]string{
		'й': "y", 'ё': "ë", 'ъ': "ʺ", 'ь': "ʹ",
	})},
	// BGN/PCGN 1979 Kazakh (UNGEGN WGRS, eki.ee/wgrs/rom2_kk.htm).
	BGNPCGNKazakh: {scheme: BGNPCGNKazakh, letters: russianWith(map[rune]string{
		'ә': "ä", 'ғ': "gh", 'ё': "yo", 'и': "ī", 'й': "y", 'қ': "q", 'ң': "ng", 'ө': "ö",
		'у': "ū", 'ұ': "u", 'ү': "ü", 'һ': "h", 'ъ': "ʺ", 'ь': "ʹ", 'і': "i", 'э': "ė",
	})},
	// GOST 7.79-2000 A = ISO 9:1995. Kazakh letters as ISO 9 (UNGEGN WGRS
	// list: ғ ġ, қ ķ, ң ņ, ө ô, ү ù, і ì); ә ұ һ, which that list leaves
	// open, fall back to the Kazakh→Russian instruction.
	GOST779A: {scheme: GOST779A, letters: russianWith(map[rune]string{
		'ё': "ë", 'ж': "ž", 'й': "j", 'х': "h", 'ц': "c", 'ч': "č", 'ш': "š", 'щ': "ŝ",
		'ъ': "ʺ", 'ь': "ʹ", 'э': "è", 'ю': "û", 'я': "â",
		'ғ': "ġ", 'қ': "ķ", 'ң': "ņ", 'ө': "ô", 'ү': "ù", 'і': "ì",
	})},
	// GOST 7.79-2000 B: й j, х x, ц cz (c before e i y j), щ shh, ъ ``, ы y`,
	// ь `, э e`, ё yo. Kazakh letters fall back to the Kazakh→Russian
	// instruction (the standard's Kazakh rows are not verified here).
	GOST779B: {scheme: GOST779B, letters: russianWith(map[rune]string{
		'ё': "yo", 'й': "j", 'х': "x", 'ц': "cz", 'щ': "shh", 'ъ': "``", 'ы': "y`",
		'ь': "`", 'э': "e`",
	})},
	// Informal (Wikipedia's simplified BGN/PCGN): ye after vowels, yo, y for й,
	// signs dropped (y before и and о), -ий/-ый → -y; see letter.
	Informal: {scheme: Informal, letters: russianWith(map[rune]string{
		'й': "y", 'ё': "yo",
	})},
}
