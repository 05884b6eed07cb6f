package web

import (
	"fmt"
	"sort"
	"time"
)

// Charts are SVG drawn on the server: they need no JavaScript, scale to a
// phone's width through their viewBox, and print as vectors. Coordinates are
// computed here; the templates only write them out. Colours come from
// classes in style.css, with patterns that survive black-and-white print.

const (
	chartWidth  = 640
	barLabelW   = 200
	barAreaW    = 380
	barRowH     = 24
	chartMargin = 8
)

// barChart is a horizontal bar chart of counts.
type barChart struct {
	Title  string
	Height int
	Bars   []bar
}

type bar struct {
	Label  string
	Value  int
	Href   string
	Y      int     // top of the row
	W      float64 // bar width
	TextY  int
	ValueX float64
}

// newBarChart lays out bars in the order given, at most limit of them.
func newBarChart(title string, bars []bar, limit int) barChart {
	if len(bars) > limit {
		bars = bars[:limit]
	}
	maxV := 1
	for _, b := range bars {
		maxV = max(maxV, b.Value)
	}
	for i := range bars {
		b := &bars[i]
		b.Y = chartMargin + i*barRowH
		b.W = float64(b.Value) / float64(maxV) * barAreaW
		b.TextY = b.Y + barRowH/2 + 5
		b.ValueX = float64(barLabelW) + b.W + 6
	}
	return barChart{Title: title, Bars: bars, Height: 2*chartMargin + len(bars)*barRowH}
}

// timeChart is counts over time: one dot per claimed figure, official and
// independent apart, and Qantar's documented count as a line.
type timeChart struct {
	Title       string
	Height      int
	Points      []timePoint
	Documented  string // polyline points
	Left, Right string // first and last date shown
	Max         int
	AxisY       int
	// The legend, in the reader's language.
	Official, Independent, DocumentedLabel string
}

type timePoint struct {
	X, Y     float64
	Official bool
	Label    string
	Href     string
}

type timeValue struct {
	At       time.Time
	Value    int64
	Official bool
	Label    string
	Href     string
}

// newTimeChart lays out values over time; documented, when not nil, is
// drawn as a level line across the chart.
func newTimeChart(title string, values []timeValue, documented *int64) timeChart {
	const h, top, left, right = 220, 16, 48, chartWidth - 16
	bottom := h - 28
	c := timeChart{Title: title, Height: h, AxisY: bottom}
	if len(values) == 0 {
		return c
	}
	sort.SliceStable(values, func(i, j int) bool { return values[i].At.Before(values[j].At) })
	t0, t1 := values[0].At, values[len(values)-1].At
	maxV := int64(1)
	for _, v := range values {
		maxV = max(maxV, v.Value)
	}
	if documented != nil {
		maxV = max(maxV, *documented)
	}
	c.Max = int(maxV)
	span := t1.Sub(t0).Seconds()
	x := func(t time.Time) float64 {
		if span == 0 {
			return float64(left+right) / 2
		}
		return left + t.Sub(t0).Seconds()/span*float64(right-left)
	}
	y := func(v int64) float64 { return float64(bottom) - float64(v)/float64(maxV)*float64(bottom-top) }
	for _, v := range values {
		c.Points = append(c.Points, timePoint{X: x(v.At), Y: y(v.Value), Official: v.Official, Label: v.Label, Href: v.Href})
	}
	if documented != nil {
		c.Documented = fmt.Sprintf("%d,%.1f %d,%.1f", left, y(*documented), right, y(*documented))
	}
	c.Left, c.Right = t0.Format("2006-01-02"), t1.Format("2006-01-02")
	return c
}
