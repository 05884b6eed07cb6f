package command_test

import (
	"reflect"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/command"
)

func TestGrade(t *testing.T) {
	news := func(id int64, pub, author string) *qantar.Source {
		return &qantar.Source{Meta: qantar.Meta{ID: id}, SourceKind: "news", Publisher: pub, Author: author}
	}
	cases := []struct {
		name    string
		sources []*qantar.Source
		want    string
	}{
		{"None", nil, command.GradeUnsourced},
		{"One", []*qantar.Source{news(1, "Vlast.kz", "")}, command.GradeSingle},
		{"SamePublisher", []*qantar.Source{news(1, "Vlast.kz", "A"), news(2, " vlast.kz", "B")}, command.GradeSingle},
		{"SameAuthor", []*qantar.Source{news(1, "Vlast.kz", "A"), news(2, "Azattyq", "A")}, command.GradeSingle},
		{"SameSourceTwice", []*qantar.Source{news(1, "", ""), news(1, "", "")}, command.GradeSingle},
		{"Independent", []*qantar.Source{news(1, "Vlast.kz", "A"), news(2, "Azattyq", "B")}, command.GradeIndependent},
		{"NoPublisherNoAuthor", []*qantar.Source{news(1, "", ""), news(2, "", "")}, command.GradeIndependent},
		{"Official", []*qantar.Source{news(1, "Vlast.kz", ""), {Meta: qantar.Meta{ID: 3}, SourceKind: "official_statement"}}, command.GradeOfficial},
		{"CourtDocument", []*qantar.Source{{Meta: qantar.Meta{ID: 3}, SourceKind: "court_document"}}, command.GradeOfficial},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := command.Grade(c.sources); got != c.want {
				t.Fatalf("got %s, want %s", got, c.want)
			}
		})
	}
}

