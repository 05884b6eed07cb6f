package publish

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/seed"
	"github.com/qantar-project/qantar/sqlite"
	"github.com/qantar-project/qantar/web"
)

// What the synthetic protected persons are known by. None of it may reach
// any file of a mirror.
var secrets = []string{
	"Synthetic Secret Zhanar",        // a confidential person's name
	"Синтетическая Тайная Жанар",     // the same in Russian
	"Synthetic Earlier Name Aigerim", // their name in version 1, changed since
	"SYNTHETIC-SECRET-DESCRIPTION",   // their description
	"1961-02-03",                     // their birth date
	"synthetic-secret-key-17",        // their external key
	"Synthetic Restricted Witness",   // a restricted person's name
	"SYNTHETIC-ACT-DETAIL",           // how a protected victim was harmed
	"SYNTHETIC-CITATION-QUOTE",       // what a source says of them
	"synthetic page 77",              // where
}

// Public synthetic names that a mirror must show.
const (
	publicName   = "Synthetic Public Victim"
	manyVictims  = 230 // more than a page shows, so that an event links to all its victims
	eventVictims = "Synthetic Crowd Victim %03d"
)

type fixture struct {
	db  *sqlite.DB
	ids map[string]int64
}

// newFixture is a fresh SQLite store with the bundled Qantar 2022 data and
// synthetic persons, public and protected, with acts, a case, a complaint,
// citations and second versions; plus extra synthetic public persons (one
// in 50 confidential) for the benchmark.
func newFixture(tb testing.TB, extra int) *fixture {
	tb.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(tb.TempDir(), "publish.db"), sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	f, err := seed.Bundled()
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := seed.Load(ctx, db, f); err != nil {
		tb.Fatal(err)
	}
	fx := &fixture{db: db, ids: map[string]int64{}}
	events, _, err := db.List(ctx, qantar.KindEvent, qantar.Filter{Limit: 2, Reader: qantar.System})
	if err != nil || len(events) < 2 {
		tb.Fatalf("bundled events: %v", err)
	}
	ev, ev2 := events[0].GetMeta().ID, events[1].GetMeta().ID
	srcs, _, err := db.List(ctx, qantar.KindSource, qantar.Filter{Limit: 1, Reader: qantar.System})
	if err != nil || len(srcs) == 0 {
		tb.Fatalf("bundled sources: %v", err)
	}
	src := srcs[0].GetMeta().ID
	mk := func(key string, rec qantar.Record) {
		tb.Helper()
		if err := db.Create(ctx, qantar.System, rec); err != nil {
			tb.Fatalf("%s: %v", key, err)
		}
		fx.ids[key] = rec.GetMeta().ID
	}
	mk("public", &qantar.Person{Protection: qantar.Public, Names: []qantar.Name{{Value: publicName, Lang: "en"}, {Value: "Синтетическая Публичная Жертва", Lang: "ru", Script: "Cyrl"}}, Sex: "male"})
	mk("secret", &qantar.Person{Names: []qantar.Name{{Value: "Synthetic Earlier Name Aigerim", Lang: "en"}},
		Protection: qantar.Confidential, Meta: qantar.Meta{ExternalKey: "synthetic-secret-key-17"}})
	mk("restricted", &qantar.Person{Names: []qantar.Name{{Value: "Synthetic Restricted Witness"}}, Protection: qantar.Restricted})
	mk("unit", &qantar.Unit{Name: qantar.Text{"en": "Synthetic Police Department", "ru": "Синтетический ДП"}, UnitKind: "police"})
	mk("post", &qantar.Post{PersonID: fx.ids["public"], UnitID: fx.ids["unit"], Role: "commander", FirstCited: qantar.MustDate("2022-01-05")})
	mk("post-secret", &qantar.Post{PersonID: fx.ids["restricted"], UnitID: fx.ids["unit"], Role: "member", FirstCited: qantar.MustDate("2022-01-05")})
	mk("act-public", &qantar.Act{VictimID: fx.ids["public"], EventID: ev2, ActType: "killing_crowd_control", Date: qantar.MustDate("2022-01-06"), VictimStatus: "dead"})
	mk("act-secret", &qantar.Act{VictimID: fx.ids["secret"], EventID: ev2, ActType: "torture", Date: qantar.MustDate("2022-01-07"),
		VictimStatus: "injured", Description: qantar.Text{"en": "SYNTHETIC-ACT-DETAIL"}})
	mk("act-restricted", &qantar.Act{VictimID: fx.ids["restricted"], EventID: ev2, ActType: "arbitrary_detention", Date: qantar.MustDate("2022-01-08")})
	mk("involvement", &qantar.Involvement{ActID: fx.ids["act-secret"], UnitID: fx.ids["unit"], Degree: "carried_out"})
	mk("case", &qantar.Case{Number: "SYN-225500031000017", AuthorityID: fx.ids["unit"], OpenedOn: qantar.MustDate("2022-01-10"),
		ActIDs:       []int64{fx.ids["act-public"], fx.ids["act-secret"]},
		Participants: []qantar.Participant{{PersonID: fx.ids["secret"], Role: "victim"}, {PersonID: fx.ids["public"], Role: "victim"}},
		Steps: []qantar.CaseEvent{{Step: "registered", Date: qantar.MustDate("2022-01-10")},
			{Step: "terminated", Date: qantar.MustDate("2023-03-01"), Ground: "cpc-35-1-1", SourceID: src}}})
	mk("complaint", &qantar.Complaint{ComplaintKind: "cpc-105", FiledOn: qantar.MustDate("2023-03-15"), FilerID: fx.ids["secret"],
		FilerRole: "relative", AddresseeID: fx.ids["unit"], CaseID: fx.ids["case"], Subject: qantar.Text{"en": "Synthetic complaint against the termination"},
		Responses: []qantar.Response{{ReceivedOn: qantar.MustDate("2023-04-20"), Outcome: "refused"}}})
	mk("cite-secret", &qantar.Citation{RecordKind: qantar.KindPerson, RecordID: fx.ids["secret"], SourceID: src,
		Quote: "SYNTHETIC-CITATION-QUOTE", Page: "synthetic page 77"})
	mk("cite-secret-act", &qantar.Citation{RecordKind: qantar.KindAct, RecordID: fx.ids["act-secret"], SourceID: src, Quote: "SYNTHETIC-CITATION-QUOTE again"})
	mk("cite-public", &qantar.Citation{RecordKind: qantar.KindPerson, RecordID: fx.ids["public"], Field: "names", SourceID: src, Page: "p. 2"})
	// Second versions: the protected person's current name, description
	// and birth date; the public person's sex (a diff page to publish).
	rec, _ := db.Get(ctx, qantar.KindPerson, fx.ids["secret"])
	p := rec.(*qantar.Person)
	p.Names = []qantar.Name{{Value: "Synthetic Secret Zhanar", Lang: "en"}, {Value: "Синтетическая Тайная Жанар", Lang: "ru", Script: "Cyrl"}}
	p.Description = qantar.Text{"en": "SYNTHETIC-SECRET-DESCRIPTION"}
	p.BirthDate = qantar.MustDate("1961-02-03")
	if err := db.Update(ctx, qantar.System, p); err != nil {
		tb.Fatal(err)
	}
	rec, _ = db.Get(ctx, qantar.KindPerson, fx.ids["public"])
	rec.(*qantar.Person).Sex = "female"
	if err := db.Update(ctx, qantar.System, rec); err != nil {
		tb.Fatal(err)
	}
	// Enough victims of one event that its page links to the list of all
	// of them, which runs over several pages.
	var batch []qantar.Record
	for i := range manyVictims {
		batch = append(batch, &qantar.Person{Protection: qantar.Public, Names: []qantar.Name{{Value: fmt.Sprintf(eventVictims, i), Lang: "en"}}})
	}
	if _, err := qantar.CreateAll(ctx, db, qantar.System, batch); err != nil {
		tb.Fatal(err)
	}
	persons, _, err := db.List(ctx, qantar.KindPerson, qantar.Filter{Sort: "-id", Limit: manyVictims, Reader: qantar.System})
	if err != nil || len(persons) != manyVictims {
		tb.Fatalf("victims: %v", err)
	}
	batch = batch[:0]
	for _, rec := range persons {
		batch = append(batch, &qantar.Act{VictimID: rec.GetMeta().ID, EventID: ev, ActType: "killing_crowd_control",
			Date: qantar.MustDate("2022-01-05"), VictimStatus: "dead"})
	}
	if _, err := qantar.CreateAll(ctx, db, qantar.System, batch); err != nil {
		tb.Fatal(err)
	}
	// Extra persons, for the benchmark.
	for start := 0; start < extra; start += 2000 {
		batch = batch[:0]
		for i := start; i < min(start+2000, extra); i++ {
			prot := qantar.Public
			if i%50 == 0 {
				prot = qantar.Confidential
			}
			batch = append(batch, &qantar.Person{Names: []qantar.Name{{Value: fmt.Sprintf("Synthetic Person %05d", i), Lang: "en"},
				{Value: fmt.Sprintf("Синтетический Человек %05d", i), Lang: "ru", Script: "Cyrl"}}, Sex: []string{"male", "female"}[i%2], Protection: prot})
		}
		if _, err := qantar.CreateAll(ctx, db, qantar.System, batch); err != nil {
			tb.Fatal(err)
		}
	}
	return fx
}

// site is the fixture's site configuration, as `qantar serve` builds it.
func (fx *fixture) site() web.Config {
	return web.Config{Store: fx.db, Tokens: fx.db, Log: fx.db, Search: fx.db, Logger: slog.New(slog.DiscardHandler)}
}
