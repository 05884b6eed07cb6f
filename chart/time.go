package chart

import (
	"html/template"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Point is one claimed count at a date.
type Point struct {
	At       time.Time
	Value    int64
	Official bool   // an official claim (a filled circle), or an independent one (an open square)
	Text     string // the value as shown above the marker, the number when empty
	Title    string // a tooltip (who claimed it, when)
	Href     string // where the marker links to, if anywhere
}

// Time is counts over time: each series of claims (official, independent) a
// step line from one claim to the next, official solid with filled circles,
// independent dashed with open squares, and the count documented in Qantar,
// when given, a dotted level line across. The time axis runs from the first
// claim to the last.
type Time struct {
	Title      string
	Points     []Point
	Documented *int64
	// The words of the chart, in the reader's language.
	Official, Independent string // the legend of the two series
	DocumentedText        string // the documented line's label, with its number ("documented in Qantar: 7")
	DocumentedLegend      string // the legend of the documented line
	Empty                 string // said when there is no point
	// Num writes a number as the reader's language does (grouping); the
	// digits when nil.
	Num func(int64) string
}

type timeMark struct {
	Point
	X, Y   float64
	TextY  float64
	ShowTx bool
}

type timeLine struct {
	Points string
	Dash   string
	Class  string
}

type timeTick struct {
	Y    float64
	Text string
}

type timeView struct {
	Title, Empty                     string
	Width, Height                    int
	Left, Right, Bottom              float64
	Ticks                            []timeTick
	Lines                            []timeLine
	Marks                            []timeMark
	First, Last                      string
	DocY                             float64
	HasDoc                           bool
	DocText                          string
	Official, Independent, DocLegend string
	// The legend: the markers' x and the baselines of its one or two rows.
	LegOffX, LegIndX, LegDocX, LegendY, LegDocY float64
}

const (
	timeH                       = 290
	timeLeft, timeRight         = 56, Width - 16
	timeTop, timeBottom         = 28, timeH - 56
	timeMinLabelGap     float64 = 4 // between two values written above markers
)

// SVG draws the chart; a chart of no point says Empty.
func (c Time) SVG() template.HTML {
	num := c.Num
	if num == nil {
		num = func(v int64) string { return strconv.FormatInt(v, 10) }
	}
	v := timeView{Title: c.Title, Empty: c.Empty, Width: Width, Height: timeH, Left: timeLeft, Right: timeRight, Bottom: timeBottom}
	if len(c.Points) == 0 {
		v.Height = 80
		return render("time.svg", v)
	}
	pts := append([]Point(nil), c.Points...)
	sort.SliceStable(pts, func(i, j int) bool { return pts[i].At.Before(pts[j].At) })
	t0, t1 := pts[0].At, pts[len(pts)-1].At
	vmax := int64(1)
	for _, p := range pts {
		vmax = max(vmax, p.Value)
	}
	if c.Documented != nil {
		vmax = max(vmax, *c.Documented)
	}
	vmax = NiceCeil(vmax)
	span := t1.Sub(t0)
	x := func(t time.Time) float64 {
		if span <= 0 {
			return (timeLeft + timeRight) / 2
		}
		return timeLeft + (timeRight-timeLeft)*float64(t.Sub(t0))/float64(span)
	}
	y := func(n int64) float64 { return timeTop + (timeBottom-timeTop)*(1-float64(n)/float64(vmax)) }
	for _, n := range []int64{0, vmax / 2, vmax} {
		v.Ticks = append(v.Ticks, timeTick{Y: y(n), Text: num(n)})
	}
	v.First, v.Last = t0.Format(time.DateOnly), t1.Format(time.DateOnly)
	if span <= 0 {
		v.Last = ""
	}
	end := x(t1)
	if span <= 0 {
		end = timeRight
	}
	for _, official := range []bool{true, false} {
		v.Lines, v.Marks = c.series(v.Lines, v.Marks, pts, official, x, y, end, num)
	}
	v.Marks = spaceTexts(v.Marks)
	v.Official, v.Independent = c.Official, c.Independent
	if c.Documented != nil {
		v.HasDoc, v.DocY, v.DocText, v.DocLegend = true, y(*c.Documented), c.DocumentedText, c.DocumentedLegend
	}
	v.legend()
	return render("time.svg", v)
}

// legend places the legend below the time axis: the markers of the two
// series and the documented line in a row, the documented line on a row of
// its own when the row would be wider than the chart.
func (v *timeView) legend() {
	v.LegendY = v.Bottom + 44
	v.LegOffX = margin + 6
	v.LegIndX = v.LegOffX + 10 + textWidth(v.Official) + 24
	if !v.HasDoc {
		return
	}
	v.LegDocX, v.LegDocY = v.LegIndX+10+textWidth(v.Independent)+20, v.LegendY
	if v.LegDocX+26+textWidth(v.DocLegend) > float64(v.Width-margin) {
		v.LegDocX, v.LegDocY = margin, v.LegendY+20
		v.Height += 20
	}
}

// series adds the step line and the markers of one kind of claim.
func (c Time) series(lines []timeLine, marks []timeMark, pts []Point, official bool, x func(time.Time) float64, y func(int64) float64, end float64, num func(int64) string) ([]timeLine, []timeMark) {
	var line []string
	var last *Point
	xy := func(px, py float64) string {
		return strconv.FormatFloat(px, 'f', 1, 64) + "," + strconv.FormatFloat(py, 'f', 1, 64)
	}
	for i := range pts {
		p := &pts[i]
		if p.Official != official {
			continue
		}
		if last != nil {
			line = append(line, xy(x(p.At), y(last.Value)))
		}
		line = append(line, xy(x(p.At), y(p.Value)))
		last = p
		m := timeMark{Point: *p, X: x(p.At), Y: y(p.Value), ShowTx: true}
		if m.Text == "" {
			m.Text = num(p.Value)
		}
		m.TextY = m.Y - 9
		marks = append(marks, m)
	}
	if last == nil {
		return lines, marks
	}
	line = append(line, xy(end, y(last.Value)))
	l := timeLine{Points: strings.Join(line, " "), Class: "line official"}
	if !official {
		l.Dash, l.Class = "6 4", "line independent"
	}
	return append(lines, l), marks
}

// spaceTexts keeps the value written by a marker from running into
// another value or another marker: a value is written above its marker, or
// below it when above is taken, or left to the marker's tooltip when both
// are. Values are placed from the largest down, so the highest counts are
// the ones read.
func spaceTexts(marks []timeMark) []timeMark {
	order := make([]int, len(marks))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return marks[order[a]].Value > marks[order[b]].Value })
	var drawn []textBox
	for _, i := range order {
		m := &marks[i]
		w := textWidth(m.Text)
		m.ShowTx = false
		for _, ty := range []float64{m.Y - 9, m.Y + 9 + fontSize} {
			b := textBox{m.X - w/2 - timeMinLabelGap/2, m.X + w/2 + timeMinLabelGap/2, ty - fontSize, ty + 2}
			if !b.hits(drawn) && !b.hitsMarker(marks, i) {
				m.TextY, m.ShowTx = ty, true
				drawn = append(drawn, b)
				break
			}
		}
	}
	return marks
}

