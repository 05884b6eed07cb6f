package chart

import (
	"html/template"
	"strconv"
	"strings"
	"unicode/utf8"
)

// OrgBox is one unit of an organisation chart.
type OrgBox struct {
	Name    string
	Lines   []string // under the name: its commanders on the date, as the caller words them
	Href    string
	Depth   int  // 0 for the top of the drawing; a sub-unit is one deeper than its parent
	Current bool // the unit the chart is about, drawn heavier
}

// Org is an organisation chart at a date, drawn as an indented tree so that
// it reads down a phone's screen: each box below and right of its parent,
// joined to it by an elbow line. Boxes come in drawing order (a parent
// before its children).
type Org struct {
	Title string
	Boxes []OrgBox
}

type orgBox struct {
	OrgBox
	Name              string
	Lines             []orgLine
	X, Y, W, H, NameY float64
}

type orgLine struct {
	Text string
	X, Y float64
}

type orgView struct {
	Title  string
	Width  int
	Height float64
	Boxes  []orgBox
	Links  []string // polyline points from a parent to a child
}

const (
	orgIndent = 22.0
	orgLineH  = 18.0
	orgGap    = 10.0
)

// SVG draws the chart; nothing when it has no box.
func (o Org) SVG() template.HTML {
	if len(o.Boxes) == 0 {
		return ""
	}
	v := orgView{Title: o.Title, Width: Width}
	y := float64(margin)
	var last []int // the last box drawn at each depth
	for i, b := range o.Boxes {
		x := margin + float64(b.Depth)*orgIndent
		w := Width - x - margin
		ob := orgBox{OrgBox: b, X: x, Y: y, W: w, H: 12 + orgLineH*float64(1+len(b.Lines)), NameY: y + 6 + fontSize}
		ob.Name = clip(b.Name, w-16)
		for j, l := range b.Lines {
			ob.Lines = append(ob.Lines, orgLine{Text: clip(l, w-16), X: x + 8, Y: ob.NameY + orgLineH*float64(j+1)})
		}
		if b.Depth > 0 && b.Depth <= len(last) {
			p := v.Boxes[last[b.Depth-1]]
			px := p.X + orgIndent/2
			v.Links = append(v.Links, join(px, p.Y+p.H, px, y+ob.H/2, x, y+ob.H/2))
		}
		last = append(last[:min(b.Depth, len(last))], i)
		v.Boxes = append(v.Boxes, ob)
		y += ob.H + orgGap
	}
	v.Height = y - orgGap + margin
	return render("org.svg", v)
}

// clip shortens a text to what fits in w, ending it with "…".
func clip(s string, w float64) string {
	n := int(w / charW)
	if utf8.RuneCountInString(s) <= n || n < 2 {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

func join(xy ...float64) string {
	var b strings.Builder
	for i, f := range xy {
		if i > 0 {
			if i%2 == 0 {
				b.WriteByte(' ')
			} else {
				b.WriteByte(',')
			}
		}
		b.WriteString(strconv.FormatFloat(f, 'f', 1, 64))
	}
	return b.String()
}
