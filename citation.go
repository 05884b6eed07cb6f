package qantar

// Citation ties a record, or one field of it, to a Source: "the death toll of
// 238 on figure 3 comes from the article on page 2". Security Force Monitor's
// rule, which Qantar follows: every datum carries its sources.
type Citation struct {
	Meta
	RecordKind Kind   `json:"record_kind"`
	RecordID   int64  `json:"record_id"`
	Field      string `json:"field,omitempty"`
	SourceID   int64  `json:"source_id"`
	Page       string `json:"page,omitempty"`
	TimeCode   string `json:"time_code,omitempty"`
	ArchiveURL string `json:"archive_url,omitempty"`
	Confidence string `json:"confidence,omitempty"`
	// Quote is the source's own words, never a paraphrase: what Qantar says
	// of the source (a summary, why it is cited, a caveat) goes in Note.
	Quote string `json:"quote,omitempty"`
	// Note is Qantar's words about the citation; Project withholds it, as the
	// quote, from readers who may not see the person it is about.
	Note Text `json:"note,omitempty"`
}

func (*Citation) Kind() Kind { return KindCitation }

func (c *Citation) Validate() error {
	if c.RecordKind == "" {
		return FieldErrorf("record_kind", "is required")
	}
	if _, err := ParseKind(string(c.RecordKind)); err != nil {
		return WithField(err, "record_kind")
	}
	if c.RecordKind == KindCitation {
		return FieldErrorf("record_kind", "a citation cannot cite a citation")
	}
	if err := checkID("record_id", c.RecordID, true); err != nil {
		return err
	}
	if err := checkCode("field", c.Field); err != nil {
		return err
	}
	if err := checkID("source_id", c.SourceID, true); err != nil {
		return err
	}
	for _, f := range []struct{ name, v string }{{"page", c.Page}, {"time_code", c.TimeCode}} {
		if err := checkString(f.name, f.v, MaxShort); err != nil {
			return err
		}
	}
	if err := checkURL("archive_url", c.ArchiveURL); err != nil {
		return err
	}
	if err := checkTerm("confidence", "confidence", c.Confidence, false); err != nil {
		return err
	}
	if err := checkString("quote", c.Quote, MaxLong); err != nil {
		return err
	}
	return c.Note.validate("note", MaxLong, false)
}

func (c *Citation) Refs() []Ref {
	kind, _ := ParseKind(string(c.RecordKind))
	return ref(ref(nil, "record_id", kind, c.RecordID), "source_id", KindSource, c.SourceID)
}
