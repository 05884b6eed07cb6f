package figures

import (
	"context"
	"sort"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/law"
)

// UnansweredComplaint is a complaint past its deadline without an answer,
// with the days it has waited since, counted to the day of the checkpoint
// the figures were computed at.
type UnansweredComplaint struct {
	ID          int64  `json:"id"`
	Kind        string `json:"kind"`
	Deadline    string `json:"deadline"`
	DaysOverdue int    `json:"days_overdue"`
}

// DaysOverdue is how many days a complaint has gone without an answer past
// its deadline as of a day; false when it is not overdue (law's count).
func DaysOverdue(st law.ComplaintStatus, asOf time.Time) (int, bool) {
	return st.DaysOverdue(asOf)
}

// unanswered lists the overdue complaints of src as of a day, longest
// waiting first.
func unanswered(ctx context.Context, src Source, rules *law.Registry, asOf time.Time) ([]UnansweredComplaint, error) {
	cs, err := Typed[*qantar.Complaint](ctx, src, qantar.KindComplaint)
	if err != nil {
		return nil, err
	}
	out := []UnansweredComplaint{}
	for _, c := range cs {
		st, err := rules.Status(c, asOf)
		if err != nil {
			continue // no deadline to be late for; the dashboard counts these apart
		}
		if n, ok := DaysOverdue(st, asOf); ok {
			out = append(out, UnansweredComplaint{ID: c.ID, Kind: c.ComplaintKind, Deadline: st.Deadline.Date.Format(time.DateOnly), DaysOverdue: n})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].DaysOverdue > out[j].DaysOverdue })
	return out, nil
}
