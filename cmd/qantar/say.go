package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/locale"
)

// The lines a command prints for people ("3 records imported") are said in
// one of the interface languages, from the catalogue of package locale with
// its plural forms; what programs read (JSON, CSV, the checkpoint's text)
// stays as it is. The language is the --lang flag every subcommand takes,
// else QANTAR_LANG, else the locale of the environment (LC_ALL,
// LC_MESSAGES, LANG) when it starts with kk or ru, else English.
//
// A command whose own --lang is the language of a document (a draft or a
// dossier, a mirror's root pages, export's column headers) keeps it for the
// document: its lines follow the environment, as a lawyer may write a
// Russian filing from a Kazakh terminal.

// langFlagUsage is the help of the --lang parseFlags adds.
const langFlagUsage = "language of what the command prints: kk, ru or en (default: $QANTAR_LANG, else kk or ru from $LC_ALL or $LANG, else en)"

// envLang is the language the environment asks for.
func (m *Main) envLang() string {
	if m.Getenv == nil {
		return "en"
	}
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
		if f.Name == "lang" && !documentLang[fs.Name()] {
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

// documentLang are the commands whose --lang is a document's language.
var documentLang = map[string]bool{"qantar draft": true, "qantar dossier": true, "qantar export": true, "qantar publish": true}

func knownLang(l string) bool { return l == "kk" || l == "ru" || l == "en" }

// say returns a catalogue key said in the command's language. In English
// numbers are written as Go writes them (12345, not 12,345): scripts and
// the tests that grew with them read the English lines.
func (m *Main) say(key string, args ...any) string {
	lang := m.lang
	if lang == "" {
		lang = m.envLang()
	}
	if lang != "en" {
		return locale.For(lang).S(key, args...)
	}
	text := key
	if e, ok := locale.Default().Entry("en", key); ok {
		text = e.Text
		if e.Plural() {
			text = e.Forms["other"]
			if i := locale.CountArg(key) - 1; i < len(args) && isOne(args[i]) {
				text = e.Forms["one"]
			}
		}
	}
	return fmt.Sprintf(text, args...)
}

// isOne reports whether a count is the integer 1.
func isOne(v any) bool {
	switch n := v.(type) {
	case int:
		return n == 1
	case int64:
		return n == 1
	case int32:
		return n == 1
	case uint64:
		return n == 1
	}
	return false
}

// sayErr says a command's error: in English as the error writes itself
// (ids ungrouped, as scripts read them), in kk or ru through the catalogue,
// with the field at fault first.
func (m *Main) sayErr(err error) string {
	var e *qantar.Error
	if m.lang == "" || m.lang == "en" || !errors.As(err, &e) || e.Format == "" {
		return err.Error()
	}
	msg := m.say(e.Format, e.Args...)
	if e.Field != "" {
		return e.Field + ": " + msg
	}
	return msg
}

// sayln writes a line said in the command's language.
func (m *Main) sayln(w io.Writer, key string, args ...any) {
	fmt.Fprintln(w, m.say(key, args...))
}
