package law

import (
	"fmt"
	"time"

	"github.com/qantar-project/qantar"
)

// Complaint statuses as of a date.
const (
	StatusPending        = "pending"          // not answered, deadline not passed
	StatusOverdue        = "overdue"          // not answered, deadline passed
	StatusAnsweredInTime = "answered_in_time" // answered on or before the deadline
	StatusAnsweredLate   = "answered_late"    // answered after the deadline
)

// Statuses lists the statuses in the order a dashboard shows them.
var Statuses = []string{StatusPending, StatusOverdue, StatusAnsweredInTime, StatusAnsweredLate}

// ComplaintStatus is where a complaint stands on a date.
type ComplaintStatus struct {
	Deadline Deadline `json:"deadline"`
	Status   string   `json:"status"`
	// Answer is the index in Responses of the response that answered it,
	// -1 when none did by the date.
	Answer     int       `json:"answer"`
	AnsweredOn time.Time `json:"-"`
	// EscalatesTo is the kind of complaint that comes next, if any;
	// EscalationFrom the day its clock starts: the day of the answer, or,
	// with no answer, the day after the deadline, when silence counts as
	// refusal (APPC art. 91). "No response" and "secrecy of the
	// investigation" are not answers, so they do not stop this clock.
	EscalatesTo    string    `json:"escalates_to,omitempty"`
	EscalationFrom time.Time `json:"-"`
	Notes          []Note    `json:"notes,omitempty"`
}

// answers reports whether a response answers the complaint. The root
// package's Answered already excludes "no response" and "secrecy of the
// investigation"; a notice that the term was extended is not an answer either.
func answers(r qantar.Response) bool { return r.Answered() && r.Outcome != "extended" }

// Status computes a complaint's deadline and its status as of a day. Only
// responses received by asOf count. A response recording an extension
// (outcome "extended") received by the original deadline moves the deadline
// to the kind's extension limit. The complaint needs only kind and
// filed_on; filed_on is taken as the day the addressee registered it.
func (r *Rules) Status(c *qantar.Complaint, asOf time.Time) (ComplaintStatus, error) {
	if c == nil {
		return ComplaintStatus{}, qantar.Errorf(qantar.EINVALID, "no complaint")
	}
	if c.FiledOn.IsZero() {
		return ComplaintStatus{}, qantar.FieldErrorf("filed_on", "is required")
	}
	if !c.FiledOn.HasDay() {
		return ComplaintStatus{}, qantar.FieldErrorf("filed_on", "must be a full date (YYYY-MM-DD): deadlines count days")
	}
	filed := c.FiledOn.Time()
	asOf = day(asOf)
	d, err := r.Deadline(c.ComplaintKind, filed)
	if err != nil {
		return ComplaintStatus{}, err
	}
	st := ComplaintStatus{Answer: -1}
	for i, resp := range c.Responses {
		if resp.ReceivedOn.IsZero() {
			return ComplaintStatus{}, qantar.FieldErrorf(fmt.Sprintf("responses[%d].received_on", i), "is required")
		}
		if resp.ReceivedOn.Before(c.FiledOn) {
			return ComplaintStatus{}, qantar.FieldErrorf(fmt.Sprintf("responses[%d].received_on", i), "%s is before the complaint was filed (%s)", resp.ReceivedOn, c.FiledOn)
		}
	}
	d, st.Notes = r.extend(c, d, filed, asOf)
	st.Deadline = d
	for i, resp := range c.Responses {
		got := resp.ReceivedOn.Time()
		if !answers(resp) || got.After(asOf) {
			continue
		}
		if st.Answer < 0 || got.Before(st.AnsweredOn) {
			st.Answer, st.AnsweredOn = i, got
		}
	}
	k := r.kinds[c.ComplaintKind]
	st.EscalatesTo = k.EscalatesTo
	switch {
	case st.Answer >= 0:
		resp := c.Responses[st.Answer]
		st.EscalationFrom = st.AnsweredOn
		// A date known only to the month or year is late only if it is
		// certainly late; the note says the benefit of the doubt was given.
		if resp.ReceivedOn.Time().After(d.Date) {
			st.Status = StatusAnsweredLate
		} else {
			st.Status = StatusAnsweredInTime
			if resp.ReceivedOn.End().After(d.Date) {
				st.Notes = append(st.Notes, wordsf("the answer is dated only %s; counted as in time", resp.ReceivedOn.String()))
			}
		}
	case asOf.After(d.Date):
		st.Status = StatusOverdue
		st.EscalationFrom = d.Date.AddDate(0, 0, 1)
	default:
		st.Status = StatusPending
		st.EscalationFrom = d.Date.AddDate(0, 0, 1)
	}
	if st.EscalatesTo == "" {
		st.EscalationFrom = time.Time{}
	}
	return st, nil
}

// DaysOverdue is how many days a complaint has gone without an answer past
// its deadline as of a day; false when it is not overdue. It is the one count
// of days overdue: the site, the figures and the reminders use it.
func (st ComplaintStatus) DaysOverdue(asOf time.Time) (int, bool) {
	if st.Status != StatusOverdue || st.Deadline.Date.IsZero() {
		return 0, false
	}
	y, m, d := st.Deadline.Date.Date()
	deadline := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	y, m, d = asOf.Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	n := int(day.Sub(deadline).Hours() / 24)
	return n, n > 0
}

// extend applies a recorded extension: a response of outcome "extended"
// received by asOf and by the original deadline moves the deadline to the
// kind's extension limit, counted from the filing or, when the law counts it
// from the decision to extend, from the day the notice was received.
func (r *Rules) extend(c *qantar.Complaint, d Deadline, filed, asOf time.Time) (Deadline, []Note) {
	var notes []Note
	for _, resp := range c.Responses {
		got := resp.ReceivedOn.Time()
		if resp.Outcome != "extended" || got.After(asOf) || got.After(d.Date) || d.Extended {
			continue
		}
		extFrom := filed
		if k := r.kinds[c.ComplaintKind]; k.Extension != nil && k.Extension.Starts == StartsExtensionDecision {
			extFrom = got
		}
		ext, err := r.ExtendedDeadline(c.ComplaintKind, extFrom)
		if err == nil && !extFrom.Equal(filed) {
			ext.Notes = append(ext.Notes, wordsf("the extension runs from the day it was decided; Qantar counts from the day the notice of it was received (%s), so this is the latest day the law allows", resp.ReceivedOn.String()))
		}
		if err != nil {
			notes = append(notes, wordsf("an extension was recorded on %s, but the %s rules allow none for %s", resp.ReceivedOn.String(), r.Jurisdiction, c.ComplaintKind))
			continue
		}
		d = ext
	}
	return d, notes
}
