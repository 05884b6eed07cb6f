// Package locale is the one catalogue of Qantar's interface text in Kazakh,
// Russian and English: the site's pages (web), the reports' charts (report)
// and the static mirror (publish) all take their words from it.
//
// The text is data, one file per language in translations/ (kk.json,
// ru.json, en.json), embedded in the binary, so that a translator edits it
// without Go. Each file is one JSON object. Its keys are the English text
// that code and templates ask for (t.S("Events"), {{.T.S "Events"}}); en.json
// holds every key and is the list of them. A value is either the text, with
// the fmt verbs of the key in the same order, or, where a count is shown, an
// object of CLDR plural forms chosen by the count, the key's first %d
// (CountArg):
//
//	"%d records": {"one": "%d запись", "few": "%d записи", "many": "%d записей", "other": "%d записи"}
//
// The forms a language takes are those of CLDR (Forms): en one and other, ru
// one, few, many and other, kk one and other. Load refuses a file with a
// duplicate key, an unknown key, a missing or extra form, or a translation
// that takes other arguments than its key.
//
// Formatting goes through golang.org/x/text/message, so numbers in the text
// are grouped as the language groups them.
package locale

import (
	"embed"
	"fmt"
	"io/fs"
	"sync"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"
)

// Langs are the interface languages, as the site lists them.
var Langs = []string{"kk", "ru", "en"}

// Fallback is the language of the keys, used for a key or language the
// catalogue lacks.
const Fallback = "en"

var tags = map[string]language.Tag{"kk": language.Kazakh, "ru": language.Russian, "en": language.English}

// Tag returns the language tag of an interface language, English for one
// the catalogue does not have.
func Tag(lang string) language.Tag {
	if t, ok := tags[lang]; ok {
		return t
	}
	return language.English
}

//go:embed translations/*.json
var files embed.FS

// Entry is one key's text in one language: Text, or plural Forms by CLDR
// category ("one", "few", "many", "other").
type Entry struct {
	Text  string
	Forms map[string]string
}

// Plural reports whether the entry has plural forms.
func (e Entry) Plural() bool { return e.Forms != nil }

// Texts returns every text of the entry: its one text, or each plural form
// in the order of Forms(lang).
func (e Entry) Texts(lang string) []string {
	if !e.Plural() {
		return []string{e.Text}
	}
	var out []string
	for _, f := range Forms(lang) {
		out = append(out, e.Forms[f])
	}
	return out
}

// Catalogue holds the entries of every language.
type Catalogue struct {
	keys    []string                    // en.json's keys in file order
	entries map[string]map[string]Entry // lang → key → entry
	cat     catalog.Catalog
}

// Keys returns every key, in the order of en.json.
func (c *Catalogue) Keys() []string { return append([]string(nil), c.keys...) }

// Entry returns a key's entry in a language.
func (c *Catalogue) Entry(lang, key string) (Entry, bool) {
	e, ok := c.entries[lang][key]
	return e, ok
}

// Has reports whether key is in the catalogue.
func (c *Catalogue) Has(key string) bool {
	_, ok := c.entries[Fallback][key]
	return ok
}

// Catalog returns the catalogue as golang.org/x/text sees it.
func (c *Catalogue) Catalog() catalog.Catalog { return c.cat }

// Printer returns the printer of one language (English for one the
// catalogue does not have).
func (c *Catalogue) Printer(lang string) Printer {
	if _, ok := tags[lang]; !ok {
		lang = Fallback
	}
	return Printer{lang: lang, p: message.NewPrinter(Tag(lang), message.Catalog(c.cat))}
}

var (
	defaultOnce sync.Once
	defaultCat  *Catalogue
)

// Default returns the catalogue embedded in the binary. It panics if the
// embedded files do not load: they are part of the program, and the
// package's tests load them.
func Default() *Catalogue {
	defaultOnce.Do(func() {
		c, err := Load(files)
		if err != nil {
			panic(fmt.Sprintf("locale: the embedded catalogue: %v", err))
		}
		defaultCat = c
	})
	return defaultCat
}

// For returns the embedded catalogue's printer for lang.
func For(lang string) Printer { return Default().Printer(lang) }

// Printer writes interface text in one language.
type Printer struct {
	lang string
	p    *message.Printer
}

// Lang returns the printer's language code (kk, ru, en).
func (p Printer) Lang() string { return p.lang }

// S returns the text of key in the printer's language, formatted with args
// (the count, the key's first %d, chooses a plural form). A key the catalogue lacks is
// formatted as it is; a test keeps every key the code uses in the catalogue.
//
// An argument that is itself a message of the catalogue (a Keyed: a word
// such as a kind's name, or an error that names its key) is said in the
// printer's language first.
func (p Printer) S(key string, args ...any) string { return p.p.Sprintf(key, p.said(args)...) }

// Keyed is a message the catalogue can say: its key (its English words)
// and the arguments of that key. The root package's errors and words are
// Keyed; so are an import's cell problems.
type Keyed interface{ Key() (string, []any) }

// said returns args with each Keyed said in the printer's language.
func (p Printer) said(args []any) []any {
	var out []any
	for i, a := range args {
		k, ok := a.(Keyed)
		if !ok {
			continue
		}
		if out == nil {
			out = append([]any(nil), args...)
		}
		if key, kargs := k.Key(); key != "" {
			out[i] = p.S(key, kargs...)
		}
	}
	if out == nil {
		return args
	}
	return out
}

// Num writes an integer with the language's digit grouping.
func (p Printer) Num(n any) string { return p.p.Sprintf("%d", n) }

// readLang reads and parses one language's file.
func readLang(fsys fs.FS, lang string) ([]string, map[string]Entry, error) {
	b, err := fs.ReadFile(fsys, "translations/"+lang+".json")
	if err != nil {
		return nil, nil, err
	}
	keys, entries, err := parse(b, lang)
	if err != nil {
		return nil, nil, fmt.Errorf("translations/%s.json: %w", lang, err)
	}
	return keys, entries, nil
}
