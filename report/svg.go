package report

import (
	"fmt"
	"html"
	"sort"
	"strings"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/law"
)

// The charts are SVG strings for pages to embed as they are: no script, no
// external font or style, text escaped, drawn on a viewBox that scales to the
// width of a phone and prints in black and white (shapes and dashes, not
// colour alone, tell the series apart).

const (
	svgInk   = "#1a1a1a"
	svgMuted = "#6b6b6b"
	svgBar   = "#3c5a80"
	svgFont  = `font-family="system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', sans-serif"`
)

// FunnelLabels names the funnel stages in kk, ru and en.
var FunnelLabels = []law.Labels{
	{EN: "Deaths documented", RU: "Задокументированные смерти", KK: "Құжатталған өлім жағдайлары"},
	{EN: "A criminal case is open", RU: "Возбуждено уголовное дело", KK: "Қылмыстық іс қозғалды"},
	{EN: "A suspect is identified", RU: "Установлен подозреваемый", KK: "Күдікті анықталды"},
	{EN: "Someone is charged", RU: "Предъявлено обвинение", KK: "Айып тағылды"},
	{EN: "Someone is convicted", RU: "Вынесен обвинительный приговор", KK: "Айыптау үкімі шығарылды"},
}

func esc(s string) string { return html.EscapeString(s) }

// FunnelSVG draws the funnel as one bar per stage, the label above each bar
// and the count and share of deaths beside it.
func FunnelSVG(f Funnel, lang string) string {
	values := []int{f.Deaths, f.WithCase, f.SuspectIdentified, f.Charged, f.Convicted}
	const w, left, barMax, rowH = 480, 8, 330, 52
	h := rowH*len(values) + 8
	title := map[string]string{"en": "From death to conviction", "ru": "От гибели до приговора", "kk": "Өлімнен үкімге дейін"}[lang]
	if title == "" {
		title = "From death to conviction"
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="100%%" role="img" aria-labelledby="funnel-title" %s>`, w, h, svgFont)
	fmt.Fprintf(&b, `<title id="funnel-title">%s</title>`, esc(title))
	top := max(values[0], 1)
	for i, v := range values {
		y := 8 + i*rowH
		bw := barMax * v / top
		if v > 0 && bw < 2 {
			bw = 2
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="15" fill="%s">%s</text>`, left, y+14, svgInk, esc(FunnelLabels[i].In(lang)))
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="22" fill="%s"/>`, left, y+20, bw, svgBar)
		share := ""
		if i > 0 && values[0] > 0 {
			share = fmt.Sprintf(" (%d%%)", v*100/values[0])
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="15" font-weight="bold" fill="%s">%d%s</text>`, left+bw+6, y+36, svgInk, v, share)
	}
	b.WriteString(`</svg>`)
	return b.String()
}

type plotPoint struct {
	t        time.Time
	v        int64
	official bool
}

