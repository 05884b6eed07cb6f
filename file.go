package qantar

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
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
	// Origin is what the file says of its making (EXIF, XMP, a container's
	// tags): when, on what device, where. It can name the person who made
	// it, so no public reader ever sees it (Project), and a public copy of
	// an image is a derivative with it stripped.
	Origin *FileOrigin `json:"origin,omitempty"`
	// Timestamps are RFC 3161 tokens from trusted time-stamping
	// authorities over SHA256: that these bytes existed at that time,
	// independently of Qantar's own log. Each is added as a new version.
	Timestamps []FileTimestamp `json:"timestamps,omitempty"`
	Note       Text            `json:"note,omitempty"`
	// DeletionRequested records a request to delete the bytes; the bytes go
	// only once it is granted, the record and its history stay.
	DeletionRequested *DeletionRequest `json:"deletion_requested,omitempty"`
}

// DeletionRequest is a request to delete a file's bytes: why, and who asked.
type DeletionRequest struct {
	Reason string `json:"reason"`
	By     string `json:"by"`
}

// FileOrigin is what a file's own metadata says of where and when it was
// made. TakenAt is the device's clock as written (its zone unknown unless
// it says so), in RFC 3339 without a zone when it gives none.
type FileOrigin struct {
	TakenAt   string   `json:"taken_at,omitempty"`
	Device    string   `json:"device,omitempty"` // make and model
	Software  string   `json:"software,omitempty"`
	Latitude  *float64 `json:"latitude,omitempty"` // WGS 84 decimal degrees
	Longitude *float64 `json:"longitude,omitempty"`
}

// FileTimestamp is one authority's RFC 3161 token over a file's SHA-256:
// the DER TimeStampToken, and the time it gives (checked by verify). A
// protected file's token is over SHA-256(Salt || its SHA-256) with a fresh
// 32-byte salt, so that neither the authority nor anyone on the way can
// tell which file the organisation holds; the salt is shown only with the
// token, to readers who may see the file.
type FileTimestamp struct {
	Authority string `json:"authority"`
	Time      string `json:"time"` // RFC 3339, UTC, as the token says
	Token     []byte `json:"token"`
	Salt      []byte `json:"salt,omitempty"`
}

// Imprint is the digest the token is over: the file's SHA-256, or with a
// salt SHA-256(salt || the file's SHA-256).
func (ts FileTimestamp) Imprint(fileSHA256 string) []byte {
	d, _ := hex.DecodeString(fileSHA256)
	if len(ts.Salt) == 0 {
		return d
	}
	h := sha256.New()
	h.Write(ts.Salt)
	h.Write(d)
	return h.Sum(nil)
}

// FileDerivations are the ways a file can be derived from another;
// "stripped" is a copy with the metadata that could name its maker left out.
var FileDerivations = []string{"ocr_text", "thumbnail", "redacted", "stripped", "other"}

// FileMetadataKeys are the only metadata a File record keeps in Metadata:
// what describes the bytes, never who made them or where (that is Origin).
// phash is an image's 64-bit perceptual hash in 16 hex digits.
var FileMetadataKeys = []string{"width", "height", "pages", "duration_seconds", "encoding", "phash"}

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
	if err := f.validateOrigin(); err != nil {
		return err
	}
	if err := f.validateTimestamps(); err != nil {
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

func (f *File) validateOrigin() error {
	o := f.Origin
	if o == nil {
		return nil
	}
	for _, s := range []struct{ name, v string }{{"origin.taken_at", o.TakenAt}, {"origin.device", o.Device}, {"origin.software", o.Software}} {
		if err := checkString(s.name, s.v, MaxShort); err != nil {
			return err
		}
	}
	if (o.Latitude == nil) != (o.Longitude == nil) {
		return FieldErrorf("origin.latitude", "latitude and longitude go together")
	}
	if o.Latitude != nil && (*o.Latitude < -90 || *o.Latitude > 90 || *o.Longitude < -180 || *o.Longitude > 180) {
		return FieldErrorf("origin.latitude", "is not a position on Earth")
	}
	return nil
}

// maxTokenLen bounds one timestamp token (a DER SignedData with the
// authority's certificates is a few kilobytes).
const maxTokenLen = 64 << 10

func (f *File) validateTimestamps() error {
	for i, ts := range f.Timestamps {
		field := "timestamps." + strconv.Itoa(i)
		if strings.TrimSpace(ts.Authority) == "" {
			return FieldErrorf(field+".authority", "is required")
		}
		if err := checkString(field+".authority", ts.Authority, MaxShort); err != nil {
			return err
		}
		if _, err := time.Parse(time.RFC3339Nano, ts.Time); err != nil {
			return FieldErrorf(field+".time", "must be an RFC 3339 time")
		}
		if len(ts.Token) == 0 || len(ts.Token) > maxTokenLen {
			return FieldErrorf(field+".token", "must be a DER timestamp token of at most %d bytes", maxTokenLen)
		}
		if len(ts.Salt) != 0 && len(ts.Salt) != 32 {
			return FieldErrorf(field+".salt", "must be 32 bytes")
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
// identifies it (its name, metadata, origin, note, its hash and its
// original's, its timestamp tokens, which carry the hash, and why its
// deletion was asked).
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
