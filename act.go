package qantar

import "fmt"

// Act is one thing done to one victim in one event: a killing in crowd
// control, a death in custody, torture, an arbitrary detention (HURIDOCS ESF
// "act").
type Act struct {
	Meta
	VictimID     int64  `json:"victim_id"`
	EventID      int64  `json:"event_id,omitempty"`
	ActType      string `json:"type"`
	Method       string `json:"method,omitempty"`
	Date         Date   `json:"date,omitzero"`
	PlaceID      int64  `json:"place_id,omitempty"`
	VictimStatus string `json:"victim_status,omitempty"`
	Description  Text   `json:"description,omitempty"`
	// Minnesota holds cited answers to the Minnesota Protocol checklist
	// for a death (items are listed by package report).
	Minnesota []ChecklistAnswer `json:"minnesota,omitempty"`
	// Istanbul holds cited answers to the Istanbul Protocol checklist for
	// torture or ill-treatment (items are listed by package report).
	Istanbul []ChecklistAnswer `json:"istanbul,omitempty"`
}

// ChecklistAnswer answers one checklist item: yes, no or unknown, with the
// source that says so.
type ChecklistAnswer struct {
	Item     string `json:"item"`
	Answer   string `json:"answer"`
	SourceID int64  `json:"source_id,omitempty"`
	Note     string `json:"note,omitempty"`
}

func (*Act) Kind() Kind { return KindAct }

func (a *Act) Validate() error {
	if err := checkID("victim_id", a.VictimID, true); err != nil {
		return err
	}
	if err := checkID("event_id", a.EventID, false); err != nil {
		return err
	}
	if err := checkTerm("type", "act_type", a.ActType, true); err != nil {
		return err
	}
	if err := checkString("method", a.Method, MaxShort); err != nil {
		return err
	}
	if err := checkID("place_id", a.PlaceID, false); err != nil {
		return err
	}
	if err := checkTerm("victim_status", "victim_status", a.VictimStatus, false); err != nil {
		return err
	}
	if err := checkChecklist("minnesota", a.Minnesota); err != nil {
		return err
	}
	if err := checkChecklist("istanbul", a.Istanbul); err != nil {
		return err
	}
	return a.Description.validate("description", MaxLong, false)
}

// checkChecklist checks the cited answers of one checklist of an act.
func checkChecklist(field string, answers []ChecklistAnswer) error {
	if len(answers) > 100 {
		return FieldErrorf(field, "too many answers")
	}
	for i, m := range answers {
		f := fmt.Sprintf("%s[%d]", field, i)
		if err := checkCode(f+".item", m.Item); err != nil {
			return err
		}
		if m.Item == "" {
			return FieldErrorf(f+".item", "is required")
		}
		if m.Answer != "yes" && m.Answer != "no" && m.Answer != "unknown" {
			return FieldErrorf(f+".answer", "%q is not yes, no or unknown", m.Answer)
		}
		if err := checkID(f+".source_id", m.SourceID, false); err != nil {
			return err
		}
		if err := checkString(f+".note", m.Note, MaxLong); err != nil {
			return err
		}
	}
	return nil
}

func (a *Act) Refs() []Ref {
	refs := ref(ref(ref(nil, "victim_id", KindPerson, a.VictimID), "event_id", KindEvent, a.EventID), "place_id", KindPlace, a.PlaceID)
	for i, m := range a.Minnesota {
		refs = ref(refs, fmt.Sprintf("minnesota[%d].source_id", i), KindSource, m.SourceID)
	}
	for i, m := range a.Istanbul {
		refs = ref(refs, fmt.Sprintf("istanbul[%d].source_id", i), KindSource, m.SourceID)
	}
	return refs
}

// IsKilling reports whether the act ended the victim's life.
func (a *Act) IsKilling() bool { return IsKilling(a.ActType) || a.VictimStatus == "dead" }

// Involvement links an act to a perpetrator, a person or a unit, with the
// degree of involvement (carried out, gave orders, failed to prevent, …).
type Involvement struct {
	Meta
	ActID      int64  `json:"act_id"`
	PersonID   int64  `json:"person_id,omitempty"`
	UnitID     int64  `json:"unit_id,omitempty"`
	Degree     string `json:"degree"`
	Confidence string `json:"confidence,omitempty"`
	Notes      Text   `json:"notes,omitempty"`
}

func (*Involvement) Kind() Kind { return KindInvolvement }

func (v *Involvement) Validate() error {
	if err := checkID("act_id", v.ActID, true); err != nil {
		return err
	}
	if err := checkID("person_id", v.PersonID, false); err != nil {
		return err
	}
	if err := checkID("unit_id", v.UnitID, false); err != nil {
		return err
	}
	if v.PersonID == 0 && v.UnitID == 0 {
		return FieldErrorf("person_id", "a perpetrator is required: person_id or unit_id")
	}
	if err := checkTerm("degree", "degree", v.Degree, true); err != nil {
		return err
	}
	if err := checkTerm("confidence", "confidence", v.Confidence, false); err != nil {
		return err
	}
	return v.Notes.validate("notes", MaxLong, false)
}

func (v *Involvement) Refs() []Ref {
	return ref(ref(ref(nil, "act_id", KindAct, v.ActID), "person_id", KindPerson, v.PersonID), "unit_id", KindUnit, v.UnitID)
}
