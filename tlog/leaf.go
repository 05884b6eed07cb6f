package tlog

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/qantar-project/qantar"
	"github.com/transparency-dev/merkle/rfc6962"
)

// LeafFormat is a leaf's encoding version: its magic line, what its fourth
// line says and how its commitment is computed. A log holds leaves of
// several formats, never an older one after a newer one; new writes use
// LeafV3.
type LeafFormat uint8

const (
	// LeafV1 (qantar-leaf/v1, the zero value) commits with plain SHA-256
	// to a public version's canonical JSON and with a salted HMAC to a
	// protected one's; a deletion's reason is not committed.
	LeafV1 LeafFormat = iota
	// LeafV2 (qantar-leaf/v2) commits to every version with a salted HMAC
	// of its canonical JSON and its reason (Message), whether the version
	// is public or not: nobody without the salt can test a guess.
	LeafV2
	// LeafV3 (qantar-leaf/v3) is v2 whose fourth line is only the writer's
	// class (ActorClass: "system" or "editor"), never the account, and
	// whose commitment binds the full actor id too (MessageV3): with the
	// salt anyone can check who wrote a version, without it nobody can
	// test a guess, and the public log no longer tells which edits one
	// account made.
	LeafV3
)

// The magic first lines of the leaf formats.
const (
	LeafMagicV1 = "qantar-leaf/v1"
	LeafMagicV2 = "qantar-leaf/v2"
	LeafMagicV3 = "qantar-leaf/v3"
)

// LeafMagic is the first line of the leaves written now.
const LeafMagic = LeafMagicV3

// Magic returns the format's first line.
func (f LeafFormat) Magic() string {
	switch f {
	case LeafV2:
		return LeafMagicV2
	case LeafV3:
		return LeafMagicV3
	}
	return LeafMagicV1
}

// The writer classes a v3 leaf's fourth line may hold: what the public may
// know of who wrote a version (the site's history shows an anonymous
// reader no more than that an editor, or the system, made a change).
const (
	ClassSystem = "system" // qantar.System: the bundled data, migrations
	ClassEditor = "editor" // anyone else: an account, an API token, the command line
)

// ActorClass is the class of an actor id (qantar.Actor.LogID) that a v3
// leaf shows in clear: ClassSystem for "system", ClassEditor for any other
// writer. It is a function of the id alone, so that verify recomputes the
// leaf from the stored version.
func ActorClass(actor string) string {
	if actor == ClassSystem {
		return ClassSystem
	}
	return ClassEditor
}

// TimeFormat is the one form a leaf's time takes: UTC, always six fractional
// digits. Microseconds, because PostgreSQL keeps no finer time, and a leaf
// must be recomputable from what the store kept.
const TimeFormat = "2006-01-02T15:04:05.000000Z"

// Limits that keep a leaf far below the 65,535 bytes an entry bundle allows.
const (
	MaxActorLen = 256
	MaxKindLen  = 64
)

// Commitment schemes, written before the commitment's hex digits.
const (
	SchemePublic = "sha256"      // v1 only: SHA-256(canonical JSON): anyone can recompute it
	SchemeSalted = "hmac-sha256" // v1: HMAC-SHA-256(key = salt, canonical JSON); v2: HMAC-SHA-256(key = salt, Message): needs the salt
)

// Leaf is one record version as the log commits to it. It holds no content,
// only a commitment to it, so that a public log never tells what a
// protected record says, nor lets anyone confirm a guess (see Commit).
type Leaf struct {
	Format LeafFormat // LeafV1 (the zero value), LeafV2 or LeafV3
	Index  uint64     // position in the log, from 0
	Time   time.Time  // when the version was written; kept to the microsecond, in UTC
	// Actor is the fourth line. In v1 and v2 the actor id in clear
	// (qantar.Actor.LogID: "token:3", "user:7", "system"); in v3 only its
	// class (ActorClass: "system", "editor"), the id being committed to.
	Actor   string
	Kind    qantar.Kind // "persons"
	ID      int64       // the record's id, > 0
	Version int         // the version written, >= 1
	Op      qantar.Op   // create, update or delete
	// Salted says the commitment is HMAC-SHA-256 keyed with a per-version
	// salt, not plain SHA-256: in v1 for restricted and confidential
	// records only, in v2 and v3 always (one that is not salted is invalid).
	Salted     bool
	Commitment [32]byte
}

