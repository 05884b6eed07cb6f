package linkage

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// KeyFunc turns a name as written into a match key: two spellings of one
// name should give the same key, or keys close in Jaro-Winkler similarity.
// The key is compared token by token, so it must keep the spaces between
// the parts of a name. Package names/ provides a better one; DefaultKey is
// the package's own, simple fallback.
type KeyFunc func(string) string

// DefaultKey folds a name to a Latin skeleton: Unicode NFC, lower case,
// punctuation to spaces, Kazakh and Russian Cyrillic to Latin, diacritics
// dropped, and the spelling choices that transliteration systems disagree
// on (kh/h/x, zh/j, y/i, ie/ye/e, doubled letters) collapsed, so that
// "Абдуллаев", "Abdullayev" and "Abdulaev" share a key.
func DefaultKey(s string) string {
	s = norm.NFD.String(strings.ToLower(s))
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Mn, r):
			// combining marks: ä → a, й (и + breve) → и, handled below
		case r == '\'' || r == '’' || r == 'ʼ' || r == '`' || r == 'ъ' || r == 'ь':
			// apostrophes and hard/soft signs carry no sound of their own
		case r == 'ı':
			b.WriteByte('i')
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
		case cyrLatin[r] != "":
			b.WriteString(cyrLatin[r])
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		default:
			b.WriteByte(' ')
		}
	}
	return foldLatin(b.String())
}

// cyrLatin is a plain Cyrillic-to-Latin table for Russian and Kazakh letters
// (after NFD, so й is и and ё is е). Its choices do not matter much: foldLatin
// maps every common transliteration of a letter to one skeleton.
var cyrLatin = map[rune]string{
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ж': "zh", 'з': "z",
	'и': "i", 'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o", 'п': "p", 'р': "r",
	'с': "s", 'т': "t", 'у': "u", 'ф': "f", 'х': "kh", 'ц': "ts", 'ч': "ch", 'ш': "sh",
	'щ': "shch", 'ы': "y", 'э': "e", 'ю': "yu", 'я': "ya", 'й': "i", 'ё': "e",
	'ә': "a", 'ғ': "g", 'қ': "k", 'ң': "n", 'ө': "o", 'ұ': "u", 'ү': "u", 'һ': "h", 'і': "i",
	'ј': "j", 'ў': "u", 'є': "ye", 'ї': "yi",
}

// latinFolds are applied in order; longer spellings first.
var latinFolds = strings.NewReplacer(
	"shch", "sh", "sch", "sh", "dzh", "j", "zh", "j", "kh", "h", "x", "ks", "q", "k",
	"w", "v", "ts", "c", "tz", "c", "ph", "f", "ck", "k", "th", "t",
)

func foldLatin(s string) string {
	s = latinFolds.Replace(s)
	out := make([]rune, 0, len(s))
	last := func() rune {
		if len(out) == 0 {
			return ' '
		}
		return out[len(out)-1]
	}
	for _, r := range s {
		switch {
		case r == 'y':
			r = 'i' // Yu/Iu, Ya/Ia, -iy/-ii/-y
		case r == 'j' && isVowel(last()):
			r = 'i' // Sergej/Sergei; a j that starts a syllable stays (Jumabek, from Ж)
		}
		if r == ' ' && last() == ' ' {
			continue
		}
		if r == last() && r != ' ' {
			continue // doubled letters: Abdullaev / Abdulaev, Aliyev → aliiev → aliev
		}
		// i before e is the y of ye, written or not: Yerlan/Erlan,
		// Abdullayev/Abdullaev, Dmitriyev/Dmitriev.
		if r == 'e' && last() == 'i' {
			out = out[:len(out)-1]
		}
		out = append(out, r)
	}
	return strings.TrimSpace(string(out))
}

func isVowel(r rune) bool { return strings.ContainsRune("aeiou", r) }

// foldText normalises free text and codes as names are: one script, one
// spelling of each sound ("Атырау", "Atyraū" and "ATYRAU" agree; so do the
// sex codes "м" and "M"). It is not pluggable: a name key may do what only
// suits names.
func foldText(s string) string { return DefaultKey(s) }
