package qantar

import "fmt"

// Unit is a security-force unit or a state body: a police department, a
// National Guard regiment, a prosecutor's office, a court. Units sit in a
// hierarchy that changes over time.
type Unit struct {
	Meta
	Name     Text         `json:"name"`
	UnitKind string       `json:"kind,omitempty"`
	Aliases  []string     `json:"aliases,omitempty"`
	Parents  []UnitParent `json:"parents,omitempty"`
	// Positions and Equipment are dated claims, each cited on its own
	// (position.go).
	Positions []UnitPosition  `json:"positions,omitempty"`
	Equipment []UnitEquipment `json:"equipment,omitempty"`
	Notes     Text            `json:"notes,omitempty"`
}

// UnitParent says that a unit was under ParentID from From to To (either may
// be unknown).
type UnitParent struct {
	ParentID int64  `json:"parent_id"`
	From     Date   `json:"from,omitzero"`
	To       Date   `json:"to,omitzero"`
	Status   string `json:"status,omitempty"` // vocabulary claim_status; empty is accepted
}

func (*Unit) Kind() Kind { return KindUnit }

func (u *Unit) Validate() error {
	if err := u.Name.validate("name", MaxShort, true); err != nil {
		return err
	}
	if err := checkTerm("kind", "unit_kind", u.UnitKind, false); err != nil {
		return err
	}
	if len(u.Aliases) > MaxList {
		return FieldErrorf("aliases", "too many aliases")
	}
	for i, a := range u.Aliases {
		if err := checkString(fmt.Sprintf("aliases[%d]", i), a, MaxShort); err != nil {
			return err
		}
	}
	if len(u.Parents) > MaxList {
		return FieldErrorf("parents", "too many parents")
	}
	for i, p := range u.Parents {
		f := fmt.Sprintf("parents[%d]", i)
		if err := checkID(f+".parent_id", p.ParentID, true); err != nil {
			return err
		}
		if p.ParentID == u.ID && u.ID != 0 {
			return FieldErrorf(f+".parent_id", "a unit cannot be its own parent")
		}
		if p.To.Before(p.From) {
			return FieldErrorf(f+".to", "%s is before %s", p.To, p.From)
		}
		if err := checkTerm(f+".status", "claim_status", p.Status, false); err != nil {
			return err
		}
	}
	if err := u.validateClaims(); err != nil {
		return err
	}
	return u.Notes.validate("notes", MaxLong, false)
}

// validateClaims checks the unit's positions and equipment.
func (u *Unit) validateClaims() error {
	if len(u.Positions) > MaxList {
		return FieldErrorf("positions", "too many positions")
	}
	for i, p := range u.Positions {
		if err := p.validate(fmt.Sprintf("positions[%d]", i)); err != nil {
			return err
		}
	}
	if len(u.Equipment) > MaxList {
		return FieldErrorf("equipment", "too many equipment entries")
	}
	for i, e := range u.Equipment {
		if err := e.validate(fmt.Sprintf("equipment[%d]", i)); err != nil {
			return err
		}
	}
	return nil
}

func (u *Unit) Refs() []Ref {
	var refs []Ref
	for i, p := range u.Parents {
		refs = ref(refs, fmt.Sprintf("parents[%d].parent_id", i), KindUnit, p.ParentID)
	}
	for i, p := range u.Positions {
		refs = ref(refs, fmt.Sprintf("positions[%d].place_id", i), KindPlace, p.PlaceID)
	}
	return refs
}

// Post places a person in a unit: "X commanded unit U", first and last cited
// on given dates. Posts answer "who commanded unit U on date D".
type Post struct {
	Meta
	PersonID    int64  `json:"person_id"`
	UnitID      int64  `json:"unit_id"`
	Role        string `json:"role"`
	Title       Text   `json:"title,omitempty"`
	Rank        string `json:"rank,omitempty"`
	FirstCited  Date   `json:"first_cited,omitzero"`
	LastCited   Date   `json:"last_cited,omitzero"`
	Confidence  string `json:"confidence,omitempty"`
	Status      string `json:"status,omitempty"` // vocabulary claim_status; empty is accepted
	Description Text   `json:"description,omitempty"`
}

func (*Post) Kind() Kind { return KindPost }

func (p *Post) Validate() error {
	if err := checkID("person_id", p.PersonID, true); err != nil {
		return err
	}
	if err := checkID("unit_id", p.UnitID, true); err != nil {
		return err
	}
	if err := checkTerm("role", "post_role", p.Role, true); err != nil {
		return err
	}
	if err := p.Title.validate("title", MaxShort, false); err != nil {
		return err
	}
	if err := checkString("rank", p.Rank, MaxShort); err != nil {
		return err
	}
	if p.LastCited.Before(p.FirstCited) {
		return FieldErrorf("last_cited", "%s is before first_cited %s", p.LastCited, p.FirstCited)
	}
	if err := checkTerm("confidence", "confidence", p.Confidence, false); err != nil {
		return err
	}
	if err := checkTerm("status", "claim_status", p.Status, false); err != nil {
		return err
	}
	return p.Description.validate("description", MaxLong, false)
}

func (p *Post) Refs() []Ref {
	return ref(ref(nil, "person_id", KindPerson, p.PersonID), "unit_id", KindUnit, p.UnitID)
}
