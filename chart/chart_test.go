package chart

import (
	"encoding/xml"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"
)

// wellFormed parses an SVG as XML, so that a broken escape or tag fails, and
// holds it to the rules every chart keeps: no script, no inline style or
// colour, no NaN.
func wellFormed(t *testing.T, svg string) {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(svg))
	for {
		_, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, svg)
		}
	}
	for _, bad := range []string{"<script", "style=", "NaN", "Inf"} {
		if strings.Contains(svg, bad) {
			t.Errorf("%q in %s", bad, svg)
		}
	}
	if regexp.MustCompile(`(fill|stroke)="#`).MatchString(svg) {
		t.Errorf("an inline colour in %s", svg)
	}
}

func day(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestBars(t *testing.T) {
	c := Bars{Title: `Deaths <script>alert("x")</script>`, Bars: []Bar{
		{Label: "Алматы", Value: 12000, Href: "/places/1"},
		{Label: "Талдықорған", Value: 0},
		{Label: "Шымкент", Value: 1, Text: "1 (0.8 %)"},
	}}
	svg := string(c.SVG())
	wellFormed(t, svg)
	for _, want := range []string{"&lt;script&gt;", ">Алматы<", ">12000<", ">1 (0.8 %)<", `href="/places/1"`, `text-anchor="end"`, `class="bar"`} {
		if !strings.Contains(svg, want) {
			t.Errorf("%q missing from %s", want, svg)
		}
	}
	if !strings.Contains(svg, `width="2.0"`) {
		t.Errorf("a count of 1 against 12000 is not drawn at least 2 wide: %s", svg)
	}
	long := Bars{Title: "x", Bars: []Bar{{Label: "Вынесен обвинительный приговор по делу", Value: 2}}}
	if svg := string(long.SVG()); !strings.Contains(svg, `text-anchor="start"`) {
		t.Errorf("a long label is not above its bar: %s", svg)
	}
	if (Bars{Title: "x"}).SVG() != "" {
		t.Error("a chart of no bars is drawn")
	}
}

func timeChart() Time {
	doc := int64(7)
	return Time{
		Title: "Deaths & more", Documented: &doc,
		Points: []Point{
			{At: day("2022-01-15"), Value: 225, Official: true, Title: "2022-01-15: 225", Href: "/figures/1"},
			{At: day("2022-01-16"), Value: 230, Official: true},
			{At: day("2022-08-01"), Value: 238, Official: true},
			{At: day("2022-07-01"), Value: 188},
		},
		Official: "official", Independent: "independent", DocumentedText: "documented in Qantar: 7",
		DocumentedLegend: "documented in Qantar", Empty: "no counts",
	}
}

func TestTime(t *testing.T) {
	svg := string(timeChart().SVG())
	wellFormed(t, svg)
	for _, want := range []string{">238<", ">188<", "documented in Qantar: 7", `stroke-dasharray="6 4"`, `class="official"`,
		`class="independent"`, "2022-01-15", "2022-08-01", `href="/figures/1"`, "Deaths &amp; more"} {
		if !strings.Contains(svg, want) {
			t.Errorf("%q missing from %s", want, svg)
		}
	}
	// 225 and 230 a day apart would overlap above their markers: the higher
	// is written above, the other below its own.
	if !strings.Contains(svg, ">225<") || !strings.Contains(svg, ">230<") {
		t.Errorf("values missing: %s", svg)
	}
	empty := Time{Title: "x", Empty: "no counts"}
	if svg := string(empty.SVG()); !strings.Contains(svg, ">no counts<") {
		t.Errorf("empty chart: %s", svg)
	} else {
		wellFormed(t, svg)
	}
	one := Time{Title: "x", Points: []Point{{At: day("2024-03-01"), Value: 0}}}
	wellFormed(t, string(one.SVG()))
}

func TestTimeLegendWraps(t *testing.T) {
	c := timeChart()
	c.Official, c.Independent, c.DocumentedLegend = "официально", "независимые", "задокументировано в Qantar по состоянию на сегодня"
	svg := string(c.SVG())
	wellFormed(t, svg)
	if !strings.Contains(svg, `viewBox="0 0 480 310"`) {
		t.Errorf("a long legend is not on a row of its own: %s", svg)
	}
}

func TestNiceCeil(t *testing.T) {
	for _, tc := range [][2]int64{{1, 1}, {3, 5}, {7, 10}, {24, 25}, {238, 250}, {251, 500}, {1001, 2000}, {2400, 2500}, {9900, 10000}} {
		if got := NiceCeil(tc[0]); got != tc[1] {
			t.Errorf("NiceCeil(%d) = %d, want %d", tc[0], got, tc[1])
		}
	}
}

// TestSpaceTexts: values at one date (241 official, 221 and 188 independent,
// as on the home page) are written where no text covers another text or
// another marker, above their marker or below it, or left to the tooltip.
func TestSpaceTexts(t *testing.T) {
	marks := []timeMark{
		{Point: Point{Value: 241, Text: "241"}, X: 200, Y: 40},
		{Point: Point{Value: 221, Text: "221"}, X: 200, Y: 52},
		{Point: Point{Value: 188, Text: "188"}, X: 200, Y: 80},
		{Point: Point{Value: 232, Text: "232"}, X: 150, Y: 44},
	}
	for i := range marks {
		marks[i].TextY, marks[i].ShowTx = marks[i].Y-9, true
	}
	marks = spaceTexts(marks)
	var boxes []textBox
	shown := 0
	for i, m := range marks {
		if !m.ShowTx {
			continue
		}
		shown++
		w := textWidth(m.Text)
		b := textBox{m.X - w/2, m.X + w/2, m.TextY - fontSize, m.TextY + 2}
		if b.hits(boxes) || b.hitsMarker(marks, i) {
			t.Errorf("%s at %.0f covers another value or marker", m.Text, m.TextY)
		}
		boxes = append(boxes, b)
	}
	if shown < 3 || !marks[0].ShowTx || !marks[3].ShowTx {
		t.Errorf("only %d values written: %+v", shown, marks)
	}
}
