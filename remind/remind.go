// Package remind tells the people who follow a case or a person what is due
// and what is overdue: every complaint awaiting an answer, with the date the
// answer is due as package law counts it (law.Registry.Status, the rule the
// site and `qantar deadlines` use) and the days it is overdue
// (law.ComplaintStatus.DaysOverdue). It writes them as an Atom 1.0 feed
// (Feed, Digest.Atom) and as an e-mail message (Digest.Message), in Kazakh,
// Russian or English from the catalogue (package locale), and sends messages
// over SMTP (Send).
//
// Everything a reminder says is computed from the records as its recipient
// may see them: lists through the store's projection for that reader
// (qantar.Filter.Reader), single records through qantar.Project. A protected
// person is "Protected person" to a reader without the right to see them,
// and nothing that describes them reaches that reader.
package remind

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/law"
)

// Target is what a reminder follows: a case or a person.
type Target struct {
	Kind qantar.Kind // qantar.KindCase or qantar.KindPerson
	ID   int64
}

// String is the target as a subscription names it: case:12, person:7.
func (t Target) String() string {
	return targetWord[t.Kind] + ":" + strconv.FormatInt(t.ID, 10)
}

var targetWord = map[qantar.Kind]string{qantar.KindCase: "case", qantar.KindPerson: "person"}

// ParseTarget reads case:ID or person:ID.
func ParseTarget(s string) (Target, error) {
	t, ok := parseTarget(s)
	if !ok {
		return Target{}, badTarget(s)
	}
	return t, nil
}

func parseTarget(s string) (Target, bool) {
	word, num, ok := strings.Cut(s, ":")
	id, err := strconv.ParseInt(num, 10, 64)
	if !ok || err != nil || id <= 0 {
		return Target{}, false
	}
	for k, w := range targetWord {
		if w == word {
			return Target{Kind: k, ID: id}, true
		}
	}
	return Target{}, false
}

func badTarget(s string) *qantar.Error {
	return qantar.Errorf(qantar.EINVALID, "%q is not case:ID or person:ID", s)
}

// Options are what every reminder of one run shares.
type Options struct {
	// Rules count the deadlines (the jurisdiction's rules).
	Rules *law.Registry
	// AsOf is the day the reminder is made for.
	AsOf time.Time
	// LogOrigin is the log's origin, the first line of its checkpoint
	// ("qantar.example.org/log"): the authority of the tag: URIs that
	// identify feeds, entries and messages.
	LogOrigin string
	// Since is a day on which the log's operator held the origin's name,
	// the date of the tag: URIs; zero: the day of the log's first leaf,
	// when the store is a qantar.AtReader.
	Since time.Time
	// SiteURL is the site's address ("https://qantar.example.org"), for
	// links to its pages; "" for none.
	SiteURL string
}

// Item is one complaint awaiting an answer, as the reader sees it.
type Item struct {
	Complaint   *qantar.Complaint
	Status      law.ComplaintStatus
	DaysOverdue int            // 0 while the answer is not yet late
	Case        *qantar.Case   // the case it was filed in, nil if none
	Filer       *qantar.Person // nil if none recorded
	Addressee   *qantar.Unit   // nil if none recorded
	// Updated is when the reminder last changed in substance: the time of
	// the complaint's current version, or the start of the day after the
	// deadline once it is overdue, whichever is later.
	Updated time.Time
}

// Overdue reports whether the answer is late.
func (it Item) Overdue() bool { return it.Status.Status == law.StatusOverdue }

// Digest is what one reader is reminded of about one target.
type Digest struct {
	Target Target
	Reader qantar.Actor
	AsOf   time.Time
	Case   *qantar.Case   // the target, for a case
	Person *qantar.Person // the target, for a person (a placeholder if hidden)
	// Items are the complaints awaiting an answer: the overdue first, the
	// longest waiting first; then the pending, the earliest due first.
	Items []Item
	// Uncounted is how many complaints have no deadline the rules can count
	// (an unknown kind or jurisdiction); they are named, not counted.
	Uncounted []int64
	opts      Options
	tagDate   string
}

// Counts returns how many items are overdue and how many are due.
func (d *Digest) Counts() (overdue, due int) {
	for _, it := range d.Items {
		if it.Overdue() {
			overdue++
		} else {
			due++
		}
	}
	return overdue, due
}

// Collect computes what reader is reminded of about target as of
// opts.AsOf, from the records as that reader may see them. A target that
// is not there is ENOTFOUND.
func Collect(ctx context.Context, st qantar.Store, reader qantar.Actor, opts Options, target Target) (*Digest, error) {
	if opts.Rules == nil {
		return nil, fmt.Errorf("remind: no rules")
	}
	if _, err := tagAuthority(opts.LogOrigin); err != nil {
		return nil, err
	}
	r := newView(ctx, st, reader)
	d := &Digest{Target: target, Reader: reader, AsOf: day(opts.AsOf), opts: opts}
	var complaints []qantar.Record
	var err error
	switch target.Kind {
	case qantar.KindCase:
		complaints, err = r.caseComplaints(d, target.ID)
	case qantar.KindPerson:
		complaints, err = r.personComplaints(d, target.ID)
	default:
		return nil, badTarget(target.String())
	}
	if err != nil {
		return nil, err
	}
	for _, rec := range complaints {
		if err := r.add(d, rec.(*qantar.Complaint), opts.Rules); err != nil {
			return nil, err
		}
	}
	sortItems(d.Items)
	if d.tagDate, err = tagDate(ctx, st, opts.Since); err != nil {
		return nil, err
	}
	return d, nil
}

// add puts a complaint among the items when it awaits an answer.
func (r *view) add(d *Digest, c *qantar.Complaint, rules *law.Registry) error {
	st, err := rules.Status(c, d.AsOf)
	if err != nil {
		d.Uncounted = append(d.Uncounted, c.ID)
		return nil
	}
	if st.Status != law.StatusOverdue && st.Status != law.StatusPending {
		return nil
	}
	it := Item{Complaint: c, Status: st, Updated: c.UpdatedAt.UTC()}
	if n, ok := st.DaysOverdue(d.AsOf); ok {
		it.DaysOverdue = n
		if late := day(st.Deadline.Date).AddDate(0, 0, 1); late.After(it.Updated) {
			it.Updated = late
		}
	}
	if it.Case, err = r.caseOf(c.CaseID); err != nil {
		return err
	}
	if it.Filer, err = r.personOf(c.FilerID); err != nil {
		return err
	}
	if it.Addressee, err = r.unitOf(c.AddresseeID); err != nil {
		return err
	}
	d.Items = append(d.Items, it)
	return nil
}

func sortItems(items []Item) {
	sort.SliceStable(items, func(i, j int) bool {
		a, b := items[i], items[j]
		if a.Overdue() != b.Overdue() {
			return a.Overdue()
		}
		if a.DaysOverdue != b.DaysOverdue {
			return a.DaysOverdue > b.DaysOverdue
		}
		if !a.Status.Deadline.Date.Equal(b.Status.Deadline.Date) {
			return a.Status.Deadline.Date.Before(b.Status.Deadline.Date)
		}
		return a.Complaint.ID < b.Complaint.ID
	})
}

// day is t's calendar day at midnight UTC.
func day(t time.Time) time.Time {
	y, m, dd := t.Date()
	return time.Date(y, m, dd, 0, 0, 0, 0, time.UTC)
}
