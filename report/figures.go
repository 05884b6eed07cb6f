package report

import (
	"sort"
	"time"

	"github.com/qantar-project/qantar"
)

// Point is one claimed count (a qantar.Figure) in a series.
type Point struct {
	FigureID  int64       `json:"figure_id"`
	AsOf      string      `json:"as_of"`
	Value     int64       `json:"value"`
	Qualifier string      `json:"qualifier,omitempty"`
	Official  bool        `json:"official"`
	ClaimedBy qantar.Text `json:"claimed_by"`
	SourceID  int64       `json:"source_id"`
}

// Series is every claimed count of one measure for one area (PlaceID 0: the
// whole event), oldest first, official and independent side by side.
// Documented is the same measure counted in Qantar's own records on the
// as-of date, for the measures Qantar can count (nil otherwise):
//
//   - deaths: distinct persons with a killing act (the funnel's Deaths);
//   - deaths_in_custody, tortured, injured, detained: distinct victims of
//     acts of type death_in_custody; torture or death_from_torture; injury;
//     arbitrary_detention;
//   - criminal_cases: cases that existed by the date.
//
// For an area, only acts (and cases with an act) whose city is the area's
// city are counted. Figures scoped to an event are drawn with the others.
type Series struct {
	Measure    string  `json:"measure"`
	PlaceID    int64   `json:"place_id,omitempty"`
	Points     []Point `json:"points"`
	Documented *int64  `json:"documented"`
}

// actTypesOf lists the act types whose victims a measure counts.
var actTypesOf = map[string][]string{
	"deaths_in_custody": {"death_in_custody"},
	"tortured":          {"torture", "death_from_torture"},
	"injured":           {"injury"},
	"detained":          {"arbitrary_detention"},
}

func figureSeries(figs []*qantar.Figure, ix *index, asOf time.Time) []Series {
	type key struct {
		measure string
		place   int64
	}
	byKey := map[key]*Series{}
	var out []*Series
	for _, f := range figs {
		if f == nil || f.AsOf.IsZero() || f.AsOf.Time().After(asOf) {
			continue
		}
		k := key{f.Measure, f.PlaceID}
		s := byKey[k]
		if s == nil {
			s = &Series{Measure: f.Measure, PlaceID: f.PlaceID}
			byKey[k] = s
			out = append(out, s)
		}
		s.Points = append(s.Points, Point{FigureID: f.ID, AsOf: f.AsOf.String(), Value: f.Value, Qualifier: f.Qualifier,
			Official: f.Official, ClaimedBy: f.ClaimedBy, SourceID: f.SourceID})
	}
	order := map[string]int{}
	for i, c := range qantar.VocabCodes("figure_measure") {
		order[c] = i
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Measure != b.Measure {
			return order[a.Measure] < order[b.Measure]
		}
		return a.PlaceID < b.PlaceID
	})
	res := make([]Series, len(out))
	for i, s := range out {
		sort.SliceStable(s.Points, func(a, b int) bool {
			pa, pb := s.Points[a], s.Points[b]
			if pa.AsOf != pb.AsOf {
				return pa.AsOf < pb.AsOf
			}
			return pa.FigureID < pb.FigureID
		})
		s.Documented = ix.documented(s.Measure, s.PlaceID)
		res[i] = *s
	}
	return res
}

// documented counts a measure in Qantar's records; see Series.
func (ix *index) documented(measure string, place int64) *int64 {
	city := int64(-1) // every city
	if place != 0 {
		city = ix.cityOf(place)
	}
	var n int64
	switch measure {
	case "deaths":
		for _, v := range ix.victims {
			if city < 0 || v.acts[0].city == city {
				n++
			}
		}
	case "criminal_cases":
		for _, c := range ix.cases {
			if city < 0 {
				n++
				continue
			}
			for _, cy := range c.cities {
				if ix.cityIDs[cy] == city {
					n++
					break
				}
			}
		}
	default:
		types, ok := actTypesOf[measure]
		if !ok {
			return nil
		}
		seen := map[int64]bool{}
		for _, ai := range ix.acts {
			a := ai.act
			if seen[a.VictimID] || (city >= 0 && ai.city != city) {
				continue
			}
			for _, t := range types {
				if a.ActType == t {
					seen[a.VictimID] = true
					n++
					break
				}
			}
		}
	}
	return &n
}
