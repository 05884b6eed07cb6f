package site

import (
	"context"
	"maps"
	"math"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/chart"
	"github.com/qantar-project/qantar/law"
	"github.com/qantar-project/qantar/mse"
	"github.com/qantar-project/qantar/report"
	"github.com/qantar-project/qantar/web/figures"
	"github.com/qantar-project/qantar/web/httpx"
)

// statsView is the accountability dashboard: the same figures as
// /api/v1/stats and /api/v1/estimate, as of a day, drawn as tables and SVG so
// that the page needs no JavaScript.
type statsView struct {
	base
	AsOf  string
	Stats *figures.PinnedStats
	// Checkpoint is the log the figures were computed at; From, when the
	// reader asked (?from=SIZE), an earlier one, and Moves how each number
	// changed since.
	Checkpoint figures.CheckpointRef
	From       *figures.CheckpointRef
	FromSize   string
	Moves      []moveRow
	Overdue    []overdueRow
	// OverdueMore and AddresseesMore are the rows left out of the page
	// past rowsShown (the API has them all).
	OverdueMore    int
	AddresseesMore int
	Funnel         chart.Bars
	ByStatus       []countRow
	Grounds        []groundRow
	Addressees     []addresseeRow
	Series         []chart.Time
	Minnesota      []report.ItemCount
	MinnLabels     []string
	Estimate       estimateView
}

type countRow struct {
	Label string
	Count int
}

// groundRow is the number of cases ended or suspended on one ground, with the
// ground's label from the rules; Unverified marks a ground whose source in
// the law has not been checked, Unknown one the rules do not list.
type groundRow struct {
	Step, Code, Label, Basis string
	Unverified, Unknown      bool
	Count                    int
}

type addresseeRow struct {
	Addressee link
	Counts    report.ComplaintCounts
}

// estimateView is the estimated total beside the documented and official
// counts; Reason says why there is no number when there is none.
type estimateView struct {
	Method, Interval, Model, Reason string
	Estimate, Lower, Upper          string
	Seed                            uint64
	CodeVersion                     string
	HasEstimate, HasUpper           bool
	Observed                        int64
	Documented                      int
	Lists                           []string
	Official                        []officialRow
	Assumptions                     []string
	// ByPlace is the estimate made within each place of death and added
	// up (stratified); PlaceTotal is that sum, PlaceReason why there is none.
	ByPlace                 []placeRow
	PlaceTotal, PlaceLower  string
	PlaceUpper, PlaceReason string
	HasPlaceTotal           bool
}

// placeRow is one place of death in the stratified estimate.
type placeRow struct {
	Place, Link     string
	Observed        int64
	Estimate, Lower string
	Upper           string
	HasEstimate     bool
	Reason          string
}

type officialRow struct {
	Value     int64
	AsOf      string
	ClaimedBy string
	Place     string // the area the count covers; "" for the whole event
	Link      string
}

func (p *Site) stats(w http.ResponseWriter, r *http.Request) error {
	asOf, err := httpx.ParseOptionalDay(r, "as_of")
	if err != nil {
		return err
	}
	ctx, reader, lang := r.Context(), httpx.ActorOf(r), httpx.PickLang(r)
	st, err := p.figures.Pinned(ctx, -1, asOf)
	if err != nil {
		return err
	}
	pg := statsView{base: p.newBase(r, ""), AsOf: st.AsOf, Stats: st, Checkpoint: st.Checkpoint}
	t := pg.T
	pg.Title = t.S("Accountability dashboard")
	if err := p.statsMoves(r, &pg); err != nil {
		return err
	}
	pg.Funnel = report.FunnelChart(st.Funnel, lang)
	for step, n := range st.Cases.ByStatus {
		label := t.S("no step recorded")
		if step != "none" {
			label = t.Term("case_step", step)
		}
		pg.ByStatus = append(pg.ByStatus, countRow{Label: label, Count: n})
	}
	sort.Slice(pg.ByStatus, func(i, j int) bool { return pg.ByStatus[i].Count > pg.ByStatus[j].Count })
	rules, _ := p.rules.Get("")
	pg.Grounds = append(groundRows(t, rules, "terminated", law.ListTermination, st.Cases.Terminated),
		groundRows(t, rules, "interrupted", law.ListInterruption, st.Cases.Interrupted)...)
	pg.Addressees, pg.AddresseesMore = p.addresseeRows(ctx, reader, t, st.Complaints.ByAddressee)
	shown := st.Unanswered[:min(len(st.Unanswered), rowsShown)]
	pg.Overdue, pg.OverdueMore = p.overdueRows(ctx, reader, t, shown), len(st.Unanswered)-len(shown)
	for _, s := range st.Figures {
		title := t.Term("figure_measure", s.Measure)
		if s.PlaceID != 0 {
			if pl, err := p.get(ctx, reader, qantar.KindPlace, s.PlaceID); err == nil {
				title += ": " + t.title(pl)
			}
		}
		pg.Series = append(pg.Series, report.SeriesChart(s, title, lang, figureHref))
	}
	pg.Minnesota = st.Minnesota
	for _, m := range st.Minnesota {
		pg.MinnLabels = append(pg.MinnLabels, m.Labels.In(lang))
	}
	if pg.Estimate, err = p.estimateView(ctx, reader, t, st); err != nil {
		return err
	}
	return p.render(w, r, http.StatusOK, "stats", pg)
}

