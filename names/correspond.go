package names

import (
	"strings"
	"unicode/utf8"
)

// Correspondences beyond letters.
//
// Key folds what differs letter by letter (Ө/О, Ү/Ұ/У, Қ/К, -ұлы/-ович …).
// Some spellings of one name differ by more than a letter, and folding them
// into one key would merge names that are not the same, so they are not in
// the key: AltKeys gives them as other keys a word may be stored under, for a
// search to look up beside the word's own key and to rank just below it.
//
//   - Ё written Е, Ё, Yo, Io, E or O (Семёнов, Семенов, Semyonov, Semionov,
//     Pugachov): a word with ё, or with yo/io not after a vowel, also has
//     the keys of its е- and о-readings.
//   - -ёв/-ёва after ж ч ш щ ц written -ov or -ev (Горбачёв: Gorbachev,
//     Gorbachov): a key ending so also has the other ending.
//   - Names of Arabic origin whose Kazakh form begins with Ж or Ы where
//     Russian writes Ю, Я, Й or И (Жүсіпов, Жусупов, Юсупов, Zhusupov,
//     Yusupov): the rows of initialForms, each a set of key beginnings that
//     write one name; a key beginning with one has the others too.
//   - Kazakh Ө, which stands in the first syllable only (vowel harmony
//     leaves е after it), written У by Russian spelling as often as О:
//     Өтегенов, Утегенов, Отегенов; Төлеген, Тулеген; Оспан, Успан. A key
//     whose first vowel is o also has it as u, and the other way round.
//   - A first letter that Kazakh and Russian write differently in names of
//     Arabic, Persian and Mongolian origin (firstLetters): Қ for Х
//     (Қасенов, Хасенов; Қожахметов, Ходжахметов; Құсайынов, Хусаинов) and
//     Ш for Ч (Шыңғыс, Чингис; Шоқан, Чокан; Шолпан, Чолпан), У for В
//     (Уәлиханов, Валиханов; Уахитов, Вахитов).

// initialForms are the key beginnings (as Key writes them) that spell one
// name of Arabic origin in Kazakh, in Russian and in Latin. Each row is one
// name; a word whose key begins with any form of a row is also sought under
// every other form, with the rest of its key kept (Жүсіпбеков, Юсупбеков).
// Forms are at least four symbols long, so that a short beginning does not
// catch unrelated names.
var initialForms = [][]string{
	// Yusuf (Joseph): Жүсіп, Жусуп (Kazakh, and Russian spelling of
	// Kazakh), Юсуп, Юсуф (Russian, Tatar), Zhusup, Yusup, Yusuf.
	{"jusip", "jusup", "usup", "usuf", "jusuf"},
	// Yunus (Jonah): Жүніс, Жунус, Юнус, Zhunus, Yunus.
	{"junis", "junus", "unus"},
	// Yaqub (Jacob): Жақып, Жакуп, Якуп, Якуб, Zhakyp, Yakub, Yakup.
	{"jakip", "jakup", "jakub", "akup", "akub"},
	// Ishaq (Isaac): Ысқақ, Ысқақов, Исхак, Исхаков, Yskak, Iskhakov.
	{"iskak", "ishak"},
	// Ibrahim: Ыбырайым, Ибраим, Ибрагим, Ибрахим, Ybyraiym, Ibragim.
	{"ibiraim", "ibraim", "ibragim", "ibrahim"},
	// Ismail: Ысмайыл, Ысмағұл (its Kazakh popular form), Исмаил,
	// Исмагул, Ismail, Ismagul.
	{"ismaiil", "ismail", "ismagul"},
	// Iskandar (Alexander): Ескендір, Искандер, Iskander, Eskendir.
	{"eskendir", "iskander"},
}

// firstLetters are pairs of key symbols that begin one name in its Kazakh
// and its Russian spelling (see above): k is Қ (Х in Russian: h), x is Ш (Ч:
// q), u is У (В: v).
var firstLetters = [][2]byte{{'k', 'h'}, {'x', 'q'}, {'u', 'v'}}

