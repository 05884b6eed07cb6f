package report

import (
	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/chart"
	"github.com/qantar-project/qantar/locale"
)

// The report's charts are package chart's: the figures here become a chart's
// data with every word and number in the reader's language (package
// locale), and chart draws them.

// FunnelStages are the catalogue keys of the funnel's stages, in order.
var FunnelStages = []string{
	"Deaths documented",
	"A criminal case is open",
	"A suspect is identified",
	"Someone is charged",
	"Someone is convicted",
}

// FunnelChart is the funnel as a bar chart: one bar per stage with its
// count and, after the first, its share of the deaths to one decimal.
func FunnelChart(f Funnel, lang string) chart.Bars {
	p := locale.For(lang)
	values := []int{f.Deaths, f.WithCase, f.SuspectIdentified, f.Charged, f.Convicted}
	c := chart.Bars{Title: p.S("From death to conviction")}
	for i, v := range values {
		b := chart.Bar{Label: p.S(FunnelStages[i]), Value: int64(v), Text: p.Num(v)}
		if i > 0 && values[0] > 0 {
			b.Text = p.S("%d (%.1f%%)", v, float64(v)*100/float64(values[0]))
		}
		c.Bars = append(c.Bars, b)
	}
	return c
}

// SeriesChart is the claimed counts of one measure over time, official and
// independent apart, beside the count documented in Qantar (if any). href,
// if not nil, gives the address of a figure, where each marker links to.
func SeriesChart(s Series, title, lang string, href func(figureID int64) string) chart.Time {
	p := locale.For(lang)
	c := chart.Time{
		Title: title, Documented: s.Documented,
		Official: p.S("official count"), Independent: p.S("independent count"),
		DocumentedLegend: p.S("documented in Qantar"), Empty: p.S("No claimed counts yet"),
		Num: func(v int64) string { return p.Num(v) },
	}
	if s.Documented != nil {
		c.DocumentedText = p.S("documented in Qantar: %d", *s.Documented)
	}
	for _, pt := range s.Points {
		d, err := qantar.ParseDate(pt.AsOf)
		if err != nil {
			continue
		}
		cp := chart.Point{At: d.Time(), Value: pt.Value, Official: pt.Official, Text: p.Num(pt.Value),
			Title: pt.AsOf + ": " + p.Num(pt.Value)}
		if by, _ := pt.ClaimedBy.In(lang); by != "" {
			cp.Title += " (" + by + ")"
		}
		if href != nil && pt.FigureID != 0 {
			cp.Href = href(pt.FigureID)
		}
		c.Points = append(c.Points, cp)
	}
	return c
}
