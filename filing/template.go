package filing

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/law"
)

// Template is a draft's wording in one language for one jurisdiction: the
// blocks of the document with {{placeholders}}, the fixed phrases the draft
// needs, and per complaint kind its addressee, title, request and the case
// steps it challenges. It is data (law/rules/JURISDICTION/templates/
// LANG.json), read strictly and checked at load: an unknown field,
// placeholder, list, style, phrase, kind or step is refused.
type Template struct {
	About        string                  `json:"about,omitempty"`
	Jurisdiction string                  `json:"jurisdiction"`
	Lang         string                  `json:"lang"`
	Phrases      map[string]string       `json:"phrases"`
	Blocks       []TemplateBlock         `json:"blocks"`
	Kinds        map[string]TemplateKind `json:"kinds"`
}

// TemplateBlock is one paragraph of a draft. With Each it is repeated for
// every item of a list (its placeholders may name the item's fields); with
// If it is shown only when a list has items. Empty, when set, is shown
// instead when the list of Each or If has none. A block whose text comes
// out empty is left out.
type TemplateBlock struct {
	Style string `json:"style"`
	Text  string `json:"text"`
	Each  string `json:"each,omitempty"`
	If    string `json:"if,omitempty"`
	Empty string `json:"empty,omitempty"`
}

// TemplateKind is what differs between complaint kinds. Challenges lists
// the case steps a complaint of this kind challenges (the last one the case
// records is the decision complained of, and the filing limit counts from
// its date); a case with none of them gets a draft that says so.
type TemplateKind struct {
	Addressee  string   `json:"addressee"`
	Title      string   `json:"title"`
	Request    string   `json:"request"`
	Challenges []string `json:"challenges"`
}

// scalars are the placeholders every block may use; lists the lists a block
// may repeat over or test, with the placeholders of their items.
var (
	scalars = set("addressee", "title", "request", "jurisdiction", "case_number", "case_opened", "authority", "victims",
		"today", "filed_on", "kind_code", "kind_label", "kind_basis", "kind_source", "challenged_step", "challenged_date",
		"challenged_ground", "filing_deadline", "filing_from", "filing_basis", "answer_due", "answer_basis", "verification")
	lists = map[string]map[string]bool{
		"acts":         set("act_date", "act_type", "act_victim"),
		"steps":        set("step_date", "step_name", "step_ground", "step_source"),
		"complaints":   set("complaint_filed_on", "complaint_kind", "complaint_outcome"),
		"articles":     set("article_code", "article_label", "article_basis"),
		"missing":      set("missing_step"),
		"challenged":   set(),
		"filing_limit": set(),
		"answer_limit": set(),
	}
	// kindScalars are the placeholders a kind's own texts may use: those
	// that do not depend on the kind's texts themselves.
	kindScalars = set("jurisdiction", "case_number", "case_opened", "authority", "victims", "today", "filed_on",
		"kind_code", "kind_label", "challenged_step", "challenged_date", "challenged_ground")
	phraseKeys  = []string{"no_source", "not_recorded", "not_computed", "unverified", "none", "protected_person", "no_answer", "filing_start"}
	placeholder = regexp.MustCompile(`\{\{\s*([^{}]*?)\s*\}\}`)
)

func set(xs ...string) map[string]bool {
	m := map[string]bool{}
	for _, x := range xs {
		m[x] = true
	}
	return m
}

// LoadTemplate reads the template of a jurisdiction and language from fsys
// (law.Templates() by default: JURISDICTION/templates/LANG.json) and checks
// it against the jurisdiction's rules. Errors are said in lang.
func LoadTemplate(fsys fs.FS, rules *law.Rules, lang string) (*Template, error) {
	name := path.Join(rules.Jurisdiction, "templates", lang+".json")
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, notFound(lang, "No draft template for jurisdiction %s in language %s", rules.Jurisdiction, lang)
	}
	return ParseTemplate(data, name, rules, lang)
}

// ParseTemplate reads and checks a template's JSON; name says where it
// came from in errors.
func ParseTemplate(data []byte, name string, rules *law.Rules, lang string) (*Template, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var t Template
	if err := dec.Decode(&t); err != nil {
		return nil, invalid(lang, "Template %s: %s", name, err.Error())
	}
	if err := t.check(rules); err != nil {
		return nil, invalid(lang, "Template %s: %s", name, err.Error())
	}
	return &t, nil
}

