// Package search turns records into what a full-text index holds and a
// reader's query into what to look up there, the same way for every store:
// words of every record become script-independent match keys (package names),
// so that "Toqaev", "Tokayev" and "Тоқаев" meet, and word stems, so that
// "событиях" finds "события". Stores keep the index (SQLite FTS5, PostgreSQL
// tsvector); this package holds no storage.
package search

import (
	"html"
	"slices"
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

// Version numbers what DocOf makes of records: raise it whenever the
// documents change (a kind or a field indexed, other keys or stems from
// package names), and every store indexes all its records again when it
// next opens (its search_state holds the version its index was made with).
//
//	1  names' keys and stems of every searched kind (before the version was kept)
//	2  acts by their vocabulary labels, places by their names over time,
//	   vocabulary labels of places, units and sources
const Version = 2

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

// Weights of a record's fields in the ranking: a record found by its name
// (or title, or words) comes before one found only by a former name, and
// that before one found only by the label of a vocabulary term it has.
const (
	weightMain   = 1.0
	weightFormer = 0.95
	weightTerm   = 0.9
)

// Scores of one term against one field, before its weight: the word's own
// key, one of its other keys (names.AltKeys), a key within its typo budget,
// a key that an initial begins, a key within the typo budget of one of its
// other keys, its stem, a stem that begins with its stem.
const (
	scoreKey      = 1.0
	scoreAltKey   = 0.9
	scoreFuzzy    = 0.8
	scoreInitial  = 0.7
	scoreAltFuzzy = 0.7
	scoreStem     = 0.6
	scorePrefix   = 0.5
)

// field is a part of a record's searchable text with its weight.
type field struct {
	weight float64
	texts  []langText
}

// fields returns the searchable texts of a record with their languages and
// weights: its names, titles and words; a place's names over time; the
// labels, in every language, of the vocabulary terms that list pages show.
// An act has no text of its own that every reader may see (its description
// and method are withheld when its victim is hidden: qantar.Project), so it
// is found by its type and the victim's status only, which every
// projection keeps.
func fields(rec qantar.Record) []field {
	var main, former, terms []langText
	addText := func(to *[]langText, t qantar.Text) {
		langs := make([]string, 0, len(t))
		for lang := range t {
			langs = append(langs, lang)
		}
		sort.Strings(langs) // the same snippet every time
		for _, lang := range langs {
			*to = append(*to, langText{lang, t[lang]})
		}
	}
	addTerm := func(vocab, code string) {
		if t, ok := qantar.LookupTerm(vocab, code); ok {
			terms = append(terms, langText{"kk", t.KK}, langText{"ru", t.RU}, langText{"en", t.EN})
		}
	}
	switch r := rec.(type) {
	case *qantar.Person:
		for _, n := range r.Names {
			main = append(main, langText{n.Lang, n.Value})
		}
	case *qantar.Event:
		addText(&main, r.Title)
		addText(&main, r.Description)
	case *qantar.Place:
		addText(&main, r.Name)
		for _, n := range r.Names {
			addText(&former, n.Name)
		}
		addTerm("place_kind", r.PlaceKind)
	case *qantar.Unit:
		addText(&main, r.Name)
		for _, a := range r.Aliases {
			main = append(main, langText{"", a})
		}
		addTerm("unit_kind", r.UnitKind)
	case *qantar.Source:
		addText(&main, r.Title)
		main = append(main, langText{"", r.Publisher}, langText{"", r.Author})
		addTerm("source_kind", r.SourceKind)
	case *qantar.Case:
		main = append(main, langText{"", r.Number})
		addText(&main, r.Summary)
	case *qantar.Act:
		addTerm("act_type", r.ActType)
		addTerm("victim_status", r.VictimStatus)
	}
	return []field{{weightMain, main}, {weightFormer, former}, {weightTerm, terms}}
}

// texts returns every searchable text of a record, its main field first.
func texts(rec qantar.Record) []langText {
	var out []langText
	for _, f := range fields(rec) {
		out = append(out, f.texts...)
	}
	return out
}

type langText struct{ lang, text string }

// DocOf returns the index document of a record.
func DocOf(rec qantar.Record) Doc {
	d := Doc{Kind: rec.Kind(), ID: rec.GetMeta().ID, Protection: qantar.Protection(rec)}
	keys, stems := map[string]bool{}, map[string]bool{}
	addWords(rec, texts(rec), keys, stems)
	d.Keys, d.Stems = sorted(keys), sorted(stems)
	return d
}

// addWords adds the keys and stems of the words of ts, texts of rec, to
// keys and stems.
func addWords(rec qantar.Record, ts []langText, keys, stems map[string]bool) {
	// Names are matched by their keys, never by stems: a stemmer cuts a
	// surname as if it were a word (and costs more than the key).
	_, isPerson := rec.(*qantar.Person)
	for _, t := range ts {
		for _, part := range strings.Fields(t.text) {
			ws := words(part)
			for _, k := range keysOf(ws) {
				keys[k] = true
			}
			if isPerson {
				continue
			}
			for _, w := range ws {
				for _, s := range stemsOf(w) {
					stems[s] = true
				}
			}
		}
	}
}

// fieldDoc is the keys and stems of one field of a record, for ranking.
type fieldDoc struct {
	weight      float64
	keys, stems map[string]bool
}

func fieldDocs(rec qantar.Record) []fieldDoc {
	var out []fieldDoc
	for _, f := range fields(rec) {
		if len(f.texts) == 0 {
			continue
		}
		fd := fieldDoc{weight: f.weight, keys: map[string]bool{}, stems: map[string]bool{}}
		addWords(rec, f.texts, fd.keys, fd.stems)
		out = append(out, fd)
	}
	return out
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

// Term is one word of a query: its match key, the other keys it may be
// written under (names.AltKeys) and its stems.
type Term struct {
	Word  string
	Key   string
	Alts  []string
	Stems []string
	// Initial says the word is an initial (one letter, or a Latin digraph
	// for one Cyrillic letter: Zh, Sh): it matches any word that begins
	// with its key ("Ахметов Н." finds Ахметов Нұрлан).
	Initial bool
}

// Keys returns the term's key and its other keys, the key first.
func (t Term) Keys() []string {
	if t.Key == "" {
		return nil
	}
	return append([]string{t.Key}, t.Alts...)
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
		t := Term{Word: w, Key: names.Key(w), Alts: names.AltKeys(w), Stems: stemsOf(w)}
		t.Initial = isInitial(w, t.Key)
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

// isInitial reports whether a word of a query, with key key, is an
// initial: one letter, or two or three Latin letters that write one
// Cyrillic letter (Zh, Sh, Ch, Kh, Ts, Dzh; their key is one symbol).
func isInitial(w, key string) bool {
	n := utf8.RuneCountInString(w)
	if n == 0 || n > 3 || utf8.RuneCountInString(key) != 1 {
		return false
	}
	for _, r := range w {
		if !unicode.IsLetter(r) || n > 1 && r >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// Fuzzy reports whether an indexed key is within the typo budget of a query key.
func Fuzzy(queryKey, indexed string) bool {
	budget := names.MaxEdits(queryKey)
	return names.DistanceAtMost(queryKey, indexed, budget) <= budget
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
	case *qantar.Act:
		// What every projection keeps: its type and date.
		t, _ := qantar.LookupTerm("act_type", r.ActType)
		if r.Date.IsZero() {
			return t.Label(lang)
		}
		return t.Label(lang) + ", " + r.Date.String()
	}
	return ""
}

// Score ranks a record for the query terms. Each term scores, in the field
// of the record where it scores best, the field's weight (its name 1, a
// former name 0.95, a vocabulary label 0.9) times 1 when a word has its key,
// 0.9 when a word has one of its other keys, 0.8 when a word's key is within
// its typo budget, 0.7 when an initial begins a word or a word is within the
// typo budget of one of its other keys, 0.6 when only the stem matches and
// 0.5 when a stem begins with its stem; the mean over the terms, so a record that matches every
// word comes first. It returns 0 when some term matches nothing.
func Score(rec qantar.Record, terms []Term) float64 {
	docs := fieldDocs(rec)
	total := 0.0
	for _, t := range terms {
		best := 0.0
		for _, d := range docs {
			best = max(best, d.weight*termScore(t, d))
		}
		if best == 0 {
			return 0
		}
		total += best
	}
	return total / float64(len(terms))
}

// termScore is how well one term matches one field, before its weight.
func termScore(t Term, d fieldDoc) float64 {
	if t.Key != "" && d.keys[t.Key] {
		return scoreKey
	}
	for _, a := range t.Alts {
		if d.keys[a] {
			return scoreAltKey
		}
	}
	if t.Key != "" {
		for k := range d.keys {
			if Fuzzy(t.Key, k) {
				return scoreFuzzy
			}
		}
		for k := range d.keys {
			if t.Initial && strings.HasPrefix(k, t.Key) {
				return scoreInitial
			}
			for _, a := range t.Alts {
				if Fuzzy(a, k) {
					return scoreAltFuzzy
				}
			}
		}
	}
	for _, st := range t.Stems {
		if d.stems[st] {
			return scoreStem
		}
	}
	for s := range d.stems {
		for _, st := range t.Stems {
			if stemPrefix(s, st) {
				return scorePrefix
			}
		}
	}
	return 0
}

// stemPrefix reports whether a word's stem s begins with a query's stem st
// (Талдықорғандағы for Талдықорған: a Kazakh ending the stemmer keeps).
func stemPrefix(s, st string) bool { return len(st) >= 3 && strings.HasPrefix(s, st) }

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
			if k != "" && (slices.Contains(t.Keys(), k) || Fuzzy(t.Key, k)) {
				return true
			}
			for _, a := range ws {
				for _, b := range t.Stems {
					if a == b || stemPrefix(a, b) {
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

// searchedKinds lists the searched kinds, for an error.
func searchedKinds() string {
	out := make([]string, len(qantar.SearchKinds))
	for i, k := range qantar.SearchKinds {
		out[i] = string(k)
	}
	return strings.Join(out, ", ")
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
			return Plan{}, qantar.FieldErrorf("kind", "%s are not searched (kinds: %s)", k, searchedKinds())
		}
	}
	if p.Limit <= 0 || p.Limit > 100 {
		p.Limit = 20
	}
	return p, nil
}
