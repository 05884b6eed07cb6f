package command_test

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/command"
)

// benchInput is synthetic: units in a hierarchy (each under one of the
// units made before it, re-parented once for a third of them), commanding
// and other posts, positions at places over 2020-2023, acts attributed to
// units, and citations of posts and positions from sources of three kinds.
func benchInput(units, posts, positions, places int) command.Input {
	r := rand.New(rand.NewPCG(1, 2))
	day := func() qantar.Date {
		return qantar.DayOf(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.IntN(4*365)))
	}
	span := func() (qantar.Date, qantar.Date) {
		a, b := day(), day()
		if b.Before(a) {
			a, b = b, a
		}
		return a, b
	}
	var in command.Input
	for i := 1; i <= places; i++ {
		in.Places = append(in.Places, &qantar.Place{Meta: qantar.Meta{ID: int64(i)}, Name: qantar.Text{"en": "Synthetic place"}})
	}
	for i := 1; i <= units; i++ {
		u := &qantar.Unit{Meta: qantar.Meta{ID: int64(i)}, Name: qantar.Text{"en": "Synthetic unit"}}
		if i > 10 {
			u.Parents = []qantar.UnitParent{{ParentID: int64(1 + r.IntN(i-1)), To: qantar.MustDate("2021-12-31")}}
			if i%3 == 0 {
				u.Parents = append(u.Parents, qantar.UnitParent{ParentID: int64(1 + r.IntN(i-1)), From: qantar.MustDate("2022-01-01")})
			} else {
				u.Parents[0].To = qantar.Date{}
			}
		}
		in.Units = append(in.Units, u)
	}
	for i := 0; i < positions; i++ {
		u := in.Units[r.IntN(units)]
		from, to := span()
		u.Positions = append(u.Positions, qantar.UnitPosition{PositionKind: "operation", PlaceID: int64(1 + r.IntN(places)),
			From: from, To: to, AppliesToSubunits: i%10 == 0})
		in.Citations = append(in.Citations, &qantar.Citation{RecordKind: qantar.KindUnit, RecordID: u.ID,
			Field: "positions." + itoa(len(u.Positions)-1), SourceID: int64(1 + r.IntN(100))})
	}
	roles := []string{"commander", "commander", "deputy_commander", "member"}
	for i := 1; i <= posts; i++ {
		from, to := span()
		in.Posts = append(in.Posts, &qantar.Post{Meta: qantar.Meta{ID: int64(i)}, PersonID: int64(1 + r.IntN(posts)), UnitID: int64(1 + r.IntN(units)),
			Role: roles[r.IntN(len(roles))], FirstCited: from, LastCited: to})
		in.Citations = append(in.Citations, &qantar.Citation{RecordKind: qantar.KindPost, RecordID: int64(i), SourceID: int64(1 + r.IntN(100))})
	}
	for i := 1; i <= posts/2; i++ {
		in.Acts = append(in.Acts, &qantar.Act{Meta: qantar.Meta{ID: int64(i)}, PlaceID: int64(1 + r.IntN(places)), Date: day()})
		in.Involvements = append(in.Involvements, &qantar.Involvement{Meta: qantar.Meta{ID: int64(i)}, ActID: int64(i), UnitID: int64(1 + r.IntN(units))})
	}
	kinds := []string{"news", "testimony", "official_statement"}
	for i := 1; i <= 100; i++ {
		in.Sources = append(in.Sources, &qantar.Source{Meta: qantar.Meta{ID: int64(i)}, SourceKind: kinds[i%3], Publisher: "Synthetic publisher " + itoa(i%40)})
	}
	return in
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

// BenchmarkCommandAt asks who was at a random place on a random day over
// 5,000 units, 20,000 posts and 50,000 positions (on 2,000 places), and
// reports the 99th percentile of one answer beside the mean.
func BenchmarkCommandAt(b *testing.B) {
	in := benchInput(5000, 20000, 50000, 2000)
	start := time.Now()
	ix := command.NewIndex(in)
	indexed := time.Since(start)
	r := rand.New(rand.NewPCG(3, 4))
	var took []time.Duration
	units := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d := qantar.DayOf(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.IntN(4*365)))
		t := time.Now()
		units += len(ix.At(int64(1+r.IntN(2000)), d))
		took = append(took, time.Since(t))
	}
	b.StopTimer()
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(units)/float64(b.N), "units/answer")
	b.ReportMetric(float64(indexed.Milliseconds()), "index-ms")
}