// Synthetic data (no real unit or person): a ministry (1) over a regiment
// (2) over a battalion (3), and a police department (4) under the
// ministry. The regiment's commander changes mid-January 2022: person 10
// last cited on the 5th, person 11 first cited on the 6th. On the square
// (place 100) the battalion operates on the 5th and 6th; on the 7th the
// regiment is there with a position sourced as applying to its sub-units,
// and an act there is attributed to the police department.
func synthetic() command.Input {
	d := qantar.MustDate
	name := func(s string) qantar.Text { return qantar.Text{"en": s} }
	sq := int64(100)
	lat, lon := 43.2380, 76.9450
	return command.Input{
		Units: []*qantar.Unit{
			{Meta: qantar.Meta{ID: 1}, Name: name("Synthetic Ministry")},
			{Meta: qantar.Meta{ID: 2}, Name: name("Synthetic Regiment"), Parents: []qantar.UnitParent{{ParentID: 1, From: d("2020")}},
				Positions: []qantar.UnitPosition{{PositionKind: "operation", PlaceID: sq, From: d("2022-01-07"), To: d("2022-01-07"), AppliesToSubunits: true}}},
			{Meta: qantar.Meta{ID: 3}, Name: name("Synthetic Battalion"), Parents: []qantar.UnitParent{{ParentID: 2, From: d("2021"), Status: "in_conflict"}},
				Positions: []qantar.UnitPosition{{PositionKind: "base", PlaceID: 200}, {PositionKind: "operation", PlaceID: sq, From: d("2022-01-05"), To: d("2022-01-06")}}},
			{Meta: qantar.Meta{ID: 4}, Name: name("Synthetic Police Department"), Parents: []qantar.UnitParent{{ParentID: 1}}},
			{Meta: qantar.Meta{ID: 5}, Name: name("Synthetic Patrol"), Parents: []qantar.UnitParent{{ParentID: 1}},
				Positions: []qantar.UnitPosition{{PositionKind: "operation", Lat: &lat, Lon: &lon, PrecisionM: 50, From: d("2022-01-06"), To: d("2022-01-06")}}},
		},
		Places: []*qantar.Place{{Meta: qantar.Meta{ID: sq}, Name: name("Synthetic Square"), Lat: &lat, Lon: &lon}},
		Posts: []*qantar.Post{
			{Meta: qantar.Meta{ID: 20}, PersonID: 10, UnitID: 2, Role: "commander", FirstCited: d("2021-03"), LastCited: d("2022-01-05")},
			{Meta: qantar.Meta{ID: 21}, PersonID: 11, UnitID: 2, Role: "commander", FirstCited: d("2022-01-06")},
			{Meta: qantar.Meta{ID: 22}, PersonID: 12, UnitID: 3, Role: "commander", FirstCited: d("2021")},
			{Meta: qantar.Meta{ID: 23}, PersonID: 13, UnitID: 1, Role: "head"},
			{Meta: qantar.Meta{ID: 24}, PersonID: 14, UnitID: 3, Role: "member"},
			// A protected commander's post as Project gives it: no unit, no role.
			{Meta: qantar.Meta{ID: 25}, PersonID: 15},
		},
		Acts:         []*qantar.Act{{Meta: qantar.Meta{ID: 30}, VictimID: 40, ActType: "killing", PlaceID: sq, Date: d("2022-01-07")}},
		Involvements: []*qantar.Involvement{{Meta: qantar.Meta{ID: 31}, ActID: 30, UnitID: 4, Degree: "perpetrator"}},
		Sources: []*qantar.Source{
			{Meta: qantar.Meta{ID: 50}, SourceKind: "news", Publisher: "Synthetic Daily"},
			{Meta: qantar.Meta{ID: 51}, SourceKind: "news", Publisher: "Synthetic Weekly"},
			{Meta: qantar.Meta{ID: 52}, SourceKind: "official_statement", Publisher: "Synthetic Ministry"},
		},
		Citations: []*qantar.Citation{
			{RecordKind: qantar.KindPost, RecordID: 20, SourceID: 50},
			{RecordKind: qantar.KindPost, RecordID: 21, SourceID: 50},
			{RecordKind: qantar.KindPost, RecordID: 21, SourceID: 51},
			{RecordKind: qantar.KindUnit, RecordID: 3, Field: "positions.1", SourceID: 52},
			{RecordKind: qantar.KindUnit, RecordID: 3, Field: "positions.0", SourceID: 50},
			{RecordKind: qantar.KindUnit, RecordID: 3, Field: "parents[0].parent_id", SourceID: 51},
			{RecordKind: qantar.KindInvolvement, RecordID: 31, SourceID: 51},
		},
	}
}

type presence struct {
	unit       int64
	basis      string
	grade      string
	commanders map[int64][]int64 // unit → commanders in its chain
}

func TestAtThreeDays(t *testing.T) {
	ix := command.NewIndex(synthetic())
	cases := []struct {
		date string
		want []presence
	}{
		{"2022-01-05", []presence{{3, command.BasisPosition, command.GradeOfficial, map[int64][]int64{3: {12}, 2: {10}, 1: {13}}}}},
		{"2022-01-06", []presence{
			{3, command.BasisPosition, command.GradeOfficial, map[int64][]int64{3: {12}, 2: {11}, 1: {13}}},
			{5, command.BasisPosition, command.GradeUnsourced, map[int64][]int64{5: {}, 1: {13}}}}},
		{"2022-01-07", []presence{
			{2, command.BasisPosition, command.GradeUnsourced, map[int64][]int64{2: {11}, 1: {13}}},
			{3, command.BasisParentPosition, command.GradeUnsourced, map[int64][]int64{3: {12}, 2: {11}, 1: {13}}},
			{4, command.BasisAct, command.GradeSingle, map[int64][]int64{4: {}, 1: {13}}}}},
		{"2022-01-08", nil},
		// A month overlaps every day in it.
		{"2022-01", []presence{
			{2, command.BasisPosition, command.GradeUnsourced, map[int64][]int64{2: {11, 10}, 1: {13}}},
			{3, command.BasisPosition, command.GradeOfficial, map[int64][]int64{3: {12}, 2: {11, 10}, 1: {13}}},
			{4, command.BasisAct, command.GradeSingle, map[int64][]int64{4: {}, 1: {13}}},
			{5, command.BasisPosition, command.GradeUnsourced, map[int64][]int64{5: {}, 1: {13}}}}},
	}
	for _, c := range cases {
		t.Run(c.date, func(t *testing.T) {
			got := ix.At(100, qantar.MustDate(c.date))
			if len(got) != len(c.want) {
				t.Fatalf("%d units present, want %d: %+v", len(got), len(c.want), got)
			}
			for i, w := range c.want {
				g := got[i]
				if g.UnitID != w.unit || g.Evidence[0].Basis != w.basis || g.Evidence[0].Claim.Grade != w.grade {
					t.Fatalf("unit %d by %s (%s), want %d by %s (%s)", g.UnitID, g.Evidence[0].Basis, g.Evidence[0].Claim.Grade, w.unit, w.basis, w.grade)
				}
				cm := map[int64][]int64{}
				for _, l := range g.Chain {
					cm[l.UnitID] = []int64{}
					for _, c := range l.Commanders {
						cm[l.UnitID] = append(cm[l.UnitID], c.PersonID)
					}
				}
				if !reflect.DeepEqual(cm, w.commanders) {
					t.Fatalf("unit %d: commanders %v, want %v", g.UnitID, cm, w.commanders)
				}
			}
		})
	}
}

