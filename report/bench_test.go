package report

import (
	"math/rand/v2"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/qantar-project/qantar"
)

// syntheticInput builds a deterministic synthetic world of the size the
// issue asks about: acts, cases with steps and participants, complaints with
// responses, places, events and figures. Nothing in it is real.
func syntheticInput(acts, cases, complaints int) Input {
	rng := rand.New(rand.NewPCG(1, 2))
	var in Input
	for i := 1; i <= 20; i++ {
		in.Places = append(in.Places, &qantar.Place{Meta: qantar.Meta{ID: int64(i)}, Name: qantar.Text{"en": "City"}, PlaceKind: "city"})
	}
	for i := 21; i <= 220; i++ {
		in.Places = append(in.Places, &qantar.Place{Meta: qantar.Meta{ID: int64(i)}, Name: qantar.Text{"en": "Site"}, PlaceKind: "site", RegionThenID: int64(1 + i%20)})
	}
	for i := 1; i <= 100; i++ {
		in.Events = append(in.Events, &qantar.Event{Meta: qantar.Meta{ID: int64(i)}, Title: qantar.Text{"en": "Event"}, PlaceID: int64(21 + i%200)})
	}
	types := []string{"killing_crowd_control", "death_in_custody", "torture", "arbitrary_detention", "injury", "killing"}
	start := time.Date(2022, 1, 2, 0, 0, 0, 0, time.UTC)
	for i := 1; i <= acts; i++ {
		a := &qantar.Act{Meta: qantar.Meta{ID: int64(i)}, VictimID: int64(1 + rng.IntN(acts*9/10)), ActType: types[rng.IntN(len(types))]}
		switch rng.IntN(3) {
		case 0:
			a.EventID = int64(1 + rng.IntN(100))
			a.Date = qantar.DayOf(start.AddDate(0, 0, rng.IntN(10)))
		case 1:
			a.PlaceID = int64(21 + rng.IntN(200))
			a.Date = qantar.DayOf(start.AddDate(0, 0, rng.IntN(10)))
		}
		in.Acts = append(in.Acts, a)
		if rng.IntN(4) == 0 {
			in.Involvements = append(in.Involvements, &qantar.Involvement{ActID: a.ID, PersonID: int64(rng.IntN(2) * (1 + rng.IntN(1000))), UnitID: 1, Degree: "carried_out"})
		}
	}
	terminations := []string{"cpc-35-1-1", "cpc-35-1-2", "cpc-35-1-3"}
	roles := []string{"victim", "suspect", "accused", "defendant", "convicted", "witness"}
	for i := 1; i <= cases; i++ {
		c := &qantar.Case{Meta: qantar.Meta{ID: int64(i)}, Number: "synthetic", OpenedOn: qantar.DayOf(start.AddDate(0, 0, 5+rng.IntN(60)))}
		for j := 0; j < 1+rng.IntN(4); j++ {
			c.ActIDs = append(c.ActIDs, int64(1+rng.IntN(acts)))
		}
		for j := 0; j < rng.IntN(3); j++ {
			c.Participants = append(c.Participants, qantar.Participant{PersonID: int64(1 + rng.IntN(1000)), Role: roles[rng.IntN(len(roles))]})
		}
		d := c.OpenedOn.Time()
		c.Steps = append(c.Steps, qantar.CaseEvent{Step: "registered", Date: qantar.DayOf(d)})
		switch rng.IntN(4) {
		case 0:
			c.Steps = append(c.Steps, qantar.CaseEvent{Step: "terminated", Date: qantar.DayOf(d.AddDate(0, 3, 0)), Ground: terminations[rng.IntN(3)]})
		case 1:
			c.Steps = append(c.Steps, qantar.CaseEvent{Step: "interrupted", Date: qantar.DayOf(d.AddDate(0, 2, 0)), Ground: "cpc-45-7-1"})
		case 2:
			c.Steps = append(c.Steps, qantar.CaseEvent{Step: "sent_to_court", Date: qantar.DayOf(d.AddDate(0, 4, 0))},
				qantar.CaseEvent{Step: "verdict", Date: qantar.DayOf(d.AddDate(0, 6, 0)), Verdict: "convicted"})
		}
		in.Cases = append(in.Cases, c)
	}
	kinds := []string{"appc-76", "appc-91", "cpc-105", "cpc-106", "info-401"}
	outcomes := []string{"no_response", "refused", "secrecy_of_investigation", "satisfied", "extended"}
	for i := 1; i <= complaints; i++ {
		filed := start.AddDate(0, 0, rng.IntN(5*365))
		c := &qantar.Complaint{Meta: qantar.Meta{ID: int64(i)}, ComplaintKind: kinds[rng.IntN(len(kinds))], FiledOn: qantar.DayOf(filed),
			AddresseeID: int64(rng.IntN(50)), CaseID: int64(rng.IntN(cases + 1))}
		for j := 0; j < rng.IntN(3); j++ {
			c.Responses = append(c.Responses, qantar.Response{ReceivedOn: qantar.DayOf(filed.AddDate(0, 0, rng.IntN(40))), Outcome: outcomes[rng.IntN(len(outcomes))]})
		}
		in.Complaints = append(in.Complaints, c)
	}
	for i := 1; i <= 200; i++ {
		in.Figures = append(in.Figures, &qantar.Figure{Meta: qantar.Meta{ID: int64(i)}, Measure: "deaths", Value: int64(200 + i%40),
			ClaimedBy: qantar.Text{"en": "synthetic"}, AsOf: qantar.DayOf(start.AddDate(0, 0, i*5)), PlaceID: int64(i % 3), SourceID: 1})
	}
	return in
}

