package main

import (
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/linkdb"
)

// linkDBConfig is what the flags of qantar link --db say.
type linkDBConfig struct {
	dsn   string
	lists multiFlag
	ids   []int64
	apply bool
	minP  float64
}

func (c *linkDBConfig) defineFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.dsn, "db", "", "link the victims in this database (a SQLite path or a postgres:// URL) instead of files: every person on a list source and every victim entered by hand")
	fs.Var(&c.lists, "list", "with --db: the id of a list source to link (repeat; default: every list)")
	fs.BoolVar(&c.apply, "apply", false, "with --db: confirm the linked pairs at or above --min-probability as merges (same_as_id, a logged version of each person, undone by clearing it)")
	fs.Float64Var(&c.minP, "min-probability", 0, "with --apply: the match probability from which a linked pair is merged (above 0, at most 1)")
}

// checkDB checks the flags of a run over a database.
func (c *linkConfig) checkDB(fields multiFlag) error {
	if len(c.files) > 0 {
		return usagef("give files or --db, not both")
	}
	if c.id != "" || len(fields) > 0 || len(c.blocks) > 0 || c.labels != "" || c.pairs != "" || c.linkOnly {
		return usagef("--db links persons by name, birth date, death date and place, and sex: --id, --field, --block, --labels, --pairs and --link-only are for files")
	}
	for _, l := range c.db.lists {
		id, err := strconv.ParseInt(strings.TrimSpace(l), 10, 64)
		if err != nil || id <= 0 {
			return usagef("--list %q: want the number of a list source", l)
		}
		c.db.ids = append(c.db.ids, id)
	}
	if c.db.apply {
		if c.db.minP == 0 {
			return usagef("--apply needs --min-probability P: the probability from which a pair is merged")
		}
		if err := linkdb.CheckMinProbability(c.db.minP); err != nil {
			return usagef("--min-probability %g: want a probability above 0 and at most 1", c.db.minP)
		}
	} else if c.db.minP != 0 {
		return usagef("--min-probability is for --apply")
	}
	return nil
}

// runLinkDB links the victims in a database; with --apply it confirms the
// likely pairs as merges and prints the rest for review.
func runLinkDB(ctx context.Context, m *Main, c *linkConfig) error {
	start := time.Now()
	s, closeStore, err := openStore(ctx, m, c.db.dsn)
	if err != nil {
		return err
	}
	defer closeStore()
	actor := importActor(m)
	progress := newProgress(m.Stderr, c.quiet)
	res, err := linkdb.Link(ctx, s, actor, linkdb.Options{Lists: c.db.ids, Threshold: c.opts.Threshold,
		ReviewLow: c.opts.ReviewLow, ReviewHigh: c.opts.ReviewHigh, Progress: progress.report})
	if err != nil {
		return err
	}
	var merges []linkdb.Merge
	if c.db.apply {
		if merges, err = linkdb.Apply(ctx, s, actor, res, c.db.minP); err != nil {
			return err
		}
	}
	if c.out != "" {
		if err := writeOutput(m.Stdout, c.out, func(w io.Writer) error { return writeDBClusters(w, res) }); err != nil {
			return err
		}
	}
	review := res.Review
	if c.db.apply {
		review = res.ToReview(c.db.minP)
	}
	if c.review != "" {
		if err := writeOutput(m.Stdout, c.review, func(w io.Writer) error { return writeDBReview(w, res, review) }); err != nil {
			return err
		}
	}
	printDBLinkage(m.Stdout, m.say, res, merges, review, c.db.apply)
	if !c.quiet {
		fmt.Fprintf(m.Stderr, "linked in %s\n", time.Since(start).Round(time.Millisecond))
	}
	return nil
}

// entryLabel names a person for the review: its id, name and where it is from.
func entryLabel(res *linkdb.Result, e linkdb.Entry) string {
	where := "entered by hand"
	if !e.HandEntered {
		var ls []string
		for _, id := range e.Lists {
			ls = append(ls, listName(res, id))
		}
		where = strings.Join(ls, "; ")
	}
	s := fmt.Sprintf("persons/%d %q", e.PersonID, e.Name)
	if e.BirthDate != "" {
		s += " born " + e.BirthDate
	}
	if e.DeathDate != "" {
		s += " died " + e.DeathDate
	}
	return s + " [" + where + "]"
}