// maxAltKeys bounds the other keys of one word: each is one more term a
// search looks up.
const maxAltKeys = 8

// AltKeys returns the other keys under which a word (one word of a name or
// a text) may be written, by the correspondences above, without the word's
// own key and without repeats; nil for most words.
func AltKeys(word string) []string {
	own := WordKeys(word)
	if len(own) != 1 {
		return nil
	}
	keys := []string{own[0]}
	add := func(k string) {
		if k == "" {
			return
		}
		for _, o := range keys {
			if o == k {
				return
			}
		}
		keys = append(keys, k)
	}
	for _, w := range yoReadings(word) {
		if ks := WordKeys(w); len(ks) == 1 {
			add(ks[0])
		}
	}
	for i := 0; i < len(keys); i++ {
		add(otherSibilantEnding(keys[i]))
	}
	for _, k := range keys[:len(keys):len(keys)] {
		add(firstVowelOU(k))
	}
	for _, k := range keys[:len(keys):len(keys)] {
		for _, p := range firstLetters {
			switch k[0] {
			case p[0]:
				add(string(p[1]) + k[1:])
			case p[1]:
				add(string(p[0]) + k[1:])
			}
		}
	}
	for _, k := range keys[:len(keys):len(keys)] {
		for _, row := range initialForms {
			for _, form := range row {
				if !strings.HasPrefix(k, form) {
					continue
				}
				for _, other := range row {
					add(other + k[len(form):])
				}
			}
		}
	}
	if len(keys) == 1 {
		return nil
	}
	return keys[1:min(len(keys), maxAltKeys+1)]
}

// firstVowelOU returns key with its first vowel o written u, or u written
// o; "" when its first vowel is another, or when the key is too short for
// the change not to make another common name.
func firstVowelOU(key string) string {
	if len(key) < 4 {
		return ""
	}
	for i := 0; i < len(key); i++ {
		switch key[i] {
		case 'o':
			return key[:i] + "u" + key[i+1:]
		case 'u':
			return key[:i] + "o" + key[i+1:]
		case 'a', 'e', 'i':
			return ""
		}
	}
	return ""
}

// yoReadings returns the word with its ё (Cyrillic), or its yo and io not
// after a vowel (Latin), read as е and as о: the spellings of one name
// that Key keeps apart. Nil when the word has none.
func yoReadings(word string) []string {
	w := []rune(strings.ToLower(word))
	var e, o []rune
	found := false
	for i := 0; i < len(w); i++ {
		r := w[i]
		switch {
		case r == 'ё':
			e, o, found = append(e, 'е'), append(o, 'о'), true
			continue
		case (r == 'y' || r == 'i') && runeAt(w, i+1) == 'o' && (i == 0 || !isLatinVowel(w[i-1])):
			e, o, found = append(e, 'e'), append(o, 'o'), true
			i++
			continue
		}
		e, o = append(e, r), append(o, r)
	}
	if !found {
		return nil
	}
	return []string{string(e), string(o)}
}

func isLatinVowel(r rune) bool {
	switch r {
	case 'a', 'e', 'i', 'o', 'u', 'y':
		return true
	}
	return false
}

// otherSibilantEnding returns key with -ov(a) after a sibilant (q x j c:
// ч ш/щ ж ц) written -ev(a), or the other way round; "" for any other key.
func otherSibilantEnding(key string) string {
	for _, end := range [...][2]string{{"ov", "ev"}, {"ova", "eva"}, {"ev", "ov"}, {"eva", "ova"}} {
		stem, ok := strings.CutSuffix(key, end[0])
		if !ok || utf8.RuneCountInString(stem) < 3 {
			continue
		}
		switch stem[len(stem)-1] {
		case 'q', 'x', 'j', 'c':
			return stem + end[1]
		}
	}
	return ""
}
