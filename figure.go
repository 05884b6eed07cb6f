package qantar

// Figure is a count someone claimed: "deaths: 238, claimed by the Prosecutor
// General's Office, as of August 2022". Official and independent counts are
// kept side by side, over time, each with its source; none overwrites another.
type Figure struct {
	Meta
	Measure   string `json:"measure"`
	Value     int64  `json:"value"`
	Qualifier string `json:"qualifier,omitempty"` // exact (default), at_least, about, more_than
	ClaimedBy Text   `json:"claimed_by"`
	// ClaimantID is the unit that made the claim, when it is a state body.
	ClaimantID int64 `json:"claimant_id,omitempty"`
	Official   bool  `json:"official"` // claimed by the state
	AsOf       Date  `json:"as_of"`
	PlaceID    int64 `json:"place_id,omitempty"` // the area the count covers; none = whole event
	EventID    int64 `json:"event_id,omitempty"`
	SourceID   int64 `json:"source_id"`
	Note       Text  `json:"note,omitempty"`
}

func (*Figure) Kind() Kind { return KindFigure }

func (f *Figure) Validate() error {
	if err := checkTerm("measure", "figure_measure", f.Measure, true); err != nil {
		return err
	}
	if f.Value < 0 {
		return FieldErrorf("value", "must not be negative")
	}
	if err := checkTerm("qualifier", "qualifier", f.Qualifier, false); err != nil {
		return err
	}
	if err := f.ClaimedBy.validate("claimed_by", MaxShort, true); err != nil {
		return err
	}
	if f.AsOf.IsZero() {
		return FieldErrorf("as_of", "is required: a count is always as of a date")
	}
	for _, r := range []struct {
		name string
		id   int64
	}{{"claimant_id", f.ClaimantID}, {"place_id", f.PlaceID}, {"event_id", f.EventID}} {
		if err := checkID(r.name, r.id, false); err != nil {
			return err
		}
	}
	if err := checkID("source_id", f.SourceID, true); err != nil {
		return err
	}
	return f.Note.validate("note", MaxLong, false)
}

func (f *Figure) Refs() []Ref {
	refs := ref(nil, "claimant_id", KindUnit, f.ClaimantID)
	refs = ref(refs, "place_id", KindPlace, f.PlaceID)
	refs = ref(refs, "event_id", KindEvent, f.EventID)
	return ref(refs, "source_id", KindSource, f.SourceID)
}
