package names

import (
	"strings"
	"unicode"
)

// Variants returns the forms a name is commonly written in, for display and
// search expansion, without repeats and starting with s itself (spaces
// collapsed). For a Cyrillic name: the Russian spelling of a Kazakh name
// (Тоқаев → Токаев), the 2021 Kazakh Latin, ICAO 9303 as in passports,
// BGN/PCGN (Kazakh if the name has Kazakh letters, else Russian) and the
// informal English spelling. A Latin name cannot be put back into Cyrillic
// reliably, so it gets only its plain-ASCII form; Key matches it anyway.
func Variants(s string) []string {
	s = strings.Join(strings.Fields(clean(s)), " ")
	if s == "" {
		return nil
	}
	out := []string{s}
	add := func(v string) {
		for _, o := range out {
			if o == v {
				return
			}
		}
		out = append(out, v)
	}
	cyr, kazakh := false, false
	for _, r := range s {
		if isCyrillic(r) {
			cyr = true
			if _, ok := kazakhToRussian[unicode.ToLower(r)]; ok {
				kazakh = true
			}
		}
	}
	if !cyr {
		add(ASCII(s))
		return out
	}
	if kazakh {
		add(RussianSpelling(s))
	}
	add(Translit(s, KazakhLatin2021))
	add(Translit(s, ICAO9303))
	if kazakh {
		add(Translit(s, BGNPCGNKazakh))
	} else {
		add(Translit(s, BGNPCGNRussian))
	}
	add(Translit(s, Informal))
	return out
}

// RussianSpelling writes the Kazakh letters of s as Russian documents spell
// Kazakh names (Ә→А, Ө→О, Ұ/Ү→У, Қ→К, Ң→Н, Ғ→Г, Һ→Х, І→И; kazakhstan.md §5,
// Kazakh→Russian name instruction [P]).
func RussianSpelling(s string) string {
	return strings.Map(func(r rune) rune {
		l := unicode.ToLower(r)
		f, ok := kazakhToRussian[l]
		if !ok {
			return r
		}
		if l != r {
			return unicode.ToUpper(f)
		}
		return f
	}, s)
}

// ASCII removes diacritics from Latin letters (Jañaözen → Janaozen,
// Şymkent → Symkent, ı → i) and drops apostrophes and primes; other
// characters are kept.
func ASCII(s string) string {
	var b strings.Builder
	for _, r := range clean(s) {
		switch {
		case isApostrophe(r) || unicode.Is(unicode.Mn, r):
		case r < 0x80:
			b.WriteRune(r)
		case r == 'İ':
			b.WriteByte('I')
		case r == 'ı':
			b.WriteByte('i')
		case r == 'ə' || r == 'ǝ':
			b.WriteByte('a')
		case r == 'Ə' || r == 'Ǝ':
			b.WriteByte('A')
		case isLatin(r):
			if base := baseLetter(unicode.ToLower(r)); base != 0 {
				if unicode.IsUpper(r) {
					base = unicode.ToUpper(base)
				}
				b.WriteRune(base)
			} else {
				b.WriteRune(r)
			}
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
