package names

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Names written with initials.
//
// Official lists give a surname and initials: "Иванов А.Б.", "А.Б. Иванов",
// "Ivanov A.", "Жумабаев Ж." in Cyrillic, "Zhumabaev Zh." or "Jumabaev J."
// in Latin. Parse splits a name into its words in the order written, each
// marked as a full word or an initial, with the match key that says which
// letter it stands for in either script (А. and A. are "a"; Ж., Zh., J. and
// Dzh. are "j"; Ш., Sh. and Ş. are "x"). A full word knows the initials it
// may be shortened to, so that linkage can say that "Абдуллаев Н." and
// "Nurlan Abdullaev" agree as far as the initial can tell, and no further.

// Part is one word of a name as Parse reads it.
type Part struct {
	// Key is the word's match key (as WordKeys gives it); for an initial,
	// the key of the letter or letters written ("Zh." is "j").
	Key string
	// Initial says the word was written as an initial: one letter, with or
	// without a dot, or a Latin digraph with a dot ("Zh.", "Sh.", "Yu.").
	Initial bool
	// Iotated says the word starts with a vowel sound after a "y" (Е, Ё, Ю,
	// Я; Ye, Yu, Ya, Ie, Iu, Ia, Ju, Ja), which Latin lists may shorten to Y.
	// (Yerlan is E. in Cyrillic, Y. or E. in Latin).
	Iotated bool
	// LatinY says the word is the initial Y (or I, J) written in Latin: it
	// stands for Ы, Й, И, І or an iotated vowel, and so agrees with Е., Ю.
	// and Я. as well as with И.
	LatinY bool
}

// Parse splits s into its words in the order written, telling initials from
// full words. A patronymic written as a separate word (Кемел ұлы) is joined
// to the word before it, as WordKeys does; words with an empty key (a lone
// soft sign, punctuation) are dropped. Invalid UTF-8 is dropped.
func Parse(s string) []Part {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "")
	}
	var out []Part
	prevRaw := ""
	eachWordDot(s, func(w string, dot bool) {
		keys := WordKeys(w)
		if len(keys) != 1 {
			return
		}
		p := Part{Key: keys[0], Initial: isInitial(w, dot)}
		first, size := utf8.DecodeRuneInString(w)
		next, _ := utf8.DecodeRuneInString(w[size:])
		p.Iotated = iotated(first, next)
		p.LatinY = p.Initial && lower(first) == 'y' && p.Key == "i"
		if n := len(out); n > 0 && !p.Initial && !out[n-1].Initial && (p.Key == "uli" || p.Key == "kizi") {
			// Joined as WordKeys joins it: the key of the two words together.
			if joined := WordKeys(prevRaw + " " + w); len(joined) == 1 {
				out[n-1].Key = joined[0]
				prevRaw += " " + w
				return
			}
		}
		prevRaw = w
		out = append(out, p)
	})
	return out
}

// eachWordDot calls f with each word of s (the runs of inWord runes, as the
// key reads them) and whether a dot follows it directly.
func eachWordDot(s string, f func(w string, dot bool)) {
	start := -1
	for i, r := range s {
		if inWord(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			f(s[start:i], r == '.')
			start = -1
		}
	}
	if start >= 0 {
		f(s[start:], false)
	}
}

// latinInitials are the Latin spellings of one Cyrillic letter that lists
// use as an initial, followed by a dot: Ж Zh, Ш Sh, Щ Shch, Ч Ch, Х Kh, Ц Ts,
// Ғ Gh, Дж Dzh, and the iotated vowels.
var latinInitials = map[string]bool{
	"zh": true, "sh": true, "shch": true, "ch": true, "kh": true, "ts": true, "gh": true, "dzh": true, "dj": true,
	"ye": true, "yu": true, "ya": true, "yo": true, "ie": true, "iu": true, "ia": true, "ju": true, "ja": true, "je": true,
	"дж": true,
}

// isInitial reports whether a word is an initial: one letter, or a
// digraph initial followed by a dot, capitalised as an initial is ("Zh.",
// not "zh." inside a sentence, nor "ZH", a two-letter surname).
func isInitial(w string, dot bool) bool {
	letters, first := 0, rune(0)
	for _, r := range w {
		if isApostrophe(r) || unicode.Is(unicode.Mn, r) {
			continue
		}
		if !unicode.IsLetter(r) {
			return false
		}
		if letters == 0 {
			first = r
		}
		letters++
	}
	switch {
	case letters == 1:
		return true
	case letters == 0 || !dot || letters > 4 || !unicode.IsUpper(first):
		return false
	}
	return latinInitials[strings.ToLower(w)]
}

// iotated reports whether a word starting with r, then next, starts with an
// iotated vowel: Cyrillic Е Ё Ю Я Є Ї, or Latin Y, I or J before a vowel.
func iotated(r, next rune) bool {
	switch lower(r) {
	case 'е', 'ю', 'я', 'є', 'ї':
		return true
	case 'y', 'i', 'j':
		switch lower(next) {
		case 'a', 'e', 'o', 'u':
			return true
		}
	}
	return false
}

// InitialAgrees reports whether two parts, at least one of them an
// initial, can be the same word: an initial agrees with a word it starts
// (in either script: А. with Aigul, Zh. with Жанар, Y. with Ерлан), and two
// initials agree when they stand for one letter. Two full words are
// compared by their keys, not here: InitialAgrees says false.
func InitialAgrees(a, b Part) bool {
	if !a.Initial && !b.Initial {
		return false
	}
	if a.Key == "" || b.Key == "" {
		return false
	}
	if !a.Initial {
		a, b = b, a // a is an initial
	}
	if a.LatinY && b.Iotated || b.Initial && b.LatinY && a.Iotated {
		return true
	}
	return a.Key[0] == b.Key[0]
}

// Initialed is a name written as a surname and initials.
type Initialed struct {
	Surname  string   // the surname's match key
	Initials []string // the initials' keys, in the order written
}

// SplitInitials reads a name written as one surname and initials, before or
// after it ("Иванов А.Б.", "А.Б. Иванов", "Ivanov A.", "Жумабаев Zh."). It
// says false for a name with no initial, with no full word, or with more
// than one full word ("Иванов Иван И." gives a given name in full: Parse
// says which word is which).
func SplitInitials(s string) (Initialed, bool) {
	var out Initialed
	for _, p := range Parse(s) {
		switch {
		case p.Initial:
			out.Initials = append(out.Initials, p.Key)
		case out.Surname != "":
			return Initialed{}, false
		default:
			out.Surname = p.Key
		}
	}
	if out.Surname == "" || len(out.Initials) == 0 {
		return Initialed{}, false
	}
	return out, true
}

// HasInitials reports whether the name s holds an initial.
func HasInitials(s string) bool {
	for _, p := range Parse(s) {
		if p.Initial {
			return true
		}
	}
	return false
}
