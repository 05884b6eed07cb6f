package site

import (
	"sort"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/chart"
	"github.com/qantar-project/qantar/report"
)

// The pages' charts are package chart's, the one engine of the site, the
// reports and the mirror: SVG drawn on the server, no JavaScript, colours
// from classes in style.css. Here the home page's figures become charts'
// data in the reader's language; the dashboard's come from package report.

// cityChart shows deaths by city, most first, at most 15 of them.
func (p *Site) cityChart(t tr, d *homeData) chart.Bars {
	var bars []chart.Bar
	for _, c := range d.stats.ByCity {
		if c.Funnel.Deaths == 0 {
			continue
		}
		label := t.S("place unknown")
		href := ""
		if c.PlaceID != 0 {
			label, href = t.Text(c.Name), recordHref(qantar.KindPlace, c.PlaceID)
		}
		bars = append(bars, chart.Bar{Label: label, Value: int64(c.Funnel.Deaths), Text: t.Num(c.Funnel.Deaths), Href: href})
	}
	sort.SliceStable(bars, func(i, j int) bool { return bars[i].Value > bars[j].Value })
	return chart.Bars{Title: t.S("Deaths by city"), Bars: bars[:min(len(bars), 15)]}
}

// dateChart shows deaths by date, in date order, at most 31 days.
func dateChart(t tr, st report.Stats) chart.Bars {
	var bars []chart.Bar
	for _, d := range st.ByDate {
		if d.Funnel.Deaths == 0 {
			continue
		}
		label := d.Date
		if label == "unknown" {
			label = t.S("date unknown")
		}
		bars = append(bars, chart.Bar{Label: label, Value: int64(d.Funnel.Deaths), Text: t.Num(d.Funnel.Deaths)})
	}
	return chart.Bars{Title: t.S("Deaths by date"), Bars: bars[:min(len(bars), 31)]}
}

// deathsChart shows the claimed death tolls over time beside the count
// documented here, drawn as the dashboard draws every measure.
func deathsChart(t tr, st report.Stats) chart.Time {
	for _, s := range st.Figures {
		if s.Measure != "deaths" || s.PlaceID != 0 {
			continue
		}
		return report.SeriesChart(s, t.S("Death toll over time"), t.Lang, figureHref)
	}
	return chart.Time{}
}

// figureHref is the address of a figure's page.
func figureHref(id int64) string { return recordHref(qantar.KindFigure, id) }
