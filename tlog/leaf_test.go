package tlog

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/qantar-project/qantar"
)

func exampleLeaf() Leaf {
	return Leaf{
		Index:      0,
		Time:       time.Date(2026, 1, 5, 9, 30, 0, 0, time.UTC),
		Actor:      "token:3",
		Kind:       qantar.KindPerson,
		ID:         17,
		Version:    1,
		Op:         qantar.OpCreate,
		Commitment: Commit([]byte("test"), nil),
	}
}

// The example in LEAF.md, byte for byte.
const exampleEncoding = "qantar-leaf/v1\n0\n2026-01-05T09:30:00.000000Z\ntoken:3\npersons\n17\n1\ncreate\n" +
	"sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\n"

func TestLeafEncodeExample(t *testing.T) {
	got, err := exampleLeaf().Encode()
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != exampleEncoding {
		t.Fatalf("Encode =\n%s\nwant\n%s", got, exampleEncoding)
	}
	l, err := DecodeLeaf(got)
	if err != nil {
		t.Fatal(err)
	}
	if l != exampleLeaf() {
		t.Fatalf("DecodeLeaf = %+v, want %+v", l, exampleLeaf())
	}
}

func TestLeafRoundTrip(t *testing.T) {
	tests := map[string]func(*Leaf){
		"Example":      func(*Leaf) {},
		"Salted":       func(l *Leaf) { l.Salted = true; l.Commitment = Commit([]byte("{}"), NewSalt()) },
		"Microseconds": func(l *Leaf) { l.Time = time.Date(2022, 1, 5, 23, 59, 59, 123456000, time.UTC) },
		"OtherZone":    func(l *Leaf) { l.Time = time.Date(2022, 1, 6, 5, 0, 0, 0, time.FixedZone("ALMT", 5*3600)) },
		"MaxNumbers": func(l *Leaf) {
			l.Index, l.ID, l.Version = 1<<64-1, 1<<63-1, 1<<31-1
		},
		"UnicodeActor": func(l *Leaf) { l.Actor = "user:Әсел" },
		"LongActor":    func(l *Leaf) { l.Actor = strings.Repeat("a", MaxActorLen) },
		"Delete":       func(l *Leaf) { l.Op = qantar.OpDelete; l.Kind = "complaints" },
		"V2": func(l *Leaf) {
			l.Format, l.Salted, l.Op = LeafV2, true, qantar.OpDelete
			l.Commitment = CommitV2([]byte("{}"), "a reason", NewSalt())
		},
	}
	for name, mod := range tests {
		t.Run(name, func(t *testing.T) {
			l := exampleLeaf()
			mod(&l)
			enc, err := l.Encode()
			if err != nil {
				t.Fatal(err)
			}
			got, err := DecodeLeaf(enc)
			if err != nil {
				t.Fatalf("DecodeLeaf(%q): %v", enc, err)
			}
			if !got.Time.Equal(l.Time) || got.Time.Location() != time.UTC {
				t.Errorf("time = %v, want %v in UTC", got.Time, l.Time)
			}
			got.Time, l.Time = time.Time{}, time.Time{}
			if got != l {
				t.Errorf("DecodeLeaf = %+v, want %+v", got, l)
			}
		})
	}
}

