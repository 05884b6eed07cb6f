package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/law"
)

func init() {
	register(command{name: "deadline", summary: "compute the deadline of a complaint kind from a date (a lawyer's calculator)", run: runDeadline})
}

// runDeadline prints the last day of a complaint kind's time limit: the date
// alone on the first line (followed by UNVERIFIED when the limit or the
// calendar is not verified), then what it rests on. It needs no database.
func runDeadline(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlags("deadline", "--kind KIND --from YYYY-MM-DD [--filing | --extended] [--rules FILE] [--json]   (or: KIND DATE)")
	kind := fs.String("kind", "", "complaint kind, e.g. appc-76 (see --list)")
	from := fs.String("from", "", "the day the period runs from: the complaint's registration (default: today)")
	filing := fs.Bool("filing", false, "the last day to file the complaint, counted from the event its filing limit names")
	extended := fs.Bool("extended", false, "the deadline once the addressee has recorded an extension")
	rulesFile := fs.String("rules", "", "a rules file to use instead of the embedded Kazakh rules")
	jurisdiction := fs.String("jurisdiction", "", "jurisdiction code (default: that of the rules)")
	asJSON := fs.Bool("json", false, "print the deadline as JSON")
	list := fs.Bool("list", false, "list the complaint kinds and their limits")
	fs.String("lang", "", "language of labels and lines: kk, ru or en (default: $QANTAR_LANG, else kk or ru from $LANG, else en)")
	if err := parseDeadlineArgs(m, fs, args, kind, from); err != nil {
		return err
	}
	lang := &m.lang // --lang, else the environment's (say.go)
	if *filing && *extended {
		return usagef("--filing and --extended are two different questions: ask one")
	}
	rules, err := deadlineRules(*rulesFile, *jurisdiction)
	if err != nil {
		return err
	}
	if *list {
		return printComplaintKinds(m, rules, *lang)
	}
	if *kind == "" {
		return usagef("--kind is required (one of %s)", strings.Join(rules.KindCodes(), ", "))
	}
	start, err := deadlineStart(*from)
	if err != nil {
		return err
	}
	var d law.Deadline
	switch {
	case *filing:
		d, err = rules.FilingDeadline(*kind, start)
	case *extended:
		d, err = rules.ExtendedDeadline(*kind, start)
	default:
		d, err = rules.Deadline(*kind, start)
	}
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(m.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(d)
	}
	printDeadline(m, rules, *kind, d, *filing, *extended, *lang)
	return nil
}

// parseDeadlineArgs parses the flags, which may follow the positional KIND
// and DATE, and puts those in kind and from.
func parseDeadlineArgs(m *Main, fs *flag.FlagSet, args []string, kind, from *string) error {
	// Parse, take the positionals, parse the rest.
	var pos []string
	for {
		if err := m.parseFlags(fs, args); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(pos) > 2 {
		return usagef("too many arguments: %s", strings.Join(pos[2:], " "))
	}
	if len(pos) > 0 {
		if *kind != "" {
			return usagef("the kind is given twice (--kind and %q)", pos[0])
		}
		*kind = pos[0]
	}
	if len(pos) > 1 {
		if *from != "" {
			return usagef("the date is given twice (--from and %q)", pos[1])
		}
		*from = pos[1]
	}
	return nil
}

// deadlineRules are the rules of a jurisdiction ("" that of the rules):
// the embedded Kazakh rules, or those of rulesFile.
func deadlineRules(rulesFile, jurisdiction string) (*law.Rules, error) {
	reg := law.DefaultRegistry()
	if rulesFile != "" {
		r, err := law.LoadFile(rulesFile)
		if err != nil {
			return nil, err
		}
		reg = law.NewRegistry(r)
	}
	return reg.Get(jurisdiction)
}

// deadlineStart is the day a period runs from: from, a full date, or today.
func deadlineStart(from string) (time.Time, error) {
	if from == "" {
		return time.Now().UTC(), nil
	}
	dt, err := qantar.ParseDate(from)
	if err != nil {
		return time.Time{}, qantar.FieldErrorf("from", "%v", err)
	}
	if !dt.HasDay() {
		return time.Time{}, qantar.FieldErrorf("from", "%q must be a full date (YYYY-MM-DD): deadlines count days", from)
	}
	return dt.Time(), nil
}

// printDeadline prints the date alone on the first line (followed by
// UNVERIFIED when the limit or the calendar is not verified), then what it
// rests on.
func printDeadline(m *Main, rules *law.Rules, kind string, d law.Deadline, filing, extended bool, lang string) {
	k, _ := rules.Kind(kind)
	line := d.Date.Format(time.DateOnly)
	if !d.Verified {
		line += " " + m.say("UNVERIFIED")
	}
	fmt.Fprintln(m.Stdout, line)
	fmt.Fprintf(m.Stdout, "%s: %s\n", k.Code, k.Labels.In(lang))
	what := m.say("answer due")
	lim := k.Limit
	switch {
	case filing:
		what, lim = m.say("last day to file"), k.FilingLimit
	case extended:
		what, lim = m.say("answer due after an extension"), k.Extension
	}
	fmt.Fprintf(m.Stdout, "%s %s: %s\n", what, d.Date.Format("Mon 2 Jan 2006"), m.say("%s counted from %s, the day of %s; %s; counting rule %s",
		m.say(deadlineUnitWords(d.Unit), d.Days), d.From.Format(time.DateOnly), lim.From.In(lang), d.Basis.In(lang), d.Counting))
	m.sayln(m.Stdout, "source: %s", d.Source)
	if e := d.Edition; e != nil {
		m.sayln(m.Stdout, "edition: %s%s", e.Text.In(lang), editionDates(m, e))
	}
	for _, n := range d.Notes {
		m.sayln(m.Stdout, "UNVERIFIED: %s", n.In(lang))
	}
}

// editionDates says from when an edition applies: " (in force from X to Y)".
func editionDates(m *Main, e *law.EditionUsed) string {
	switch {
	case e.From == "":
		return " (" + m.say("from when it applies is not recorded") + ")"
	case e.To != "":
		return " (" + m.say("applies %s to %s", e.From, e.To) + ")"
	}
	return " (" + m.say("applies from %s", e.From) + ")"
}

// deadlineUnitWords is the catalogue key of a count of a limit's unit.
func deadlineUnitWords(u string) string {
	switch u {
	case law.UnitWorking:
		return "%d working days"
	case law.UnitMonths:
		return "%d months"
	}
	return "%d calendar days"
}

func printComplaintKinds(m *Main, r *law.Rules, lang string) error {
	for _, code := range r.KindCodes() {
		k, _ := r.Kind(code)
		fmt.Fprintf(m.Stdout, "%-14s %s\n", code, k.Labels.In(lang))
		for _, l := range []struct {
			name string
			lim  *law.Limit
		}{{"answer", k.Limit}, {"extension", k.Extension}, {"filing", k.FilingLimit}} {
			if l.lim == nil {
				continue
			}
			v := ""
			if !l.lim.IsVerified() {
				v = " " + m.say("UNVERIFIED")
			}
			fmt.Fprintf(m.Stdout, "  %-10s %s%s\n", m.say(l.name), m.say("%s from %s (%s)", m.say(deadlineUnitWords(l.lim.Unit), l.lim.Days), l.lim.From.In(lang), l.lim.Basis.In(lang)), v)
		}
	}
	return nil
}
