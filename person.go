package qantar

import (
	"fmt"
	"strings"
)

// Protection levels. Restricted and confidential persons are shown to
// anonymous readers only as "Protected person"; see Reader.CanSee.
const (
	Public       = "public"
	Restricted   = "restricted"
	Confidential = "confidential"
)

// Person is anyone in the record: a victim, a perpetrator, a relative, an
// official. One table for all, because one person can be several of these.
type Person struct {
	Meta
	Names       []Name `json:"names"`
	Sex         string `json:"sex,omitempty"`
	BirthDate   Date   `json:"birth_date,omitzero"`
	BirthPlace  int64  `json:"birth_place_id,omitempty"`
	Description Text   `json:"description,omitempty"`
	// Protection is public, restricted or confidential; unset, it is decided
	// by Consent (see ProtectionLevel): restricted unless consent is recorded.
	Protection string `json:"protection,omitempty"`
	// Consent records whether the person, or their family, agreed to publication.
	Consent string `json:"consent,omitempty"`
	// SameAsID says that this record is the same human being as another
	// person record: a merge confirmed after record linkage. The record and
	// the list entries citing it stay; counts follow SameAsID to one person.
	// Clearing it (a new version) undoes the merge.
	SameAsID int64 `json:"same_as_id,omitempty"`
}

// Name is one way a person's name is written.
type Name struct {
	Value  string `json:"value"`
	Lang   string `json:"lang,omitempty"`   // kk, ru, en, …
	Script string `json:"script,omitempty"` // Cyrl, Latn
	Kind   string `json:"kind,omitempty"`   // primary, alias, transliteration, patronymic_form
}

func (*Person) Kind() Kind { return KindPerson }

// PrimaryName returns the first name of kind primary, or the first name.
func (p *Person) PrimaryName() string {
	for _, n := range p.Names {
		if n.Kind == "primary" {
			return n.Value
		}
	}
	if len(p.Names) > 0 {
		return p.Names[0].Value
	}
	return ""
}

// NameIn returns the person's name in lang if one is recorded, else the primary.
func (p *Person) NameIn(lang string) string {
	for _, n := range p.Names {
		if n.Lang == lang && n.Kind != "patronymic_form" {
			return n.Value
		}
	}
	return p.PrimaryName()
}

// ProtectionLevel returns the person's protection. A person is protected
// until someone decides to publish them: with no level set, they are public
// only when their consent to publication is recorded (given, or already
// public on an official list or in the press), and restricted otherwise.
func (p *Person) ProtectionLevel() string {
	if p.Protection != "" {
		return p.Protection
	}
	switch p.Consent {
	case "given", "public_record":
		return Public
	}
	return Restricted
}

func (p *Person) Validate() error {
	if len(p.Names) == 0 {
		return FieldErrorf("names", "at least one name is required")
	}
	if len(p.Names) > MaxList {
		return FieldErrorf("names", "has %d names; the limit is %d", len(p.Names), MaxList)
	}
	for i, n := range p.Names {
		f := fmt.Sprintf("names[%d]", i)
		if strings.TrimSpace(n.Value) == "" {
			return FieldErrorf(f+".value", "is required")
		}
		if err := checkString(f+".value", n.Value, MaxShort); err != nil {
			return err
		}
		if n.Lang != "" && !validLangTag(n.Lang) {
			return FieldErrorf(f+".lang", "%q is not a language code such as kk, ru or en", n.Lang)
		}
		if err := checkTerm(f+".script", "script", n.Script, false); err != nil {
			return err
		}
		if err := checkTerm(f+".kind", "name_kind", n.Kind, false); err != nil {
			return err
		}
	}
	if err := checkTerm("sex", "sex", p.Sex, false); err != nil {
		return err
	}
	if err := checkID("birth_place_id", p.BirthPlace, false); err != nil {
		return err
	}
	if err := p.Description.validate("description", MaxLong, false); err != nil {
		return err
	}
	if err := checkTerm("protection", "protection", p.Protection, false); err != nil {
		return err
	}
	if err := checkID("same_as_id", p.SameAsID, false); err != nil {
		return err
	}
	if p.SameAsID != 0 && p.SameAsID == p.ID {
		return FieldErrorf("same_as_id", "a person cannot be merged into itself")
	}
	return checkTerm("consent", "consent", p.Consent, false)
}

func (p *Person) Refs() []Ref {
	return ref(ref(nil, "birth_place_id", KindPlace, p.BirthPlace), "same_as_id", KindPerson, p.SameAsID)
}

// ResolveSameAs maps each person id to the id of the person it was merged
// into, following chains of merges; a loop resolves to its smallest id.
func ResolveSameAs(persons []*Person) map[int64]int64 {
	next := SameAsNext(persons)
	out := make(map[int64]int64, len(persons))
	for _, p := range persons {
		out[p.ID] = SameAsEnd(next, p.ID)
	}
	return out
}

// SameAsNext is each merged person's same_as_id, by id: what SameAsEnd
// follows, with no entry for the persons merged into no one (most).
func SameAsNext(persons []*Person) map[int64]int64 {
	next := map[int64]int64{}
	for _, p := range persons {
		if p.SameAsID != 0 {
			next[p.ID] = p.SameAsID
		}
	}
	return next
}

// SameAsEnd is the person id merges into, from next, each merged person's
// same_as_id: the end of its chain, or the smallest member of a loop; id
// itself when it is merged into no one.
func SameAsEnd(next map[int64]int64, id int64) int64 {
	if next[id] == 0 {
		return id
	}
	seen := map[int64]bool{}
	for next[id] != 0 && !seen[id] {
		seen[id] = true
		id = next[id]
	}
	if seen[id] { // a loop: take its smallest member
		for m := range seen {
			id = min(id, m)
		}
	}
	return id
}

func validLangTag(s string) bool {
	if len(s) < 2 || len(s) > 12 {
		return false
	}
	for i, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '-' && i > 0) {
			return false
		}
	}
	return true
}