// SeriesSVG draws the claimed counts of one measure over time as step lines:
// official claims solid with filled dots, independent ones dashed with open
// squares; the count documented in Qantar (if any) is a dotted line across.
// asOf ends the time axis. title is shown as the chart's title.
func SeriesSVG(s Series, title, lang string, asOf time.Time) string {
	var pts []plotPoint
	for _, p := range s.Points {
		d, err := qantar.ParseDate(p.AsOf)
		if err != nil {
			continue
		}
		pts = append(pts, plotPoint{d.Time(), p.Value, p.Official})
	}
	sort.SliceStable(pts, func(i, j int) bool { return pts[i].t.Before(pts[j].t) })
	const w, h, left, right, top, bottom = 480, 300, 56, 16, 40, 56
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="100%%" role="img" aria-label="%s" %s>`, w, h, esc(title), svgFont)
	fmt.Fprintf(&b, `<title>%s</title>`, esc(title))
	fmt.Fprintf(&b, `<text x="%d" y="20" font-size="16" font-weight="bold" fill="%s">%s</text>`, 8, svgInk, esc(title))
	if len(pts) == 0 {
		fmt.Fprintf(&b, `<text x="8" y="60" font-size="14" fill="%s">%s</text></svg>`, svgMuted, esc(labelIn(lang, "No claimed counts yet", "Пока нет заявленных данных", "Әзірге мәлімделген деректер жоқ")))
		return b.String()
	}
	t0, t1 := pts[0].t, pts[len(pts)-1].t
	if asOf.After(t1) {
		t1 = asOf
	}
	if !t1.After(t0) {
		t1 = t0.AddDate(0, 1, 0)
	}
	vmax := int64(1)
	for _, p := range pts {
		vmax = max(vmax, p.v)
	}
	if s.Documented != nil {
		vmax = max(vmax, *s.Documented)
	}
	vmax = niceCeil(vmax)
	pw, ph := float64(w-left-right), float64(h-top-bottom)
	x := func(t time.Time) float64 { return float64(left) + pw*float64(t.Sub(t0))/float64(t1.Sub(t0)) }
	y := func(v int64) float64 { return float64(top) + ph*(1-float64(v)/float64(vmax)) }

	// Axes and three horizontal grid lines with their values.
	for _, v := range []int64{0, vmax / 2, vmax} {
		fmt.Fprintf(&b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#d0d0d0" stroke-width="1"/>`, left, y(v), w-right, y(v))
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" font-size="12" text-anchor="end" fill="%s">%d</text>`, left-6, y(v)+4, svgMuted, v)
	}
	fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="12" fill="%s">%s</text>`, left, h-bottom+18, svgMuted, t0.Format("2006-01-02"))
	fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="12" text-anchor="end" fill="%s">%s</text>`, w-right, h-bottom+18, svgMuted, t1.Format("2006-01-02"))

	for _, official := range []bool{true, false} {
		var line []string
		var last *plotPoint
		for i := range pts {
			p := &pts[i]
			if p.official != official {
				continue
			}
			if last != nil {
				line = append(line, fmt.Sprintf("%.1f,%.1f", x(p.t), y(last.v)))
			}
			line = append(line, fmt.Sprintf("%.1f,%.1f", x(p.t), y(p.v)))
			last = p
		}
		if last == nil {
			continue
		}
		line = append(line, fmt.Sprintf("%.1f,%.1f", x(t1), y(last.v)))
		dash := ""
		if !official {
			dash = ` stroke-dasharray="6 4"`
		}
		fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2"%s/>`, strings.Join(line, " "), svgInk, dash)
		for _, p := range pts {
			if p.official != official {
				continue
			}
			if official {
				fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="4" fill="%s"/>`, x(p.t), y(p.v), svgInk)
			} else {
				fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="8" height="8" fill="#fff" stroke="%s" stroke-width="2"/>`, x(p.t)-4, y(p.v)-4, svgInk)
			}
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="12" text-anchor="middle" fill="%s">%d</text>`, x(p.t), y(p.v)-8, svgInk, p.v)
		}
	}
	legendY := h - 14
	fmt.Fprintf(&b, `<circle cx="14" cy="%d" r="4" fill="%s"/><text x="24" y="%d" font-size="12" fill="%s">%s</text>`, legendY-4, svgInk, legendY, svgInk,
		esc(labelIn(lang, "official", "официально", "ресми")))
	fmt.Fprintf(&b, `<rect x="110" y="%d" width="8" height="8" fill="#fff" stroke="%s" stroke-width="2"/><text x="124" y="%d" font-size="12" fill="%s">%s</text>`, legendY-8, svgInk, legendY, svgInk,
		esc(labelIn(lang, "independent", "независимые", "тәуелсіз")))
	if s.Documented != nil {
		dy := y(*s.Documented)
		fmt.Fprintf(&b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="%s" stroke-width="2" stroke-dasharray="2 3"/>`, left, dy, w-right, dy, svgBar)
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" font-size="12" text-anchor="end" fill="%s">%s: %d</text>`, w-right, dy-5, svgBar,
			esc(labelIn(lang, "documented in Qantar", "задокументировано в Qantar", "Qantar-да құжатталған")), *s.Documented)
		fmt.Fprintf(&b, `<line x1="220" y1="%d" x2="240" y2="%d" stroke="%s" stroke-width="2" stroke-dasharray="2 3"/><text x="246" y="%d" font-size="12" fill="%s">%s</text>`,
			legendY-4, legendY-4, svgBar, legendY, svgInk, esc(labelIn(lang, "documented in Qantar", "задокументировано в Qantar", "Qantar-да құжатталған")))
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// niceCeil rounds a positive count up to 1, 2 or 5 times a power of ten.
func niceCeil(v int64) int64 {
	p := int64(1)
	for {
		for _, m := range []int64{1, 2, 5} {
			if m*p >= v {
				return m * p
			}
		}
		p *= 10
	}
}

func labelIn(lang, en, ru, kk string) string {
	return law.Labels{EN: en, RU: ru, KK: kk}.In(lang)
}
