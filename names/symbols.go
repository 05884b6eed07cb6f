package names

import (
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// cyrSymbols maps lower-case Cyrillic letters to key symbols (see key.go).
// ю and я are i+u and i+a; squeeze then drops the i before the vowel.
var cyrSymbols = map[rune]string{
	'а': "a", 'ә': "a", 'б': "b", 'в': "v", 'г': "g", 'ғ': "g", 'ґ': "g",
	'д': "d", 'е': "e", 'ё': "e", 'є': "ie", 'э': "e", 'ж': "j", 'з': "z",
	'и': "i", 'й': "i", 'і': "i", 'ї': "i", 'ы': "i", 'ј': "j", 'к': "k",
	'қ': "k", 'ќ': "k", 'л': "l", 'љ': "l", 'м': "m", 'н': "n", 'ң': "n",
	'њ': "n", 'о': "o", 'ө': "o", 'п': "p", 'р': "r", 'с': "s", 'т': "t",
	'у': "u", 'ұ': "u", 'ү': "u", 'ў': "u", 'ф': "f", 'х': "h", 'һ': "h",
	'ц': "c", 'ч': "q", 'ш': "x", 'щ': "x", 'ъ': "", 'ь': "", 'ю': "iu",
	'я': "ia", 'ѕ': "z", 'џ': "j", 'ђ': "j", 'ћ': "q",
}

// cyrSymbolTable is cyrSymbols as an array indexed by r-0x400, for speed.
var cyrSymbolTable = func() (t [0x130]string) {
	for r, s := range cyrSymbols {
		t[r-0x400] = s
	}
	return t
}()

// latinSymbols maps lower-case Latin letters with diacritics to key
// symbols. Letters not listed fall back to their base letter.
var latinSymbols = map[rune]string{
	// Kazakh 2021 and 2018 letters.
	'ä': "a", 'á': "a", 'ö': "o", 'ó': "o", 'ü': "u", 'ú': "u", 'ū': "u",
	'ğ': "g", 'ǵ': "g", 'ñ': "n", 'ń': "n", 'ş': "x", 'ı': "i",
	'ý': "u", // 2018: ý is у
	// Schwa, written for ә.
	'ə': "a", 'ǝ': "a", 'ɵ': "o",
	// GOST 7.79 A / ISO 9 and the scholarly system.
	'ž': "j", 'č': "q", 'š': "x", 'ŝ': "x", 'è': "e", 'ë': "e", 'ė': "e",
	'â': "ia", 'û': "iu", 'ì': "i", 'ù': "u", 'ô': "o", 'ġ': "g", 'ķ': "k",
	'ņ': "n", 'ī': "i", 'ç': "q", 'ć': "q", 'ș': "x", 'ś': "s", 'ź': "z",
	'ż': "z", 'ł': "l", 'ß': "s", 'æ': "ae", 'œ': "e", 'ø': "o", 'đ': "d",
	'ÿ': "i",
}

func isVowelSym(c byte) bool { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' }

// appendSymbols appends the key symbols of one lower-case word, before the
// merging done by squeeze.
func appendSymbols(dst []byte, w []rune) []byte {
	start := len(dst)
	for i := 0; i < len(w); i++ {
		r := w[i]
		if r >= utf8.RuneSelf {
			var done bool
			if dst, r, i, done = appendNonASCII(dst, w, i); done {
				continue
			}
		}
		dst, i = appendASCII(dst, start, w, i, r)
	}
	return dst
}

// runeAt is w[i], or 0 past its end.
func runeAt(w []rune, i int) rune {
	if i < len(w) {
		return w[i]
	}
	return 0
}

// appendNonASCII appends the symbols of w[i], a letter outside ASCII, and
// returns the index of the last rune it used, and done. A Latin letter
// with a diacritic the tables do not list is not done: r is its base
// letter, for the ASCII rules.
func appendNonASCII(dst []byte, w []rune, i int) (_ []byte, r rune, _ int, done bool) {
	r = w[i]
	if isCyrillic(r) {
		if (r == 'ь' || r == 'ъ') && runeAt(w, i+1) == 'о' {
			// ьо, ъо sound as ё: бульон, Bulyon.
			return append(dst, 'e'), r, i + 1, true
		}
		if s := cyrSymbolTable[r-0x400]; s != "" || r == 'ъ' || r == 'ь' {
			return append(dst, s...), r, i, true
		}
		return utf8.AppendRune(dst, r), r, i, true
	}
	if isApostrophe(r) {
		return dst, r, i, true
	}
	if s, ok := latinSymbols[r]; ok {
		return append(dst, s...), r, i, true
	}
	if b := baseLetter(r); b != 0 {
		return dst, b, i, false
	}
	return utf8.AppendRune(dst, r), r, i, true
}

// appendASCII appends the symbols of r, the letter at w[i] or its base
// letter, and returns the index of the last rune it used: digraphs take
// the next rune. start is where the word's symbols begin in dst.
func appendASCII(dst []byte, start int, w []rune, i int, r rune) ([]byte, int) {
	next := runeAt(w, i+1)
	// 2017 Kazakh Latin writes y' for у, s' for ш and c' for ч; after
	// the other letters its apostrophe only marks a letter that the key
	// folds anyway (a' ә, o' ө, g' ғ …).
	mark := next == '\'' || next == '’' || next == 'ʼ'
	switch r {
	case '\'', '"', '`':
		// A soft or hard sign, or a 2017 mark already handled.
		return dst, i
	case 'c', 's', 'z', 'k', 'g':
		return appendDigraph(dst, w, i, r, next, mark)
	case 'q':
		return append(dst, 'k'), i
	case 'x':
		return append(dst, 'k', 's'), i
	case 'w', 'y', 'j':
		return appendSemivowel(dst, start, i, r, next, mark)
	}
	if r < utf8.RuneSelf {
		return append(dst, byte(r)), i
	}
	return utf8.AppendRune(dst, r), i
}

// appendDigraph appends the symbols of c, s, z, k or g at w[i], which with
// an h (or a 2017 mark) after them write one Cyrillic letter, and returns
// the index of the last rune used.
func appendDigraph(dst []byte, w []rune, i int, r, next rune, mark bool) ([]byte, int) {
	switch r {
	case 'c':
		switch {
		case next == 'h':
			return append(dst, 'q'), i + 1
		case next == 'z':
			return append(dst, 'c'), i + 1
		case mark:
			return append(dst, 'q'), i + 1
		}
		return append(dst, 'c'), i
	case 's':
		switch {
		case next == 'h':
			i++
			if runeAt(w, i+1) == 'h' { // GOST 7.79 B shh for щ
				i++
			}
			return append(dst, 'x'), i
		case mark:
			return append(dst, 'x'), i + 1
		}
		return append(dst, 's'), i
	case 'z':
		if next == 'h' {
			return append(dst, 'j'), i + 1
		}
		return append(dst, 'z'), i
	case 'k':
		if next == 'h' {
			return append(dst, 'h'), i + 1
		}
		return append(dst, 'k'), i
	}
	// g, and gh for ғ.
	if next == 'h' {
		i++
	}
	return append(dst, 'g'), i
}

// appendSemivowel appends the symbols of w, y or j at index i, which read
// as a vowel or a consonant by the symbols around them, and returns the
// index of the last rune used.
func appendSemivowel(dst []byte, start, i int, r, next rune, mark bool) ([]byte, int) {
	prevVowel := len(dst) > start && isVowelSym(dst[len(dst)-1])
	switch r {
	case 'w':
		if prevVowel {
			return append(dst, 'u'), i
		}
		return append(dst, 'v'), i
	case 'y':
		switch {
		case mark:
			return append(dst, 'u'), i + 1
		case next == 'o' && len(dst) > start && !prevVowel:
			// Pyotr, Semyonov, Artyom: ё after a consonant.
			return append(dst, 'e'), i + 1
		}
		return append(dst, 'i'), i
	}
	// GOST 7.79 B and German-style й: Sergej, Nikolaj. Kazakh ж is rarely
	// after a vowel and before a consonant or the end.
	if prevVowel && (next == 0 || isConsonantRune(next)) {
		return append(dst, 'i'), i
	}
	return append(dst, 'j'), i
}

func isConsonantRune(r rune) bool {
	if 'a' <= r && r <= 'z' {
		switch r {
		case 'a', 'e', 'i', 'o', 'u', 'y':
			return false
		}
		return true
	}
	return false
}

// baseLetter returns the ASCII letter under a Latin letter with diacritics
// (ő → o), or 0.
func baseLetter(r rune) rune {
	var buf [utf8.UTFMax]byte
	n := utf8.EncodeRune(buf[:], r)
	d := norm.NFD.Bytes(buf[:n])
	if len(d) > 1 && 'a' <= d[0] && d[0] <= 'z' {
		return rune(d[0])
	}
	return 0
}

// squeeze merges, in place, the symbol runs that different schemes spell
// differently, and returns the shortened key. It works on ASCII symbols only
// and leaves any other UTF-8 untouched.
func squeeze(b []byte) []byte {
	out := b[:0]
	for _, c := range b {
		if n := len(out); n > 0 && c < utf8.RuneSelf {
			last := out[n-1]
			switch {
			case c == last && 'a' <= c && c <= 'z': // digits are not letters: 2022
				continue
			case last == 't' && (c == 's' || c == 'c'): // тс, тц = ц
				out[n-1] = 'c'
				continue
			case last == 't' && c == 'q': // тч, tch = ч
				out[n-1] = 'q'
				continue
			case last == 'd' && c == 'j': // дж, dzh = ж
				out[n-1] = 'j'
				continue
			case (last == 's' || last == 'x') && c == 'q': // сч, шч, sch, shch = щ
				out[n-1] = 'x'
				continue
			case last == 'n' && c == 'g': // ң, ng, нг
				continue
			case last == 'i' && isVowelSym(c) && c != 'i': // я ya ia a
				if n >= 2 && out[n-2] == c {
					out = out[:n-1]
				} else {
					out[n-1] = c
				}
				continue
			}
		}
		out = append(out, c)
	}
	return out
}

// patronymic rewrites a patronymic ending to the common form: "uli" for a son,
// "kizi" for a daughter. The stem must keep at least two symbols.
func patronymic(k []byte) []byte {
	type rule struct{ from, to string }
	for _, r := range [...]rule{
		{"oviq", "uli"}, {"eviq", "uli"}, {"ulu", "uli"}, {"ogli", "uli"}, {"oglu", "uli"},
		{"ovna", "kizi"}, {"evna", "kizi"}, {"iqna", "kizi"}, {"gizi", "kizi"},
	} {
		if len(k) >= len(r.from)+2 && string(k[len(k)-len(r.from):]) == r.from {
			return append(k[:len(k)-len(r.from)], r.to...)
		}
	}
	return k
}