// BenchmarkCompute is the target: every figure for 50,000 acts,
// 20,000 cases and 100,000 complaints in under a second.
func BenchmarkCompute(b *testing.B) {
	in := syntheticInput(50_000, 20_000, 100_000)
	asOf := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	cpu0 := cpuTime()
	n := 0
	for b.Loop() {
		st := Compute(in, asOf, nil)
		if st.Funnel.Deaths == 0 || st.Complaints.Total == 0 {
			b.Fatal("empty figures")
		}
		n++
	}
	// On a shared machine the wall clock counts other people's work; the
	// process's CPU time (all threads, GC included) does not.
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(n), "cpu-ns/op")
}

// cpuTime is the user and system CPU time of this process, in nanoseconds.
func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// BenchmarkReferenceSort is a reference measured in the same run: sorting
// 170,000 int64s (the number of records above), to compare machines.
func BenchmarkReferenceSort(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	src := make([]int64, 170_000)
	for i := range src {
		src[i] = rng.Int64()
	}
	buf := make([]int64, len(src))
	for b.Loop() {
		copy(buf, src)
		sortInt64s(buf)
	}
}

func TestSyntheticComputeRuns(t *testing.T) {
	st := Compute(syntheticInput(2000, 800, 4000), time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), nil)
	if st.Funnel.Deaths == 0 || st.Funnel.Convicted > st.Funnel.Charged || st.Funnel.Charged > st.Funnel.SuspectIdentified {
		t.Errorf("funnel %+v", st.Funnel)
	}
	sum := 0
	for _, c := range st.ByCity {
		sum += c.Funnel.Deaths
	}
	if sum != st.Funnel.Deaths {
		t.Errorf("deaths by city add up to %d, not %d", sum, st.Funnel.Deaths)
	}
	cc := st.Complaints.ComplaintCounts
	if cc.Pending+cc.Overdue+cc.AnsweredInTime+cc.AnsweredLate+cc.NoDeadline != cc.Total {
		t.Errorf("complaint statuses do not add up: %+v", cc)
	}
}

func sortInt64s(s []int64) { slices.Sort(s) }
