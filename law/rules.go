// Package law holds a jurisdiction's procedural law as data: its working-day
// calendar, the kinds of complaint with their time limits, the grounds on
// which a case is terminated or its term interrupted, the criminal-code
// articles, and the order in which a case may move from step to step.
//
// The rules live in a JSON file per jurisdiction (rules/kz.json is embedded
// and is the default; rules/README.md documents the format). Law changes and
// differs between countries, so none of it is code: a lawyer can read the
// file, check each entry against its source, and override it with --rules.
// An entry whose source was not verified carries "verified": false, and every
// answer computed from it says so.
package law

import (
	_ "embed"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/qantar-project/qantar"
)

// Rules is one jurisdiction's rules. Load it with Load or Default; after
// loading it is read-only and safe for concurrent use.
type Rules struct {
	About               string          `json:"about,omitempty"`
	Jurisdiction        string          `json:"jurisdiction"`
	Name                Labels          `json:"name"`
	Calendar            Calendar        `json:"calendar"`
	CountingRules       []CountingRule  `json:"counting_rules"`
	ComplaintKinds      []ComplaintKind `json:"complaint_kinds"`
	TerminationGrounds  []Entry         `json:"termination_grounds"`
	InterruptionGrounds []Entry         `json:"interruption_grounds"`
	Articles            []Entry         `json:"articles"`
	CaseSteps           CaseSteps       `json:"case_steps"`
	// Bounds is the box coordinates recorded in the jurisdiction fall in
	// (a unit's positions); none: not checked.
	Bounds *Bounds `json:"bounds,omitempty"`

	cal      calendarTable
	kinds    map[string]*ComplaintKind
	counting map[string]*CountingRule
	grounds  map[string]map[string]*Entry // list name → code → entry
	articles map[string]*Entry

	uncoveredNote, unsettledNote Note // said by deadlines the calendar cannot vouch for
}

// Bounds is a latitude and longitude box, with where it comes from.
type Bounds struct {
	MinLat float64 `json:"min_lat"`
	MaxLat float64 `json:"max_lat"`
	MinLon float64 `json:"min_lon"`
	MaxLon float64 `json:"max_lon"`
	Source string  `json:"source"`
}

// Holds reports whether a point is inside the box.
func (b *Bounds) Holds(lat, lon float64) bool {
	return lat >= b.MinLat && lat <= b.MaxLat && lon >= b.MinLon && lon <= b.MaxLon
}

// Labels are a short text in Kazakh, Russian and English.
type Labels struct {
	KK string `json:"kk,omitempty"`
	RU string `json:"ru,omitempty"`
	EN string `json:"en"`
}

// In returns the label in lang (kk, ru, en), falling back to English.
func (l Labels) In(lang string) string {
	switch {
	case lang == "kk" && l.KK != "":
		return l.KK
	case lang == "ru" && l.RU != "":
		return l.RU
	}
	return l.EN
}

// Calendar says which days are working days. Dates are YYYY-MM-DD.
type Calendar struct {
	Note    Labels   `json:"note,omitempty"`
	Weekend []string `json:"weekend"` // lower-case English day names
	// CoversFrom and CoversTo bound the days the lists below are complete
	// for; a count that touches a day outside them is flagged.
	CoversFrom string `json:"covers_from"`
	CoversTo   string `json:"covers_to"`
	// ProvisionalFrom, if set, is the first day of a stretch whose holidays
	// or transfers are not yet all published: counted, but flagged.
	ProvisionalFrom  string        `json:"provisional_from,omitempty"`
	Source           string        `json:"source,omitempty"`
	Holidays         []CalendarDay `json:"holidays"`
	MovedDaysOff     []CalendarDay `json:"moved_days_off"`
	MovedWorkingDays []CalendarDay `json:"moved_working_days"`
	// UnsettledDays are days whose status rests on a partly verified
	// source: each keeps its weekday's status (a weekday works, a weekend
	// day does not) and flags every count that depends on it.
	UnsettledDays []CalendarDay `json:"unsettled_days,omitempty"`
}

// CalendarDay is one listed day. Verified defaults to true: the calendar
// rows come with their sources; a row that is an estimate says false.
type CalendarDay struct {
	Date     string            `json:"date"`
	Name     map[string]string `json:"name"`
	Source   string            `json:"source"`
	Verified *bool             `json:"verified,omitempty"`
	Note     string            `json:"note,omitempty"`
}

