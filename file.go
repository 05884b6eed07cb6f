package qantar

import (
	"encoding/hex"
	"slices"
	"sort"
	"strings"
)

// File is an evidence file attached to a Source: a photo, a video, a scan, a
// PDF, a recording, or a copy derived from one (OCR text, thumbnail, redacted
// copy). The bytes live in a blob store under their SHA-256, never modified;
// the record says what they are. Each addition, derivative and deletion
// request is a version of a File record, so the log holds the chain of
// custody: who added what and when.
type File struct {
	Meta
	SourceID int64  `json:"source_id"`
	SHA256   string `json:"sha256"` // of the plaintext, lower-case hex
	Size     int64  `json:"size"`   // of the plaintext, in bytes
	// MediaType is sniffed from the bytes, never taken from what the
	// uploader declared; DeclaredType keeps a declaration that disagreed.
	MediaType    string `json:"media_type"`
	DeclaredType string `json:"declared_type,omitempty"`
	Name         string `json:"name,omitempty"` // the name it arrived with
	// Protection is who may see the file: public, restricted (the default:
	// files are protected until an editor publishes them) or confidential.
	Protection string `json:"protection,omitempty"`
	// Encrypted says the stored bytes are age-encrypted to the
	// organisation's recipients.
	Encrypted bool `json:"encrypted,omitempty"`
	// DerivedFrom is the SHA-256 of the original a derivative was made from,
	// and Derivation how (FileDerivations).
	DerivedFrom string            `json:"derived_from,omitempty"`
	Derivation  string            `json:"derivation,omitempty"`
	CapturedAt  Date              `json:"captured_at,omitzero"`
	Metadata    map[string]string `json:"metadata,omitempty"` // FileMetadataKeys only
	Note        Text              `json:"note,omitempty"`
	// DeletionRequested records a request to delete the bytes; the bytes go
	// only once it is granted, the record and its history stay.
	DeletionRequested *DeletionRequest `json:"deletion_requested,omitempty"`
}

// DeletionRequest is a request to delete a file's bytes: why, and who asked.
type DeletionRequest struct {
	Reason string `json:"reason"`
	By     string `json:"by"`
}

// FileDerivations are the ways a file can be derived from another.
var FileDerivations = []string{"ocr_text", "thumbnail", "redacted", "other"}

// FileMetadataKeys are the only metadata a File record keeps: what describes
// the bytes, never who made them or where (no device serial, no GPS).
var FileMetadataKeys = []string{"width", "height", "pages", "duration_seconds", "encoding"}

func (*File) Kind() Kind { return KindFile }

// ProtectionLevel is the file's level; a file with none is restricted.
func (f *File) ProtectionLevel() string {
	if f.Protection == "" {
		return Restricted
	}
	return f.Protection
}

func (f *File) Validate() error {
	if err := checkID("source_id", f.SourceID, true); err != nil {
		return err
	}
	if !IsSHA256(f.SHA256) {
		return FieldErrorf("sha256", "must be 64 hexadecimal characters")
	}
	if f.Size < 0 {
		return FieldErrorf("size", "must not be negative")
	}
	if f.MediaType == "" {
		return FieldErrorf("media_type", "is required")
	}
	for _, s := range []struct{ name, v string }{{"media_type", f.MediaType}, {"declared_type", f.DeclaredType}, {"name", f.Name}} {
		if err := checkString(s.name, s.v, MaxShort); err != nil {
			return err
		}
	}
	if err := checkTerm("protection", "protection", f.Protection, false); err != nil {
		return err
	}
	if err := f.validateDerivation(); err != nil {
		return err
	}
	if err := f.validateMetadata(); err != nil {
		return err
	}
	if err := f.Note.validate("note", MaxLong, false); err != nil {
		return err
	}
	if d := f.DeletionRequested; d != nil {
		if strings.TrimSpace(d.Reason) == "" {
			return FieldErrorf("deletion_requested.reason", "is required")
		}
		if err := checkString("deletion_requested.reason", d.Reason, MaxLong); err != nil {
			return err
		}
		if err := checkString("deletion_requested.by", d.By, MaxShort); err != nil {
			return err
		}
	}
	return nil
}

func (f *File) validateDerivation() error {
	if f.DerivedFrom == "" && f.Derivation == "" {
		return nil
	}
	if !IsSHA256(f.DerivedFrom) {
		return FieldErrorf("derived_from", "must be 64 hexadecimal characters")
	}
	if f.DerivedFrom == f.SHA256 {
		return FieldErrorf("derived_from", "a file cannot be derived from itself")
	}
	if !slices.Contains(FileDerivations, f.Derivation) {
		return FieldErrorf("derivation", "%q is not a known code (one of %s)", f.Derivation, strings.Join(FileDerivations, ", "))
	}
	return nil
}

func (f *File) validateMetadata() error {
	keys := make([]string, 0, len(f.Metadata))
	for k := range f.Metadata {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !slices.Contains(FileMetadataKeys, k) {
			return FieldErrorf("metadata", "%q is not a known key (one of %s)", k, strings.Join(FileMetadataKeys, ", "))
		}
		if err := checkString("metadata."+k, f.Metadata[k], MaxShort); err != nil {
			return err
		}
	}
	return nil
}

func (f *File) Refs() []Ref { return ref(nil, "source_id", KindSource, f.SourceID) }

// IsSHA256 reports whether s is a SHA-256 in lower-case hex.
func IsSHA256(s string) bool {
	if len(s) != 64 || strings.ToLower(s) != s {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

// redactFile is a file as a reader who may not see it is shown it: that it
// exists, how large it is and of what type, nothing that names or
// identifies it (its name, metadata, note, its hash and its original's, and
// why its deletion was asked).
func redactFile(f *File) *File {
	return &File{Meta: f.Meta, SourceID: f.SourceID, Size: f.Size, MediaType: f.MediaType,
		Protection: f.ProtectionLevel(), Encrypted: f.Encrypted, Derivation: f.Derivation, CapturedAt: f.CapturedAt}
}

// checkFileUpdate refuses a new version of a File that would describe other
// bytes: its hash, size, encryption and source are fixed when it is added
// (another file is another record).
func checkFileUpdate(rec, prev Record) error {
	n, ok := rec.(*File)
	o, ok2 := prev.(*File)
	if !ok || !ok2 {
		return nil
	}
	for _, f := range []struct {
		name string
		same bool
	}{{"sha256", n.SHA256 == o.SHA256}, {"size", n.Size == o.Size}, {"encrypted", n.Encrypted == o.Encrypted}, {"source_id", n.SourceID == o.SourceID}} {
		if !f.same {
			return FieldErrorf(f.name, "cannot change: a file's bytes are fixed when it is added; add the other file instead")
		}
	}
	return nil
}
