package qantar

import "fmt"

// Case is a criminal case: its number, the authority that holds it, the
// criminal-code articles, the acts it concerns, its participants with their
// procedural roles, and every step of its procedural history.
type Case struct {
	Meta
	Number       string        `json:"number"`
	Jurisdiction string        `json:"jurisdiction,omitempty"` // rules file code, "kz" by default
	AuthorityID  int64         `json:"authority_id,omitempty"` // the unit that investigates or tries it
	Articles     []string      `json:"articles,omitempty"`     // criminal-code articles, e.g. "146-2"
	OpenedOn     Date          `json:"opened_on,omitzero"`
	ActIDs       []int64       `json:"act_ids,omitempty"`
	Participants []Participant `json:"participants,omitempty"`
	Steps        []CaseEvent   `json:"steps,omitempty"`
	Summary      Text          `json:"summary,omitempty"`
}

// Participant is a person with a procedural role in a case.
type Participant struct {
	PersonID int64  `json:"person_id"`
	Role     string `json:"role"`
	Since    Date   `json:"since,omitzero"`
}

// CaseEvent is one step of a case: registered, term interrupted (with its
// ground), terminated (with its ground), sent to court, verdict, appeal,
// reopened. Grounds are codes from the jurisdiction's rules.
type CaseEvent struct {
	Step     string `json:"step"`
	Date     Date   `json:"date"`
	Ground   string `json:"ground,omitempty"`
	Verdict  string `json:"verdict,omitempty"`  // for a verdict: convicted, acquitted, amnestied
	Sentence string `json:"sentence,omitempty"` // as the court wrote it
	// TermYears and TermMonths are a conviction's term of deprivation or
	// restriction of liberty as numbers, which pages say in the reader's
	// language ("3 жыл", "3 года").
	TermYears  int   `json:"term_years,omitempty"`
	TermMonths int   `json:"term_months,omitempty"`
	SourceID   int64 `json:"source_id,omitempty"`
	Note       Text  `json:"note,omitempty"`
}

func (*Case) Kind() Kind { return KindCase }

// Status returns the last step of the case, or "" when none is recorded.
func (c *Case) Status() string {
	if len(c.Steps) == 0 {
		return ""
	}
	return c.Steps[len(c.Steps)-1].Step
}

func (c *Case) Validate() error {
	if err := checkString("number", c.Number, MaxShort); err != nil {
		return err
	}
	if c.Jurisdiction != "" && !validLangTag(c.Jurisdiction) {
		return FieldErrorf("jurisdiction", "%q is not a jurisdiction code such as kz", c.Jurisdiction)
	}
	if err := checkID("authority_id", c.AuthorityID, false); err != nil {
		return err
	}
	if len(c.Articles) > MaxList || len(c.ActIDs) > MaxList*10 || len(c.Participants) > MaxList || len(c.Steps) > MaxList {
		return FieldErrorf("", "too many items in a list")
	}
	for i, a := range c.Articles {
		if err := checkCode(fmt.Sprintf("articles[%d]", i), a); err != nil {
			return err
		}
	}
	for i, id := range c.ActIDs {
		if err := checkID(fmt.Sprintf("act_ids[%d]", i), id, true); err != nil {
			return err
		}
	}
	for i, p := range c.Participants {
		f := fmt.Sprintf("participants[%d]", i)
		if err := checkID(f+".person_id", p.PersonID, true); err != nil {
			return err
		}
		if err := checkTerm(f+".role", "participant_role", p.Role, true); err != nil {
			return err
		}
	}
	for i, s := range c.Steps {
		f := fmt.Sprintf("steps[%d]", i)
		if err := checkTerm(f+".step", "case_step", s.Step, true); err != nil {
			return err
		}
		if s.Date.IsZero() {
			return FieldErrorf(f+".date", "is required")
		}
		if i > 0 && s.Date.Before(c.Steps[i-1].Date) {
			return FieldErrorf(f+".date", "%s is before the previous step's date %s", s.Date, c.Steps[i-1].Date)
		}
		if err := checkCode(f+".ground", s.Ground); err != nil {
			return err
		}
		if s.Step == "verdict" {
			if err := checkTerm(f+".verdict", "verdict", s.Verdict, true); err != nil {
				return err
			}
		} else if s.Verdict != "" {
			return FieldErrorf(f+".verdict", "only a verdict step has a verdict")
		}
		if err := checkString(f+".sentence", s.Sentence, MaxShort); err != nil {
			return err
		}
		if err := s.checkTerm(f); err != nil {
			return err
		}
		if err := checkID(f+".source_id", s.SourceID, false); err != nil {
			return err
		}
		if err := s.Note.validate(f+".note", MaxLong, false); err != nil {
			return err
		}
	}
	return c.Summary.validate("summary", MaxLong, false)
}

// MaxTermYears bounds a sentence's term in years.
const MaxTermYears = 99

// checkTerm: a term is a conviction's, in whole years up to MaxTermYears
// and months up to 11.
func (s CaseEvent) checkTerm(f string) error {
	switch {
	case s.TermYears < 0 || s.TermYears > MaxTermYears:
		return FieldErrorf(f+".term_years", "must be from 0 to %d", MaxTermYears)
	case s.TermMonths < 0 || s.TermMonths > 11:
		return FieldErrorf(f+".term_months", "must be from 0 to %d", 11)
	case (s.TermYears != 0 || s.TermMonths != 0) && s.Verdict != "convicted":
		return FieldErrorf(f+".term_years", "only a conviction has a term")
	}
	return nil
}

func (c *Case) Refs() []Ref {
	refs := ref(nil, "authority_id", KindUnit, c.AuthorityID)
	for i, id := range c.ActIDs {
		refs = ref(refs, fmt.Sprintf("act_ids[%d]", i), KindAct, id)
	}
	for i, p := range c.Participants {
		refs = ref(refs, fmt.Sprintf("participants[%d].person_id", i), KindPerson, p.PersonID)
	}
	for i, s := range c.Steps {
		refs = ref(refs, fmt.Sprintf("steps[%d].source_id", i), KindSource, s.SourceID)
	}
	return refs
}

// checkCode accepts short codes of letters, digits and - . _ /.
func checkCode(field, s string) error {
	if len(s) > 64 {
		return FieldErrorf(field, "is longer than 64 characters")
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.' || r == '_' || r == '/') {
			return FieldErrorf(field, "%q is not a code (letters, digits, - . _ /)", s)
		}
	}
	return nil
}
