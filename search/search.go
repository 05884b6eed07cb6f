// Package search turns records into what a full-text index holds and a
// reader's query into what to look up there, the same way for every store:
// words of every record become script-independent match keys (package names),
// so that "Toqaev", "Tokayev" and "Тоқаев" meet, and word stems, so that
// "событиях" finds "события". Stores keep the index (SQLite FTS5, PostgreSQL
// tsvector); this package holds no storage.
package search

import (
	"html"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/names"
)

// Limits on a query: longer ones are refused with a clear error, not cut.
const (
	MaxQueryBytes = 512
	MaxQueryWords = 12
)

// Doc is what the index holds of one record.
type Doc struct {
	Kind       qantar.Kind
	ID         int64
	Protection string
	Keys       []string // match key of every word
	Stems      []string // stem of every word, in its language
}

// Rowid gives each record one stable integer for an index row.
func Rowid(kind qantar.Kind, id int64) int64 {
	for i, k := range qantar.Kinds {
		if k == kind {
			return int64(i+1)<<40 | id
		}
	}
	return id
}

// Indexed reports whether records of kind are searched.
func Indexed(kind qantar.Kind) bool {
	for _, k := range qantar.SearchKinds {
		if k == kind {
			return true
		}
	}
	return false
}

// texts returns the searchable texts of a record with their languages.
func texts(rec qantar.Record) []langText {
	var out []langText
	addText := func(t qantar.Text) {
		langs := make([]string, 0, len(t))
		for lang := range t {
			langs = append(langs, lang)
		}
		sort.Strings(langs) // the same snippet every time
		for _, lang := range langs {
			out = append(out, langText{lang, t[lang]})
		}
	}
	switch r := rec.(type) {
	case *qantar.Person:
		for _, n := range r.Names {
			out = append(out, langText{n.Lang, n.Value})
		}
	case *qantar.Event:
		addText(r.Title)
		addText(r.Description)
	case *qantar.Place:
		addText(r.Name)
	case *qantar.Unit:
		addText(r.Name)
		for _, a := range r.Aliases {
			out = append(out, langText{"", a})
		}
	case *qantar.Source:
		addText(r.Title)
		out = append(out, langText{"", r.Publisher}, langText{"", r.Author})
	case *qantar.Case:
		out = append(out, langText{"", r.Number})
		addText(r.Summary)
	}
	return out
}

type langText struct{ lang, text string }

// DocOf returns the index document of a record.
func DocOf(rec qantar.Record) Doc {
	d := Doc{Kind: rec.Kind(), ID: rec.GetMeta().ID, Protection: qantar.Protection(rec)}
	keys, stems := map[string]bool{}, map[string]bool{}
	// Names are matched by their keys, never by stems: a stemmer cuts a
	// surname as if it were a word (and costs more than the key).
	_, isPerson := rec.(*qantar.Person)
	for _, t := range texts(rec) {
		for _, w := range words(t.text) {
			if k := names.Key(w); k != "" {
				keys[k] = true
			}
			if !isPerson {
				for _, s := range stemsOf(w) {
					stems[s] = true
				}
			}
		}
	}
	d.Keys, d.Stems = sorted(keys), sorted(stems)
	return d
}

