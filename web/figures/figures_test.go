package figures_test

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/law"
	"github.com/qantar-project/qantar/web/figures"
)

// records is a figures.Source over synthetic records held in memory.
type records map[qantar.Kind][]qantar.Record

func (rs records) source() figures.Source {
	return func(_ context.Context, k qantar.Kind) ([]qantar.Record, error) { return rs[k], nil }
}

func (rs records) add(rec qantar.Record) {
	rec.GetMeta().ID = int64(len(rs[rec.Kind()]) + 1)
	rs[rec.Kind()] = append(rs[rec.Kind()], rec)
}

// twoLists is n synthetic dead, list A citing persons 1..a, list B persons
// from..n (each once, whichever list), so that both name from..a.
func twoLists(n, a, from int) records {
	rs := records{}
	rs.add(&qantar.Source{SourceKind: "list", Title: qantar.Text{"en": "Synthetic list A"}})
	rs.add(&qantar.Source{SourceKind: "list", Title: qantar.Text{"en": "Synthetic list B"}})
	for i := 1; i <= n; i++ {
		rs.add(&qantar.Person{Names: []qantar.Name{{Value: "Synthetic"}}})
		rs.add(&qantar.Act{VictimID: int64(i), ActType: "killing_crowd_control", VictimStatus: "dead"})
		if i <= a {
			rs.add(&qantar.Citation{RecordKind: qantar.KindPerson, RecordID: int64(i), SourceID: 1})
		}
		if i >= from {
			rs.add(&qantar.Citation{RecordKind: qantar.KindPerson, RecordID: int64(i), SourceID: 2})
		}
	}
	return rs
}

// chapman is the Chapman estimate written out: (n1+1)(n2+1)/(m+1) - 1.
func chapman(n1, n2, m float64) float64 { return (n1+1)*(n2+1)/(m+1) - 1 }

// With two lists the estimate is Chapman's over the people each list cites,
// a person merged into another (same_as) counted once under that other.
func TestEstimateFromTwoLists(t *testing.T) {
	ctx := context.Background()
	rs := twoLists(30, 20, 11) // A: 1..20, B: 11..30, both: 11..20
	ans, err := figures.EstimateFrom(ctx, rs.source(), "", "")
	if err != nil {
		t.Fatal(err)
	}
	if ans.Method != "chapman" || ans.Estimate == nil || ans.Observed != 30 || ans.Documented != 30 || len(ans.Lists) != 2 {
		t.Fatalf("%+v", ans)
	}
	if want := chapman(20, 20, 10); math.Abs(*ans.Estimate-want) > 1e-9 {
		t.Fatalf("estimate %v, want %v", *ans.Estimate, want)
	}
	if *ans.Lower > *ans.Estimate || (ans.Upper != nil && *ans.Upper < *ans.Estimate) {
		t.Errorf("interval %v–%v around %v", *ans.Lower, ans.Upper, *ans.Estimate)
	}
	// Person 31, cited by B, is person 1 (on A): one more on both lists.
	rs.add(&qantar.Person{Names: []qantar.Name{{Value: "Synthetic"}}, SameAsID: 1})
	rs.add(&qantar.Act{VictimID: 31, ActType: "killing_crowd_control", VictimStatus: "dead"})
	rs.add(&qantar.Citation{RecordKind: qantar.KindPerson, RecordID: 31, SourceID: 2})
	if ans, err = figures.EstimateFrom(ctx, rs.source(), "", ""); err != nil {
		t.Fatal(err)
	}
	if want := chapman(20, 21, 11); ans.Documented != 30 || ans.Observed != 30 || math.Abs(*ans.Estimate-want) > 1e-9 {
		t.Fatalf("after the merge: documented %d, observed %d, estimate %v; want 30, 30, %v", ans.Documented, ans.Observed, *ans.Estimate, want)
	}
}

// With one list there is no number, and the reason is kept as a catalogue
// key with its count for the pages, in English for the JSON; a list that
// names nobody gives mse's reason, also kept.
func TestNoEstimateSaysWhy(t *testing.T) {
	rs := twoLists(5, 5, 6) // B cites nobody
	ans, err := figures.EstimateFrom(context.Background(), rs.source(), "", "")
	if err != nil {
		t.Fatal(err)
	}
	if ans.Estimate != nil || ans.Why == nil || ans.Why.Format == "" || ans.NoEstimate != ans.Why.Message {
		t.Fatalf("an empty list: %+v why %+v", ans, ans.Why)
	}
	rs[qantar.KindSource][1].(*qantar.Source).SourceKind = "news"
	if ans, err = figures.EstimateFrom(context.Background(), rs.source(), "", ""); err != nil {
		t.Fatal(err)
	}
	if ans.Estimate != nil || ans.Why == nil || len(ans.Why.Args) != 1 || ans.Why.Args[0] != 1 || ans.NoEstimate != ans.Why.Message {
		t.Fatalf("one list: %+v why %+v", ans, ans.Why)
	}
}

// A complaint is overdue by the days from its deadline to the day asked,
// not before its deadline has passed.
func TestDaysOverdue(t *testing.T) {
	deadline := qantar.MustDate("2023-03-20")
	st := law.ComplaintStatus{Status: law.StatusOverdue}
	st.Deadline.Date = deadline.Time()
	for _, tc := range []struct {
		asOf string
		days int
		ok   bool
	}{{"2023-03-20", 0, false}, {"2023-03-21", 1, true}, {"2023-04-20", 31, true}} {
		day, _ := time.Parse(time.DateOnly, tc.asOf)
		if n, ok := figures.DaysOverdue(st, day.Add(15*time.Hour)); n != tc.days || ok != tc.ok {
			t.Errorf("%s: %d %v, want %d %v", tc.asOf, n, ok, tc.days, tc.ok)
		}
	}
	st.Status = law.StatusPending
	if _, ok := figures.DaysOverdue(st, deadline.Time().AddDate(0, 1, 0)); ok {
		t.Error("a pending complaint is overdue")
	}
}
