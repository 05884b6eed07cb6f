package law

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/qantar-project/qantar"
)

func d(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// The expected dates below were counted by hand on the calendars published
// for each year (see rules/kz.json); each case names what it exercises.
func TestDeadlineKZ(t *testing.T) {
	tests := []struct {
		name, kind, from, want string
		// flag: "" verified; "edition" flagged only because the day is
		// before the edition of the law the rules carry; "other" flagged
		// for the limit or the calendar.
		flag string
	}{
		// APPC art. 76: 15 working days, the day after registration is day 1.
		{"Appc76PlainWeeks", "appc-76", "2024-02-01", "2024-02-22", "edition"},
		// Nauryz 21-23 Mar 2024 (Thu-Sat) and its carry-over Mon 25 Mar.
		{"Appc76NauryzWeek", "appc-76", "2024-03-18", "2024-04-11", "edition"},
		// Year end 2024: 1-2 Jan holidays, Fri 3 Jan moved day off, Sun 5 Jan
		// a working day by transfer, 7 Jan Orthodox Christmas.
		{"Appc76YearEndSundayWorking", "appc-76", "2024-12-30", "2025-01-23", "edition"},
		// May 2024: Wed 1 May, Sat 4 May made a working day (day 3), Tue 7
		// May, Wed 8 May moved day off, Thu 9 May.
		{"Appc76MayTransfer2024", "appc-76", "2024-04-30", "2024-05-24", "edition"},
		// Kurban Ait on Sun 16 Jun 2024 carried no day off: Mon 17 Jun worked.
		{"Appc76KurbanAitSunday", "appc-76", "2024-06-14", "2024-07-05", "edition"},
		// APPC art. 99: 20 working days; Republic Day Sat 25 Oct 2025,
		// carried to Mon 27 Oct.
		{"Appc91RepublicDayCarryOver", "appc-91", "2025-10-20", "2025-11-18", "edition"},
		// CPC art. 48: calendar days; a last day on a non-working day moves.
		{"Cpc106LastDayOnNewYear", "cpc-106", "2022-12-29", "2023-01-04", "edition"},
		{"Cpc106LastDayOnTransferredSunday", "cpc-106", "2025-01-02", "2025-01-05", "edition"},
		{"Cpc106LastDayOnWorkingSaturday", "cpc-106", "2022-03-02", "2022-03-05", "edition"},
		{"Cpc106LastDayOnMovedDayOff", "cpc-106", "2022-03-04", "2022-03-09", "edition"},
		{"Cpc106HolidaysInsideDoNotCount", "cpc-106", "2022-03-06", "2022-03-09", "edition"},
		{"Cpc107LastDayOnWeekend", "cpc-107", "2024-02-07", "2024-02-12", "edition"},
		// Limits whose source is not verified give a date marked unverified.
		{"Cpc105Unverified", "cpc-105", "2024-02-01", "2024-02-08", "other"},
		{"Info401Unverified", "info-401", "2024-02-01", "2024-02-16", "other"},
		// Outside 2022-2027 the calendar knows weekends only: flagged.
		{"BeforeCalendar", "appc-76", "2021-12-01", "2021-12-22", "other"},
		{"AfterCalendar", "appc-76", "2028-02-01", "2028-02-22", "other"},
		// 2027 transfers are not yet published: provisional, flagged.
		{"Provisional2027", "appc-76", "2027-02-01", "2027-02-22", "other"},
		// A count that ends in a covered year is still flagged when it starts
		// in an uncovered one; 3-4 Jan 2022 are carry-overs, 7 Jan a holiday.
		{"CrossesIntoCalendar", "appc-76", "2021-12-27", "2022-01-20", "other"},
		// From the day the edition carried is known to apply: verified.
		{"Appc76AfterEdition", "appc-76", "2026-02-02", "2026-02-23", ""},
		{"Cpc106AfterEdition", "cpc-106", "2025-09-01", "2025-09-04", ""},
		// 31 Aug 2026 is a working day on a partly verified source:
		// 15 working days from 10 Aug 2026 end on it, flagged.
		{"UnsettledDay2026", "appc-76", "2026-08-10", "2026-08-31", "other"},
	}
	r := Default()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := r.Deadline(tc.kind, d(tc.from))
			if err != nil {
				t.Fatal(err)
			}
			if g := got.Date.Format(time.DateOnly); g != tc.want {
				t.Errorf("deadline = %s, want %s", g, tc.want)
			}
			if got.Verified != (tc.flag == "") {
				t.Errorf("verified = %v, want %v (notes %q)", got.Verified, tc.flag == "", got.Notes)
			}
			if tc.flag == "edition" && (len(got.Notes) != 1 || !strings.HasPrefix(got.Notes[0].String(), "the text of ") || got.Edition == nil || got.Edition.InForce) {
				t.Errorf("want only the edition flagged, got notes %q edition %+v", got.Notes, got.Edition)
			}
			if tc.flag == "" && (got.Edition == nil || !got.Edition.InForce) {
				t.Errorf("edition %+v, want one in force", got.Edition)
			}
			if !got.Verified && len(got.Notes) == 0 {
				t.Error("an unverified deadline must say why")
			}
		})
	}
}

