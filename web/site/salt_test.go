package site_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/tlog"
)

// history fetches a record's history through the API.
func (fx *fixture) history(t *testing.T, kind qantar.Kind, id int64, header ...string) []qantar.Version {
	t.Helper()
	status, body, _ := fx.get(t, nil, "/api/v1/"+string(kind)+"/"+itoa(id)+"/history", header...)
	if status != 200 {
		t.Fatalf("history of %s/%d: %d %s", kind, id, status, body)
	}
	var h struct{ Versions []qantar.Version }
	if err := json.Unmarshal([]byte(body), &h); err != nil {
		t.Fatal(err)
	}
	return h.Versions
}

// proofOf fetches a version's proof; nil when it is not served.
func (fx *fixture) proofOf(t *testing.T, kind qantar.Kind, id int64, version int, header ...string) *tlog.RecordProof {
	t.Helper()
	status, body, _ := fx.get(t, nil, "/api/v1/"+string(kind)+"/"+itoa(id)+"/proof?version="+itoa(int64(version)), header...)
	if status == 404 {
		return nil
	}
	var p tlog.RecordProof
	if status != 200 || json.Unmarshal([]byte(body), &p) != nil {
		t.Fatalf("proof of %s/%d v%d: %d %s", kind, id, version, status, body)
	}
	return &p
}

// checkSalted says whether every version of the history is served with a
// salt that recomputes its leaf's commitment.
func (fx *fixture) checkSalted(t *testing.T, kind qantar.Kind, id int64, versions []qantar.Version) {
	t.Helper()
	for _, v := range versions {
		salt, err := hex.DecodeString(v.Salt)
		if err != nil || len(salt) != tlog.SaltSize {
			t.Fatalf("%s/%d version %d: salt %q", kind, id, v.Version, v.Salt)
		}
		p := fx.proofOf(t, kind, id, v.Version)
		if p == nil || p.Salt != v.Salt {
			t.Fatalf("%s/%d version %d: proof %+v does not carry the history's salt", kind, id, v.Version, p)
		}
		leaf, _, err := p.Verify(fx.db.LogKey())
		if err != nil {
			t.Fatal(err)
		}
		if leaf.Format != tlog.LeafV3 || !leaf.Matches(v.Data, v.Reason, v.Actor, salt) {
			t.Fatalf("%s/%d version %d: the served content and salt do not recompute leaf %d", kind, id, v.Version, leaf.Index)
		}
	}
}

func noSalts(t *testing.T, who string, versions []qantar.Version) {
	t.Helper()
	for _, v := range versions {
		if v.Salt != "" {
			t.Errorf("%s: version %d is served with its salt", who, v.Version)
		}
		// Nor with the account that wrote it: only the class its leaf shows.
		if v.Actor != tlog.ClassEditor && v.Actor != tlog.ClassSystem {
			t.Errorf("%s: version %d names its writer %q", who, v.Version, v.Actor)
		}
	}
}

// publicPerson adds a person published deliberately, with an update, an
// act about them and a citation of them, under keys pub, pub-act, pub-cite.
func (fx *fixture) publicPerson(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	p := &qantar.Person{Names: []qantar.Name{{Value: "Synthetic Published Person"}}, Protection: qantar.Public, Consent: "given"}
	if err := fx.db.Create(ctx, qantar.System, p); err != nil {
		t.Fatal(err)
	}
	p.Sex = "female"
	if err := fx.db.Update(ctx, qantar.System, p); err != nil {
		t.Fatal(err)
	}
	act, _ := fx.db.Get(ctx, qantar.KindAct, fx.ids["act1"])
	a := *act.(*qantar.Act)
	a.Meta = qantar.Meta{}
	a.VictimID = p.ID
	if err := fx.db.Create(ctx, qantar.System, &a); err != nil {
		t.Fatal(err)
	}
	cite, _ := fx.db.Get(ctx, qantar.KindCitation, fx.ids["cite-public"])
	c := *cite.(*qantar.Citation)
	c.Meta = qantar.Meta{}
	c.RecordID = p.ID
	if err := fx.db.Create(ctx, qantar.System, &c); err != nil {
		t.Fatal(err)
	}
	fx.ids["pub"], fx.ids["pub-act"], fx.ids["pub-cite"] = p.ID, a.ID, c.ID
}

