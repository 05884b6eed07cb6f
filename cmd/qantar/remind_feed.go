package main

import (
	"context"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/law"
	"github.com/qantar-project/qantar/remind"
)

// runRemindFeed writes the Atom feed of what is due and overdue in a case
// or about a person, as the reader --as may see it.
func runRemindFeed(ctx context.Context, m *Main, f *deadlinesFlags, rules *law.Registry, asOf time.Time) error {
	var target remind.Target
	switch {
	case *f.caseID > 0 && *f.personID > 0, *f.caseID <= 0 && *f.personID <= 0:
		return usagef("--feed needs one of --case ID and --person ID")
	case *f.caseID > 0:
		target = remind.Target{Kind: qantar.KindCase, ID: *f.caseID}
	default:
		target = remind.Target{Kind: qantar.KindPerson, ID: *f.personID}
	}
	if *f.out == "" {
		return usagef("--feed needs --out FILE")
	}
	reader, err := remind.ReaderOf(*f.as)
	if err != nil {
		return usagef("--as: %s", remind.Say(*f.lang, err))
	}
	st, opts, err := openReminders(ctx, f, rules, asOf)
	if err != nil {
		return err
	}
	defer st.Close()
	feed, err := remind.Feed(ctx, st, reader, opts, target, *f.lang)
	if _, ok := err.(qantar.Keyed); ok {
		return qantar.Errorf(qantar.ErrorCode(err), "%s", remind.Say(*f.lang, err))
	} else if err != nil {
		return err
	}
	return writeFileAtomic(*f.out, feed)
}
