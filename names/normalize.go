package names

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Normalize returns s in NFC, lower case, with ё written е, every run of
// punctuation, hyphens and spaces turned into one space, and no leading or
// trailing space. Letters keep their script: Тоқаев stays Cyrillic.
//
// Two repairs are made because real lists need them:
//   - Apostrophes and prime signs inside a word are removed, not turned into
//     spaces: they mark a soft sign (Ol'ga, Vasilʹev) or a 2017 Kazakh Latin
//     letter (Jan'ao'zen), and splitting there would cut one name in two.
//   - In a word written mostly in one script, letters of the other script that
//     look the same are replaced (a Latin "a" or "i" typed inside a Cyrillic
//     word, the Latin schwa ə for ә), and the non-Kazakh forms ӊ ҥ ӈ ӄ
//     become ң and қ; old fonts and keyboards produced all of these.
//
// Invalid UTF-8 is dropped. Normalize(Normalize(s)) == Normalize(s).
func Normalize(s string) string {
	s = clean(s)
	var b strings.Builder
	b.Grow(len(s))
	var buf []rune
	eachWord(s, func(w []rune) {
		buf = buf[:0]
		for _, r := range w {
			if isApostrophe(r) || unicode.Is(unicode.Mn, r) {
				continue
			}
			buf = append(buf, r)
		}
		fixScript(buf)
		if len(buf) == 0 {
			return
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		for _, r := range buf {
			b.WriteRune(lower(r))
		}
	})
	out := b.String()
	if !norm.NFC.IsNormalString(out) {
		// Removing a mark can leave a letter and a later mark side by side;
		// one more round composes them, and the second round is then stable.
		return Normalize(norm.NFC.String(out))
	}
	return out
}

// clean drops invalid UTF-8 and puts s in NFC, so that й typed as и plus a
// combining breve is one letter.
func clean(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "")
	}
	if isASCII(s) {
		return s
	}
	return norm.NFC.String(s)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// lower is simple lower-casing with ё folded to е. Unicode case folding would
// turn the Kazakh 2021 İ into i plus a combining dot; simple lower-casing gives
// the plain i that the alphabet means.
func lower(r rune) rune {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}
	switch {
	case 0x410 <= r && r <= 0x42F: // А-Я
		return r + 0x20
	case 0x400 <= r && r <= 0x40F: // Ѐ-Џ, Ё among them
		if r == 'Ё' {
			return 'е'
		}
		return r + 0x50
	case 0x430 <= r && r <= 0x45F: // а-я, ѐ-џ: already lower
		if r == 'ё' {
			return 'е'
		}
		return r
	}
	return unicode.ToLower(r)
}

// isApostrophe reports the marks that sit inside a transliterated word: the
// apostrophe and its typographic forms (Ol'ga, the 2017 Kazakh a' s' c'), the
// backtick GOST 7.79 B uses for ъ ь ы э, the primes GOST 7.79 A and
// BGN/PCGN use for ь and ъ, and the double quote ALA-LC uses for ъ (a quote
// around a word is dropped with no harm).
func isApostrophe(r rune) bool {
	switch r {
	case '\'', '"', '`', '´', 'ʹ', 'ʺ', 'ʻ', 'ʼ', 'ʽ', '‘', '’', '′', '″':
		return true
	}
	return false
}

// inWord reports whether r belongs to a word: letters, digits, combining
// marks and apostrophes. Everything else separates words.
func inWord(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '\'' || r == '"' || r == '`'
	}
	if 0x400 <= r && r <= 0x481 || 0x48A <= r && r <= 0x52F {
		return true // Cyrillic letters
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || isApostrophe(r)
}

// eachWord calls f with the runes of each word of s in order. The slice is
// reused between calls.
func eachWord(s string, f func(w []rune)) {
	var w []rune
	for _, r := range s {
		if inWord(r) {
			w = append(w, r)
			continue
		}
		if len(w) > 0 {
			f(w)
			w = w[:0]
		}
	}
	if len(w) > 0 {
		f(w)
	}
}

func isCyrillic(r rune) bool { return 0x400 <= r && r <= 0x52F }

func isLatin(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z'
	}
	return unicode.Is(unicode.Latin, r)
}

// toCyrillic maps Latin letters to the Cyrillic letters they are mistaken for,
// with the Kazakh letters that Latin-only keyboards and fonts stood in for.
// Lower case decides whether a letter has a look-alike; an upper-case entry
// is needed only where it differs (a lower-case h looks like һ, a capital H
// like Н).
var toCyrillic = map[rune]rune{
	'a': 'а', 'b': 'в', 'c': 'с', 'e': 'е', 'h': 'һ', 'i': 'і', 'k': 'к', 'm': 'м',
	'o': 'о', 'p': 'р', 't': 'т', 'x': 'х', 'y': 'у', 'ə': 'ә', 'ǝ': 'ә', 'ɵ': 'ө',
	'H': 'Н',
}

// toLatin maps Cyrillic letters to the Latin letters they are mistaken for.
var toLatin = map[rune]rune{
	'а': 'a', 'в': 'b', 'с': 'c', 'е': 'e', 'н': 'h', 'һ': 'h', 'і': 'i', 'к': 'k',
	'м': 'm', 'о': 'o', 'р': 'p', 'т': 't', 'х': 'x', 'у': 'y', 'ј': 'j', 'ѕ': 's',
	'ԛ': 'q', 'ԝ': 'w',
}

// lookalike returns the letter of the other script that r is mistaken for.
func lookalike(m map[rune]rune, r rune) (rune, bool) {
	if v, ok := m[r]; ok {
		return v, true
	}
	v, ok := m[lower(r)]
	return v, ok
}

// kazakhForms maps Cyrillic letters of other Turkic alphabets, which old
// Kazakh fonts used in place of ң and қ, to the Kazakh letters.
var kazakhForms = map[rune]rune{
	'Ӊ': 'Ң', 'ӊ': 'ң', 'Ҥ': 'Ң', 'ҥ': 'ң', 'Ӈ': 'Ң', 'ӈ': 'ң', 'Ӄ': 'Қ', 'ӄ': 'қ',
}

// fixScript rewrites, in place, the letters of a mixed-script word that have
// a look-alike in the word's script. The script is the one with more letters
// that have no look-alike (қ, в, ж are Cyrillic whatever surrounds them);
// failing that, the one with more letters; a tie counts as Cyrillic, the
// script most names are recorded in.
func fixScript(w []rune) {
	var cyr, lat int
	for i, r := range w {
		switch {
		case r < utf8.RuneSelf:
			if 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' {
				lat++
			}
		case isCyrillic(r):
			cyr++
			if 0x4A4 <= r && r <= 0x4CA {
				if k, ok := kazakhForms[r]; ok {
					w[i] = k
				}
			}
		case isLatin(r):
			lat++
		}
	}
	if cyr == 0 || lat == 0 {
		return // one script: the usual case, with no look-ups
	}
	var ownCyr, ownLat int
	for _, r := range w {
		if isCyrillic(r) {
			if _, ok := lookalike(toLatin, r); !ok {
				ownCyr++
			}
		} else if isLatin(r) {
			if _, ok := lookalike(toCyrillic, r); !ok {
				ownLat++
			}
		}
	}
	m := toCyrillic
	if ownLat > ownCyr || ownLat == ownCyr && lat > cyr {
		m = toLatin
	}
	for i, r := range w {
		if v, ok := lookalike(m, r); ok {
			w[i] = v
		}
	}
}
