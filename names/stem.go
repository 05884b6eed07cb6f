package names

import (
	"strings"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"
	"github.com/kljensen/snowball/russian"
)

// Stem returns the stem of one word of running text in lang ("ru", "kk",
// "en"), normalised first; any other language gets the normalised word.
// Russian and English use Snowball. Names should be matched by Key instead:
// a stemmer cuts -ов/-ева off a surname and merges Токаев with Токаева's stem.
func Stem(word, lang string) string {
	w := Normalize(word)
	if strings.ContainsRune(w, ' ') || w == "" {
		return w
	}
	switch lang {
	case "ru":
		return russian.Stem(w, false)
	case "en":
		return english.Stem(w, false)
	case "kk":
		return stemKazakh(w)
	}
	return w
}

// Kazakh suffixes, stripped at most once per layer in the order a word is
// read from its end: case, then possession, then the plural. Each list is
// longest first. Left alone because too many stems end in them: the
// single-letter endings (-а, -е, -ы, -і, -н, -м), -нда/-нде, -ты/-ті and the
// plural -дар/-тар. Without a dictionary some stems are still cut: Қызылорда
// gives қызылор but Қызылордада gives қызылорда. That is one reason names are
// matched by Key, never by Stem.
var kazakhSuffixes = [][]string{
	// Case: ablative, genitive, locative, instrumental, dative, accusative.
	{"менен", "бенен", "пенен", "нан", "нен", "дан", "ден", "тан", "тен",
		"ның", "нің", "дың", "дің", "тың", "тің",
		"мен", "бен", "пен",
		"да", "де", "та", "те", "ға", "ге", "қа", "ке", "на", "не",
		"ны", "ні", "ды", "ді"},
	// Possession: our, your (polite), his/her.
	{"ымыз", "іміз", "мыз", "міз", "ыңыз", "іңіз", "ңыз", "ңіз", "сы", "сі", "ым", "ім", "ың", "ің"},
	// Plural, only the forms after vowels and sonorants: дар/тар end too
	// many stems (қаңтар, январь's Kazakh name).
	{"лар", "лер"},
}

// stemKazakh strips Kazakh case, possessive and plural suffixes
// conservatively: a suffix goes only if at least three letters remain.
// Жаңаөзенде → жаңаөзен, прокуратураға → прокуратура, балаларымыздың → бала.
func stemKazakh(w string) string {
	for _, layer := range kazakhSuffixes {
		for _, suf := range layer {
			if strings.HasSuffix(w, suf) && utf8.RuneCountInString(w)-utf8.RuneCountInString(suf) >= 3 {
				w = w[:len(w)-len(suf)]
				break
			}
		}
	}
	return w
}
