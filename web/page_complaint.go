package web

import (
	"context"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/law"
)

// complaintStatus is where a complaint stands today under its
// jurisdiction's rules (package law), with what the deadline rests on.
type complaintStatus struct {
	Status   string
	Deadline string
	Basis    string
	Verified bool
	Notes    []string
	Error    string
}

type responseRow struct {
	Received string
	Outcome  string
	Source   link
	Note     string
	Answered bool
}

// complaintSections fills a complaint's deadline, status and responses.
func (p *site) complaintSections(ctx context.Context, pg *recordView, res *resolver, c *qantar.Complaint) {
	t := res.t
	st, err := p.rules.Status(c, p.srv.cfg.Now())
	cs := &complaintStatus{}
	if err != nil {
		cs.Error = qantar.ErrorMessage(err)
	} else {
		cs.Status = t.S(statusLabel(st.Status))
		if !st.Deadline.Date.IsZero() {
			cs.Deadline = st.Deadline.Date.Format("2006-01-02")
		}
		cs.Basis, cs.Verified = st.Deadline.Basis, st.Deadline.Verified
		cs.Notes = append(append(cs.Notes, st.Deadline.Notes...), st.Notes...)
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
