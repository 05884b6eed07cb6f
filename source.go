package qantar

import (
	"encoding/hex"
	"net/url"
)

// Source is where a fact comes from: a news report, an official statement, a
// court document, a testimony, a video, a list of names. Every fact in Qantar
// cites at least one Source (see Citation).
type Source struct {
	Meta
	SourceKind  string `json:"kind"`
	Title       Text   `json:"title"`
	Publisher   string `json:"publisher,omitempty"`
	Author      string `json:"author,omitempty"`
	Date        Date   `json:"date,omitzero"`
	URL         string `json:"url,omitempty"`
	ArchiveURL  string `json:"archive_url,omitempty"`
	Language    string `json:"language,omitempty"`
	SHA256      string `json:"sha256,omitempty"` // of the archived copy
	Reliability string `json:"reliability,omitempty"`
	Notes       Text   `json:"notes,omitempty"`
}

func (*Source) Kind() Kind { return KindSource }

func (s *Source) Validate() error {
	if err := checkTerm("kind", "source_kind", s.SourceKind, true); err != nil {
		return err
	}
	if err := s.Title.validate("title", MaxShort, true); err != nil {
		return err
	}
	for _, f := range []struct{ name, v string }{{"publisher", s.Publisher}, {"author", s.Author}} {
		if err := checkString(f.name, f.v, MaxShort); err != nil {
			return err
		}
	}
	if err := checkURL("url", s.URL); err != nil {
		return err
	}
	if err := checkURL("archive_url", s.ArchiveURL); err != nil {
		return err
	}
	if s.Language != "" && !validLangTag(s.Language) {
		return FieldErrorf("language", "%q is not a language code such as kk, ru or en", s.Language)
	}
	if s.SHA256 != "" {
		if b, err := hex.DecodeString(s.SHA256); err != nil || len(b) != 32 {
			return FieldErrorf("sha256", "must be 64 hexadecimal characters")
		}
	}
	if err := checkTerm("reliability", "reliability", s.Reliability, false); err != nil {
		return err
	}
	return s.Notes.validate("notes", MaxLong, false)
}

func (s *Source) Refs() []Ref { return nil }

func checkURL(field, s string) error {
	if s == "" {
		return nil
	}
	if err := checkString(field, s, MaxURL); err != nil {
		return err
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return FieldErrorf(field, "%q is not an http or https URL", s)
	}
	return nil
}