func sorted(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// words splits normalised text into words.
func words(s string) []string {
	return strings.FieldsFunc(names.Normalize(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// stemsOf returns a word's stems: for a Cyrillic word its Russian and its
// Kazakh stem (the language of a word is often not recorded, and the two
// stemmers strip different endings); for any other word, the word itself.
func stemsOf(w string) []string {
	for _, r := range w {
		if r < 0x400 && unicode.IsLetter(r) {
			return []string{w}
		}
	}
	ru, kk := names.Stem(w, "ru"), names.Stem(w, "kk")
	if ru == kk {
		return []string{ru}
	}
	return []string{ru, kk}
}

// Term is one word of a query: its match key and its stem.
type Term struct {
	Word  string
	Key   string
	Stems []string
}

// Parse checks a query and splits it into terms. Every character is
// accepted, but only letters and digits make terms, so no full-text syntax
// (quotes, *, NEAR, AND/OR) ever reaches the index as syntax.
func Parse(q string) ([]Term, error) {
	if !utf8.ValidString(q) {
		return nil, qantar.FieldErrorf("q", "is not valid UTF-8")
	}
	if len(q) > MaxQueryBytes {
		return nil, qantar.FieldErrorf("q", "is %d bytes long; the limit is %d", len(q), MaxQueryBytes)
	}
	ws := words(q)
	if len(ws) == 0 {
		return nil, qantar.FieldErrorf("q", "has no letters or digits to search for")
	}
	if len(ws) > MaxQueryWords {
		return nil, qantar.FieldErrorf("q", "has %d words; the limit is %d", len(ws), MaxQueryWords)
	}
	var out []Term
	seen := map[string]bool{}
	for _, w := range ws {
		t := Term{Word: w, Key: names.Key(w), Stems: stemsOf(w)}
		if seen[w] {
			continue
		}
		seen[w] = true
		out = append(out, t)
	}
	if len(out) == 0 {
		return nil, qantar.FieldErrorf("q", "has no letters or digits to search for")
	}
	return out, nil
}

// Fuzzy reports whether an indexed key is within the typo budget of a query key.
func Fuzzy(queryKey, indexed string) bool {
	d := names.Distance(queryKey, indexed)
	return d <= names.MaxEdits(queryKey)
}

// Distance is the edit distance between two keys (names.Distance).
func Distance(a, b string) int { return names.Distance(a, b) }

// MaxEdits is the typo budget of a query key (names.MaxEdits).
func MaxEdits(key string) int { return names.MaxEdits(key) }

// Quote returns s as an FTS5/tsquery-safe string literal.
func Quote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// Title returns a record's display title in lang.
func Title(rec qantar.Record, lang string) string {
	switch r := rec.(type) {
	case *qantar.Person:
		return r.NameIn(lang)
	case *qantar.Event:
		s, _ := r.Title.In(lang)
		return s
	case *qantar.Place:
		s, _ := r.Name.In(lang)
		return s
	case *qantar.Unit:
		s, _ := r.Name.In(lang)
		return s
	case *qantar.Source:
		s, _ := r.Title.In(lang)
		return s
	case *qantar.Case:
		if r.Number != "" {
			return r.Number
		}
		s, _ := r.Summary.In(lang)
		return s
	}
	return ""
}

// Score ranks a record for the query terms: each term counts 1 when a word of
// the record has its key, 0.8 when a word is within its typo budget, 0.6 when
// only the stem matches; the mean, so a record that matches every word comes
// first. It returns 0 when some term matches nothing.
func Score(rec qantar.Record, terms []Term) float64 {
	d := DocOf(rec)
	keys := map[string]bool{}
	for _, k := range d.Keys {
		keys[k] = true
	}
	stems := map[string]bool{}
	for _, s := range d.Stems {
		stems[s] = true
	}
	total := 0.0
	for _, t := range terms {
		best := 0.0
		if keys[t.Key] {
			best = 1
		} else {
			for _, st := range t.Stems {
				if stems[st] {
					best = 0.6
				}
			}
		}
		if best < 0.8 && t.Key != "" {
			for _, k := range d.Keys {
				if Fuzzy(t.Key, k) {
					best = 0.8
					break
				}
			}
		}
		if best == 0 {
			for _, s := range d.Stems {
				for _, st := range t.Stems {
					if len(st) >= 3 && strings.HasPrefix(s, st) {
						best = 0.5
					}
				}
			}
		}
		if best == 0 {
			return 0
		}
		total += best
	}
	return total / float64(len(terms))
}

// Snippet returns the record's text, HTML-escaped, around the first words
// that match the query, each match in <mark>…</mark>.
func Snippet(rec qantar.Record, terms []Term, lang string) string {
	var all []string
	title := Title(rec, lang)
	all = append(all, title)
	for _, t := range texts(rec) {
		if t.text != title {
			all = append(all, t.text)
		}
	}
	matches := func(w string) bool {
		k := names.Key(w)
		ws := stemsOf(names.Normalize(w))
		for _, t := range terms {
			if k != "" && (k == t.Key || Fuzzy(t.Key, k)) {
				return true
			}
			for _, a := range ws {
				for _, b := range t.Stems {
					if a == b {
						return true
					}
				}
			}
		}
		return false
	}
	for _, text := range all {
		toks := tokenize(text)
		first := -1
		for i, tok := range toks {
			if tok.word && matches(tok.s) {
				first = i
				break
			}
		}
		if first < 0 {
			continue
		}
		// About eight words before the first match and sixteen after.
		from, to := max(0, first-16), min(len(toks), first+32)
		var b strings.Builder
		if from > 0 {
			b.WriteString("… ")
		}
		for _, tok := range toks[from:to] {
			if tok.word && matches(tok.s) {
				b.WriteString("<mark>" + html.EscapeString(tok.s) + "</mark>")
			} else {
				b.WriteString(html.EscapeString(tok.s))
			}
		}
		if to < len(toks) {
			b.WriteString(" …")
		}
		return b.String()
	}
	return html.EscapeString(title)
}

type token struct {
	s    string
	word bool
}

// tokenize splits text into runs of letters and digits (words) and runs of
// anything else, so that the pieces join back into the text.
func tokenize(text string) []token {
	var out []token
	start := 0
	isWord := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) }
	var cur bool
	for i, r := range text {
		w := isWord(r)
		if i > start && w != cur {
			out = append(out, token{text[start:i], cur})
			start = i
		}
		cur = w
	}
	if start < len(text) {
		out = append(out, token{text[start:], cur})
	}
	return out
}

// Rank turns the candidate records a store found into the reader's results:
// each as the reader may see it (a placeholder is never a result), scored on
// the query's terms, best first, ties by kind and id so that every store
// agrees, at most limit.
func Rank(reader qantar.Actor, recs []qantar.Record, terms []Term, lang string, limit int) []qantar.SearchResult {
	var out []qantar.SearchResult
	for _, rec := range recs {
		if qantar.IsPlaceholder(qantar.Visible(reader, rec)) {
			continue
		}
		score := Score(rec, terms)
		if score == 0 {
			continue
		}
		m := rec.GetMeta()
		out = append(out, qantar.SearchResult{Kind: rec.Kind(), ID: m.ID, Title: Title(rec, lang), Score: score,
			Snippet: Snippet(rec, terms, lang)})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		if out[i].Kind != out[j].Kind {
			return out[i].Kind < out[j].Kind
		}
		return out[i].ID < out[j].ID
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out
}

// Plan is a query as a store runs it: its terms, the kinds it searches and
// how many results it returns.
type Plan struct {
	Terms []Term
	Kinds []qantar.Kind
	Limit int
}

// PlanOf checks a reader's query and gives what a store needs to run it: a
// query that cannot be parsed, or a kind that is not searched, is refused.
func PlanOf(q qantar.SearchQuery) (Plan, error) {
	terms, err := Parse(q.Q)
	if err != nil {
		return Plan{}, err
	}
	p := Plan{Terms: terms, Kinds: q.Kinds, Limit: q.Limit}
	if len(p.Kinds) == 0 {
		p.Kinds = qantar.SearchKinds
	}
	for _, k := range p.Kinds {
		if !Indexed(k) {
			return Plan{}, qantar.FieldErrorf("kind", "%s are not searched (kinds: persons, events, places, units, sources, cases)", k)
		}
	}
	if p.Limit <= 0 || p.Limit > 100 {
		p.Limit = 20
	}
	return p, nil
}
