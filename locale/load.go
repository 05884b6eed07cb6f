package locale

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/message/catalog"
)

// forms are the CLDR cardinal plural categories each language uses, in the
// order x/text needs them (other last).
var forms = map[string][]string{
	"en": {"one", "other"},
	"ru": {"one", "few", "many", "other"},
	"kk": {"one", "other"},
}

// Forms returns the plural categories a language's plural entries must
// have.
func Forms(lang string) []string { return forms[lang] }

// Load reads translations/{kk,ru,en}.json from fsys and checks them: en.json
// names every key; the other files have every key of it and no other; no
// key twice in a file; plural entries have exactly their language's forms;
// every text takes the arguments of its key.
func Load(fsys fs.FS) (*Catalogue, error) {
	c := &Catalogue{entries: map[string]map[string]Entry{}}
	keys, en, err := readLang(fsys, Fallback)
	if err != nil {
		return nil, err
	}
	c.keys, c.entries[Fallback] = keys, en
	var errs []error
	for _, lang := range Langs {
		if lang == Fallback {
			continue
		}
		_, entries, err := readLang(fsys, lang)
		if err != nil {
			return nil, err
		}
		c.entries[lang] = entries
		for _, k := range keys {
			if _, ok := entries[k]; !ok {
				errs = append(errs, fmt.Errorf("translations/%s.json: %q is missing", lang, k))
			}
		}
		for k := range entries {
			if _, ok := en[k]; !ok {
				errs = append(errs, fmt.Errorf("translations/%s.json: %q is not a key of en.json", lang, k))
			}
		}
	}
	for _, lang := range Langs {
		for _, k := range keys {
			if e, ok := c.entries[lang][k]; ok {
				errs = append(errs, checkArgs(lang, k, e)...)
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	c.cat, err = c.build()
	return c, err
}

// build makes the x/text catalogue: plain texts as strings, plural entries
// as a selection on the count (CountArg).
func (c *Catalogue) build() (catalog.Catalog, error) {
	b := catalog.NewBuilder(catalog.Fallback(Tag(Fallback)))
	for _, lang := range Langs {
		tag := Tag(lang)
		for _, k := range c.keys {
			e := c.entries[lang][k]
			if !e.Plural() {
				if err := b.SetString(tag, k, e.Text); err != nil {
					return nil, fmt.Errorf("%s %q: %w", lang, k, err)
				}
				continue
			}
			var cases []any
			for _, f := range Forms(lang) {
				cases = append(cases, f, e.Forms[f])
			}
			if err := b.Set(tag, k, plural.Selectf(CountArg(k), "%d", cases...)); err != nil {
				return nil, fmt.Errorf("%s %q: %w", lang, k, err)
			}
		}
	}
	return b, nil
}

// parse reads one language's file: an object of key to text or forms, in
// order, refusing a key given twice (which a map would silently keep once).
func parse(b []byte, lang string) ([]string, map[string]Entry, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, nil, errors.New("not a JSON object")
	}
	var keys []string
	entries := map[string]Entry{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, nil, err
		}
		key := t.(string) // an object's names are strings
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, nil, fmt.Errorf("%q: %w", key, err)
		}
		if _, dup := entries[key]; dup {
			return nil, nil, fmt.Errorf("%q is given twice", key)
		}
		e, err := parseEntry(raw, lang)
		if err != nil {
			return nil, nil, fmt.Errorf("%q: %w", key, err)
		}
		keys = append(keys, key)
		entries[key] = e
	}
	if _, err := dec.Token(); err != nil {
		return nil, nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, nil, errors.New("text after the object")
	}
	return keys, entries, nil
}

func parseEntry(raw json.RawMessage, lang string) (Entry, error) {
	var e Entry
	if err := json.Unmarshal(raw, &e.Text); err == nil {
		return e, nil
	}
	if err := json.Unmarshal(raw, &e.Forms); err != nil {
		return e, errors.New("is neither a text nor an object of plural forms")
	}
	want := Forms(lang)
	for f := range e.Forms {
		if !slices.Contains(want, f) {
			return e, fmt.Errorf("plural form %q is not one of %s's (%v)", f, lang, want)
		}
	}
	for _, f := range want {
		if _, ok := e.Forms[f]; !ok {
			return e, fmt.Errorf("plural form %q is missing (%s has %v)", f, lang, want)
		}
	}
	return e, nil
}

// verb matches a fmt verb (with flags, width, precision or an argument
// index), and %% which is none.
var verb = regexp.MustCompile(`%(?:%|[-+# 0]*(?:\[\d+\])?\d*(?:\.\d+)?[a-zA-Z])`)

// CountArg returns which argument (from 1) chooses a plural form of key:
// the first integer verb (%d) of the key, or the first argument when it
// has none.
func CountArg(key string) int {
	pos := 0
	for _, v := range verbs(key) {
		pos++
		if i := strings.Index(v, "["); i >= 0 {
			pos, _ = strconv.Atoi(v[i+1 : strings.Index(v, "]")])
		}
		if strings.HasSuffix(v, "d") {
			return pos
		}
	}
	return 1
}

func verbs(s string) []string {
	var out []string
	for _, v := range verb.FindAllString(s, -1) {
		if v != "%%" {
			out = append(out, v)
		}
	}
	return out
}

// checkArgs reports a text of an entry that takes other arguments than its
// key. Translations may reorder them only with explicit indexes ("%[2]s").
func checkArgs(lang, key string, e Entry) []error {
	want := verbs(key)
	var errs []error
	for _, s := range e.Texts(lang) {
		got := verbs(s)
		if len(got) != len(want) || !sameVerbs(want, got) {
			errs = append(errs, fmt.Errorf("translations/%s.json: %q: %q takes %v, the key takes %v", lang, key, s, got, want))
		}
	}
	return errs
}

func sameVerbs(want, got []string) bool {
	indexed := false
	for _, g := range got {
		if bytes.ContainsRune([]byte(g), '[') {
			indexed = true
		}
	}
	if indexed { // reordered: only the count matters here
		return true
	}
	return slices.Equal(want, got)
}
