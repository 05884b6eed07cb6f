package names

import (
	"bytes"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// The match key.
//
// Every letter, Cyrillic or Latin, is mapped to one symbol of a small ASCII
// alphabet; runs of symbols that the schemes spell differently are then
// merged. The key is lossy on purpose: two spellings of one name must meet,
// and the ranking (Distance, JaroWinkler) separates the near misses.
//
//	symbol  Cyrillic          Latin spellings folded into it
//	a       а ә я(after i)    a ä á à â ā ə a'(2017)
//	e       е ё э є           e é è ë ė, ye/ie (iotation dropped), yo after a consonant
//	i       и й і ы ї         i ı í ī y, j after a vowel before a consonant (Sergej)
//	o       о ө               o ö ó ô
//	u       у ұ ү ў           u ü ú ū ý(2018 у) y'(2017 у) w after a vowel
//	k       к қ               k q
//	g       г ғ ґ             g ğ ǵ gh g'
//	n       н ң               n ñ ń n', and n+g (нг, ңғ, ng) is n
//	h       х һ               h kh
//	j       ж дж              j zh ž dzh dj
//	c       ц тс тц           c ts tc cz
//	q       ч тч              ch ç č tch c'(2017)
//	x       ш щ шч сч         sh ş š ŝ sch shch shh s'(2017)
//	ks      кс                x
//	(none)  ъ ь               ' ` ʹ ʺ and other apostrophes
//
// The Cyrillic folds (Ә→А, Ө→О, Ұ/Ү→У, Қ→К, Ң→Н, Ғ→Г, Һ→Х, І/Й→И, Ё→Е, Ь/Ъ
// dropped) and Latin folds (diacritics off, sh/ş/s', ch/ç/c', q→k, kh→h,
// zh/j, y↔i, ye→e) are those of kazakhstan.md §5 "Matching". Then, on the
// symbols: a doubled symbol is one; i before a vowel is dropped, so я, ya,
// ia and a meet (the informal spellings the issue lists); ng is n.
//
// Finally a patronymic ending is written one way: -ович/-евич/-ovich/-uly/-ұлы
// become "uli", -овна/-евна/-ична/-qyzy/-қызы become "kizi", and a separate
// ұлы or қызы word is joined to the word before it.

// Key returns the match key of a word or a whole name: the key of each word,
// in sorted order so that name order does not matter, joined by spaces.
// Тоқаев, Токаев, Tokayev, Toqaev, Tokaev and TOKAEV all give "tokaev".
func Key(s string) string {
	k := keyers.Get().(*keyer)
	defer keyers.Put(k)
	k.run(s)
	if len(k.ends) == 0 {
		return ""
	}
	if len(k.ends) == 1 {
		return string(k.buf)
	}
	words := k.words[:0]
	start := 0
	for _, end := range k.ends {
		words = append(words, k.buf[start:end])
		start = end
	}
	slices.SortFunc(words, bytes.Compare)
	n := len(words) - 1
	for _, w := range words {
		n += len(w)
	}
	out := make([]byte, 0, n)
	for i, w := range words {
		if i > 0 {
			out = append(out, ' ')
		}
		out = append(out, w...)
	}
	k.words = words[:0]
	return string(out)
}

// WordKeys returns the key of each word of s, in the order written, with
// patronymic endings reduced to their common form: the terms of a name for a
// search index.
func WordKeys(s string) []string {
	k := keyers.Get().(*keyer)
	defer keyers.Put(k)
	k.run(s)
	out := make([]string, len(k.ends))
	start := 0
	for i, end := range k.ends {
		out[i] = string(k.buf[start:end])
		start = end
	}
	return out
}

// keyer holds the buffers of one Key computation; they are pooled because Key
// is called for every name of millions of records.
type keyer struct {
	runes []rune
	buf   []byte // the word keys, one after another
	ends  []int  // end offset in buf of each word key
	words [][]byte
}

var keyers = sync.Pool{New: func() any { return new(keyer) }}

func (k *keyer) run(s string) {
	k.buf, k.ends = k.buf[:0], k.ends[:0]
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "")
	}
	if mayCompose(s) && !norm.NFC.IsNormalString(s) {
		s = norm.NFC.String(s)
	}
	w := k.runes[:0]
	for _, r := range s {
		if inWord(r) {
			w = append(w, r)
			continue
		}
		if len(w) > 0 {
			k.word(w)
			w = w[:0]
		}
	}
	if len(w) > 0 {
		k.word(w)
	}
	k.runes = w[:0]
}

// word appends the key of one word (runes in their original case).
func (k *keyer) word(w []rune) {
	fixScript(w)
	j := 0
	for _, r := range w {
		if isMark(r) {
			continue
		}
		w[j] = lower(r)
		j++
	}
	w = w[:j]
	start := len(k.buf)
	k.buf = appendSymbols(k.buf, w)
	key := squeeze(k.buf[start:])
	if len(key) == 0 {
		k.buf = k.buf[:start]
		return
	}
	// A patronymic written as a separate word (Кемел ұлы) joins the word
	// before it, which ends where this one starts.
	if n := len(k.ends); n > 0 && (string(key) == "uli" || string(key) == "kizi") {
		prev := 0
		if n > 1 {
			prev = k.ends[n-2]
		}
		k.ends = k.ends[:n-1]
		key = squeeze(k.buf[prev : start+len(key)])
		start = prev
	}
	key = patronymic(key)
	k.buf = append(k.buf[:start], key...)
	k.ends = append(k.ends, len(k.buf))
}

// mayCompose reports whether s holds a combining diacritic (U+0300–U+036F,
// UTF-8 lead byte 0xCC or 0xCD), the only marks that change a key when
// composed (s + cedilla is ş). Checking the bytes first spares the NFC check
// for almost every name.
func mayCompose(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == 0xCC || c == 0xCD {
			return true
		}
	}
	return false
}

// isMark reports a combining mark, skipping the table look-up for letters.
func isMark(r rune) bool {
	if r < 0x300 || 0x400 <= r && r <= 0x482 || 0x48A <= r && r <= 0x52F {
		return false
	}
	return unicode.Is(unicode.Mn, r)
}