func TestLeafEncodeErrors(t *testing.T) {
	tests := []struct {
		name  string
		mod   func(*Leaf)
		field string
	}{
		{"ErrNanoseconds", func(l *Leaf) { l.Time = l.Time.Add(1) }, "leaf.time"},
		{"ErrZeroTime", func(l *Leaf) { l.Time = time.Time{} }, "leaf.time"},
		{"ErrYearZero", func(l *Leaf) { l.Time = time.Time{}.Add(-time.Hour) }, "leaf.time"},
		{"ErrYear10000", func(l *Leaf) { l.Time = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }, "leaf.time"},
		{"ErrActorEmpty", func(l *Leaf) { l.Actor = "" }, "leaf.actor"},
		{"ErrActorNewline", func(l *Leaf) { l.Actor = "token:3\nx" }, "leaf.actor"},
		{"ErrActorSpace", func(l *Leaf) { l.Actor = "Jane Doe" }, "leaf.actor"},
		{"ErrActorTooLong", func(l *Leaf) { l.Actor = strings.Repeat("a", MaxActorLen+1) }, "leaf.actor"},
		{"ErrActorInvalidUTF8", func(l *Leaf) { l.Actor = "\xff" }, "leaf.actor"},
		{"ErrKindEmpty", func(l *Leaf) { l.Kind = "" }, "leaf.kind"},
		{"ErrKindUpper", func(l *Leaf) { l.Kind = "Persons" }, "leaf.kind"},
		{"ErrIDZero", func(l *Leaf) { l.ID = 0 }, "leaf.id"},
		{"ErrIDNegative", func(l *Leaf) { l.ID = -4 }, "leaf.id"},
		{"ErrVersionZero", func(l *Leaf) { l.Version = 0 }, "leaf.version"},
		{"ErrVersionHuge", func(l *Leaf) { l.Version = 1 << 40 }, "leaf.version"},
		{"ErrOp", func(l *Leaf) { l.Op = "merge" }, "leaf.op"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := exampleLeaf()
			tt.mod(&l)
			_, err := l.Encode()
			if err == nil {
				t.Fatal("Encode succeeded")
			}
			if qantar.ErrorField(err) != tt.field || qantar.ErrorCode(err) != qantar.EINVALID {
				t.Errorf("error %v: field %q code %q, want field %q", err, qantar.ErrorField(err), qantar.ErrorCode(err), tt.field)
			}
		})
	}
}

func TestDecodeLeafErrors(t *testing.T) {
	ex := exampleEncoding
	tests := []struct {
		name  string
		in    string
		field string
	}{
		{"ErrEmpty", "", "leaf"},
		{"ErrNoFinalNewline", strings.TrimSuffix(ex, "\n"), "leaf"},
		{"ErrExtraLine", ex + "more\n", "leaf"},
		{"ErrMissingLine", strings.Replace(ex, "create\n", "", 1), "leaf"},
		{"ErrCRLF", strings.ReplaceAll(ex, "\n", "\r\n"), "leaf.magic"},
		{"ErrMagic", strings.Replace(ex, "/v1", "/v4", 1), "leaf.magic"},
		{"ErrV2PlainScheme", strings.Replace(ex, "/v1", "/v2", 1), "leaf.commitment"},
		{"ErrV3PlainScheme", strings.Replace(strings.Replace(ex, "/v1", "/v3", 1), "token:3", "editor", 1), "leaf.commitment"},
		{"ErrV3ActorID", strings.Replace(strings.Replace(ex, "/v1", "/v3", 1), "sha256 ", "hmac-sha256 ", 1), "leaf.actor"},
		{"ErrV3ActorRole", strings.Replace(strings.Replace(strings.Replace(ex, "/v1", "/v3", 1), "sha256 ", "hmac-sha256 ", 1), "token:3", "admin", 1), "leaf.actor"},
		{"ErrIndexLeadingZero", strings.Replace(ex, "\n0\n", "\n00\n", 1), "leaf.index"},
		{"ErrIndexSign", strings.Replace(ex, "\n0\n", "\n+0\n", 1), "leaf.index"},
		{"ErrIndexOverflow", strings.Replace(ex, "\n0\n", "\n18446744073709551616\n", 1), "leaf.index"},
		{"ErrTimeNoFraction", strings.Replace(ex, "09:30:00.000000Z", "09:30:00Z", 1), "leaf.time"},
		{"ErrTimeNanos", strings.Replace(ex, "09:30:00.000000Z", "09:30:00.000000000Z", 1), "leaf.time"},
		{"ErrTimeOffset", strings.Replace(ex, "09:30:00.000000Z", "09:30:00.000000+05:00", 1), "leaf.time"},
		{"ErrTimeInvalidDay", strings.Replace(ex, "2026-01-05", "2026-02-30", 1), "leaf.time"},
		{"ErrActorSpace", strings.Replace(ex, "token:3", "token 3", 1), "leaf.actor"},
		{"ErrKind", strings.Replace(ex, "persons", "Persons", 1), "leaf.kind"},
		{"ErrIDZero", strings.Replace(ex, "\n17\n", "\n0\n", 1), "leaf.id"},
		{"ErrIDLeadingZero", strings.Replace(ex, "\n17\n", "\n017\n", 1), "leaf.id"},
		{"ErrIDOverflow", strings.Replace(ex, "\n17\n", "\n9223372036854775808\n", 1), "leaf.id"},
		{"ErrVersionZero", strings.Replace(ex, "\n1\ncreate", "\n0\ncreate", 1), "leaf.version"},
		{"ErrOp", strings.Replace(ex, "create", "Create", 1), "leaf.op"},
		{"ErrScheme", strings.Replace(ex, "sha256 ", "sha512 ", 1), "leaf.commitment"},
		{"ErrSchemeNoSpace", strings.Replace(ex, "sha256 ", "sha256:", 1), "leaf.commitment"},
		{"ErrCommitUpper", strings.Replace(ex, "9f86d0", "9F86D0", 1), "leaf.commitment"},
		{"ErrCommitShort", strings.Replace(ex, "0a08\n", "0a0\n", 1), "leaf.commitment"},
		{"ErrCommitNotHex", strings.Replace(ex, "9f86d0", "9g86d0", 1), "leaf.commitment"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeLeaf([]byte(tt.in))
			if err == nil {
				t.Fatal("DecodeLeaf succeeded")
			}
			if qantar.ErrorField(err) != tt.field || qantar.ErrorCode(err) != qantar.EINVALID {
				t.Errorf("error %v: field %q, want %q", err, qantar.ErrorField(err), tt.field)
			}
		})
	}
}

