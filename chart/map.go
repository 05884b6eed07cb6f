package chart

import (
	"html/template"
	"math"
	"strconv"
	"strings"
)

// Region is one shape of a map: outer rings of longitude, latitude pairs.
type Region struct {
	Name  string
	Rings [][][2]float64
}

// Outline is a jurisdiction's regions as shipped with Qantar, and what
// they were drawn from.
type Outline struct {
	Source  string // where the shapes come from, and how they were simplified
	Vintage string // which boundaries they show
	Regions []Region
}

// MapPoint is one thing drawn on a map at its coordinates: a place, a
// unit's position, an act. Kind chooses its marker (place: a circle, unit:
// a square, act: a diamond), so that kinds differ in shape, not colour alone.
type MapPoint struct {
	Lat, Lon float64
	Kind     string // "place", "unit" or "act"
	Label    string // shown when the reader points at it, and read by screen readers
	Href     string
}

// Map draws regions and points on an equirectangular projection of the
// regions' extent, shrunk across by the cosine of its middle latitude (at
// Kazakhstan's latitudes close enough to an equal-area view for a page).
// Points outside the regions' extent are left out: Count says how many
// were drawn.
type Map struct {
	Title   string
	Regions []Region
	Points  []MapPoint
}

type mapView struct {
	Title   string
	Width   int
	Height  float64
	Paths   []mapPath
	Markers []mapMarker
}

type mapPath struct{ Name, D string }

type mapMarker struct {
	MapPoint
	X, Y float64
}

// projection maps longitude and latitude into the view.
type projection struct {
	lon0, latMax, k, kx float64
}

func (p projection) xy(lon, lat float64) (float64, float64) {
	return margin + (lon-p.lon0)*p.kx, margin + (p.latMax-lat)*p.k
}

// extent is the regions' bounding box.
func extent(rs []Region) (minLon, maxLon, minLat, maxLat float64) {
	minLon, minLat = math.Inf(1), math.Inf(1)
	maxLon, maxLat = math.Inf(-1), math.Inf(-1)
	for _, r := range rs {
		for _, ring := range r.Rings {
			for _, c := range ring {
				minLon, maxLon = math.Min(minLon, c[0]), math.Max(maxLon, c[0])
				minLat, maxLat = math.Min(minLat, c[1]), math.Max(maxLat, c[1])
			}
		}
	}
	return
}

// SVG draws the map; nothing when it has no region.
func (m Map) SVG() template.HTML {
	v, ok := m.view()
	if !ok {
		return ""
	}
	return render("map.svg", v)
}

// Count is how many of the points fall inside the map's extent.
func (m Map) Count() int {
	v, _ := m.view()
	return len(v.Markers)
}

func (m Map) view() (mapView, bool) {
	if len(m.Regions) == 0 {
		return mapView{}, false
	}
	minLon, maxLon, minLat, maxLat := extent(m.Regions)
	cos := math.Cos((minLat + maxLat) / 2 * math.Pi / 180)
	k := (Width - 2*margin) / ((maxLon - minLon) * cos)
	p := projection{lon0: minLon, latMax: maxLat, k: k, kx: k * cos}
	v := mapView{Title: m.Title, Width: Width, Height: (maxLat-minLat)*k + 2*margin}
	for _, r := range m.Regions {
		v.Paths = append(v.Paths, mapPath{Name: r.Name, D: p.path(r.Rings)})
	}
	for _, pt := range m.Points {
		if pt.Lon < minLon || pt.Lon > maxLon || pt.Lat < minLat || pt.Lat > maxLat {
			continue
		}
		x, y := p.xy(pt.Lon, pt.Lat)
		x += float64(stacked(v.Markers, x, y)) * markerStep
		v.Markers = append(v.Markers, mapMarker{MapPoint: pt, X: x, Y: y})
	}
	return v, true
}

// markerStep is how far right a marker is drawn for each one already drawn
// at its point, so that a place, a unit there and an act there all show.
const markerStep = 10.0

// stacked counts the markers drawn at (x, y) or shifted right of it.
func stacked(ms []mapMarker, x, y float64) int {
	n := 0
	for _, m := range ms {
		if math.Abs(m.Y-y) < 1 && m.X >= x-1 && m.X < x+float64(len(ms)+1)*markerStep {
			n++
		}
	}
	return n
}

// path is the SVG path of rings, each closed.
func (p projection) path(rings [][][2]float64) string {
	var b strings.Builder
	for _, ring := range rings {
		for i, c := range ring {
			x, y := p.xy(c[0], c[1])
			if i == 0 {
				b.WriteByte('M')
			} else {
				b.WriteByte('L')
			}
			b.WriteString(strconv.FormatFloat(x, 'f', 1, 64))
			b.WriteByte(' ')
			b.WriteString(strconv.FormatFloat(y, 'f', 1, 64))
		}
		b.WriteByte('Z')
	}
	return b.String()
}