func TestDeadlineNotesNameTheProblem(t *testing.T) {
	r := Default()
	out, _ := r.Deadline("appc-76", d("2028-02-01"))
	if !strings.Contains(fmt.Sprint(out.Notes), "unverified calendar") {
		t.Errorf("notes %q do not flag the calendar", out.Notes)
	}
	out, _ = r.Deadline("info-401", d("2024-02-01"))
	if !strings.Contains(fmt.Sprint(out.Notes), "not verified") {
		t.Errorf("notes %q do not flag the limit", out.Notes)
	}
}

func TestDeadlineErrors(t *testing.T) {
	r := Default()
	for _, kind := range []string{"", "appc-999"} {
		_, err := r.Deadline(kind, d("2024-02-01"))
		if qantar.ErrorField(err) != "kind" || qantar.ErrorCode(err) != qantar.EINVALID {
			t.Errorf("Deadline(%q): err %v, want an invalid error naming kind", kind, err)
		}
	}
	_, err := r.FilingDeadline("appc-76", d("2024-02-01"))
	if qantar.ErrorField(err) != "kind" {
		t.Errorf("FilingDeadline without a filing limit: %v", err)
	}
	_, err = r.ExtendedDeadline("appc-91", d("2024-02-01"))
	if qantar.ErrorField(err) != "kind" {
		t.Errorf("ExtendedDeadline without an extension: %v", err)
	}
}

func TestFilingAndExtendedDeadline(t *testing.T) {
	r := Default()
	// CPC art. 106 p.5: 15 сутки to file; 2024-02-16 is a Friday.
	f, err := r.FilingDeadline("cpc-106", d("2024-02-01"))
	if err != nil || f.Date.Format(time.DateOnly) != "2024-02-16" || f.Verified || f.Edition == nil || f.Edition.InForce {
		t.Errorf("cpc-106 filing = %v %v %v", f.Date, f.Verified, err)
	}
	// APPC art. 92: 3 months; 31 Jan + 3 months = 30 Apr 2024 (Tuesday).
	f, err = r.FilingDeadline("appc-91", d("2024-01-31"))
	if err != nil || f.Date.Format(time.DateOnly) != "2024-04-30" {
		t.Errorf("appc-91 filing = %v %v", f.Date, err)
	}
	// APPC art. 76 extension: 2 months from the decision, 2026-02-02 =
	// 2026-04-02 (Thu); verified: the edition read applies from 2025-12-17.
	e, err := r.ExtendedDeadline("appc-76", d("2026-02-02"))
	if err != nil || e.Date.Format(time.DateOnly) != "2026-04-02" || !e.Verified || !e.Extended {
		t.Errorf("appc-76 extension = %v verified=%v extended=%v %v", e.Date, e.Verified, e.Extended, err)
	}
}

func TestAddMonths(t *testing.T) {
	for _, tc := range []struct {
		from string
		n    int
		want string
	}{{"2024-01-31", 1, "2024-02-29"}, {"2023-01-31", 1, "2023-02-28"}, {"2024-11-30", 3, "2025-02-28"}, {"2024-05-15", 2, "2024-07-15"}} {
		if got := addMonths(d(tc.from), tc.n).Format(time.DateOnly); got != tc.want {
			t.Errorf("addMonths(%s, %d) = %s, want %s", tc.from, tc.n, got, tc.want)
		}
	}
}

func complaint(kind, filed string, responses ...qantar.Response) *qantar.Complaint {
	return &qantar.Complaint{ComplaintKind: kind, FiledOn: qantar.MustDate(filed), Responses: responses}
}

func resp(on, outcome string) qantar.Response {
	return qantar.Response{ReceivedOn: qantar.MustDate(on), Outcome: outcome}
}

