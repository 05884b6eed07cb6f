package site

import (
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/qantar-project/qantar/web/figures"
	"github.com/qantar-project/qantar/web/httpx"
)

// moveRow is how one published figure moved between two checkpoints.
type moveRow struct {
	Label            string
	From, To, Change string
	Changed          bool
}

// statsMoves fills, when the reader asks (?from=SIZE), the figures at an
// earlier checkpoint and how each moved since: each computed from the
// records at its own checkpoint, as of that checkpoint's day.
func (p *Site) statsMoves(r *http.Request, pg *statsView) error {
	if r.URL.Query().Get("from") == "" {
		return nil
	}
	size, err := httpx.ParseSize(r, "from")
	if err != nil {
		return err
	}
	from, err := p.figures.Pinned(r.Context(), size, time.Time{})
	if err != nil {
		return err
	}
	pg.From, pg.FromSize = &from.Checkpoint, strconv.FormatInt(size, 10)
	pg.Moves = moveRows(pg.T, from, pg.Stats)
	return nil
}

// moveRows lists the published figures at a and at b.
func moveRows(t tr, a, b *figures.PinnedStats) []moveRow {
	nums := []struct {
		label string
		a, b  int
	}{
		{"Deaths documented", a.Funnel.Deaths, b.Funnel.Deaths},
		{"with a criminal case", a.Funnel.WithCase, b.Funnel.WithCase},
		{"with a suspect identified", a.Funnel.SuspectIdentified, b.Funnel.SuspectIdentified},
		{"with someone charged", a.Funnel.Charged, b.Funnel.Charged},
		{"with someone convicted", a.Funnel.Convicted, b.Funnel.Convicted},
		{"Cases", a.Cases.Total, b.Cases.Total},
		{"Complaints", a.Complaints.Total, b.Complaints.Total},
		{"Pending", a.Complaints.Pending, b.Complaints.Pending},
		{"Complaints overdue", a.Complaints.Overdue, b.Complaints.Overdue},
		{"Answered in time", a.Complaints.AnsweredInTime, b.Complaints.AnsweredInTime},
		{"Answered late", a.Complaints.AnsweredLate, b.Complaints.AnsweredLate},
		{"Deaths on at least one list", int(a.Estimate.Observed), int(b.Estimate.Observed)},
	}
	var out []moveRow
	for _, n := range nums {
		out = append(out, move(t, t.S(n.label), n.a, n.b))
	}
	if a.Estimate.Estimate != nil && b.Estimate.Estimate != nil {
		ea, eb := int(math.Round(*a.Estimate.Estimate)), int(math.Round(*b.Estimate.Estimate))
		out = append(out, move(t, t.S("Estimated total from the lists"), ea, eb))
	}
	return out
}

func move(t tr, label string, a, b int) moveRow {
	row := moveRow{Label: label, From: t.Num(a), To: t.Num(b), Change: "0", Changed: a != b}
	switch d := b - a; {
	case d > 0:
		row.Change = "+" + t.Num(d)
	case d < 0:
		row.Change = "−" + t.Num(-d)
	}
	return row
}