func TestCommit(t *testing.T) {
	tests := []struct {
		name       string
		json, salt string
		want       string
	}{
		// SHA-256("test"), as sha256sum prints it.
		{"Public", "test", "", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"},
		// RFC 4231 test case 2: HMAC-SHA-256 with key "Jefe".
		{"Salted", "what do ya want for nothing?", "Jefe", "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var salt []byte
			if tt.salt != "" {
				salt = []byte(tt.salt)
			}
			c := Commit([]byte(tt.json), salt)
			if got := hex.EncodeToString(c[:]); got != tt.want {
				t.Errorf("Commit = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestLeafMatches(t *testing.T) {
	json := []byte(`{"names":[{"value":"Synthetic Name"}]}`)
	salt := NewSalt()
	public := Leaf{Commitment: Commit(json, nil)}
	salted := Leaf{Salted: true, Commitment: Commit(json, salt)}
	tests := []struct {
		name string
		l    Leaf
		json []byte
		salt []byte
		want bool
	}{
		{"Public", public, json, nil, true},
		{"PublicOtherContent", public, []byte(`{}`), nil, false},
		{"SaltedRightSalt", salted, json, salt, true},
		{"SaltedGuessWithoutSalt", salted, json, nil, false},
		{"SaltedWrongSalt", salted, json, NewSalt(), false},
		{"PublicGivenSalt", public, json, salt, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.l.Matches(tt.json, "", "token:3", tt.salt); got != tt.want {
				t.Errorf("Matches = %v, want %v", got, tt.want)
			}
		})
	}
	if bytes.Equal(NewSalt(), NewSalt()) || len(NewSalt()) != SaltSize {
		t.Error("NewSalt is not fresh random bytes of SaltSize")
	}
}

// The v2 example in LEAF.md, byte for byte: a deletion of persons/17 at
// version 2 with the reason "entered twice", salt 00 01 … 1f.
const (
	exampleV2JSON     = `{"id":17,"version":2,"names":[{"value":"Test"}]}`
	exampleV2Reason   = "entered twice"
	exampleV2SaltHex  = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
	exampleV2Encoding = "qantar-leaf/v2\n1\n2026-01-06T10:00:00.000000Z\nuser:2\npersons\n17\n2\ndelete\n" +
		"hmac-sha256 " + exampleV2Commitment + "\n"
)

func TestLeafV2Example(t *testing.T) {
	salt, _ := hex.DecodeString(exampleV2SaltHex)
	l := Leaf{Format: LeafV2, Index: 1, Time: time.Date(2026, 1, 6, 10, 0, 0, 0, time.UTC), Actor: "user:2",
		Kind: qantar.KindPerson, ID: 17, Version: 2, Op: qantar.OpDelete, Salted: true,
		Commitment: CommitV2([]byte(exampleV2JSON), exampleV2Reason, salt)}
	got, err := l.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != exampleV2Encoding {
		t.Fatalf("Encode =\n%s\nwant\n%s", got, exampleV2Encoding)
	}
	d, err := DecodeLeaf(got)
	if err != nil || d != l {
		t.Fatalf("DecodeLeaf = %+v, %v; want %+v", d, err, l)
	}
	if want := exampleV2JSON + "\n" + exampleV2Reason; string(Message([]byte(exampleV2JSON), exampleV2Reason)) != want {
		t.Errorf("Message = %q, want %q", Message([]byte(exampleV2JSON), exampleV2Reason), want)
	}
	// The v1 example still decodes, as v1.
	v1, err := DecodeLeaf([]byte(exampleEncoding))
	if err != nil || v1.Format != LeafV1 || v1.Salted {
		t.Fatalf("v1 leaf: %+v, %v", v1, err)
	}
}

// A v2 leaf commits to the content, the reason and the salt: nothing
// else matches it, and without the salt nobody can test a guess, not even
// the exact content (the attack on v1 public leaves: SHA-256 of a guess).
func TestLeafV2Matches(t *testing.T) {
	json := []byte(`{"names":[{"value":"Synthetic Name"}],"birth_date":"1990-04-01"}`)
	salt := NewSalt()
	l := Leaf{Format: LeafV2, Salted: true, Commitment: CommitV2(json, "duplicate", salt)}
	if !l.Matches(json, "duplicate", "user:2", salt) {
		t.Fatal("the leaf does not match its own content")
	}
	for name, c := range map[string]struct {
		json   []byte
		reason string
		salt   []byte
	}{
		"OtherReason":       {json, "duplicate ", salt},
		"NoReason":          {json, "", salt},
		"ReasonIntoContent": {append(append([]byte(nil), json...), '\n', 'd'), "uplicate", salt},
		"OtherContent":      {[]byte(`{}`), "duplicate", salt},
		"WrongSalt":         {json, "duplicate", NewSalt()},
		"NoSalt":            {json, "duplicate", nil},
	} {
		if l.Matches(c.json, c.reason, "user:2", c.salt) {
			t.Errorf("%s matches", name)
		}
	}
	// Guessing without the salt: the plain hash of the exact content, or
	// an HMAC keyed with anything but the salt, is not the commitment.
	for _, guess := range [][32]byte{Commit(json, nil), Commit(Message(json, "duplicate"), nil), CommitV2(json, "duplicate", nil), CommitV2(json, "duplicate", make([]byte, SaltSize))} {
		if guess == l.Commitment {
			t.Error("the commitment is recomputable without the salt")
		}
	}
	// A v2 leaf is always salted: a plain one does not encode, a "sha256"
	// scheme does not decode.
	if _, err := (Leaf{Format: LeafV2, Time: time.Now().Truncate(time.Microsecond), Actor: "system", Kind: "persons", ID: 1, Version: 1, Op: qantar.OpCreate}).Encode(); err == nil {
		t.Error("an unsalted v2 leaf encodes")
	}
	plain := strings.Replace(exampleEncoding, "v1", "v2", 1)
	if _, err := DecodeLeaf([]byte(plain)); err == nil || !strings.Contains(err.Error(), "sha256") {
		t.Errorf("a v2 leaf with scheme sha256 decodes: %v", err)
	}
	if _, err := DecodeLeaf([]byte(strings.Replace(exampleEncoding, "v1", "v4", 1))); err == nil {
		t.Error("an unknown leaf version decodes")
	}
}

// exampleV2Commitment was computed outside Go, as LEAF.md shows:
//
//	printf '%s\n%s' "$json" "$reason" | openssl dgst -sha256 -mac HMAC -macopt hexkey:$salt
const exampleV2Commitment = "084b5654d8a4d33eb70ed3134ff1d0fb0212a5e5c30b35962b10cdc650243db5"

// exampleV3Commitment was computed outside Go, as LEAF.md shows:
//
//	printf '%s\n%s\n%s' "$json" "$reason" "$actor" | openssl dgst -sha256 -mac HMAC -macopt hexkey:$salt
const (
	exampleV3Commitment = "ed8b20816ba3e09a66bbcdea7c8609879b29f5794b655e301c3b1d85bc4f74c6"
	exampleV3Encoding   = "qantar-leaf/v3\n1\n2026-01-06T10:00:00.000000Z\neditor\npersons\n17\n2\ndelete\n" +
		"hmac-sha256 " + exampleV3Commitment + "\n"
)

// The v3 example in LEAF.md, byte for byte: the v2 example's deletion by
// user:2, whose line 4 says only "editor".
func TestLeafV3Example(t *testing.T) {
	salt, _ := hex.DecodeString(exampleV2SaltHex)
	l := Leaf{Format: LeafV3, Index: 1, Time: time.Date(2026, 1, 6, 10, 0, 0, 0, time.UTC), Actor: ActorClass("user:2"),
		Kind: qantar.KindPerson, ID: 17, Version: 2, Op: qantar.OpDelete, Salted: true,
		Commitment: CommitV3([]byte(exampleV2JSON), exampleV2Reason, "user:2", salt)}
	got, err := l.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != exampleV3Encoding {
		t.Fatalf("Encode =\n%s\nwant\n%s", got, exampleV3Encoding)
	}
	d, err := DecodeLeaf(got)
	if err != nil || d != l {
		t.Fatalf("DecodeLeaf = %+v, %v; want %+v", d, err, l)
	}
	if want := exampleV2JSON + "\n" + exampleV2Reason + "\nuser:2"; string(MessageV3([]byte(exampleV2JSON), exampleV2Reason, "user:2")) != want {
		t.Errorf("MessageV3 = %q, want %q", MessageV3([]byte(exampleV2JSON), exampleV2Reason, "user:2"), want)
	}
	if !d.Matches([]byte(exampleV2JSON), exampleV2Reason, "user:2", salt) {
		t.Error("the example does not match its version")
	}
	// LEAF.md's file: the three formats decode, each as itself.
	for enc, f := range map[string]LeafFormat{exampleEncoding: LeafV1, exampleV2Encoding: LeafV2, exampleV3Encoding: LeafV3} {
		if l, err := DecodeLeaf([]byte(enc)); err != nil || l.Format != f {
			t.Errorf("%.14s: %+v, %v", enc, l, err)
		}
	}
}

// A v3 leaf's public lines never hold the account that wrote it, whatever
// the account; line 4 is its class, and the class is all it tells.
func TestLeafV3HidesTheAccount(t *testing.T) {
	for _, actor := range []string{"user:7", "token:3", "cli:aigerim", "user:Әсел", "anonymous", "system", "system:x"} {
		l := Leaf{Format: LeafV3, Index: 7, Time: time.Date(2026, 1, 6, 10, 0, 0, 0, time.UTC), Actor: ActorClass(actor),
			Kind: qantar.KindPerson, ID: 3, Version: 1, Op: qantar.OpCreate, Salted: true,
			Commitment: CommitV3([]byte(`{"id":3}`), "", actor, NewSalt())}
		enc, err := l.Encode()
		if err != nil {
			t.Fatalf("%s: %v", actor, err)
		}
		lines := strings.Split(string(enc), "\n")
		want := ClassEditor
		if actor == "system" {
			want = ClassSystem
		}
		if lines[3] != want {
			t.Errorf("%s: line 4 is %q, want %q", actor, lines[3], want)
		}
		if actor != "system" && strings.Contains(string(enc), actor) {
			t.Errorf("%s: the leaf names the account:\n%s", actor, enc)
		}
		if _, id, ok := strings.Cut(actor, ":"); ok && strings.Contains(lines[3], id) {
			t.Errorf("%s: line 4 holds the account's id", actor)
		}
	}
	// A v3 leaf that names an account, or a role, does not encode.
	for _, line4 := range []string{"user:7", "admin", "token", "Editor", ""} {
		l := Leaf{Format: LeafV3, Time: time.Now().Truncate(time.Microsecond), Actor: line4, Kind: "persons", ID: 1, Version: 1, Op: qantar.OpCreate, Salted: true}
		if _, err := l.Encode(); qantar.ErrorField(err) != "leaf.actor" {
			t.Errorf("line 4 %q: %v", line4, err)
		}
	}
}

// A v3 leaf commits to the actor: the same content and reason by another
// account, or the right account under the wrong class, does not match;
// without the salt nobody can test a guessed account.
func TestLeafV3MatchesActor(t *testing.T) {
	json := []byte(`{"id":3,"version":2,"names":[{"value":"Synthetic Name"}]}`)
	salt := NewSalt()
	l := Leaf{Format: LeafV3, Actor: ClassEditor, Salted: true, Commitment: CommitV3(json, "duplicate", "user:7", salt)}
	if !l.Matches(json, "duplicate", "user:7", salt) {
		t.Fatal("the leaf does not match its own version")
	}
	for name, c := range map[string]struct {
		reason, actor string
		salt          []byte
	}{
		"OtherAccount":      {"duplicate", "user:8", salt},
		"OtherKind":         {"duplicate", "token:7", salt},
		"System":            {"duplicate", "system", salt},
		"NoActor":           {"duplicate", "", salt},
		"ActorIntoReason":   {"duplicate\nuser:7", "", salt},
		"ReasonIntoActor":   {"", "duplicate\nuser:7", salt},
		"NoSalt":            {"duplicate", "user:7", nil},
		"WrongSalt":         {"duplicate", "user:7", NewSalt()},
		"TrailingLineFeed":  {"duplicate", "user:7\n", salt},
		"ActorWithoutColon": {"duplicate", "user7", salt},
	} {
		if l.Matches(json, c.reason, c.actor, c.salt) {
			t.Errorf("%s matches", name)
		}
	}
	sys := Leaf{Format: LeafV3, Actor: ClassEditor, Salted: true, Commitment: CommitV3(json, "", "system", salt)}
	if sys.Matches(json, "", "system", salt) {
		t.Error("a leaf that says editor matches a version by the system")
	}
	sys.Actor = ClassSystem
	if !sys.Matches(json, "", "system", salt) {
		t.Error("the system's leaf does not match")
	}
	for _, guess := range [][32]byte{CommitV3(json, "duplicate", "user:7", nil), CommitV2(json, "duplicate", salt), Commit(MessageV3(json, "duplicate", "user:7"), nil)} {
		if guess == l.Commitment {
			t.Error("the commitment is recomputable without the salt, or without the actor")
		}
	}
}