// Encode returns the leaf's canonical encoding, nine lines each ending in a
// newline (LEAF.md has the byte-by-byte description):
//
//	qantar-leaf/v3          (or qantar-leaf/v2, qantar-leaf/v1, by Format)
//	<index>                 decimal, no leading zero
//	<time>                  TimeFormat, UTC, microseconds
//	<actor>                 v3: system | editor; v1, v2: the actor id, 1..256 bytes of UTF-8, no space or control character
//	<kind>                  1..64 bytes of [a-z_]
//	<id>                    decimal, 1..2^63-1, no leading zero
//	<version>               decimal, 1..2^31-1, no leading zero
//	<op>                    create | update | delete
//	<scheme> <commitment>   "hmac-sha256" (v1 also "sha256"), one space, 64 lowercase hex digits
//
// A text form, so that anyone can read a leaf with a text editor and check a
// public commitment with sha256sum. Encode fails on a leaf it could not
// decode again: there is exactly one encoding of each valid leaf.
func (l Leaf) Encode() ([]byte, error) {
	if err := l.Validate(); err != nil {
		return nil, err
	}
	return l.appendEncoding(make([]byte, 0, 192)), nil
}

func (l Leaf) appendEncoding(b []byte) []byte {
	b = append(b, l.Format.Magic()...)
	b = append(b, '\n')
	b = strconv.AppendUint(b, l.Index, 10)
	b = append(b, '\n')
	b = l.Time.UTC().AppendFormat(b, TimeFormat)
	b = append(b, '\n')
	b = append(b, l.Actor...)
	b = append(b, '\n')
	b = append(b, l.Kind...)
	b = append(b, '\n')
	b = strconv.AppendInt(b, l.ID, 10)
	b = append(b, '\n')
	b = strconv.AppendInt(b, int64(l.Version), 10)
	b = append(b, '\n')
	b = append(b, l.Op...)
	b = append(b, '\n')
	if l.Salted {
		b = append(b, SchemeSalted...)
	} else {
		b = append(b, SchemePublic...)
	}
	b = append(b, ' ')
	b = hex.AppendEncode(b, l.Commitment[:])
	return append(b, '\n')
}

// Validate checks every field against the limits Encode documents, naming
// the field at fault.
func (l Leaf) Validate() error {
	switch l.Format {
	case LeafV1:
	case LeafV2, LeafV3:
		if !l.Salted {
			return qantar.FieldErrorf("leaf.commitment", "a %s leaf always has a salted commitment (%s)", l.Format.Magic(), SchemeSalted)
		}
	default:
		return qantar.FieldErrorf("leaf.format", "unknown leaf format %d", l.Format)
	}
	if l.Time.IsZero() {
		return qantar.FieldErrorf("leaf.time", "is required")
	}
	if y := l.Time.UTC().Year(); y < 1 || y > 9999 {
		return qantar.FieldErrorf("leaf.time", "year %d is outside 0001..9999", y)
	}
	if l.Time.Nanosecond()%1000 != 0 {
		return qantar.FieldErrorf("leaf.time", "has nanoseconds; truncate it to microseconds (time.Truncate(time.Microsecond)) before storing it, so that the leaf can be recomputed")
	}
	if l.Format == LeafV3 {
		if l.Actor != ClassSystem && l.Actor != ClassEditor {
			return qantar.FieldErrorf("leaf.actor", "a %s leaf names the writer's class, %q or %q, not %q", LeafMagicV3, ClassSystem, ClassEditor, clip(l.Actor))
		}
	} else if err := CheckActor(l.Actor); err != nil {
		return err
	}
	if err := checkKind(string(l.Kind)); err != nil {
		return err
	}
	if l.ID <= 0 {
		return qantar.FieldErrorf("leaf.id", "must be a positive id, not %d", l.ID)
	}
	if l.Version < 1 || l.Version > math.MaxInt32 {
		return qantar.FieldErrorf("leaf.version", "must be in 1..%d, not %d", math.MaxInt32, l.Version)
	}
	switch l.Op {
	case qantar.OpCreate, qantar.OpUpdate, qantar.OpDelete:
	default:
		return qantar.FieldErrorf("leaf.op", "must be create, update or delete, not %q", l.Op)
	}
	return nil
}

// CheckActor checks an actor id as a leaf holds it (v1, v2) or commits to
// it (v3): 1..MaxActorLen bytes of UTF-8, no space, no control character
// (so no line feed).
func CheckActor(s string) error {
	if s == "" || len(s) > MaxActorLen {
		return qantar.FieldErrorf("leaf.actor", "must be 1..%d bytes, not %d", MaxActorLen, len(s))
	}
	if !utf8.ValidString(s) {
		return qantar.FieldErrorf("leaf.actor", "is not valid UTF-8")
	}
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return qantar.FieldErrorf("leaf.actor", "must not contain a space or control character (%U)", r)
		}
	}
	return nil
}