// check refuses what a draft could not fill: the wrong jurisdiction, an
// unknown style, list or placeholder, a missing or unknown phrase, a kind
// the rules do not know, a step that is not a case step.
func (t *Template) check(rules *law.Rules) error {
	if t.Jurisdiction != rules.Jurisdiction {
		return fmt.Errorf("jurisdiction %q is not the rules' %q", t.Jurisdiction, rules.Jurisdiction)
	}
	if !contains(qantar.UILangs, t.Lang) {
		return fmt.Errorf("lang %q is not kk, ru or en", t.Lang)
	}
	for _, k := range phraseKeys {
		if strings.TrimSpace(t.Phrases[k]) == "" {
			return fmt.Errorf("phrases.%s is missing", k)
		}
	}
	for k := range t.Phrases {
		if !contains(phraseKeys, k) {
			return fmt.Errorf("phrases.%s is not a phrase a draft uses (%s)", k, strings.Join(phraseKeys, ", "))
		}
	}
	for i, b := range t.Blocks {
		if err := b.check(); err != nil {
			return fmt.Errorf("blocks[%d]: %w", i, err)
		}
	}
	for code, k := range t.Kinds {
		if _, ok := rules.Kind(code); !ok {
			return fmt.Errorf("kinds.%s: not a complaint kind of the %s rules (%s)", code, rules.Jurisdiction, strings.Join(rules.KindCodes(), ", "))
		}
		for field, text := range map[string]string{"addressee": k.Addressee, "title": k.Title, "request": k.Request} {
			if strings.TrimSpace(text) == "" {
				return fmt.Errorf("kinds.%s.%s is empty", code, field)
			}
			if err := checkPlaceholders(text, kindScalars, nil); err != nil {
				return fmt.Errorf("kinds.%s.%s: %w", code, field, err)
			}
		}
		for _, s := range k.Challenges {
			if _, ok := qantar.LookupTerm("case_step", s); !ok {
				return fmt.Errorf("kinds.%s.challenges: %q is not a case step (%s)", code, s, strings.Join(qantar.VocabCodes("case_step"), ", "))
			}
		}
	}
	return nil
}

func (b TemplateBlock) check() error {
	if !styles[b.Style] {
		return fmt.Errorf("style %q is not one of title, heading, para, item, right, note", b.Style)
	}
	for _, l := range []string{b.Each, b.If} {
		if _, ok := lists[l]; l != "" && !ok {
			return fmt.Errorf("%q is not a list (%s)", l, strings.Join(sortedKeys(lists), ", "))
		}
	}
	if b.Each != "" && b.If != "" {
		return fmt.Errorf("a block has each or if, not both")
	}
	if b.Empty != "" && b.Each == "" && b.If == "" {
		return fmt.Errorf("empty is said when a list has no items: give each or if")
	}
	if err := checkPlaceholders(b.Empty, scalars, nil); err != nil {
		return fmt.Errorf("empty: %w", err)
	}
	return checkPlaceholders(b.Text, scalars, lists[b.Each])
}

// checkPlaceholders refuses a placeholder that is not in known or item, and
// braces that are not a placeholder.
func checkPlaceholders(text string, known, item map[string]bool) error {
	for _, m := range placeholder.FindAllStringSubmatch(text, -1) {
		if !known[m[1]] && !item[m[1]] {
			return fmt.Errorf("unknown placeholder {{%s}}", m[1])
		}
	}
	rest := placeholder.ReplaceAllString(text, "")
	if strings.Contains(rest, "{{") || strings.Contains(rest, "}}") {
		return fmt.Errorf("%q has braces that are not a placeholder {{name}}", text)
	}
	return nil
}

// fill replaces the placeholders of text by their values (checked at load:
// every one is known).
func fill(text string, vals ...map[string]string) string {
	return placeholder.ReplaceAllStringFunc(text, func(m string) string {
		name := placeholder.FindStringSubmatch(m)[1]
		for _, v := range vals {
			if s, ok := v[name]; ok {
				return s
			}
		}
		return ""
	})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