// CountingRule says how a period is counted: Article 48 of the Kazakh CPC
// (calendar days, the last day moving off a non-working day) differs from
// the APPC (working days from the day after registration).
type CountingRule struct {
	Code        string `json:"code"`
	Description Labels `json:"description"`
	// LastDayMoves: a period whose last day is not a working day ends on
	// the next working day.
	LastDayMoves bool   `json:"last_day_moves"`
	Basis        Labels `json:"basis"`
	Source       string `json:"source"`
	Verified     *bool  `json:"verified"`
	// Edition is the text of the law the rule was read from.
	Edition *Edition `json:"edition,omitempty"`

	unverifiedNote Note
}

// Units of a Limit.
const (
	UnitCalendar = "calendar" // calendar days (сутки)
	UnitWorking  = "working"  // working days of the calendar
	UnitMonths   = "months"   // calendar months, ending on the same day number
)

// Limit is a time limit: so many days of a unit, counted by a rule, from an
// event stated in words.
type Limit struct {
	Days     int    `json:"days"`
	Unit     string `json:"unit"`
	Counting string `json:"counting"`
	From     Labels `json:"from"`
	Basis    Labels `json:"basis"`
	Verified *bool  `json:"verified"`
	Note     Labels `json:"note,omitempty"`
	// Starts names a starting event other than the day a caller gives:
	// StartsExtensionDecision for an extension that runs from the day it
	// was decided (APPC art. 76 p.3).
	Starts string `json:"starts,omitempty"`
	// Edition is the text of the law the limit was read from; Earlier are
	// the limits of earlier texts, each with its own edition's dates. A
	// deadline is counted with the one in force on the day it runs from.
	Edition *Edition `json:"edition,omitempty"`
	Earlier []Limit  `json:"earlier,omitempty"`

	unverifiedNote Note // built once at load, said by every unverified deadline
}

// StartsExtensionDecision: the period runs from the day the extension was
// decided. Qantar knows the day the response recording it was received,
// which is that day or later, so the deadline it gives is the latest the
// law allows, and says so.
const StartsExtensionDecision = "extension_decision"

// ComplaintKind is a kind of complaint with the time the addressee has to
// answer it (Limit), the longest it may take once it has recorded an
// extension (Extension), and the time the complainant has to file
// (FilingLimit).
type ComplaintKind struct {
	Code        string `json:"code"`
	Labels      Labels `json:"labels"`
	Basis       Labels `json:"basis"`
	Source      string `json:"source"`
	Limit       *Limit `json:"limit"`
	Extension   *Limit `json:"extension,omitempty"`
	FilingLimit *Limit `json:"filing_limit,omitempty"`
	EscalatesTo string `json:"escalates_to,omitempty"`
	Note        Labels `json:"note,omitempty"`
}

// Entry is a coded item of law: a termination or interruption ground, a
// criminal-code article.
type Entry struct {
	Code     string   `json:"code"`
	Labels   Labels   `json:"labels"`
	Basis    Labels   `json:"basis"`
	Source   string   `json:"source"`
	Verified *bool    `json:"verified"`
	Note     Labels   `json:"note,omitempty"`
	Edition  *Edition `json:"edition,omitempty"`
}

// IsVerified reports whether the entry's source was verified.
func (e *Entry) IsVerified() bool { return e.Verified != nil && *e.Verified }

// IsVerified reports whether the limit's source was verified.
func (l *Limit) IsVerified() bool { return l != nil && l.Verified != nil && *l.Verified }

// CaseSteps is the order in which a case may move: the steps a case may
// start with, the steps allowed after each step, and the steps that need a
// ground from a named list ("termination_grounds", "interruption_grounds").
type CaseSteps struct {
	Note        Labels              `json:"note,omitempty"`
	Initial     []string            `json:"initial"`
	Transitions map[string][]string `json:"transitions"`
	Grounds     map[string]string   `json:"grounds"`
}

// Lists of grounds a step may require.
const (
	ListTermination  = "termination_grounds"
	ListInterruption = "interruption_grounds"
)

// Kind returns a complaint kind by code.
func (r *Rules) Kind(code string) (*ComplaintKind, bool) {
	k, ok := r.kinds[code]
	return k, ok
}

// Ground returns a ground of the named list by code.
func (r *Rules) Ground(list, code string) (*Entry, bool) {
	e, ok := r.grounds[list][code]
	return e, ok
}