func TestStatus(t *testing.T) {
	tests := []struct {
		name     string
		c        *qantar.Complaint
		asOf     string
		want     string
		deadline string
	}{
		{"PendingBeforeDeadline", complaint("appc-76", "2024-02-01"), "2024-02-10", StatusPending, "2024-02-22"},
		{"PendingOnDeadline", complaint("appc-76", "2024-02-01"), "2024-02-22", StatusPending, "2024-02-22"},
		{"OverdueDayAfter", complaint("appc-76", "2024-02-01"), "2024-02-23", StatusOverdue, "2024-02-22"},
		{"OverdueNoAnswer", complaint("appc-76", "2024-02-01"), "2024-03-01", StatusOverdue, "2024-02-22"},
		{"AnsweredInTime", complaint("appc-76", "2024-02-01", resp("2024-02-20", "refused")), "2024-03-01", StatusAnsweredInTime, "2024-02-22"},
		{"AnsweredOnDeadline", complaint("appc-76", "2024-02-01", resp("2024-02-22", "satisfied")), "2024-03-01", StatusAnsweredInTime, "2024-02-22"},
		{"AnsweredLate", complaint("appc-76", "2024-02-01", resp("2024-02-26", "refused")), "2024-03-01", StatusAnsweredLate, "2024-02-22"},
		{"SecrecyIsNoAnswer", complaint("appc-76", "2024-02-01", resp("2024-02-10", "secrecy_of_investigation")), "2024-03-01", StatusOverdue, "2024-02-22"},
		{"NoResponseIsNoAnswer", complaint("appc-76", "2024-02-01", resp("2024-02-10", "no_response")), "2024-03-01", StatusOverdue, "2024-02-22"},
		{"SecrecyThenLateAnswer", complaint("appc-76", "2024-02-01", resp("2024-02-10", "secrecy_of_investigation"), resp("2024-03-05", "refused")), "2024-03-10", StatusAnsweredLate, "2024-02-22"},
		{"AnswerAfterAsOfIgnored", complaint("appc-76", "2024-02-01", resp("2024-02-20", "refused")), "2024-02-15", StatusPending, "2024-02-22"},
		{"EarliestAnswerCounts", complaint("appc-76", "2024-02-01", resp("2024-02-26", "refused"), resp("2024-02-20", "forwarded")), "2024-03-01", StatusAnsweredInTime, "2024-02-22"},
		// CPC art. 106 p.6: 3 сутки, or 10 at a closed hearing.
		{"ExtensionMovesDeadline", complaint("cpc-106", "2024-02-01", resp("2024-02-02", "extended"), resp("2024-02-09", "refused")), "2024-03-01", StatusAnsweredInTime, "2024-02-12"},
		{"ExtensionIsNoAnswer", complaint("cpc-106", "2024-02-01", resp("2024-02-02", "extended")), "2024-03-01", StatusOverdue, "2024-02-12"},
		{"LateExtensionDoesNotRescue", complaint("cpc-106", "2024-02-01", resp("2024-02-06", "extended"), resp("2024-02-09", "refused")), "2024-03-01", StatusAnsweredLate, "2024-02-05"},
		{"ExtensionNotAllowed", complaint("appc-91", "2024-02-01", resp("2024-02-02", "extended")), "2024-02-05", StatusPending, "2024-02-29"},
	}
	r := Default()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, err := r.Status(tc.c, d(tc.asOf))
			if err != nil {
				t.Fatal(err)
			}
			if st.Status != tc.want {
				t.Errorf("status = %s, want %s", st.Status, tc.want)
			}
			if g := st.Deadline.Date.Format(time.DateOnly); g != tc.deadline {
				t.Errorf("deadline = %s, want %s", g, tc.deadline)
			}
		})
	}
}

func TestStatusEscalation(t *testing.T) {
	r := Default()
	st, err := r.Status(complaint("appc-76", "2024-02-01", resp("2024-02-10", "secrecy_of_investigation")), d("2024-03-01"))
	if err != nil {
		t.Fatal(err)
	}
	if st.EscalatesTo != "appc-91" || st.EscalationFrom.Format(time.DateOnly) != "2024-02-23" {
		t.Errorf("escalation %q from %s, want appc-91 from 2024-02-23 (secrecy does not stop the clock)", st.EscalatesTo, st.EscalationFrom)
	}
	st, _ = r.Status(complaint("appc-76", "2024-02-01", resp("2024-02-10", "refused")), d("2024-03-01"))
	if st.EscalationFrom.Format(time.DateOnly) != "2024-02-10" {
		t.Errorf("escalation after a refusal from %s, want 2024-02-10", st.EscalationFrom)
	}
}

func TestStatusErrors(t *testing.T) {
	r := Default()
	tests := []struct {
		name  string
		c     *qantar.Complaint
		field string
	}{
		{"ErrUnknownKind", complaint("appc-999", "2024-02-01"), "kind"},
		{"ErrFiledMonthOnly", complaint("appc-76", "2024-02"), "filed_on"},
		{"ErrFiledMissing", &qantar.Complaint{ComplaintKind: "appc-76"}, "filed_on"},
		{"ErrResponseBeforeFiling", complaint("appc-76", "2024-02-01", resp("2024-01-20", "refused")), "responses[0].received_on"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := r.Status(tc.c, d("2024-03-01"))
			if qantar.ErrorField(err) != tc.field {
				t.Errorf("err = %v, want a field error on %s", err, tc.field)
			}
		})
	}
}

func TestRegistryStatusUsesJurisdiction(t *testing.T) {
	g := DefaultRegistry()
	c := complaint("appc-76", "2024-02-01")
	if _, err := g.Status(c, d("2024-03-01")); err != nil {
		t.Fatal(err)
	}
	c.Jurisdiction = "zz"
	if _, err := g.Status(c, d("2024-03-01")); qantar.ErrorField(err) != "jurisdiction" {
		t.Errorf("unknown jurisdiction: %v", err)
	}
}

func BenchmarkDeadlineAppc76(b *testing.B) {
	r := Default()
	from := d("2024-02-01")
	for b.Loop() {
		if _, err := r.Deadline("appc-76", from); err != nil {
			b.Fatal(err)
		}
	}
}
