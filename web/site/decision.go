package site

import (
	"context"
	"encoding/json"

	"github.com/qantar-project/qantar"
)

// protectionDecision says, from a person's history, who last decided their
// protection level and when, or that nobody has: a person is protected
// until someone decides to publish them. It names the account to readers
// who may write, and the role to the others.
func (p *Site) protectionDecision(ctx context.Context, t tr, reader qantar.Actor, id int64) string {
	h, err := p.store.History(ctx, qantar.KindPerson, id)
	if err != nil || len(h) == 0 {
		return ""
	}
	at, who, level := decisionIn(h)
	if at < 0 {
		return t.S("Nobody has decided to publish this person: they are restricted until an editor does.")
	}
	if !reader.CanWrite() {
		who = t.S("an editor")
	} else {
		who = p.actorNamer(ctx, t, reader)(who) // the account's name, as history says it
	}
	return t.S("Protection “%s” decided by %s on %s.", t.Term("protection", level), who, h[at].At.UTC().Format("2006-01-02"))
}

// decisionIn returns the index of the version that set the current level
// explicitly (a level, or consent to publication), its actor and the level;
// -1 when the current level was never decided.
func decisionIn(h []qantar.Version) (int, string, string) {
	last := len(h) - 1
	cur, decided := versionLevel(h[last])
	if !decided {
		return -1, "", cur
	}
	at := last
	for at > 0 {
		prev, prevDecided := versionLevel(h[at-1])
		if prev != cur || !prevDecided {
			break
		}
		at--
	}
	return at, h[at].Actor, cur
}

// versionLevel is the level of a person's version, and whether someone set
// it (a level, or a consent that decides it).
func versionLevel(v qantar.Version) (string, bool) {
	var p qantar.Person
	if json.Unmarshal(v.Data, &p) != nil {
		return qantar.Restricted, false
	}
	decided := p.Protection != "" || p.ProtectionLevel() == qantar.Public
	return p.ProtectionLevel(), decided
}
