package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/mail"
	"os"
	"strings"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/law"
	"github.com/qantar-project/qantar/locale"
	"github.com/qantar-project/qantar/remind"
)

// openReminders opens the store read-only and the options of reminders:
// the log's origin names what they identify.
func openReminders(ctx context.Context, f *deadlinesFlags, rules *law.Registry, asOf time.Time) (appStore, remind.Options, error) {
	st, err := openAppStore(ctx, storeConfig{DSN: *f.db, ReadOnly: true})
	if err != nil {
		return nil, remind.Options{}, err
	}
	cp, err := st.Checkpoint(ctx)
	if err != nil {
		st.Close()
		return nil, remind.Options{}, err
	}
	origin, _, _ := bytes.Cut(cp, []byte("\n"))
	return st, remind.Options{Rules: rules, AsOf: asOf, LogOrigin: string(origin), SiteURL: *f.origin}, nil
}

// mailConfig checks the flags of --mail and reads the password file.
func mailConfig(f *deadlinesFlags) (remind.SMTP, error) {
	switch {
	case *f.subscribers == "":
		return remind.SMTP{}, usagef("--mail needs --subscribers FILE")
	case *f.from == "":
		return remind.SMTP{}, usagef("--mail needs --from ADDRESS")
	case *f.smtp == "" && !*f.dryRun:
		return remind.SMTP{}, usagef("--mail needs --smtp HOST:PORT (or --dry-run)")
	case (*f.smtpUser == "") != (*f.smtpPassword == ""):
		return remind.SMTP{}, usagef("--smtp-user and --smtp-password-file go together")
	}
	if _, _, err := net.SplitHostPort(*f.smtp); err != nil && *f.smtp != "" {
		return remind.SMTP{}, usagef("--smtp %q is not HOST:PORT", *f.smtp)
	}
	if a, err := mail.ParseAddress(*f.from); err != nil || a.Address != *f.from {
		return remind.SMTP{}, usagef("--from %q is not an e-mail address", *f.from)
	}
	s := remind.SMTP{Addr: *f.smtp, User: *f.smtpUser}
	if *f.smtpPassword != "" {
		b, err := os.ReadFile(*f.smtpPassword)
		if err != nil {
			return remind.SMTP{}, qantar.Errorf(qantar.EINVALID, "--smtp-password-file: %v", err)
		}
		s.Password = strings.TrimRight(string(b), "\r\n")
	}
	return s, nil
}

// readSubscribers reads the subscribers file; a bad line is said in the
// operator's language with its number.
func readSubscribers(path, lang string) ([]remind.Subscriber, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, qantar.Errorf(qantar.EINVALID, "%s", err.Error())
	}
	defer fh.Close()
	subs, err := remind.ParseSubscribers(fh)
	if err != nil {
		return nil, qantar.Errorf(qantar.EINVALID, "%s", locale.For(lang).S("subscribers file %s: %s", path, remind.Say(lang, err)))
	}
	return subs, nil
}

// runRemindMail sends each subscriber one message of what is due and
// overdue in what they follow, and reports each; a failure for one address
// does not stop the others, and any makes the exit code 1.
func runRemindMail(ctx context.Context, m *Main, f *deadlinesFlags, rules *law.Registry, asOf time.Time) error {
	server, err := mailConfig(f)
	if err != nil {
		return err
	}
	subs, err := readSubscribers(*f.subscribers, *f.lang)
	if err != nil {
		return err
	}
	st, opts, err := openReminders(ctx, f, rules, asOf)
	if err != nil {
		return err
	}
	defer st.Close()
	out, err := remind.Prepare(ctx, st, opts, subs, *f.from, time.Now())
	if err != nil {
		return err
	}
	p := locale.For(*f.lang)
	sent, failed, empty := 0, 0, 0
	for _, o := range out {
		addr := o.Subscriber.Address
		switch {
		case o.Err != nil:
			failed++
			fmt.Fprintln(m.Stdout, p.S("not sent to %s: %s", addr, remind.Say(*f.lang, o.Err)))
		case o.Message == nil:
			empty++
			fmt.Fprintln(m.Stdout, p.S("nothing due or overdue for %s", addr))
		case *f.dryRun:
			fmt.Fprintln(m.Stdout, p.S("would send to %s: %d reminders", addr, o.Message.Items), o.Message.ID)
		default:
			if err := server.Send(ctx, o.Message); err != nil {
				failed++
				fmt.Fprintln(m.Stdout, p.S("not sent to %s: %s", addr, remind.Say(*f.lang, err)))
				continue
			}
			sent++
			fmt.Fprintln(m.Stdout, p.S("sent to %s: %d reminders", addr, o.Message.Items), o.Message.ID)
		}
	}
	summary := p.S("%d messages sent, %d failed, %d subscribers with nothing due", sent, failed, empty)
	if failed > 0 {
		return qantar.Errorf(qantar.EINVALID, "%s", summary)
	}
	fmt.Fprintln(m.Stderr, summary)
	return nil
}
