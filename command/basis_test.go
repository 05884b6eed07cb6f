package command_test

import (
	"reflect"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/command"
)

// commandFixture: unit 1 (a district police department) was under 2 (city
// police) until 30 Jun 2022 and under 3 (a new department) from 1 Jul 2022;
// 2 and 3 are under 4 (the ministry). 5 and 6 point at each other; 7 names
// a parent that is not among the units.
func commandFixture() ([]*qantar.Unit, []*qantar.Post) {
	u := func(id int64, parents ...qantar.UnitParent) *qantar.Unit {
		return &qantar.Unit{Meta: qantar.Meta{ID: id}, Name: qantar.Text{"en": "unit"}, Parents: parents}
	}
	up := func(id int64, from, to string) qantar.UnitParent {
		p := qantar.UnitParent{ParentID: id}
		if from != "" {
			p.From = qantar.MustDate(from)
		}
		if to != "" {
			p.To = qantar.MustDate(to)
		}
		return p
	}
	post := func(id, person, unit int64, role, first, last, conf string) *qantar.Post {
		p := &qantar.Post{Meta: qantar.Meta{ID: id}, PersonID: person, UnitID: unit, Role: role, Confidence: conf}
		if first != "" {
			p.FirstCited = qantar.MustDate(first)
		}
		if last != "" {
			p.LastCited = qantar.MustDate(last)
		}
		return p
	}
	units := []*qantar.Unit{
		u(1, up(2, "2020", "2022-06-30"), up(3, "2022-07-01", "")),
		u(2, up(4, "", "")), u(3, up(4, "2022-07-01", "")), u(4),
		u(5, up(6, "", "")), u(6, up(5, "", "")),
		u(7, up(99, "", "")),
	}
	posts := []*qantar.Post{
		post(1, 10, 1, "commander", "2021-01", "2022-03", "high"),
		post(2, 11, 1, "commander", "2022-08", "", "medium"),
		post(3, 12, 2, "commander", "", "", "low"),
		post(4, 13, 2, "head", "2021-06-01", "2022-02-01", "high"),
		post(5, 14, 2, "member", "2021-01-01", "2023-01-01", "high"),
		post(6, 15, 4, "head", "", "2023", ""),
		post(7, 16, 99, "commander", "2022", "2022", "high"),
	}
	return units, posts
}

type levelSummary struct {
	unit    int64
	persons []int64
	bases   []string
}

func summarize(chain []command.Level) []levelSummary {
	var out []levelSummary
	for _, l := range chain {
		s := levelSummary{unit: l.UnitID}
		for _, c := range l.Commanders {
			s.persons = append(s.persons, c.PersonID)
			s.bases = append(s.bases, c.Basis)
		}
		out = append(out, s)
	}
	return out
}

// A chain of command on a date follows the parent of that date, lists the
// commanders cited over it (the most recently named first), and says how
// each is known to cover the date.
func TestChainOnDateAndBasis(t *testing.T) {
	units, posts := commandFixture()
	ix := command.NewIndex(command.Input{Units: units, Posts: posts})
	tests := []struct {
		name string
		unit int64
		date string
		want []levelSummary
	}{
		{"January2022", 1, "2022-01-05", []levelSummary{
			{1, []int64{10}, []string{command.BasisCitedSpan}},
			{2, []int64{13, 12}, []string{command.BasisCitedSpan, command.BasisUndated}},
			{4, []int64{15}, []string{command.BasisCitedAfter}},
		}},
		{"AfterReorganisation", 1, "2022-09-01", []levelSummary{
			{1, []int64{11}, []string{command.BasisCitedBefore}},
			{3, nil, nil},
			{4, []int64{15}, []string{command.BasisCitedAfter}},
		}},
		// June 2022: nobody is cited as commander of unit 1 that month.
		{"MonthWithoutCommander", 1, "2022-06", []levelSummary{
			{1, nil, nil},
			{2, []int64{12}, []string{command.BasisUndated}},
			{4, []int64{15}, []string{command.BasisCitedAfter}},
		}},
		// The year 2022 overlaps both parents; the newer one is followed,
		// and both commanders cited that year are listed.
		{"YearOverlapsBoth", 1, "2022", []levelSummary{
			{1, []int64{11, 10}, []string{command.BasisCitedBefore, command.BasisCitedSpan}},
			{3, nil, nil},
			{4, []int64{15}, []string{command.BasisCitedAfter}},
		}},
		// A parent the reader cannot see ends the chain with its id alone.
		{"ParentNotGiven", 7, "2022-01-05", []levelSummary{{7, nil, nil}, {99, nil, nil}}},
		{"TopUnit", 4, "2024-01-01", []levelSummary{{4, nil, nil}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			chain, err := ix.Chain(tc.unit, qantar.MustDate(tc.date))
			if err != nil {
				t.Fatal(err)
			}
			if got := summarize(chain); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("chain = %+v, want %+v", got, tc.want)
			}
		})
	}
	if chain, err := ix.Chain(5, qantar.MustDate("2022-01-05")); qantar.ErrorCode(err) != qantar.ECONFLICT || len(chain) != 2 {
		t.Errorf("loop: %v, chain %+v", err, summarize(chain))
	}
	if chain, _ := ix.Chain(1, qantar.MustDate("2022")); len(chain[0].OtherParents) != 1 || chain[0].OtherParents[0] != 2 {
		t.Errorf("other parents of 2022: %+v", chain[0].OtherParents)
	}
}
