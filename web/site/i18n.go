package site

import (
	"errors"
	"strconv"
	"strings"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/locale"
)

// newCatalog returns the interface's catalogue: package locale, the
// translations/{kk,ru,en}.json files embedded in the binary.
func newCatalog() *locale.Catalogue { return locale.Default() }

// tr translates the interface into one language. Record content is not
// translated: it is shown in the reader's language when a version exists
// (qantar.Text.In, Person.NameIn).
type tr struct {
	Lang string
	p    locale.Printer
}

func newTranslators(cat *locale.Catalogue) map[string]tr {
	out := map[string]tr{}
	for _, l := range locale.Langs {
		out[l] = tr{Lang: l, p: cat.Printer(l)}
	}
	return out
}

// S translates an interface string (the English text is the key) and
// formats its arguments; where the catalogue has plural forms, the key's
// first %d is the count that chooses one.
func (t tr) S(key string, args ...any) string { return t.p.S(key, args...) }

// Term returns the label of a vocabulary code in the reader's language, the
// code itself when the vocabulary does not know it (a jurisdiction's ground).
func (t tr) Term(vocab, code string) string {
	if code == "" {
		return ""
	}
	if term, ok := qantar.LookupTerm(vocab, code); ok {
		if l := term.Label(t.Lang); l != "" {
			return l
		}
		return term.EN
	}
	return code
}

// Text returns record content in the reader's language when written in it.
func (t tr) Text(x qantar.Text) string { s, _ := x.In(t.Lang); return s }

// TextLang returns the language a Text is shown in, so the page can mark it
// (lang="ru") when it is not the reader's.
func (t tr) TextLang(x qantar.Text) string { _, l := x.In(t.Lang); return l }

// Num writes an integer with the language's digit grouping.
func (t tr) Num(n any) string { return t.p.Num(n) }

// Date writes a date as recorded ("2022-01-05", "~2022-01"), or "unknown".
func (t tr) Date(d qantar.Date) string {
	if d.IsZero() {
		return t.S("unknown")
	}
	return d.String()
}

// langName is each language's name in itself, for the switch.
var langName = map[string]string{"kk": "Қазақша", "ru": "Русский", "en": "English"}

// actionLabels name the audit log's actions (catalogue keys).
var actionLabels = map[string]string{
	qantar.AuditSignIn: "signed in", qantar.AuditSignInFailed: "failed sign-in", qantar.AuditSignOut: "signed out",
	qantar.AuditExport: "export", qantar.AuditView: "viewed a protected record", qantar.AuditUser: "account changed",
}

// Action names an audit action.
func (t tr) Action(code string) string {
	if l, ok := actionLabels[code]; ok {
		return t.S(l)
	}
	return code
}

// Err says an error in the reader's language: through its catalogue key
// when it has one (qantar.Error.Key: validation, imports, storage), else
// its words, translated when the catalogue holds them.
func (t tr) Err(err error) string {
	var k qantar.Keyed
	if errors.As(err, &k) && qantar.ErrorCode(err) != qantar.EINTERNAL {
		if f, a := k.Key(); f != "" {
			return t.S(f, a...)
		}
	}
	msg := qantar.ErrorMessage(err)
	if locale.Default().Has(msg) {
		return t.S(msg)
	}
	return msg
}

// FieldErr is Err prefixed with the label of the field at fault, when the
// error names one ("Names, 1 — Value: is required").
func (t tr) FieldErr(err error) string {
	f := qantar.ErrorField(err)
	if f == "" {
		return t.Err(err)
	}
	return t.FieldLabel(f) + ": " + t.Err(err)
}

// FieldLabel names a field path of the API ("steps[2].date") with the
// form's labels: "Steps, 3 — Date".
func (t tr) FieldLabel(path string) string {
	base, rest, _ := strings.Cut(path, "[")
	if i := strings.IndexByte(base, '.'); i >= 0 {
		base, rest = base[:i], base[i+1:]
	} else if rest != "" {
		n, after, _ := strings.Cut(rest, "]")
		label := t.S(labelOf(base))
		if i, err := strconv.Atoi(n); err == nil {
			label += ", " + strconv.Itoa(i+1)
		}
		if after = strings.TrimPrefix(after, "."); after != "" {
			label += " — " + t.FieldLabel(after)
		}
		return label
	}
	if rest == "" {
		return t.S(labelOf(base))
	}
	return t.S(labelOf(base)) + " — " + t.FieldLabel(rest)
}