// Article returns a criminal-code article by code. A code with a part
// ("146-2": art. 146 part 2) is found under its article when the article
// itself is not listed.
func (r *Rules) Article(code string) (*Entry, bool) {
	if e, ok := r.articles[code]; ok {
		return e, true
	}
	art, part, ok := strings.Cut(code, "-")
	if !ok || part == "" || strings.Trim(part, "0123456789") != "" {
		return nil, false
	}
	e, ok := r.articles[art]
	return e, ok
}

// Allowed reports whether a case may move from step from ("" for a new case)
// to step to.
func (r *Rules) Allowed(from, to string) bool {
	next := r.CaseSteps.Initial
	if from != "" {
		next = r.CaseSteps.Transitions[from]
	}
	for _, s := range next {
		if s == to {
			return true
		}
	}
	return false
}

// Next lists the steps allowed after from ("" for a new case).
func (r *Rules) Next(from string) []string {
	if from == "" {
		return r.CaseSteps.Initial
	}
	return r.CaseSteps.Transitions[from]
}

//go:embed rules/kz.json
var kzJSON []byte

var (
	defaultOnce  sync.Once
	defaultRules *Rules
)

// Default returns the embedded rules for Kazakhstan. They are parsed once;
// the returned value is shared and must not be modified.
func Default() *Rules {
	defaultOnce.Do(func() {
		r, err := Load(strings.NewReader(string(kzJSON)))
		if err != nil {
			// The embedded file is tested; failing here is a build mistake.
			panic("law: embedded rules/kz.json: " + err.Error())
		}
		defaultRules = r
	})
	return defaultRules
}

// LoadFile loads rules from a file, naming the file in errors.
func LoadFile(path string) (*Rules, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, qantar.Errorf(qantar.EINVALID, "rules file: %v", err)
	}
	defer f.Close()
	r, err := Load(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return r, nil
}

// MaxRulesSize bounds a rules file; the Kazakh one is under 100 KB.
const MaxRulesSize = 16 << 20

// Load reads and checks a rules file strictly: malformed JSON, unknown
// fields, wrong types and inconsistent entries (an unknown counting rule, a
// moved working day that is not a weekend day, a duplicate code) are errors
// of type *LoadError naming the line, column and field at fault.
func Load(rd io.Reader) (*Rules, error) {
	data, err := io.ReadAll(io.LimitReader(rd, MaxRulesSize+1))
	if err != nil {
		return nil, qantar.Errorf(qantar.EINVALID, "rules: %v", err)
	}
	if len(data) > MaxRulesSize {
		return nil, qantar.Errorf(qantar.ETOOLARGE, "rules file is over %d bytes", MaxRulesSize)
	}
	var r Rules
	pos, err := decodeStrict(data, &r)
	if err != nil {
		return nil, err
	}
	if err := r.compile(); err != nil {
		if le, ok := err.(*LoadError); ok {
			le.Line, le.Column = pos.lineOf(le.Path)
		}
		return nil, err
	}
	return &r, nil
}

// Registry holds the rules of several jurisdictions by code; records name
// theirs in a "jurisdiction" field, empty meaning the default.
type Registry struct {
	byCode map[string]*Rules
	def    string
}

// NewRegistry returns a registry whose default is the first rules given.
// Later rules with the same code replace earlier ones, so an override given
// with --rules can follow the embedded default.
func NewRegistry(rules ...*Rules) *Registry {
	g := &Registry{byCode: map[string]*Rules{}}
	for _, r := range rules {
		if g.def == "" {
			g.def = r.Jurisdiction
		}
		g.byCode[r.Jurisdiction] = r
	}
	return g
}

// DefaultRegistry holds the embedded Kazakh rules only.
func DefaultRegistry() *Registry { return NewRegistry(Default()) }

// Get returns the rules of a jurisdiction; "" is the default.
func (g *Registry) Get(code string) (*Rules, error) {
	if code == "" {
		code = g.def
	}
	if r, ok := g.byCode[code]; ok {
		return r, nil
	}
	return nil, qantar.FieldErrorf("jurisdiction", "no rules for jurisdiction %q (known: %s)", code, strings.Join(g.Codes(), ", "))
}

// Codes lists the jurisdictions, sorted.
func (g *Registry) Codes() []string {
	out := make([]string, 0, len(g.byCode))
	for c := range g.byCode {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// Status computes a complaint's deadline and status with the rules of its
// jurisdiction.
func (g *Registry) Status(c *qantar.Complaint, asOf time.Time) (ComplaintStatus, error) {
	r, err := g.Get(c.Jurisdiction)
	if err != nil {
		return ComplaintStatus{}, err
	}
	return r.Status(c, asOf)
}