// The salt of a version is served, in history and proof, only to a reader
// who sees that version whole, and no more once the record or the person it
// is about is hidden from them.
func TestSaltsServedOnlyForWholeVersions(t *testing.T) {
	fx := newFixture(t)
	fx.publicPerson(t)
	ctx := context.Background()
	_, admin, err := fx.db.CreateToken(ctx, "salts", qantar.RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	auth := []string{"Authorization", "Bearer " + admin}

	// Public records: every version with its salt, which recomputes the leaf.
	for _, k := range []struct {
		kind qantar.Kind
		key  string
	}{{qantar.KindPerson, "pub"}, {qantar.KindAct, "pub-act"}, {qantar.KindCitation, "pub-cite"}} {
		h := fx.history(t, k.kind, fx.ids[k.key])
		if k.key == "pub" && len(h) != 2 {
			t.Fatalf("%d versions", len(h))
		}
		fx.checkSalted(t, k.kind, fx.ids[k.key], h)
	}
	// A protected person, an act and a citation about one: no salt for an
	// anonymous reader; an admin, who sees them whole, gets theirs.
	for _, k := range []struct {
		kind qantar.Kind
		key  string
	}{{qantar.KindPerson, "confidential"}, {qantar.KindPerson, "restricted"}, {qantar.KindAct, "act2"}, {qantar.KindCitation, "cite-person"}} {
		noSalts(t, k.key, fx.history(t, k.kind, fx.ids[k.key]))
		if p := fx.proofOf(t, k.kind, fx.ids[k.key], 1); p != nil && p.Salt != "" {
			t.Errorf("%s: the proof carries the salt", k.key)
		}
		h := fx.history(t, k.kind, fx.ids[k.key], auth...)
		if h[0].Salt == "" {
			t.Errorf("%s: an admin gets no salt", k.key)
		}
	}

	// The public person asks for protection: none of their versions' salts
	// is served any more, nor those of their act or the citation about them.
	p, _ := fx.db.Get(ctx, qantar.KindPerson, fx.ids["pub"])
	p.(*qantar.Person).Protection = qantar.Confidential
	if err := fx.db.Update(ctx, qantar.System, p); err != nil {
		t.Fatal(err)
	}
	noSalts(t, "the newly protected person", fx.history(t, qantar.KindPerson, fx.ids["pub"]))
	noSalts(t, "their act", fx.history(t, qantar.KindAct, fx.ids["pub-act"]))
	noSalts(t, "the citation about them", fx.history(t, qantar.KindCitation, fx.ids["pub-cite"]))
	for _, k := range []struct {
		kind qantar.Kind
		key  string
	}{{qantar.KindPerson, "pub"}, {qantar.KindAct, "pub-act"}, {qantar.KindCitation, "pub-cite"}} {
		if p := fx.proofOf(t, k.kind, fx.ids[k.key], 1); p != nil && p.Salt != "" {
			t.Errorf("%s: the proof still carries the salt", k.key)
		}
	}
	for _, page := range []string{"/persons/" + itoa(fx.ids["pub"]) + "/history", "/acts/" + itoa(fx.ids["pub-act"]) + "/history"} {
		_, body, _ := fx.get(t, nil, page)
		if strings.Contains(body, "salt") {
			t.Errorf("%s mentions a salt", page)
		}
	}
}

// The attack of issue 14: a person who was public and then protected.
// Their formerly public version's leaf, as the entry bundles serve it,
// cannot be matched by SHA-256 of the exact content, nor by an HMAC without
// the salt; and no API answer serves the salt.
func TestFormerlyPublicVersionCannotBeConfirmed(t *testing.T) {
	fx := newFixture(t)
	fx.publicPerson(t)
	ctx := context.Background()
	id := fx.ids["pub"]
	before, _ := fx.db.Get(ctx, qantar.KindPerson, id)
	guess, _ := qantar.Canonical(before) // exactly what the public saw at version 2
	p := before.(*qantar.Person)
	p.Protection = qantar.Confidential
	if err := fx.db.Update(ctx, qantar.System, p); err != nil {
		t.Fatal(err)
	}
	// The leaf, from the entry bundles as anyone fetches them.
	_, cpText, _ := fx.get(t, nil, "/log/checkpoint")
	cp, err := tlog.OpenCheckpoint([]byte(cpText), fx.db.LogKey())
	if err != nil {
		t.Fatal(err)
	}
	var leaf *tlog.Leaf
	for _, tile := range tlog.TilesForSize(cp.Size) {
		if tile.Level != 0 {
			continue
		}
		tile.Entries = true
		_, b, _ := fx.get(t, nil, "/log/"+tile.Path())
		entries, err := tlog.DecodeBundle([]byte(b))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			l, err := tlog.DecodeLeaf(e)
			if err != nil {
				t.Fatal(err)
			}
			if l.Kind == qantar.KindPerson && l.ID == id && l.Version == 2 {
				leaf = &l
			}
		}
	}
	if leaf == nil {
		t.Fatal("no leaf of the person's first version in the entry bundles")
	}
	if tlog.Commit(guess, nil) == leaf.Commitment || sha256.Sum256(tlog.Message(guess, "")) == leaf.Commitment {
		t.Fatal("SHA-256 of the formerly public content matches its leaf")
	}
	for _, key := range [][]byte{nil, {}, make([]byte, tlog.SaltSize), guess} {
		m := hmac.New(sha256.New, key)
		m.Write(tlog.Message(guess, ""))
		if hmac.Equal(m.Sum(nil), leaf.Commitment[:]) {
			t.Fatal("an HMAC without the salt matches the leaf")
		}
	}
	// The salt exists (it is the store's) and is what would confirm it.
	h, _ := fx.db.History(ctx, qantar.KindPerson, id)
	salt, _ := hex.DecodeString(h[1].Salt)
	if !leaf.Matches(guess, "", h[1].Actor, salt) {
		t.Fatal("the stored salt does not recompute the leaf: the test proves nothing")
	}
	// No answer serves it.
	for _, path := range []string{"/api/v1/persons/" + itoa(id) + "/history", "/api/v1/persons/" + itoa(id) + "/proof?version=2",
		"/api/v1/persons/" + itoa(id), "/persons/" + itoa(id) + "/history", "/api/v1/persons?limit=500", "/persons?format=json"} {
		_, body, _ := fx.get(t, nil, path)
		if strings.Contains(body, h[0].Salt) || strings.Contains(body, h[1].Salt) || strings.Contains(body, h[2].Salt) {
			t.Errorf("%s serves the person's salt", path)
		}
	}
}
