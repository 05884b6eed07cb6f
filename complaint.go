package qantar

import "fmt"

// Complaint is a complaint or appeal filed with a state body: by whom, to
// whom, when, under which legal provision, about what; and every response.
// Its deadline is computed from the jurisdiction's rules, never stored.
type Complaint struct {
	Meta
	ComplaintKind string     `json:"kind"` // a complaint kind of the rules, e.g. "appc-76"
	Jurisdiction  string     `json:"jurisdiction,omitempty"`
	FiledOn       Date       `json:"filed_on"`
	FilerID       int64      `json:"filer_id,omitempty"`
	FilerRole     string     `json:"filer_role,omitempty"`
	AddresseeID   int64      `json:"addressee_id,omitempty"` // a unit
	CaseID        int64      `json:"case_id,omitempty"`
	EscalatesID   int64      `json:"escalates_id,omitempty"` // the earlier complaint this one escalates
	Subject       Text       `json:"subject,omitempty"`
	Responses     []Response `json:"responses,omitempty"`
}

// Response is an answer (or the recorded absence of one) to a complaint.
type Response struct {
	ReceivedOn Date   `json:"received_on"`
	Outcome    string `json:"outcome"`
	SourceID   int64  `json:"source_id,omitempty"` // the response document
	Note       Text   `json:"note,omitempty"`
}

func (*Complaint) Kind() Kind { return KindComplaint }

func (c *Complaint) Validate() error {
	if c.ComplaintKind == "" {
		return FieldErrorf("kind", "is required")
	}
	if err := checkCode("kind", c.ComplaintKind); err != nil {
		return err
	}
	if c.Jurisdiction != "" && !validLangTag(c.Jurisdiction) {
		return FieldErrorf("jurisdiction", "%q is not a jurisdiction code such as kz", c.Jurisdiction)
	}
	if c.FiledOn.IsZero() {
		return FieldErrorf("filed_on", "is required")
	}
	if !c.FiledOn.HasDay() {
		return FieldErrorf("filed_on", "must be a full date (YYYY-MM-DD): deadlines count days")
	}
	for _, f := range []struct {
		name string
		id   int64
	}{{"filer_id", c.FilerID}, {"addressee_id", c.AddresseeID}, {"case_id", c.CaseID}, {"escalates_id", c.EscalatesID}} {
		if err := checkID(f.name, f.id, false); err != nil {
			return err
		}
	}
	if c.EscalatesID != 0 && c.EscalatesID == c.ID {
		return FieldErrorf("escalates_id", "a complaint cannot escalate itself")
	}
	if err := checkTerm("filer_role", "filer_role", c.FilerRole, false); err != nil {
		return err
	}
	if err := c.Subject.validate("subject", MaxLong, false); err != nil {
		return err
	}
	if len(c.Responses) > MaxList {
		return FieldErrorf("responses", "too many responses")
	}
	for i, r := range c.Responses {
		f := fmt.Sprintf("responses[%d]", i)
		if r.ReceivedOn.IsZero() {
			return FieldErrorf(f+".received_on", "is required")
		}
		if r.ReceivedOn.Before(c.FiledOn) {
			return FieldErrorf(f+".received_on", "%s is before the complaint was filed (%s)", r.ReceivedOn, c.FiledOn)
		}
		if err := checkTerm(f+".outcome", "response_outcome", r.Outcome, true); err != nil {
			return err
		}
		if err := checkID(f+".source_id", r.SourceID, false); err != nil {
			return err
		}
		if err := r.Note.validate(f+".note", MaxLong, false); err != nil {
			return err
		}
	}
	return nil
}

func (c *Complaint) Refs() []Ref {
	refs := ref(nil, "filer_id", KindPerson, c.FilerID)
	refs = ref(refs, "addressee_id", KindUnit, c.AddresseeID)
	refs = ref(refs, "case_id", KindCase, c.CaseID)
	refs = ref(refs, "escalates_id", KindComplaint, c.EscalatesID)
	for i, r := range c.Responses {
		refs = ref(refs, fmt.Sprintf("responses[%d].source_id", i), KindSource, r.SourceID)
	}
	return refs
}

// Answered reports whether a response counts as an answer that stops the
// clock: "no response", "secrecy of the investigation" and a notice that the
// term was extended do not.
func (r Response) Answered() bool {
	switch r.Outcome {
	case "no_response", "secrecy_of_investigation", "extended":
		return false
	}
	return true
}
