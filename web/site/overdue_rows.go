package site

import (
	"context"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/web/figures"
)

// overdueRow is one unanswered complaint on a page, named as the reader may
// see it.
type overdueRow struct {
	Complaint link
	Deadline  string
	Days      int
}

func (p *Site) overdueRows(ctx context.Context, reader qantar.Actor, t tr, list []figures.UnansweredComplaint) []overdueRow {
	var out []overdueRow
	for _, u := range list {
		row := overdueRow{Complaint: link{Title: "#" + itoa(u.ID), Href: recordHref(qantar.KindComplaint, u.ID)}, Deadline: u.Deadline, Days: u.DaysOverdue}
		if c, err := p.get(ctx, reader, qantar.KindComplaint, u.ID); err == nil {
			row.Complaint = t.linkTo(c)
		}
		out = append(out, row)
	}
	return out
}
