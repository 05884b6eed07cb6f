// Package chart draws Qantar's charts as SVG on the server, the one chart
// engine of the site's pages, the reports and the static mirror (which
// serves the site's pages as they are). A chart needs no JavaScript, scales
// to a phone's width through its viewBox with text about as large as the
// page's, and prints in black and white: shapes and dashes, not colour
// alone, tell series apart. Colours come from CSS classes (web's style.css:
// .chart .bar, .official, .independent, .documented, .axis, .grid, .label,
// .value), never from inline styles, so the pages' Content-Security-Policy
// (style-src 'self') holds.
//
// A chart is data (Bars, Time) drawn by its SVG method through html/template,
// which escapes every text. The caller gives every word and formatted number
// in the reader's language (package locale); chart writes none of its own.
package chart

import (
	"bytes"
	"embed"
	"html/template"
	"strconv"
	"unicode/utf8"
)

//go:embed svg/*.svg
var files embed.FS

var tmpl = template.Must(template.New("").Funcs(template.FuncMap{
	"f":   func(x float64) string { return strconv.FormatFloat(x, 'f', 1, 64) },
	"add": func(a, b float64) float64 { return a + b },
	"sub": func(a, b float64) float64 { return a - b },
}).ParseFS(files, "svg/*.svg"))

// Width is the width of every chart's viewBox. Drawn across a 390 px phone
// a chart is shrunk by about 0.8, so its 14-unit text stays above 11 px.
const Width = 480

const (
	fontSize = 14
	charW    = 0.6 * fontSize // the width of an average character
	margin   = 8
)

// textWidth estimates how wide a text is drawn.
func textWidth(s string) float64 { return float64(utf8.RuneCountInString(s)) * charW }

func render(name string, data any) template.HTML {
	var b bytes.Buffer
	if err := tmpl.ExecuteTemplate(&b, name, data); err != nil {
		// The templates are part of the program and their data is made
		// here: a failure is a bug that the package's tests catch.
		panic("chart: " + err.Error())
	}
	return template.HTML(b.String()) // #nosec G203: html/template escaped every text
}

// Bar is one row of a bar chart.
type Bar struct {
	Label string
	Value int64
	Text  string // the value as shown beside the bar ("120 (50.4 %)"), the number when empty
	Title string // a tooltip, when it says more than the label and text
	Href  string // where the row links to, if anywhere
}

// Bars is a horizontal bar chart of counts, in the order given. Short
// labels stand left of their bars; when any is too long for that, every
// label stands above its bar.
type Bars struct {
	Title string
	Bars  []Bar
}

type barRow struct {
	Bar
	LabelX, LabelY, BarX, BarY, BarW, ValueX, ValueY float64
	Anchor                                           string
}

type barsView struct {
	Title  string
	Width  int
	Height float64
	Rows   []barRow
}

// labelsLeftMax is the widest label drawn left of its bar.
const labelsLeftMax = 150

// SVG draws the chart; nothing when it has no bars.
func (c Bars) SVG() template.HTML {
	if len(c.Bars) == 0 {
		return ""
	}
	labelW, valueW := 0.0, 0.0
	maxV := int64(1)
	for i := range c.Bars {
		b := &c.Bars[i]
		if b.Text == "" {
			b.Text = strconv.FormatInt(b.Value, 10)
		}
		labelW, valueW = max(labelW, textWidth(b.Label)), max(valueW, textWidth(b.Text))
		maxV = max(maxV, b.Value)
	}
	above := labelW > labelsLeftMax
	barX, rowH := labelW+2*margin, 26.0
	if above {
		barX, rowH = margin, 46
	}
	area := Width - barX - valueW - 2*margin
	v := barsView{Title: c.Title, Width: Width, Height: float64(len(c.Bars))*rowH + 2*margin}
	for i, b := range c.Bars {
		top := margin + float64(i)*rowH
		r := barRow{Bar: b, BarX: barX, BarW: area * float64(b.Value) / float64(maxV)}
		if b.Value > 0 && r.BarW < 2 {
			r.BarW = 2 // a count that is not zero is seen
		}
		if above {
			r.LabelX, r.LabelY, r.Anchor, r.BarY = margin, top+fontSize, "start", top+fontSize+6
		} else {
			r.LabelX, r.LabelY, r.Anchor, r.BarY = barX-margin, top+fontSize+2, "end", top+3
		}
		r.ValueX, r.ValueY = barX+r.BarW+6, r.BarY+fontSize+1
		v.Rows = append(v.Rows, r)
	}
	return render("bars.svg", v)
}