func checkKind(s string) error {
	if s == "" || len(s) > MaxKindLen {
		return qantar.FieldErrorf("leaf.kind", "must be 1..%d bytes, not %d", MaxKindLen, len(s))
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 'a' || c > 'z') && c != '_' {
			return qantar.FieldErrorf("leaf.kind", "must hold only a-z and _, not %q", c)
		}
	}
	return nil
}

// leafFields names the lines of a leaf, for error messages.
var leafFields = [...]string{"magic", "index", "time", "actor", "kind", "id", "version", "op", "commitment"}

// DecodeLeaf parses a leaf's encoding strictly: the exact nine lines, every
// number without leading zero or sign, and nothing else. Errors name the
// line and field at fault.
func DecodeLeaf(b []byte) (Leaf, error) {
	var l Leaf
	if len(b) == 0 || b[len(b)-1] != '\n' {
		return l, qantar.FieldErrorf("leaf", "must end with a newline")
	}
	lines := strings.Split(string(b[:len(b)-1]), "\n")
	if len(lines) != len(leafFields) {
		return l, qantar.FieldErrorf("leaf", "has %d lines, want %d", len(lines), len(leafFields))
	}
	bad := func(i int, format string, args ...any) error {
		return qantar.FieldErrorf("leaf."+leafFields[i], "line %d: %s", i+1, fmt.Sprintf(format, args...))
	}
	switch lines[0] {
	case LeafMagicV1:
		l.Format = LeafV1
	case LeafMagicV2:
		l.Format = LeafV2
	case LeafMagicV3:
		l.Format = LeafV3
	default:
		return l, bad(0, "want %q, %q or %q, not %q", LeafMagicV3, LeafMagicV2, LeafMagicV1, clip(lines[0]))
	}
	var err error
	if l.Index, err = parseDecimal(lines[1], math.MaxUint64); err != nil {
		return l, bad(1, "%v", err)
	}
	if len(lines[2]) != len(TimeFormat) {
		return l, bad(2, "want the form %s, not %q", TimeFormat, clip(lines[2]))
	}
	if l.Time, err = time.Parse(TimeFormat, lines[2]); err != nil {
		return l, bad(2, "want the form %s, not %q", TimeFormat, clip(lines[2]))
	}
	l.Actor = lines[3]
	l.Kind = qantar.Kind(lines[4])
	id, err := parseDecimal(lines[5], math.MaxInt64)
	if err != nil {
		return l, bad(5, "%v", err)
	}
	l.ID = int64(id)
	v, err := parseDecimal(lines[6], math.MaxInt32)
	if err != nil {
		return l, bad(6, "%v", err)
	}
	l.Version = int(v)
	l.Op = qantar.Op(lines[7])
	scheme, digits, ok := strings.Cut(lines[8], " ")
	switch {
	case !ok:
		return l, bad(8, "want %q or %q, a space and 64 hex digits", SchemePublic, SchemeSalted)
	case scheme == SchemeSalted:
		l.Salted = true
	case scheme == SchemePublic && l.Format != LeafV1:
		return l, bad(8, "scheme %q is not used in %s leaves (want %q)", SchemePublic, l.Format.Magic(), SchemeSalted)
	case scheme != SchemePublic:
		return l, bad(8, "unknown scheme %q (want %q or %q)", clip(scheme), SchemePublic, SchemeSalted)
	}
	if len(digits) != 64 || strings.ToLower(digits) != digits {
		return l, bad(8, "want 64 lowercase hex digits")
	}
	if _, err := hex.Decode(l.Commitment[:], []byte(digits)); err != nil {
		return l, bad(8, "want 64 lowercase hex digits: %v", err)
	}
	if err := l.Validate(); err != nil {
		return l, err
	}
	// Belt and braces: whatever the checks above missed, a leaf that does
	// not re-encode to the same bytes is not canonical.
	var buf [512]byte // longer than any valid leaf: no allocation
	if !bytes.Equal(l.appendEncoding(buf[:0]), b) {
		return l, qantar.FieldErrorf("leaf", "is not in canonical form")
	}
	return l, nil
}

// parseDecimal parses an unsigned decimal with no sign and no leading zero.
func parseDecimal(s string, max uint64) (uint64, error) {
	if s == "" {
		return 0, fmt.Errorf("empty number")
	}
	if len(s) > 1 && s[0] == '0' {
		return 0, fmt.Errorf("%q has a leading zero", clip(s))
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, fmt.Errorf("%q is not a decimal number", clip(s))
		}
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil || n > max {
		return 0, fmt.Errorf("%q is out of range (max %d)", clip(s), max)
	}
	return n, nil
}