func listName(res *linkdb.Result, id int64) string {
	for _, src := range res.Lists {
		if src.ID == id {
			return linkdb.ListName(src)
		}
	}
	return "sources/" + strconv.FormatInt(id, 10)
}

// printDBLinkage prints what linkage found: the merges made (or proposed)
// and the pairs left for review (with --apply, the linked pairs under
// --min-probability too).
func printDBLinkage(w io.Writer, say func(string, ...any) string, res *linkdb.Result, merges []linkdb.Merge, review []linkdb.Pair, applied bool) {
	hand := 0
	for _, e := range res.Entries {
		if e.HandEntered {
			hand++
		}
	}
	fmt.Fprintf(w, "%s (%s, %s); %s; %s\n", say("%d persons", len(res.Entries)), say("%d on %d lists", len(res.Entries)-hand, len(res.Lists)),
		say("%d victims entered by hand", hand), say("%d pairs compared", res.Candidates), say("%d groups of one person in several records", len(res.Merges)))
	byID := map[int64]linkdb.Entry{}
	for _, e := range res.Entries {
		byID[e.PersonID] = e
	}
	label := func(id int64) string {
		if e, ok := byID[id]; ok {
			return entryLabel(res, e)
		}
		return fmt.Sprintf("persons/%d", id)
	}
	if applied {
		made := 0
		for _, m := range merges {
			if m.Skipped == "" {
				made++
				fmt.Fprintln(w, say("merged %s\n    into %s (p=%.3f)", label(m.PersonID), label(m.Into), m.P))
			} else {
				fmt.Fprintln(w, say("not merged %s\n    into %s (p=%.3f): %s", label(m.PersonID), label(m.Into), m.P, m.Skipped))
			}
		}
		fmt.Fprintln(w, say("%d merges made", made))
	} else {
		for _, p := range res.Linked {
			fmt.Fprintln(w, say("same person (p=%.3f): %s\n    and %s", p.P, entryLabel(res, p.A), entryLabel(res, p.B)))
		}
	}
	fmt.Fprintln(w, say("%d pairs to review (also on /linkage)", len(review)))
	for _, p := range review {
		fmt.Fprintln(w, say("review (p=%.3f): %s\n    and %s\n    because %s", p.P, entryLabel(res, p.A), entryLabel(res, p.B), p.Reason()))
	}
}

// writeDBClusters writes file,record_id,cluster_id, one row for each list
// that names each person (the file is the list, the record the person):
// the format qantar link writes for files, which qantar estimate reads.
// Victims entered by hand are on no list and not written.
func writeDBClusters(w io.Writer, res *linkdb.Result) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"file", "record_id", "cluster_id"})
	names := listNames(res.Lists)
	for i, e := range res.Entries {
		for _, l := range e.Lists {
			cw.Write([]string{names[l], strconv.FormatInt(e.PersonID, 10), strconv.Itoa(int(res.Cluster[i]) + 1)})
		}
	}
	cw.Flush()
	return cw.Error()
}

// listNames names each list once: its title, with its id when two lists
// share a title.
func listNames(lists []*qantar.Source) map[int64]string {
	count := map[string]int{}
	for _, src := range lists {
		count[linkdb.ListName(src)]++
	}
	out := map[int64]string{}
	for _, src := range lists {
		n := linkdb.ListName(src)
		if count[n] > 1 {
			n = fmt.Sprintf("%s (sources/%d)", n, src.ID)
		}
		out[src.ID] = n
	}
	return out
}

// writeDBReview writes the pairs to review, both records side by side.
func writeDBReview(w io.Writer, res *linkdb.Result, review []linkdb.Pair) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"person_a", "name_a", "birth_date_a", "death_date_a", "lists_a",
		"person_b", "name_b", "birth_date_b", "death_date_b", "lists_b", "probability", "agreement"})
	lists := func(e linkdb.Entry) string {
		if e.HandEntered {
			return "entered by hand"
		}
		var ls []string
		for _, id := range e.Lists {
			ls = append(ls, listName(res, id))
		}
		return strings.Join(ls, "; ")
	}
	for _, p := range review {
		cw.Write([]string{strconv.FormatInt(p.A.PersonID, 10), p.A.Name, p.A.BirthDate, p.A.DeathDate, lists(p.A),
			strconv.FormatInt(p.B.PersonID, 10), p.B.Name, p.B.BirthDate, p.B.DeathDate, lists(p.B), strconv.FormatFloat(p.P, 'f', 4, 64), p.Reason()})
	}
	cw.Flush()
	return cw.Error()
}
