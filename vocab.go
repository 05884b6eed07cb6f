package qantar

import (
	_ "embed"
	"encoding/json"

	"sort"
	"strings"
)

// Term is one entry of a controlled vocabulary: a stable code stored in
// records and labels for readers.
type Term struct {
	Code    string `json:"code"`
	ESF     string `json:"esf,omitempty"`     // the HURIDOCS ESF term it follows
	Killing bool   `json:"killing,omitempty"` // act types that end a life
	EN      string `json:"en"`
	RU      string `json:"ru"`
	KK      string `json:"kk"`
}

// Label returns the term's label in lang (kk, ru, en), English by default.
func (t Term) Label(lang string) string {
	switch lang {
	case "kk":
		return t.KK
	case "ru":
		return t.RU
	}
	return t.EN
}

//go:embed vocab.json
var vocabJSON []byte

// Vocabularies holds every controlled vocabulary by name ("act_type").
var Vocabularies = mustLoadVocab()

func mustLoadVocab() map[string][]Term {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(vocabJSON, &raw); err != nil {
		panic("vocab.json: " + err.Error())
	}
	out := map[string][]Term{}
	for name, msg := range raw {
		if strings.HasPrefix(name, "_") {
			continue
		}
		var terms []Term
		if err := json.Unmarshal(msg, &terms); err != nil {
			panic("vocab.json " + name + ": " + err.Error())
		}
		out[name] = terms
	}
	return out
}

// LookupTerm returns the term of vocabulary vocab with the given code.
func LookupTerm(vocab, code string) (Term, bool) {
	for _, t := range Vocabularies[vocab] {
		if t.Code == code {
			return t, true
		}
	}
	return Term{}, false
}

// VocabCodes lists a vocabulary's codes in order.
func VocabCodes(vocab string) []string {
	var out []string
	for _, t := range Vocabularies[vocab] {
		out = append(out, t.Code)
	}
	return out
}

// VocabNames lists the vocabularies, sorted.
func VocabNames() []string {
	var out []string
	for k := range Vocabularies {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// IsKilling reports whether an act type ends a life.
func IsKilling(actType string) bool {
	t, ok := LookupTerm("act_type", actType)
	return ok && t.Killing
}

func checkTerm(field, vocab, code string, required bool) error {
	if code == "" {
		if required {
			return FieldErrorf(field, "is required (one of %s)", strings.Join(VocabCodes(vocab), ", "))
		}
		return nil
	}
	if _, ok := LookupTerm(vocab, code); !ok {
		return FieldErrorf(field, "%q is not a known code (one of %s)", code, strings.Join(VocabCodes(vocab), ", "))
	}
	return nil
}
