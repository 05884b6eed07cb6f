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
	n := len(w)
	at := func(i int) rune {
		if i < n {
			return w[i]
		}
		return 0
	}
	// prevVowel reports whether the last symbol written is a vowel.
	prevVowel := func(start int) bool {
		return len(dst) > start && isVowelSym(dst[len(dst)-1])
	}
	start := len(dst)
	for i := 0; i < n; i++ {
		r := w[i]
		if r >= utf8.RuneSelf {
			if isCyrillic(r) {
				if (r == 'ь' || r == 'ъ') && at(i+1) == 'о' {
					// ьо, ъо sound as ё: бульон, Bulyon.
					dst = append(dst, 'e')
					i++
					continue
				}
				if s := cyrSymbolTable[r-0x400]; s != "" || r == 'ъ' || r == 'ь' {
					dst = append(dst, s...)
				} else {
					dst = utf8.AppendRune(dst, r)
				}
				continue
			}
			if isApostrophe(r) {
				continue
			}
			if s, ok := latinSymbols[r]; ok {
				dst = append(dst, s...)
				continue
			}
			if b := baseLetter(r); b != 0 {
				r = b // and fall through to the ASCII rules
			} else {
				dst = utf8.AppendRune(dst, r)
				continue
			}
		}
		next := at(i + 1)
		// 2017 Kazakh Latin writes y' for у, s' for ш and c' for ч; after
		// the other letters its apostrophe only marks a letter that the key
		// folds anyway (a' ә, o' ө, g' ғ …).
		mark := next == '\'' || next == '’' || next == 'ʼ'
		switch r {
		case '\'', '"', '`':
			// A soft or hard sign, or a 2017 mark already handled.
		case 'c':
			switch {
			case next == 'h':
				dst = append(dst, 'q')
				i++
			case next == 'z':
				dst = append(dst, 'c')
				i++
			case mark:
				dst = append(dst, 'q')
				i++
			default:
				dst = append(dst, 'c')
			}
		case 's':
			switch {
			case next == 'h':
				i++
				if at(i+1) == 'h' { // GOST 7.79 B shh for щ
					i++
				}
				dst = append(dst, 'x')
			case mark:
				dst = append(dst, 'x')
				i++
			default:
				dst = append(dst, 's')
			}
		case 'z':
			if next == 'h' {
				dst = append(dst, 'j')
				i++
			} else {
				dst = append(dst, 'z')
			}
		case 'k':
			if next == 'h' {
				dst = append(dst, 'h')
				i++
			} else {
				dst = append(dst, 'k')
			}
		case 'g':
			if next == 'h' {
				i++
			}
			dst = append(dst, 'g')
		case 'q':
			dst = append(dst, 'k')
		case 'x':
			dst = append(dst, 'k', 's')
		case 'w':
			if prevVowel(start) {
				dst = append(dst, 'u')
			} else {
				dst = append(dst, 'v')
			}
		case 'y':
			switch {
			case mark:
				dst = append(dst, 'u')
				i++
			case next == 'o' && len(dst) > start && !isVowelSym(dst[len(dst)-1]):
				// Pyotr, Semyonov, Artyom: ё after a consonant.
				dst = append(dst, 'e')
				i++
			default:
				dst = append(dst, 'i')
			}
		case 'j':
			// GOST 7.79 B and German-style й: Sergej, Nikolaj. Kazakh ж is
			// rarely after a vowel and before a consonant or the end.
			if prevVowel(start) && (next == 0 || isConsonantRune(next)) {
				dst = append(dst, 'i')
			} else {
				dst = append(dst, 'j')
			}
		default:
			if r < utf8.RuneSelf {
				dst = append(dst, byte(r))
			} else {
				dst = utf8.AppendRune(dst, r)
			}
		}
	}
	return dst
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
