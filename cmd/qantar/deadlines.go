package main

import (
	"context"
	"fmt"
	"time"

	"github.com/qantar-project/qantar"
)

func init() {
	register(command{name: "deadlines", summary: "list complaints whose answer is overdue (a daily reminder): deadlines --overdue [--as-of DATE]", run: runDeadlines})
}

func runDeadlines(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlags("deadlines", "--overdue [--as-of YYYY-MM-DD] [--db D] [--rules FILE]")
	db := dbFlag(fs)
	overdue := fs.Bool("overdue", false, "list only the complaints whose deadline has passed without an answer")
	asOfFlag := fs.String("as-of", "", "the day to judge on (default: today)")
	rulesFile := fs.String("rules", "", "jurisdiction rules file instead of the embedded ones")
	if err := m.parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	asOf := time.Now().UTC()
	asOf = time.Date(asOf.Year(), asOf.Month(), asOf.Day(), 0, 0, 0, 0, time.UTC)
	if *asOfFlag != "" {
		d, err := qantar.ParseDate(*asOfFlag)
		if err != nil || !d.HasDay() {
			return usagef("--as-of %q is not a date (YYYY-MM-DD)", *asOfFlag)
		}
		asOf = d.Time()
	}
	rules, err := rulesRegistry(*rulesFile)
	if err != nil {
		return err
	}
	s, err := openAppStore(ctx, storeConfig{DSN: *db})
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
			if *overdue && st.Status != "overdue" {
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
	fmt.Fprintf(m.Stderr, "%d complaints listed as of %s\n", n, asOf.Format("2006-01-02"))
	return nil
}