// groundRows lists the cases at one step by ground, most first.
func groundRows(t tr, rules *law.Rules, step, list string, counts map[string]int) []groundRow {
	var out []groundRow
	for code, n := range counts {
		row := groundRow{Step: t.Term("case_step", step), Code: code, Label: code, Count: n, Unknown: true}
		if code == "unknown" {
			row.Label = t.S("no ground recorded")
		} else if rules != nil {
			if e, ok := rules.Ground(list, code); ok {
				row.Label, row.Basis, row.Unverified, row.Unknown = e.Labels.In(t.Lang), e.Basis.In(t.Lang), !e.IsVerified(), false
			}
		}
		out = append(out, row)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Code < out[j].Code
	})
	return out
}

// rowsShown is the most rows of one table the dashboard shows (the
// addressees with most complaints, the complaints longest overdue): at
// 10,000,000 records there were hundreds of thousands, each a record
// read, on every view of the page.
const rowsShown = 50

// addresseeRows names, as the reader may see them, the rowsShown addressee
// units with most complaints, and returns how many more there are.
func (p *Site) addresseeRows(ctx context.Context, reader qantar.Actor, t tr, by map[string]report.ComplaintCounts) ([]addresseeRow, int) {
	keys := slices.SortedFunc(maps.Keys(by), func(a, b string) int {
		if d := by[b].Total - by[a].Total; d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	more := max(0, len(keys)-rowsShown)
	var out []addresseeRow
	for _, key := range keys[:len(keys)-more] {
		c := by[key]
		row := addresseeRow{Addressee: link{Title: t.S("addressee unknown")}, Counts: c}
		if id, err := strconv.ParseInt(key, 10, 64); err == nil {
			row.Addressee = link{Title: "#" + key}
			if u, err := p.get(ctx, reader, qantar.KindUnit, id); err == nil {
				row.Addressee = t.linkTo(u)
			}
		}
		out = append(out, row)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Counts.Total != out[j].Counts.Total {
			return out[i].Counts.Total > out[j].Counts.Total
		}
		return out[i].Addressee.Title < out[j].Addressee.Title
	})
	return out, more
}

// estimateView computes the estimate as /api/v1/estimate does (default
// method). A model that cannot be fitted is a reason shown, not an error.
func (p *Site) estimateView(ctx context.Context, reader qantar.Actor, t tr, st *figures.PinnedStats) (estimateView, error) {
	ans := st.Estimate
	v := estimateView{Method: t.methodLabel(ans.Method), Interval: ans.Interval, Model: ans.Model, Reason: ans.NoEstimate,
		Observed: ans.Observed, Documented: ans.Documented, Lists: ans.Lists,
		Seed: ans.Seed, CodeVersion: t.codeVersion(ans.CodeVersion)}
	if v.Model == mse.MainEffects { // the one model named in words
		v.Model = t.S("main effects only")
	}
	switch {
	case ans.NoEstimate == "":
	case len(ans.Lists) < 2:
		v.Reason = t.S("An estimate needs at least two lists (sources of kind “list”) that cite the dead; there are %d.", len(ans.Lists))
	default:
		// The page says "No estimate is given: " before it.
		v.Reason = t.reason(ans.NoEstimate, ans.Why)
	}
	if ans.Estimate != nil {
		v.HasEstimate = true
		v.Estimate = t.Num(int(math.Round(*ans.Estimate)))
		if ans.Lower != nil {
			v.Lower = t.Num(int(math.Round(*ans.Lower)))
		}
		if ans.Upper != nil {
			v.HasUpper, v.Upper = true, t.Num(int(math.Round(*ans.Upper)))
		}
	}
	for _, f := range ans.Official {
		row := officialRow{Value: f.Value, AsOf: f.AsOf.String(), ClaimedBy: t.Text(f.ClaimedBy),
			Link: recordHref(qantar.KindFigure, f.ID)}
		if f.PlaceID != 0 {
			if pl, err := p.get(ctx, reader, qantar.KindPlace, f.PlaceID); err == nil {
				row.Place = t.title(pl)
			}
		}
		v.Official = append(v.Official, row)
	}
	for _, a := range ans.Assumptions {
		v.Assumptions = append(v.Assumptions, assumptionIn(a, t.Lang))
	}
	if v.HasEstimate {
		if err := p.placeEstimates(ctx, reader, t, &v, st.Checkpoint.Size); err != nil {
			return v, err
		}
	}
	return v, nil
}

// placeEstimates fills the estimate by place of death, when there is more
// than one place: capture by the lists may differ from city to city.
func (p *Site) placeEstimates(ctx context.Context, reader qantar.Actor, t tr, v *estimateView, size int64) error {
	ans, err := p.figures.EstimateAt(ctx, size, "", "place")
	if err != nil {
		if qantar.ErrorCode(err) == qantar.EINTERNAL {
			return err
		}
		return nil
	}
	if len(ans.Strata) < 2 {
		return nil
	}
	num := func(x *float64) string { return t.Num(int(math.Round(*x))) }
	for _, st := range ans.Strata {
		row := placeRow{Observed: st.Observed, Place: t.S("Place not recorded")}
		if st.PlaceID != 0 {
			row.Link = recordHref(qantar.KindPlace, st.PlaceID)
			if pl, err := p.get(ctx, reader, qantar.KindPlace, st.PlaceID); err == nil {
				row.Place = t.title(pl)
			}
		}
		if st.Estimate != nil {
			row.HasEstimate, row.Estimate, row.Lower = true, num(st.Estimate), num(st.Lower)
			if st.Upper != nil {
				row.Upper = num(st.Upper)
			}
		} else {
			row.Reason = t.reason(st.NoEstimate, st.Why)
		}
		v.ByPlace = append(v.ByPlace, row)
	}
	if ans.Estimate != nil {
		v.HasPlaceTotal, v.PlaceTotal, v.PlaceLower = true, num(ans.Estimate), num(ans.Lower)
		if ans.Upper != nil {
			v.PlaceUpper = num(ans.Upper)
		}
	} else {
		v.PlaceReason = t.S("The lists support no estimate in at least one place, so the places are not added up.")
	}
	return nil
}

// reason says why no number is given in the reader's language: the
// estimator's words (why, an *mse.Error or the web's own, reasonf) through
// the catalogue, or en as it is when they were not kept.
func (t tr) reason(en string, why *mse.Error) string {
	if why == nil {
		return en
	}
	return why.In(t.S)
}

// assumptionIn translates one of figures.Assumptions(). They are sentences, not
// labels, and one holds a per cent sign that the catalogue's printf-style
// lookup would mangle, so they are translated here.
func assumptionIn(en, lang string) string {
	tr, ok := assumptionTr[en]
	switch {
	case !ok:
		return en
	case lang == "ru":
		return tr[0]
	case lang == "kk":
		return tr[1]
	}
	return en
}

var assumptionTr = map[string][2]string{
	figures.Assumptions()[0]: {
		"Каждый список — это источник вида «список»; человек находится в списке, если список ссылается на него (цитата о человеке или о его деянии).",
		"Әр тізім — «тізім» түріндегі дереккөз; тізім адамға (адам туралы немесе оған қатысты әрекет туралы дәйексөз) сілтейтін болса, адам тізімде бар.",
	},
	figures.Assumptions()[1]: {
		"Сначала списки нужно связать: один человек записан один раз, сколько бы списков его ни называли. Несвязанные дубликаты завышают оценку.",
		"Алдымен тізімдерді байланыстыру керек: адамды қанша тізім атаса да, ол бір рет жазылады. Байланыстырылмаған қайталаулар бағалауды көбейтеді.",
	},
	figures.Assumptions()[2]: {
		"Все учтённые погибли в событиях, которые охватывают списки (замкнутая совокупность), и каждый мог быть записан каждым списком.",
		"Есептелгендердің бәрі тізімдер қамтитын оқиғаларда қаза тапқан (жабық жиынтық), әр адамды әр тізім жаза алатын еді.",
	},
	figures.Assumptions()[3]: {
		"Лог-линейная модель учитывает зависимость между списками, которую отражают её члены взаимодействия; неучтённая зависимость смещает оценку. Модель латентных классов (LCMCR) допускает, что люди различались вероятностью попасть в список.",
		"Лог-сызықтық модель өзара әрекеттесу мүшелері қамтитын тізімдер арасындағы тәуелділікті ескереді; ескерілмеген тәуелділік бағалауды ығыстырады. Жасырын кластар моделі (LCMCR) адамдардың тізімге түсу ықтималдығы әртүрлі болғанын ескереді.",
	},
	figures.Assumptions()[4]: {
		"Интервал — это 95-процентный интервал метода; он не учитывает ошибки связывания или ошибки самих списков.",
		"Интервал — әдістің 95 пайыздық интервалы; ол байланыстыру қателерін немесе тізімдердің өз қателерін қамтымайды.",
	},
}

// methodLabel names an estimation method in the reader's language (the
// code stays in the API).
func (t tr) methodLabel(code string) string {
	switch code {
	case "lp":
		return t.S("Lincoln–Petersen estimator (two lists)")
	case "chapman":
		return t.S("Chapman estimator (two lists)")
	case "loglinear":
		return t.S("log-linear models of the lists' overlaps")
	case "lcmcr":
		return t.S("latent class model (LCMCR, Bayesian)")
	}
	return code
}

// codeVersion says which code computed a figure: the module version, or
// that the binary was built from a working copy, and the commit.
func (t tr) codeVersion(v string) string {
	if rest, ok := strings.CutPrefix(v, "(devel)"); ok {
		return t.S("a build from the source tree") + rest
	}
	return v
}
