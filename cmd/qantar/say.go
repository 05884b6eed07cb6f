package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/qantar-project/qantar/locale"
)

// The lines a command prints for people ("3 records imported") are said in
// one of the interface languages, from the catalogue of package locale with
// its plural forms; what programs read (JSON, CSV, the checkpoint's text)
// stays as it is. The language is the --lang flag every subcommand takes,
// else QANTAR_LANG, else the locale of the environment (LC_ALL,
// LC_MESSAGES, LANG) when it starts with kk or ru, else English.
//
// A command that has a --lang of its own (the language of a draft, of a
// mirror's root pages, of export's column headers) says its lines in that
// language when it is given.

// langFlagUsage is the help of the --lang parseFlags adds.
const langFlagUsage = "language of what the command prints: kk, ru or en (default: $QANTAR_LANG, else kk or ru from $LC_ALL or $LANG, else en)"

// envLang is the language the environment asks for.
func (m *Main) envLang() string {
	if l := m.Getenv("QANTAR_LANG"); l != "" {
		return l
	}
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		l := strings.ToLower(m.Getenv(v))
		if l == "" {
			continue
		}
		for _, lang := range []string{"kk", "ru"} {
			if strings.HasPrefix(l, lang) {
				return lang
			}
		}
		return "en"
	}
	return "en"
}

// addLangFlag gives a command the --lang flag unless it has its own.
func (m *Main) addLangFlag(fs *flag.FlagSet) {
	if fs.Lookup("lang") == nil {
		fs.String("lang", "", langFlagUsage)
	}
}

// setLang takes the language from a parsed FlagSet's --lang when it was
// given, else from the environment (English for one Qantar does not speak).
func (m *Main) setLang(fs *flag.FlagSet) error {
	lang, given := "", false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "lang" {
			lang, given = f.Value.String(), true
		}
	})
	if !given {
		lang = m.envLang()
		if !knownLang(lang) {
			lang = "en"
		}
	}
	if !knownLang(lang) {
		return usagef("--lang %q: want kk, ru or en", lang)
	}
	m.lang = lang
	return nil
}

func knownLang(l string) bool { return l == "kk" || l == "ru" || l == "en" }

// say returns a catalogue key said in the command's language.
func (m *Main) say(key string, args ...any) string {
	lang := m.lang
	if lang == "" {
		lang = m.envLang()
	}
	return locale.For(lang).S(key, args...)
}

// sayln writes a line said in the command's language.
func (m *Main) sayln(w io.Writer, key string, args ...any) {
	fmt.Fprintln(w, m.say(key, args...))
}
