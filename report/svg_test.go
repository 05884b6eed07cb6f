package report

import (
	"encoding/xml"
	"io"
	"strings"
	"testing"
)

// wellFormed parses an SVG as XML, so that a broken escape or tag fails.
func wellFormed(t *testing.T, svg string) {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(svg))
	for {
		_, err := dec.Token()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, svg)
		}
	}
}

func TestFunnelSVG(t *testing.T) {
	for _, lang := range []string{"en", "ru", "kk"} {
		svg := FunnelSVG(Funnel{Deaths: 238, WithCase: 120, SuspectIdentified: 15, Charged: 6, Convicted: 2}, lang)
		wellFormed(t, svg)
		for _, want := range []string{"viewBox=", ">238<", ">120 (50%)<", ">2 (0%)<", FunnelLabels[4].In(lang)} {
			if !strings.Contains(svg, want) {
				t.Errorf("%s: %q missing", lang, want)
			}
		}
		if strings.Contains(svg, "<script") {
			t.Error("a chart must not carry script")
		}
	}
	wellFormed(t, FunnelSVG(Funnel{}, "en")) // no deaths: no division by zero
}

func TestSeriesSVG(t *testing.T) {
	st := Compute(fixture(), day("2024-03-01"), nil)
	svg := SeriesSVG(st.Figures[0], `Deaths <script>alert("x")</script> & "more"`, "en", day("2024-03-01"))
	wellFormed(t, svg)
	if strings.Contains(svg, "<script") || !strings.Contains(svg, "&lt;script&gt;") {
		t.Errorf("title not escaped: %s", svg)
	}
	for _, want := range []string{">225<", ">238<", ">188<", "documented in Qantar: 7", "stroke-dasharray=\"6 4\"", "<circle", "2024-03-01"} {
		if !strings.Contains(svg, want) {
			t.Errorf("%q missing from %s", want, svg)
		}
	}
	empty := SeriesSVG(Series{Measure: "deaths"}, "Deaths", "ru", day("2024-03-01"))
	wellFormed(t, empty)
	if !strings.Contains(empty, "Пока нет") {
		t.Errorf("empty series: %s", empty)
	}
	one := SeriesSVG(Series{Measure: "deaths", Points: []Point{{AsOf: "2024-03-01", Value: 0}}}, "x", "en", day("2024-03-01"))
	wellFormed(t, one)
	if strings.Contains(one, "NaN") {
		t.Errorf("NaN in a one-point chart: %s", one)
	}
}

func TestNiceCeil(t *testing.T) {
	for _, tc := range [][2]int64{{1, 1}, {3, 5}, {7, 10}, {238, 500}, {1001, 2000}, {9900, 10000}} {
		if got := niceCeil(tc[0]); got != tc[1] {
			t.Errorf("niceCeil(%d) = %d, want %d", tc[0], got, tc[1])
		}
	}
}
