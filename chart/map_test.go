package chart

import (
	"strings"
	"testing"
)

func square(lon, lat, d float64) [][][2]float64 {
	return [][][2]float64{{{lon, lat}, {lon + d, lat}, {lon + d, lat + d}, {lon, lat + d}, {lon, lat}}}
}

func TestMapDrawsRegionsAndPoints(t *testing.T) {
	m := Map{
		Title:   "Карта <1>",
		Regions: []Region{{Name: "A", Rings: square(50, 40, 10)}, {Name: "B", Rings: square(60, 40, 10)}},
		Points: []MapPoint{
			{Lat: 45, Lon: 55, Kind: "place", Label: "Алматы", Href: "/places/1"},
			{Lat: 45, Lon: 65, Kind: "unit", Label: "в/ч 1", Href: "/units/2"},
			{Lat: 49.5, Lon: 69.5, Kind: "act", Label: "act & <b>", Href: "/acts/3"},
			{Lat: 10, Lon: 10, Kind: "act", Label: "outside"},
		},
	}
	svg := string(m.SVG())
	wellFormed(t, svg)
	if m.Count() != 3 {
		t.Errorf("drew %d points, want the 3 inside the extent", m.Count())
	}
	for _, want := range []string{`<title>Карта &lt;1&gt;</title>`, `class="region"`, `<circle`, `<rect`, `<polygon`,
		`href="/units/2"`, `act &amp; &lt;b&gt;`} {
		if !strings.Contains(svg, want) {
			t.Errorf("map lacks %q", want)
		}
	}
	if strings.Contains(svg, "outside") {
		t.Error("a point outside the extent was drawn")
	}
	// West is left, north is up: the place (lon 55) left of the unit (lon 65),
	// the act (lat 49.5) above both.
	v, _ := m.view()
	if !(v.Markers[0].X < v.Markers[1].X && v.Markers[2].Y < v.Markers[0].Y) {
		t.Errorf("projection: %+v", v.Markers)
	}
	if (Map{}).SVG() != "" {
		t.Error("a map without regions drew something")
	}
}

// Markers at one point are drawn side by side, not on top of each other.
func TestMapMarkersAtOnePointShow(t *testing.T) {
	m := Map{Regions: []Region{{Name: "A", Rings: square(50, 40, 10)}},
		Points: []MapPoint{{Lat: 45, Lon: 55, Kind: "place"}, {Lat: 45, Lon: 55, Kind: "unit"}, {Lat: 45, Lon: 55, Kind: "act"}}}
	v, _ := m.view()
	if !(v.Markers[0].X < v.Markers[1].X && v.Markers[1].X < v.Markers[2].X) || v.Markers[0].Y != v.Markers[2].Y {
		t.Errorf("markers at one point: %+v", v.Markers)
	}
}
