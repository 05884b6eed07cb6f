package report

import (
	"encoding/xml"
	"io"
	"strings"
	"testing"

	"github.com/qantar-project/qantar/locale"
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

func TestFunnelChart(t *testing.T) {
	shares := map[string][2]string{"en": {">120 (50.4%)<", ">2 (0.8%)<"}, "ru": {">120 (50,4 %)<", ">2 (0,8 %)<"}, "kk": {">120 (50,4 %)<", ">2 (0,8 %)<"}}
	for _, lang := range locale.Langs {
		svg := string(FunnelChart(Funnel{Deaths: 238, WithCase: 120, SuspectIdentified: 15, Charged: 6, Convicted: 2}, lang).SVG())
		wellFormed(t, svg)
		for _, want := range []string{"viewBox=", ">238<", shares[lang][0], shares[lang][1], locale.For(lang).S(FunnelStages[4])} {
			if !strings.Contains(svg, want) {
				t.Errorf("%s: %q missing from %s", lang, want, svg)
			}
		}
		if strings.Contains(svg, "<script") {
			t.Error("a chart must not carry script")
		}
	}
	wellFormed(t, string(FunnelChart(Funnel{}, "en").SVG())) // no deaths: no division by zero
}

func TestSeriesChart(t *testing.T) {
	st := Compute(fixture(), day("2024-03-01"), nil)
	href := func(id int64) string { return "/figures/" + string(rune('0'+id)) }
	svg := string(SeriesChart(st.Figures[0], `Deaths <script>alert("x")</script> & "more"`, "en", href).SVG())
	wellFormed(t, svg)
	if strings.Contains(svg, "<script") || !strings.Contains(svg, "&lt;script&gt;") {
		t.Errorf("title not escaped: %s", svg)
	}
	for _, want := range []string{">225<", ">238<", ">188<", "documented in Qantar: 7", `stroke-dasharray="6 4"`, "<circle", `href="/figures/1"`} {
		if !strings.Contains(svg, want) {
			t.Errorf("%q missing from %s", want, svg)
		}
	}
	empty := string(SeriesChart(Series{Measure: "deaths"}, "Deaths", "ru", nil).SVG())
	wellFormed(t, empty)
	if !strings.Contains(empty, "Пока нет") {
		t.Errorf("empty series: %s", empty)
	}
	one := string(SeriesChart(Series{Measure: "deaths", Points: []Point{{AsOf: "2024-03-01", Value: 0}}}, "x", "en", nil).SVG())
	wellFormed(t, one)
	if strings.Contains(one, "NaN") {
		t.Errorf("NaN in a one-point chart: %s", one)
	}
}

// TestCatalogue: every text the report asks the catalogue for is in it.
func TestCatalogue(t *testing.T) {
	keys := append([]string{"From death to conviction", "official count", "independent count", "documented in Qantar",
		"documented in Qantar: %d", "No claimed counts yet", "%d (%.1f%%)"}, FunnelStages...)
	for _, it := range MinnesotaItems {
		if it.Labels.RU == it.Labels.EN || it.Labels.KK == it.Labels.EN {
			t.Errorf("Minnesota item %s is not in the catalogue in every language", it.Code)
		}
	}
	for _, k := range keys {
		if !locale.Default().Has(k) {
			t.Errorf("%q is not in the catalogue", k)
		}
	}
}