// clip shortens hostile input quoted in an error message.
func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// Commit returns the v1 commitment to a version's canonical JSON
// (qantar.Canonical). With no salt it is SHA-256(json), which anyone holding
// the public record can recompute. With a salt it is HMAC-SHA-256 keyed with
// the salt: a keyed hash, so that nobody without the salt can test a
// guessed name against the log. New leaves use CommitV2.
func Commit(canonicalJSON, salt []byte) [32]byte {
	if len(salt) == 0 {
		return sha256.Sum256(canonicalJSON)
	}
	return hmacSHA256(salt, canonicalJSON)
}

// Message is what a v2 leaf commits to: the version's canonical JSON, one
// line feed (0x0A), then the reason of a deletion in UTF-8 (nothing for a
// create or an update). Canonical JSON holds no raw line feed (encoding/json
// escapes one inside a string as \n), so the first line feed ends it and the
// two parts cannot be shifted into each other.
func Message(canonicalJSON []byte, reason string) []byte {
	m := make([]byte, 0, len(canonicalJSON)+1+len(reason))
	m = append(m, canonicalJSON...)
	m = append(m, '\n')
	return append(m, reason...)
}

// CommitV2 returns the v2 commitment to a version: HMAC-SHA-256 keyed with
// the version's salt (NewSalt, new for every version, public or not) of
// Message(canonicalJSON, reason). The salt of a version anyone may see is
// served with it, so that anyone can recompute the commitment; the salt of
// a hidden one is not, so that nobody can test a guess against it.
func CommitV2(canonicalJSON []byte, reason string, salt []byte) [32]byte {
	return hmacSHA256(salt, Message(canonicalJSON, reason))
}

// MessageV3 is what a v3 leaf commits to: Message(canonicalJSON, reason),
// one line feed, then the actor id (qantar.Actor.LogID) in UTF-8. The
// canonical JSON holds no line feed and the actor none either
// (CheckActor), so the first line feed ends the JSON and the last one
// begins the actor, whatever the reason holds.
func MessageV3(canonicalJSON []byte, reason, actor string) []byte {
	m := make([]byte, 0, len(canonicalJSON)+2+len(reason)+len(actor))
	m = append(m, canonicalJSON...)
	m = append(m, '\n')
	m = append(m, reason...)
	m = append(m, '\n')
	return append(m, actor...)
}

// CommitV3 returns the v3 commitment to a version: HMAC-SHA-256 keyed with
// the version's salt of MessageV3(canonicalJSON, reason, actor). Whoever
// holds the salt and the version can check who wrote it; nobody else can
// test a guessed account against the leaf.
func CommitV3(canonicalJSON []byte, reason, actor string, salt []byte) [32]byte {
	return hmacSHA256(salt, MessageV3(canonicalJSON, reason, actor))
}

func hmacSHA256(key, msg []byte) [32]byte {
	m := hmac.New(sha256.New, key)
	m.Write(msg)
	var c [32]byte
	m.Sum(c[:0])
	return c
}

// SaltSize is the length of the salts NewSalt makes.
const SaltSize = 32

// NewSalt returns a fresh random salt for one version.
func NewSalt() []byte {
	s := make([]byte, SaltSize)
	rand.Read(s) // never fails: crypto/rand panics rather than return an error
	return s
}

// Matches reports whether the leaf commits to this content written by this
// actor. reason is the version's reason (a deletion's; "" otherwise), which
// v2 and v3 leaves commit to. actor is the version's actor id
// (qantar.Actor.LogID), which a v3 leaf commits to and whose class it must
// show; a v1 or v2 leaf shows its actor in clear and does not commit to it,
// so for them actor is not looked at (CheckVersion compares it). salt is
// the version's salt, nil for a v1 public version; a v1 public leaf never
// matches salted content and the other way round, and a v2 or v3 leaf
// never matches without a salt.
func (l Leaf) Matches(canonicalJSON []byte, reason, actor string, salt []byte) bool {
	if l.Salted != (len(salt) > 0) {
		return false
	}
	var c [32]byte
	switch l.Format {
	case LeafV3:
		if l.Actor != ActorClass(actor) || CheckActor(actor) != nil {
			return false
		}
		c = CommitV3(canonicalJSON, reason, actor, salt)
	case LeafV2:
		c = CommitV2(canonicalJSON, reason, salt)
	default:
		c = Commit(canonicalJSON, salt)
	}
	return hmac.Equal(c[:], l.Commitment[:])
}

// LeafHash is the RFC 6962 leaf hash of an encoded leaf, SHA-256(0x00 ||
// leaf): the level-0 node the tree holds for it.
func LeafHash(encoded []byte) []byte {
	return rfc6962.DefaultHasher.HashLeaf(encoded)
}