func TestChainClaims(t *testing.T) {
	ix := command.NewIndex(synthetic())
	chain, err := ix.Chain(3, qantar.MustDate("2022-01-06"))
	if err != nil {
		t.Fatal(err)
	}
	if len(chain) != 3 || chain[0].Parent == nil || chain[2].Parent != nil {
		t.Fatalf("chain %+v", chain)
	}
	// The battalion's link to the regiment: its own citation, its status.
	if p := chain[0].Parent; p.Status != "in_conflict" || p.Grade != command.GradeSingle || !reflect.DeepEqual(p.SourceIDs, []int64{51}) {
		t.Fatalf("parent claim %+v", p)
	}
	if c := chain[1].Commanders[0].Claim; c.Grade != command.GradeIndependent || c.Status != "accepted" || len(c.SourceIDs) != 2 {
		t.Fatalf("commander claim %+v", c)
	}
	if _, err := ix.Chain(99, qantar.MustDate("2022-01-06")); qantar.ErrorCode(err) != qantar.ENOTFOUND {
		t.Fatalf("unknown unit: %v", err)
	}
}

func TestProtectedCommanderNeverMatched(t *testing.T) {
	ix := command.NewIndex(synthetic())
	for _, c := range ix.Commanders(3) {
		if c.PersonID == 15 {
			t.Fatal("a protected person's post was matched")
		}
	}
	if got := ix.PostsOf(15); len(got) != 0 {
		t.Fatalf("posts of a protected person: %v", got)
	}
	if got := ix.PostsOf(12); len(got) != 1 || got[0].ID != 22 {
		t.Fatalf("posts of 12: %v", got)
	}
}

func TestLoopReported(t *testing.T) {
	in := synthetic()
	// A loop written before the stores refused loops.
	in.Units[0].Parents = []qantar.UnitParent{{ParentID: 3}}
	ix := command.NewIndex(in)
	chain, err := ix.Chain(3, qantar.MustDate("2022-01-06"))
	if qantar.ErrorCode(err) != qantar.ECONFLICT || len(chain) != 3 {
		t.Fatalf("chain %d, err %v", len(chain), err)
	}
	if got := ix.At(100, qantar.MustDate("2022-01-06")); got[0].Warning == "" {
		t.Fatal("no warning for a looping chain")
	}
}

func TestTree(t *testing.T) {
	ix := command.NewIndex(synthetic())
	up, down, err := ix.Tree(1, qantar.MustDate("2022-01-06"), 2, 2)
	if err != nil || len(up) != 1 {
		t.Fatalf("up %v err %v", up, err)
	}
	if len(down.Children) != 2 || down.More != 1 || down.Children[0].UnitID != 2 || len(down.Children[0].Children) != 1 {
		t.Fatalf("down %+v", down)
	}
	if got := down.Children[0].Commanders; len(got) != 1 || got[0].PersonID != 11 {
		t.Fatalf("regiment's commander on the 6th: %+v", got)
	}
}
