package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/law"
)

func init() {
	register(command{name: "deadlines", summary: "complaints whose answer is due or overdue: a list (--overdue), reminders by e-mail (--mail) or an Atom feed (--feed)", run: runDeadlines})
}

// deadlinesFlags are the flags of qantar deadlines: the list's, and those
// of reminders by e-mail (remind_mail.go) and Atom feeds (remind_feed.go).
type deadlinesFlags struct {
	db, asOf, rules, lang, origin             *string
	overdue, mail, feed, dryRun               *bool
	subscribers, smtp, smtpUser, smtpPassword *string
	from, as, out                             *string
	caseID, personID                          *int64
}

func newDeadlinesFlags(fs *flag.FlagSet) *deadlinesFlags {
	return &deadlinesFlags{
		db:           dbFlag(fs),
		overdue:      fs.Bool("overdue", false, "list only the complaints whose deadline has passed without an answer (reminders, --mail and --feed, always hold what is due and what is overdue)"),
		asOf:         fs.String("as-of", "", "the day to judge on (default: today)"),
		rules:        fs.String("rules", "", "jurisdiction rules file instead of the embedded ones"),
		mail:         fs.Bool("mail", false, "send each subscriber (--subscribers) one message of what is due and overdue in what they follow"),
		feed:         fs.Bool("feed", false, "write the Atom feed of what is due and overdue in a case (--case) or about a person (--person) to --out"),
		subscribers:  fs.String("subscribers", "", "with --mail: the subscribers file (ADDRESS LANG ROLE case:ID|person:ID ... a line)"),
		smtp:         fs.String("smtp", "", "with --mail: the mail server, HOST:PORT"),
		smtpUser:     fs.String("smtp-user", "", "with --mail: the user to authenticate as (AUTH PLAIN, never without TLS but on a loopback address)"),
		smtpPassword: fs.String("smtp-password-file", "", "with --smtp-user: a file holding the password"),
		from:         fs.String("from", "", "with --mail: the sender's address"),
		dryRun:       fs.Bool("dry-run", false, "with --mail: make the messages and report them, send nothing"),
		lang:         fs.String("lang", "en", "the language of this command's report and of the feed: kk, ru or en"),
		origin:       fs.String("origin", "", "the site's address (https://host), for links to its pages"),
		as:           fs.String("as", "public", "with --feed: the reader the feed is made for: public, viewer or editor"),
		out:          fs.String("out", "", "with --feed: the file to write"),
		caseID:       fs.Int64("case", 0, "with --feed: the case"),
		personID:     fs.Int64("person", 0, "with --feed: the person"),
	}
}

func runDeadlines(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlags("deadlines", "--overdue [--as-of YYYY-MM-DD] [--db D] [--rules FILE]\n"+
		"       qantar deadlines --overdue --mail --subscribers FILE --smtp HOST:PORT [--smtp-user U --smtp-password-file F] --from ADDR [--as-of DATE] [--dry-run] [--origin URL] [--lang kk|ru|en]\n"+
		"       qantar deadlines --feed --case ID|--person ID [--as public|viewer|editor] --out FILE [--lang kk|ru|en] [--origin URL]")
	f := newDeadlinesFlags(fs)
	if err := m.parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	if *f.lang != "kk" && *f.lang != "ru" && *f.lang != "en" {
		return usagef("--lang %q: want kk, ru or en", *f.lang)
	}
	if *f.mail && *f.feed {
		return usagef("--mail and --feed are two commands: give one")
	}
	asOf, err := asOfDay(*f.asOf)
	if err != nil {
		return err
	}
	rules, err := rulesRegistry(*f.rules)
	if err != nil {
		return err
	}
	switch {
	case *f.mail:
		return runRemindMail(ctx, m, f, rules, asOf)
	case *f.feed:
		return runRemindFeed(ctx, m, f, rules, asOf)
	}
	return listDeadlines(ctx, m, *f.db, *f.overdue, rules, asOf)
}

// asOfDay is --as-of, or today (UTC).
func asOfDay(s string) (time.Time, error) {
	if s == "" {
		now := time.Now().UTC()
		return time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC), nil
	}
	d, err := qantar.ParseDate(s)
	if err != nil || !d.HasDay() {
		return time.Time{}, usagef("--as-of %q is not a date (YYYY-MM-DD)", s)
	}
	return d.Time(), nil
}

func listDeadlines(ctx context.Context, m *Main, db string, overdue bool, rules *law.Registry, asOf time.Time) error {
	s, err := openAppStore(ctx, storeConfig{DSN: db})
	if err != nil {
		return err
	}
	defer s.Close()
	n := 0
	for offset := 0; ; offset += qantar.MaxLimit {
		page, total, err := s.List(ctx, qantar.KindComplaint, qantar.Filter{Limit: qantar.MaxLimit, Offset: offset, Reader: qantar.System, Sort: "filed_on"})
		if err != nil {
			return err
		}
		for _, rec := range page {
			c := rec.(*qantar.Complaint)
			st, err := rules.Status(c, asOf)
			if err != nil {
				fmt.Fprintf(m.Stdout, "complaints/%d\t%s\tfiled %s\tstatus unknown: %s\n", c.ID, c.ComplaintKind, c.FiledOn, qantar.ErrorMessage(err))
				continue
			}
			if overdue && st.Status != "overdue" {
				continue
			}
			flag := ""
			if !st.Deadline.Verified {
				flag = "\tUNVERIFIED limit"
			}
			fmt.Fprintf(m.Stdout, "complaints/%d\t%s\tfiled %s\tdeadline %s\t%s%s\n", c.ID, c.ComplaintKind, c.FiledOn, st.Deadline.Date.Format("2006-01-02"), st.Status, flag)
			n++
		}
		if offset+len(page) >= total {
			break
		}
	}
	m.sayln(m.Stderr, "%d complaints listed as of %s", n, asOf.Format("2006-01-02"))
	return nil
}