// textBox is where a value's text is drawn.
type textBox struct{ x0, x1, y0, y1 float64 }

func (b textBox) overlaps(o textBox) bool {
	return b.x0 < o.x1 && o.x0 < b.x1 && b.y0 < o.y1 && o.y0 < b.y1
}

func (b textBox) hits(drawn []textBox) bool {
	for _, d := range drawn {
		if b.overlaps(d) {
			return true
		}
	}
	return false
}

// hitsMarker reports whether the box covers a marker other than own's.
func (b textBox) hitsMarker(marks []timeMark, own int) bool {
	const r = 6 // a marker's half width, with its outline
	for j, m := range marks {
		if j != own && b.overlaps(textBox{m.X - r, m.X + r, m.Y - r, m.Y + r}) {
			return true
		}
	}
	return false
}

// NiceCeil rounds a positive count up to 1, 2, 2.5 or 5 times a power of
// ten (2.5 from 25 up), the top of a chart's value axis, so that the data
// fills most of its height.
func NiceCeil(v int64) int64 {
	for p := int64(1); ; p *= 10 {
		steps := []int64{p, 2 * p, 5 * p}
		if p >= 10 {
			steps = []int64{p, 2 * p, 5 * p / 2, 5 * p}
		}
		for _, s := range steps {
			if s >= v {
				return s
			}
		}
	}
}
