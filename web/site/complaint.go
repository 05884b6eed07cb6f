package site

import (
	"context"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/law"
	"github.com/qantar-project/qantar/web/figures"
)

// complaintStatus is where a complaint stands today under its
// jurisdiction's rules (package law), with what the deadline rests on.
type complaintStatus struct {
	Status   string
	Deadline string
	Basis    string
	Verified bool
	// Edition is the text of the law the deadline was counted with (rules
	// data, in the reader's language like Basis); EditionWhen says, in the reader's
	// language, from when it applies and whether it is known to be in force
	// on the day the deadline runs from.
	Edition     string
	EditionWhen []string
	Notes       []string
	Error       string
	// DaysOverdue counts the days without an answer past the deadline, to
	// AsOf, the day of the checkpoint (Checkpoint, its size) the status was
	// computed at: the same day for every reader, and for the mirror.
	DaysOverdue int
	AsOf        string
	Checkpoint  string
}

type responseRow struct {
	Received string
	Outcome  string
	Source   link
	Note     string
	Answered bool
}

// complaintSections fills a complaint's deadline, status and responses.
func (p *Site) complaintSections(ctx context.Context, pg *recordView, res *resolver, c *qantar.Complaint) {
	t := res.t
	cs := &complaintStatus{}
	lp, _, err := p.figures.LogAt(ctx, -1)
	var st law.ComplaintStatus
	if err == nil {
		day := figures.CheckpointDay(lp)
		cs.AsOf, cs.Checkpoint = day.Format(time.DateOnly), itoa(lp.Size)
		st, err = p.rules.Status(c, day)
		cs.DaysOverdue, _ = figures.DaysOverdue(st, day)
	}
	if err != nil {
		cs.Error = t.Err(err)
	} else {
		cs.Status = t.S(statusLabel(st.Status))
		if !st.Deadline.Date.IsZero() {
			cs.Deadline = st.Deadline.Date.Format("2006-01-02")
		}
		cs.Basis, cs.Verified = st.Deadline.Basis.In(t.Lang), st.Deadline.Verified
		if e := st.Deadline.Edition; e != nil {
			cs.Edition, cs.EditionWhen = e.Text.In(t.Lang), editionWhen(t, e, st.Deadline.From)
		}
		cs.Notes = append(append(cs.Notes, law.NotesIn(t.Lang, st.Deadline.Notes)...), law.NotesIn(t.Lang, st.Notes)...)
	}
	pg.Complaint = cs
	for _, r := range c.Responses {
		row := responseRow{Received: t.Date(r.ReceivedOn), Outcome: t.Term("response_outcome", r.Outcome),
			Note: t.Text(r.Note), Answered: r.Answered()}
		if r.SourceID != 0 {
			row.Source = res.link(ctx, qantar.KindSource, r.SourceID)
		}
		pg.Responses = append(pg.Responses, row)
	}
}

// editionWhen says from when an edition applies and, when it is not known
// to be in force on the day the deadline runs from, that the text of that
// day is not recorded.
func editionWhen(t tr, e *law.EditionUsed, from time.Time) []string {
	var out []string
	switch {
	case e.From == "":
		out = append(out, t.S("from when it applies is not recorded"))
	case e.To != "":
		out = append(out, t.S("in force from %s to %s", e.From, e.To))
	default:
		out = append(out, t.S("applies from %s", e.From))
	}
	if !e.InForce {
		out = append(out, t.S("not known to be in force on %s: the text in force that day is not recorded", from.Format(time.DateOnly)))
	}
	return out
}

// statusLabel is the English label (a catalogue key) of a law status.
func statusLabel(s string) string {
	switch s {
	case law.StatusPending:
		return "pending: the deadline has not passed"
	case law.StatusOverdue:
		return "overdue: no answer by the deadline"
	case law.StatusAnsweredInTime:
		return "answered in time"
	case law.StatusAnsweredLate:
		return "answered late"
	}
	return s
}
