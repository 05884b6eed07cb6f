package witness

import (
	"crypto/rand"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"
)

func TestParsePolicy(t *testing.T) {
	_, logKey, err := note.GenerateKey(rand.Reader, "example.org/log")
	if err != nil {
		t.Fatal(err)
	}
	keys := make([]string, 4)
	for i := range keys {
		keys[i] = otherKey(t, "w"+itoa(uint64(i))+".example").VerifierKey()
	}
	good := `# partners of example.org
log ` + logKey + ` https://example.org
witness A ` + keys[0] + ` https://a.example/witness
witness B ` + keys[1] + ` https://b.example
witness C ` + keys[2] + `   # offline verification only: no URL
group AB 2 A B
group all-of all AB C
quorum all-of
`
	p, err := ParsePolicy(strings.NewReader(good))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Logs) != 1 || p.Logs[0].Origin != "example.org/log" || p.Logs[0].URL != "https://example.org" || len(p.Witnesses) != 3 || p.Witnesses[2].URL != "" {
		t.Errorf("parsed %+v", p)
	}
	for set, want := range map[[3]bool]bool{{true, true, true}: true, {true, true, false}: false, {true, false, true}: false} {
		got := p.Quorum.holds(map[int]bool{0: set[0], 1: set[1], 2: set[2]})
		if got != want {
			t.Errorf("quorum with %v = %v, want %v", set, got, want)
		}
	}
	_, _, _, raw, _ := splitKey(keys[3])
	mldsa := encodeKey("w3.example", keyID("w3.example", 0x06, raw), 0x06, raw)
	bad := []struct{ text, want string }{
		{"log " + logKey + "\nwitness A " + mldsa + "\nquorum A\n", "line 2: witness A: key type 0x06"},
		{"log " + keys[0] + "\nquorum none\n", "line 1: log key: type 0x04"},
		{"log " + logKey + "\nwitnes A " + keys[0] + "\nquorum none\n", `line 2: unknown keyword "witnes"`},
		{"log " + logKey + "\nquorum A\nwitness A " + keys[0] + "\n", "line 2: quorum \"A\" is not"},
		{"log " + logKey + "\nwitness A " + keys[0] + "\nwitness A " + keys[1] + "\nquorum A\n", "line 3: \"A\" is defined twice"},
		{"log " + logKey + "\nwitness A " + keys[0] + "\nwitness B " + keys[0] + "\nquorum A\n", "line 3: witness B has the key of witness A"},
		{"log " + logKey + "\nwitness A " + keys[0] + "\ngroup G 2 A\nquorum G\n", "line 3: group G: threshold \"2\""},
		{"log " + logKey + "\nwitness A " + keys[0] + " ftp://a\nquorum A\n", "line 2: \"ftp://a\" is not an http(s) URL"},
		{"log " + logKey + "\nwitness A " + keys[0] + "\n", "no quorum line"},
		{"witness A " + keys[0] + "\nquorum A\n", "no log line"},
		{"log " + logKey + "\nquorum none\nquorum none\n", "line 3: a second quorum line"},
		{"log " + logKey + "\nwitness none " + keys[0] + "\nquorum none\n", "line 2: \"none\" cannot name"},
	}
	for _, b := range bad {
		if _, err := ParsePolicy(strings.NewReader(b.text)); err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("policy\n%s: %v; want an error saying %q", b.text, err, b.want)
		}
	}
}
